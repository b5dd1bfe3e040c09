/**
 * RFC 9457 problem details: every error leaves the API as application/problem+json.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
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

export const badRequest = (detail: string, errors?: ProblemField[]) => new HttpProblem(400, detail, errors);
export const notFound = (detail: string) => new HttpProblem(404, detail);
export const forbidden = (detail: string) => new HttpProblem(403, detail);

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

/** Maps any error thrown in a request to a problem response; never leaks stacks or SQL. */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpProblem) {
    reply.headers(err.headers);
    return sendProblem(reply, err.status, err.detail, err.errors);
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
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return sendProblem(reply, 400, `The request body is not valid JSON: ${err.message}`);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendProblem(reply, status, err.message);
  request.log.error({ err }, 'request failed');
  return sendProblem(reply, status >= 500 ? status : 500, 'The server could not answer this request; it has been logged.');
}
