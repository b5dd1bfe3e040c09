/**
 * fetch for connectors, with the outside services' rate limits respected: a 429 waits what its Retry-After header
 * says (seconds or an HTTP date; exponential backoff when absent; longer than the policy's cap: answered as is), a 5xx or a network error waits an exponential
 * backoff with full jitter (base · 2^attempt, capped, times a random factor in [0.5, 1]); at most `maxRetries`
 * retries, then the last answer is returned (or the error thrown) for the connector to report. Every retry is
 * counted (the run report's rate_limited_retries).
 */
export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 6, baseMs: 500, maxMs: 30_000 };

/** Retry-After as milliseconds (delta-seconds or an HTTP date), undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** attempt) * (0.5 + random() / 2);
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(signal.reason);
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

export function rateLimitedFetch(
  policy: RetryPolicy,
  onRetry: (why: { status: number | null; waitMs: number; url: string }) => void,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): (url: string, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      try {
        res = await fetchImpl(url, { ...init, ...(signal ? { signal } : {}) });
      } catch (err) {
        if (signal?.aborted || attempt >= policy.maxRetries) throw err;
      }
      if (res && res.status !== 429 && res.status < 500) return res;
      if (res && attempt >= policy.maxRetries) return res;
      const asked = res?.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
      // a service asking for a longer pause than a run may wait gets its answer back: the next run comes later
      if (res && asked !== undefined && asked > policy.maxMs) return res;
      const waitMs = asked ?? backoffMs(policy, attempt);
      await res?.arrayBuffer().catch(() => undefined);
      onRetry({ status: res?.status ?? null, waitMs, url });
      await sleep(waitMs, signal);
    }
  };
}
