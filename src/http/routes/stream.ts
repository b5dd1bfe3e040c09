/**
 * Live updates: `GET /api/v1/workflows/{id}/analytics/stream` (Server-Sent Events, CONTRACT §6) and
 * `POST /api/v1/auth/stream-token` (a short-lived token for EventSource, which cannot send headers).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { WorkflowId } from '../../contract/index.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import { signStreamToken } from '../../realtime/stream-token.js';
import type { AppDeps } from '../deps.js';
import { recordAudit } from '../guard.js';
import { AnalyticsQuery } from './analytics.js';


const StreamQuery = Type.Composite(
  [
    Type.Omit(AnalyticsQuery, ['compare', 'granularity']),
    Type.Object({ access_token: Type.Optional(Type.String({ maxLength: 2048, description: 'a token from POST /api/v1/auth/stream-token, for clients that cannot send Authorization' })) }),
  ],
  { additionalProperties: false },
);

export const streamRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/api/v1/auth/stream-token',
      {
        config: {
          access: { action: 'read', workflow: async (request) => (request.body as { workflow_id?: string } | undefined)?.workflow_id ?? null },
        },
        schema: {
          tags: ['live'],
          summary: 'A short-lived token to open one workflow\'s stream from EventSource',
          description: 'Pass it as `?access_token=` to the stream. It is refused for another workflow, after it expires, and once the key that asked for it is revoked.',
          body: Type.Object({ workflow_id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ token: Type.String(), expires_at: Type.String(), stream_url: Type.String() }) },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const exp = Math.floor(Date.now() / 1000) + deps.config.streamTokenTtlSeconds;
        const token = signStreamToken(deps.streamSecret, { keyId: p.keyId, account: p.accountId, workflow: request.body.workflow_id, exp });
        return reply.status(201).send({
          token,
          expires_at: new Date(exp * 1000).toISOString(),
          stream_url: `/api/v1/workflows/${encodeURIComponent(request.body.workflow_id)}/analytics/stream?access_token=${token}`,
        });
      },
    );

    app.get(
      '/api/v1/workflows/:workflow_id/analytics/stream',
      {
        config: { access: { action: 'read', workflow: 'param' }, streamToken: true, audit: 'analytics.stream' },
        schema: {
          tags: ['live'],
          summary: 'Live figures of a workflow (Server-Sent Events)',
          description:
            'First a `metrics_update` with `snapshot: true` and every figure, then, after each ingest that changes them, a `metrics_update` whose `changes` hold only the figures that changed ' +
            '(`total_enrolled`, `new_enrollments_delta`, `currently_active`, `completed`, `completions`, `conversions`, rates, per-step `entered`/`completed`/`dropped_off`…), at most one every 250 ms. ' +
            'The period defaults to today in `timezone`. Send `Last-Event-ID` to resume; a heartbeat comment comes every 15 s. Authenticate with the Bearer key or `?access_token=`.',
          params: WorkflowId,
          querystring: StreamQuery,
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const { access_token: _t, version, variant, enrollment_source, exit_reason, ...periodQuery } = request.query;
        const query = periodQuery.start_date || periodQuery.end_date || periodQuery.range ? periodQuery : { ...periodQuery, range: 'today' };
        parsePeriod(query); // a bad period is a 400 before the stream starts
        const scope = scopeOf(p.accountId, request.params.workflow_id, { version, variant, enrollment_source, exit_reason });
        const lastEventId = request.headers['last-event-id'];
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.socket?.setNoDelay(true);
        let leave: (() => void) | null = null;
        let gone = false;
        request.raw.on('close', () => {
          gone = true;
          leave?.();
        });
        try {
          leave = await deps.hub.open(
            scope,
            query,
            {
              write: (chunk) => (gone ? true : res.write(chunk)),
              onDrain: (cb) => res.once('drain', cb),
              close: () => res.end(),
            },
            typeof lastEventId === 'string' ? lastEventId : undefined,
          );
          if (gone) leave();
          recordAudit(deps, request, 200, reply.elapsedTime);
        } catch (err) {
          request.log.error({ err }, 'could not open the stream');
          res.end();
        }
      },
    );
  };
