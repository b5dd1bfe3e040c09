/**
 * The Redis connection used when `--redis-url` is given (rate limits now; the event bus later).
 * Commands fail fast while Redis is away (no offline queue), so callers can fall back to in-process
 * behaviour; the client keeps reconnecting in the background. Losing Redis is logged, never fatal.
 */
import { Redis } from 'ioredis';

export type Warn = (msg: string, err?: unknown) => void;

export function openRedis(url: string, warn: Warn): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 250, 5000),
  });
  let down = false;
  redis.on('error', (err) => {
    if (down) return;
    down = true;
    warn(`Redis at ${redactUrl(url)} is unreachable; using in-process behaviour until it is back`, err);
  });
  redis.on('ready', () => {
    if (down) warn(`Redis at ${redactUrl(url)} is reachable again`);
    down = false;
  });
  return redis;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
}
