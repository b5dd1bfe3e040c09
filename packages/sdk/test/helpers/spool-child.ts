/**
 * A workflow engine's process for the spool test: tracks N executions with a spool, says so, and waits to be
 * killed (SIGKILL: no close(), no flush).
 */
import { Flowlens } from '../../src/index.js';

const [url, apiKey, spoolDir, workflowId, n] = process.argv.slice(2) as [string, string, string, string, string];
const client = new Flowlens({ url, apiKey, spoolDir, batchSize: 100, flushIntervalMs: 20, concurrency: 2, gzip: false, requestTimeoutMs: 120_000 });
for (let i = 0; i < Number(n); i++) {
  void client.track({ type: 'execution.started', workflow_id: workflowId, execution_id: `sp-${i}`, contact_id: `c-${i}`, enrollment_source: 'api' });
}
process.stdout.write(`tracked ${n}\n`);
setInterval(() => process.stdout.write(`${JSON.stringify(client.stats())}\n`), 200);
