/**
 * Fastify's own log lines, with a request's two info lines (incoming, completed) only when asked for
 * (FLOWLENS_LOG_REQUESTS=1): a busy dashboard would otherwise print hundreds of lines after the start banner.
 * A request that failed still logs its error line, and every other line of Fastify's stays as it is.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class RequestLog extends LogController {
  constructor(private readonly perRequest: boolean) {
    super();
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.perRequest) super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (this.perRequest || error) super.requestCompleted(error, request, reply, metadata);
  }
}
