/** The server's own Prometheus metrics (GET /metrics). One registry per app, so tests stay independent. */
import client from 'prom-client';

export class OpsMetrics {
  readonly registry = new client.Registry();
  readonly httpDuration = new client.Histogram({
    name: 'flowlens_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly eventsIngested = new client.Counter({
    name: 'flowlens_events_ingested_total',
    help: 'Events stored',
    registers: [this.registry],
  });
  readonly batchSize = new client.Histogram({
    name: 'flowlens_ingest_batch_rows',
    help: 'Rows per insert into ClickHouse',
    buckets: [1, 10, 100, 1000, 5000, 10000, 50000, 100000],
    registers: [this.registry],
  });
  readonly batchSeconds = new client.Histogram({
    name: 'flowlens_ingest_batch_seconds',
    help: 'Time to deduplicate and insert one batch',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly queryDuration = new client.Histogram({
    name: 'flowlens_store_query_seconds',
    help: 'Store query time',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'flowlens_' });
  }

  recordBatch(rows: number, seconds: number): void {
    this.eventsIngested.inc(rows);
    this.batchSize.observe(rows);
    this.batchSeconds.observe(seconds);
  }
}
