/**
 * Rate limits per API key (CONTRACT §2), with @fastify/rate-limit. A route joins a group through its
 * config (`rateLimitGroup`): `analytics` (FLOWLENS_RATE_LIMIT_PER_MINUTE, default 60) and `ingest`
 * (FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE, default 1200 requests of up to 50,000 events). All routes of
 * a group share one counter per key. A limit of 0 turns its group off. Over the limit: 429 with
 * Retry-After. With Redis the counters are shared by every instance; when Redis is unreachable the
 * instance counts in-process (and says so in the log) instead of failing requests.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import type { Config } from '../config/config.js';
import type { Warn } from '../redis/connection.js';
import { HttpProblem } from './problem.js';

export type RateLimitGroup = 'analytics' | 'ingest';

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimitGroup?: RateLimitGroup;
  }
}

interface StoreResult {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, res?: StoreResult) => void;
interface LimitStore {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): LimitStore;
}
type StoreCtor = new (...args: unknown[]) => LimitStore;

const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreCtor;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreCtor;

/** A store that counts in Redis and falls back to an in-process count while Redis is unreachable. */
function fallbackStore(redis: Redis, warn: Warn) {
  let warned = false;
  return class FallbackStore implements LimitStore {
    private readonly local = new LocalStore(false, false, 10_000);
    private readonly remote = new RedisStore(false, false, redis, 'flowlens:rate:');

    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      const fallBack = (err?: unknown) => {
        if (!warned) warn('rate limits are counted in-process while Redis is unreachable', err);
        warned = true;
        this.local.incr(key, cb, timeWindow, max);
      };
      if (redis.status !== 'ready') return fallBack();
      this.remote.incr(
        key,
        (err, res) => {
          if (err || !res) return fallBack(err ?? undefined);
          warned = false;
          cb(null, res);
        },
        timeWindow,
        max,
      );
    }

    child(): LimitStore {
      return this;
    }
  };
}

export async function registerRateLimits(app: FastifyInstance, config: Config, redis: Redis | undefined, warn: Warn) {
  const limits: Record<RateLimitGroup, number> = {
    analytics: config.rateLimitPerMinute,
    ingest: config.ingestRateLimitPerMinute,
  };
  const groupOf = (request: FastifyRequest) => request.routeOptions.config.rateLimitGroup;
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    max: (request) => limits[groupOf(request)!] ?? 0,
    allowList: (request) => {
      const group = groupOf(request);
      return !group || !limits[group];
    },
    keyGenerator: (request) => `${groupOf(request)}:${request.principal?.keyId ?? `ip:${request.ip}`}`,
    ...(redis ? { store: fallbackStore(redis, warn) } : {}),
    errorResponseBuilder: (request, context) =>
      new HttpProblem(
        429,
        `This key may make ${context.max} ${groupOf(request)} requests per minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
        undefined,
        { 'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      ),
  });
}
