/**
 * RFC 9457 problem details: every error leaves the API as application/problem+json.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Busy, Conflict, Forbidden, InvalidInput, NotFound, TooLarge, Unauthenticated } from '../errors/domain-errors.js';
import { StoreError } from '../store/store.js';

export interface ProblemField {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error that maps to a problem response. Throw it from anywhere below a route. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: ProblemField[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** Shorthands for route handlers (below the HTTP layer, throw the domain errors of src/errors instead). */
export const badRequest = (detail: string, errors?: ProblemField[]) => new InvalidInput(detail, errors);
export const notFound = (detail: string) => new NotFound(detail);
export const forbidden = (detail: string) => new Forbidden(detail);

export function problemBody(status: number, detail: string, errors?: ProblemField[]) {
  const title = TITLES[status] ?? 'Error';
  return {
    type: `https://flowlens.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`,
    title,
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, status: number, detail: string, errors?: ProblemField[]) {
  return reply.status(status).type('application/problem+json').send(problemBody(status, detail, errors));
}

/**
 * Engine errors that the request's input or size caused, by ClickHouse error code: a clear 400 or 503 naming
 * what to change, never the SQL. Any other engine error is the server's fault (500, logged).
 */
const ENGINE_INPUT_ERRORS: Record<number, [status: number, detail: string]> = {
  6: [400, 'A value in the request cannot be read by the engine (CANNOT_PARSE_TEXT)'],
  36: [400, 'A value in the request is not one the engine accepts (for example an unknown timezone)'],
  38: [400, 'A date in the request cannot be read'],
  41: [400, 'A date and time in the request cannot be read'],
  69: [400, 'A value in the request is out of range'],
  70: [400, 'A value in the request cannot be converted to the type it is used as'],
  72: [400, 'A number in the request cannot be read'],
  158: [400, 'The answer would have more rows than a request may get; ask for a shorter period or a coarser granularity'],
  396: [400, 'The answer would have more rows than a request may get; ask for a shorter period or a coarser granularity'],
  321: [400, 'A value in the request is out of the range of its type'],
  457: [400, 'A value in the request does not have the type this parameter needs'],
  159: [503, 'This question took longer than the time a query may take (FLOWLENS_QUERY_TIMEOUT_S); ask for a shorter period, or try again later'],
  241: [503, 'This question needs more memory than a query may use (FLOWLENS_QUERY_MAX_MEMORY_MB); ask for a shorter period or fewer workflows'],
  202: [503, 'The engine is answering too many questions at once; try again shortly'],
  394: [503, 'The question was cancelled (the server is stopping or overloaded); try again shortly'],
};

/** The problem an error maps to, or undefined for an unexpected error (a 500). */
function knownProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem) return err;
  if (err instanceof InvalidInput) return new HttpProblem(400, err.detail, err.fields);
  if (err instanceof NotFound) return new HttpProblem(404, err.detail);
  if (err instanceof Forbidden) return new HttpProblem(403, err.detail);
  if (err instanceof Unauthenticated) return new HttpProblem(401, err.detail, undefined, { 'WWW-Authenticate': 'Bearer' });
  if (err instanceof TooLarge) return new HttpProblem(413, err.detail);
  if (err instanceof Conflict) return new HttpProblem(409, err.detail);
  if (err instanceof Busy) return new HttpProblem(503, err.detail, undefined, { 'Retry-After': String(err.retryAfterSeconds) });
  if (err instanceof StoreError && err.code !== undefined && ENGINE_INPUT_ERRORS[err.code]) {
    const [status, detail] = ENGINE_INPUT_ERRORS[err.code]!;
    return new HttpProblem(status, detail, undefined, status === 503 ? { 'Retry-After': '5' } : {});
  }
  return undefined;
}

/** Maps any error thrown in a request to a problem response; never leaks stacks or SQL. */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = knownProblem(err);
  if (known) {
    if (err instanceof StoreError) request.log.warn({ err }, 'the engine refused a request\'s question');
    reply.headers(known.headers);
    return sendProblem(reply, known.status, known.detail, known.errors);
  }
  if (err.validation) {
    const errors = err.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      return { path: `${v.instancePath ?? ''}${missing ? `/${missing}` : ''}`, message: v.message ?? 'is invalid' };
    });
    const where = err.validationContext ?? 'input';
    const list = errors.map((e) => `${e.path || where} ${e.message}`).join('; ');
    return sendProblem(reply, 400, `Invalid ${where}: ${list}`, errors);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, 413, 'The request body is larger than this endpoint accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, 415, `Unsupported Content-Type: ${request.headers['content-type'] ?? 'none'}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(reply, 400, 'The request body is empty');
    // a body sent with Content-Encoding: gzip that does not inflate
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return sendProblem(reply, 400, `The request body is not valid gzip: ${err.message}`);
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return sendProblem(reply, 400, `The request body is not valid JSON: ${err.message}`);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendProblem(reply, status, err.message);
  request.log.error({ err }, 'request failed');
  return sendProblem(reply, status >= 500 ? status : 500, 'The server could not answer this request; it has been logged.');
}

/** The detail of the router's own refusals (Fastify's frameworkErrors). */
export function frameworkErrorDetail(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return 'The URL is not valid: a percent sign must start a valid %XX escape';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path parameter is longer than any identifier can be';
    default:
      return 'The request could not be routed';
  }
}

/**
 * What the HTTP parser refuses before any route sees it (Fastify's clientErrorHandler): headers or URL over
 * Node's 16 KB, a client that sends too slowly, a malformed request. Written to the socket as problem+json.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request\'s headers (the URL with its query string included) are larger than 16 KB']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(problemBody(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
