/**
 * The dashboard's panel routes (rate limit group `analytics`) get response serializers whose validators are compiled
 * when the app is ready: fast-json-stringify tells the branches of a union of objects apart with Ajv validators it
 * otherwise compiles on the first response that reaches them, which made each panel's first request after a start
 * 35–85 ms slower than the next (measured in process at 20k enrollments: summary 62, funnel 86, actions 51, versions
 * 53 ms of serialization, then under 1 ms; 1–3 ms compiled ahead). Every route compiled so would make the app's start
 * 3–4 s slower (1.4 → 5.1 s in that measurement); the panels alone add ≈1.7 s (0.9–1.3 → 2.7–2.8 s). FLOWLENS_COMPILE_SERIALIZERS
 * (config.compileSerializers, default on) turns it off; the tests' runtimes do, to start faster.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance, FastifySerializerCompiler } from 'fastify';

const compile = SerializerSelector()({}, { compileValidators: true });
// Fastify gives the route's response schema with its status code, which the compiler's own type asks for as required
const eager: FastifySerializerCompiler<unknown> = (def) => compile({ ...def, httpStatus: def.httpStatus ?? '200' });

export function registerEagerSerializers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.rateLimitGroup === 'analytics' && route.serializerCompiler === undefined) route.serializerCompiler = eager;
  });
}
