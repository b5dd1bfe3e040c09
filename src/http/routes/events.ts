/** POST /api/v1/events: JSON array or NDJSON, validated one by one, acknowledged once stored. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { AnyEventSchema } from '../../ingest/event-schemas.js';
import { IngestBusyError } from '../../ingest/buffer.js';
import { ingestItems, MAX_BODY_BYTES } from '../../ingest/ingest.js';
import { itemsFromJson, itemsFromNdjson } from '../../ingest/parse-body.js';
import type { AppDeps } from '../deps.js';
import { ProblemSchema } from '../schemas.js';
import { HttpProblem } from '../problem.js';
import zlib from 'node:zlib';

const IngestResponse = Type.Object({
  accepted: Type.Integer({ description: 'Events stored now' }),
  duplicates: Type.Integer({ description: 'Events whose event_id was already stored (counted once)' }),
  aggregated_only: Type.Integer({
    description:
      'Of the accepted, events older than the raw retention window (backfill): counted in the daily and monthly aggregates ' +
      'and in their executions\' cohort figures, their detail not kept. A re-send is a duplicate for as long as those aggregates are kept.',
  }),
  rejected: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the event in the request' }),
      errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    }),
  ),
});

export const eventRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/api/v1/events',
      {
        bodyLimit: MAX_BODY_BYTES,
        config: { access: { action: 'ingest' }, rateLimitGroup: 'ingest' },
        schema: {
          tags: ['ingestion'],
          summary: 'Send workflow events',
          description:
            'A JSON array of events, or NDJSON (Content-Type: application/x-ndjson), at most 10 MB (inflated, with Content-Encoding: gzip) and 50,000 events. ' +
            'Invalid events are rejected one by one; valid ones in the same request are kept. The answer comes once ' +
            'accepted events are stored. Re-sending an event_id is counted once, under duplicates. Events older than the raw window ' +
            '(default 90 days) are counted in the aggregates only (aggregated_only); events older than the daily window (default 2 years) ' +
            'are rejected one by one, with the reason.',
          body: Type.Union([Type.Array(AnyEventSchema), AnyEventSchema, Type.String({ maxLength: MAX_BODY_BYTES, description: 'NDJSON text' })]),
          response: { 200: IngestResponse, 400: ProblemSchema, 413: ProblemSchema, 503: ProblemSchema },
        },
        // The body is validated event by event in ingestItems, so that one bad event rejects only itself.
        validatorCompiler: () => () => true,
        // saturated: refused before the body is read and parsed, so that senders retrying at once cost next to nothing
        onRequest: async () => {
          if (deps.buffer.saturated()) throw new IngestBusyError(deps.buffer.pendingRows);
        },
        // Content-Encoding: gzip (the SDK sends it): the body is inflated as it arrives; the 10 MB limit counts the
        // inflated bytes, so a small compressed body cannot grow past it.
        preParsing: async (request, _reply, payload) => {
          const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
          if (encoding === 'identity') return payload;
          if (encoding !== 'gzip') throw new HttpProblem(415, `Content-Encoding ${encoding} is not supported: send gzip, or no encoding`);
          const inflated = zlib.createGunzip() as zlib.Gunzip & { receivedEncodedLength?: number };
          let encoded = 0;
          payload.on('data', (chunk: Buffer) => {
            encoded += chunk.length;
            inflated.receivedEncodedLength = encoded;
          });
          payload.on('error', (err) => inflated.destroy(err));
          payload.pipe(inflated);
          return inflated;
        },
      },
      async (request) => {
        const p = principalOf(request);
        const items = typeof request.body === 'string' ? itemsFromNdjson(request.body) : itemsFromJson(request.body);
        const pseudonymize = await deps.accountSettings.pseudonymizer(p.accountId);
        return ingestItems(deps.buffer, p.accountId, items, { pseudonymize });
      },
    );
  };
