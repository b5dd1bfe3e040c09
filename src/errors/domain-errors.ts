/**
 * Errors of the domain, thrown below the HTTP layer (metrics, ingest, auth, stores, jobs) and mapped to
 * problem+json in one place (src/http/problem.ts). They say what went wrong in the caller's terms; none carries
 * an HTTP status.
 */

/** A field the caller gave that is wrong, as a JSON pointer into the request and a message. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error of the domain: what went wrong, in the caller's terms (`detail`). */
export class DomainError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The caller's input is wrong (a bad value, out of range, or a combination that cannot be answered). */
export class InvalidInput extends DomainError {
  constructor(
    detail: string,
    readonly fields: FieldError[] = [],
  ) {
    super(detail);
  }
}

/** What the caller named does not exist (or is not theirs to know about). */
export class NotFound extends DomainError {}

/** The request carries no valid credentials. */
export class Unauthenticated extends DomainError {}

/** The request is larger than the system takes at once (more events than a request may carry). */
export class TooLarge extends DomainError {}

/** The thing named is not in a state that allows this (an experiment already running, a draft not started). */
export class Conflict extends DomainError {}

/** The caller may not do this. */
export class Forbidden extends DomainError {}

/** The system cannot take this now (saturated, or the question took too long); the caller may retry later. */
export class Busy extends DomainError {
  constructor(
    detail: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(detail);
  }
}

/** A number sized by a request, checked again where it sizes a loop or an allocation. */
export function assertBounded(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInput(`${what} must be a whole number from ${min} to ${max}, got ${value}`, [{ path: `/${what}`, message: `must be from ${min} to ${max}` }]);
  }
  return value;
}
