/** When to try a request again: exponential backoff with full jitter, and the server's Retry-After. */

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry): a uniformly random time in
 * [0, min(maxMs, initialMs × 2^(retry−1))) — "full jitter", so that clients failing together do not retry
 * together.
 */
export function backoffMs(retry: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(retry - 1, 30));
  return Math.floor(random() * cap);
}

/**
 * A Retry-After header in milliseconds: delta-seconds (`"2"`, also `"1.5"`) or an HTTP date; null when absent or
 * unreadable. Never negative; at most `maxMs`.
 */
export function retryAfterMs(header: string | null, maxMs: number, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (text === '') return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    if (!/[a-z]/i.test(text)) return null; // an HTTP date names its day and month
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(maxMs, Math.max(0, Math.ceil(ms)));
}

/**
 * How long to wait before the next attempt: never less than the server's Retry-After when it sent one (plus up
 * to 20% at random, so that many clients told the same time do not all come back in the same instant);
 * otherwise the jittered exponential backoff.
 */
export function retryDelayMs(retry: number, retryAfter: number | null, o: { initialBackoffMs: number; maxBackoffMs: number }, random: () => number = Math.random): number {
  if (retryAfter !== null) return retryAfter + Math.floor(random() * retryAfter * 0.2);
  return backoffMs(retry, o.initialBackoffMs, o.maxBackoffMs, random);
}

/** Statuses worth trying again: the server is busy, overloaded or restarting. */
export function isTransient(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
