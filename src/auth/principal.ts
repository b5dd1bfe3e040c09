/**
 * Who is calling: resolved from the Bearer key by the auth hook and attached to the request.
 * The role checks every route uses live here, in one place.
 */
import type { FastifyRequest } from 'fastify';
import { forbidden, HttpProblem } from '../http/problem.js';
import type { ApiKeyRecord, Role } from './keys.js';

export interface Principal {
  keyId: string;
  accountId: string;
  role: Role;
  userId: string;
  isOperator: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function principalFromKey(k: ApiKeyRecord): Principal {
  return { keyId: k.key_id, accountId: k.account_id, role: k.role, userId: k.user_id, isOperator: k.is_operator };
}

/** The caller, or 401 when the request carries no valid key. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new HttpProblem(401, 'Send a valid API key as "Authorization: Bearer <key>"', undefined, {
      'WWW-Authenticate': 'Bearer',
    });
  }
  return request.principal;
}

export type Action = 'ingest' | 'read' | 'write_catalog' | 'manage_keys' | 'manage_accounts';

const ALLOWED: Record<Action, readonly Role[]> = {
  ingest: ['admin', 'member', 'ingest'],
  read: ['admin', 'member', 'viewer'],
  write_catalog: ['admin', 'member'],
  manage_keys: ['admin'],
  manage_accounts: [],
};

/** Throws 403 unless the caller may perform the action (the operator may do everything). */
export function requireAction(request: FastifyRequest, action: Action): Principal {
  const p = principalOf(request);
  if (p.isOperator) return p;
  if (!ALLOWED[action].includes(p.role)) throw forbidden(`A key with role "${p.role}" may not ${action.replace('_', ' ')}`);
  return p;
}
