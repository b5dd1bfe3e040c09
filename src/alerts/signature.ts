/**
 * The signature of alert webhooks, so that a receiver can tell a Flowlens delivery from a forged or replayed one.
 *
 * Each request carries two headers: `x-flowlens-timestamp`, the Unix time in seconds when it was sent, and
 * `x-flowlens-signature: v1=<hex>`, the HMAC-SHA256, keyed with the webhook's secret, of the timestamp, a dot
 * and the raw request body (`${timestamp}.${body}`), in lowercase hex. Signing the timestamp with the body lets
 * the receiver refuse an old request replayed later: verifySignature rejects a timestamp more than 5 minutes
 * away from its clock. Each retry is signed again with its own timestamp.
 *
 * A receiver verifies the body bytes exactly as received, before parsing them (re-serialised JSON may differ).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-flowlens-signature';
export const TIMESTAMP_HEADER = 'x-flowlens-timestamp';
/** The scheme of the signature header's value ("v1=<hex>"); a new scheme would get a new prefix. */
export const SIGNATURE_SCHEME = 'v1';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of `${timestamp}.${body}` keyed with `secret`. */
export function signBody(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The two headers of a signed request sent at `timestamp` (Unix seconds). */
export function signatureHeaders(secret: string, timestamp: number, body: string): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `${SIGNATURE_SCHEME}=${signBody(secret, timestamp, body)}` };
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Whether `body` was signed with `secret` at `headers.timestamp`, and that timestamp is within
 * `toleranceSeconds` of `nowSeconds` (either way: a clock ahead of ours is allowed the same slack). The signature
 * header is "v1=<hex>"; several comma-separated values are accepted (one matching is enough), as a receiver may
 * see while a secret is rotated. The comparison takes the same time whatever the bytes.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string; signature: string },
  body: string | Buffer,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Date.now() / 1000,
): boolean {
  const ts = headers.timestamp.trim();
  if (!/^\d{1,12}$/.test(ts)) return false;
  const timestamp = Number(ts);
  if (!(Math.abs(nowSeconds - timestamp) <= toleranceSeconds)) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body), 'hex');
  let ok = false;
  for (const part of headers.signature.split(',')) {
    const [scheme, hex] = part.trim().split('=', 2);
    if (scheme !== SIGNATURE_SCHEME || hex === undefined || !HEX_SHA256.test(hex)) continue;
    // both are 32 bytes here; `ok ||` after the comparison keeps every candidate compared
    ok = timingSafeEqual(Buffer.from(hex, 'hex'), expected) || ok;
  }
  return ok;
}
