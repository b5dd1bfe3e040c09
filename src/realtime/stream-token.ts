/**
 * Short-lived signed tokens for EventSource, which cannot send an Authorization header
 * (CONTRACT §2): `POST /api/v1/auth/stream-token` issues one for one workflow; the stream accepts it as
 * `?access_token=`. A token names the key it was issued to, so revoking the key also refuses its tokens,
 * and the key's access to the workflow is checked again when the stream opens.
 */
import crypto from 'node:crypto';
import type { Store } from '../store/store.js';

export interface StreamClaims {
  keyId: string;
  account: string;
  workflow: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export class StreamTokenError extends Error {}

/** The signing secret, created once per store and shared by every instance using it. */
export async function loadStreamSecret(store: Store): Promise<Buffer> {
  const read = async () =>
    (await store.query<{ value: string }>("SELECT value FROM server_secrets FINAL WHERE name = 'stream_token'"))[0]?.value;
  let value = await read();
  if (!value) {
    await store.insert('server_secrets', [{ name: 'stream_token', value: crypto.randomBytes(32).toString('hex'), created_at: new Date().toISOString() }]);
    value = await read();
  }
  return Buffer.from(value!, 'hex');
}

export function signStreamToken(secret: Buffer, claims: StreamClaims): string {
  const body = Buffer.from(JSON.stringify({ k: claims.keyId, a: claims.account, w: claims.workflow, e: claims.exp })).toString('base64url');
  const mac = crypto.createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** The claims of a genuine, unexpired token; throws StreamTokenError otherwise. */
export function verifyStreamToken(secret: Buffer, token: string, now = Date.now()): StreamClaims {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) throw new StreamTokenError('The stream token is malformed');
  // Compared as text: decoding would accept other spellings of the same bytes (the last character of 32 bytes
  // in base64url carries 2 unused bits), so a token changed in its last character could still pass.
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(body).digest('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new StreamTokenError('The stream token is not genuine');
  let c: { k?: unknown; a?: unknown; w?: unknown; e?: unknown };
  try {
    c = JSON.parse(Buffer.from(body, 'base64url').toString()) as typeof c;
  } catch {
    throw new StreamTokenError('The stream token is malformed');
  }
  if (typeof c.k !== 'string' || typeof c.a !== 'string' || typeof c.w !== 'string' || typeof c.e !== 'number') {
    throw new StreamTokenError('The stream token is malformed');
  }
  if (c.e * 1000 <= now) throw new StreamTokenError('The stream token has expired; request a new one');
  return { keyId: c.k, account: c.a, workflow: c.w, exp: c.e };
}
