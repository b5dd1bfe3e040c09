/**
 * Who is calling: resolved from the Bearer key by the authentication hook and attached to the request.
 * What the caller may do is decided in one place, ./authorize.ts.
 */
import type { FastifyRequest } from 'fastify';
import { Unauthenticated } from '../errors/domain-errors.js';
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
    throw new Unauthenticated('Send a valid API key as "Authorization: Bearer <key>"');
  }
  return request.principal;
}
