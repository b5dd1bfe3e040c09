/**
 * Request validation: Fastify's own Ajv compiler, with one rule Ajv does not keep. With type coercion, Ajv turns
 * the query string "1e309" or "Infinity" into the number Infinity and then skips `minimum` and `maximum`, which it
 * checks only on finite numbers: `horizon_days=1e309` passed a schema that says at most 90, and the handler looped
 * forever. A JSON body can say 1e309 too (JSON.parse gives Infinity). So every validated part of a request
 * (params, query string, headers, body) is also refused when it holds a number that is not finite, wherever it
 * sits; the schema's bounds then hold for every number a handler sees.
 */
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** The path (JSON pointer) of the first number that is not finite in a value, or undefined. Depth-bounded. */
export function nonFinitePath(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '/';
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinitePath(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** A validator that also refuses non-finite numbers in what the schema accepted. */
function finiteOnly(validate: Validate): Validate {
  const wrapped: Validate = (data: unknown) => {
    const ok = validate(data);
    wrapped.errors = validate.errors ?? null;
    if (!ok) return false;
    const at = nonFinitePath(data);
    if (at === undefined) return true;
    wrapped.errors = [{ instancePath: at === '/' ? '' : at, schemaPath: '#', keyword: 'finite', params: {}, message: 'must be a finite number' }];
    return false;
  };
  return wrapped;
}

type Compiled = ReturnType<ReturnType<ValidatorFactory>>;

/** For Fastify's schemaController.compilersFactory.buildValidator. */
export function finiteValidatorFactory(): ValidatorFactory {
  const build = AjvCompiler();
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => finiteOnly(compile(route) as unknown as Validate) as unknown as Compiled;
  };
}
