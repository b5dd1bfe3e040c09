/** flowlens seed: deterministic synthetic data over the last N days, with a progress bar. */
import { demoWorkflows, generateEvents, type GenerateOptions } from '../demo/generate.js';
import type { EventSink } from '../ingest/sinks.js';
import { progressBar } from './progress.js';

export interface SeedSummary {
  workflows: number;
  enrollments: number;
  events: number;
  accepted: number;
  seconds: number;
}

export async function seed(sink: EventSink, options: GenerateOptions, showProgress = true): Promise<SeedSummary> {
  const started = performance.now();
  const workflows = demoWorkflows(options.workflows);
  for (const wf of workflows) for (const reg of wf.registrations) await sink.register(wf.workflowId, reg);
  const bar = showProgress ? progressBar('seed', options.enrollments, 'enrollments') : null;
  let events = 0;
  let accepted = 0;
  let enrolled = 0;
  let pending: unknown[] = [];
  const flush = async () => {
    const res = await sink.send(pending);
    accepted += res.accepted;
    if (res.rejected.length) throw new Error(`seed produced invalid events: ${JSON.stringify(res.rejected.slice(0, 3))}`);
    pending = [];
  };
  for (const chunk of generateEvents(options)) {
    for (const e of chunk) {
      pending.push(e);
      if (e.type === 'execution.started') enrolled++;
    }
    events += chunk.length;
    if (pending.length >= 50_000) await flush();
    bar?.update(enrolled, { events });
  }
  if (pending.length) await flush();
  bar?.update(enrolled, { events });
  bar?.stop();
  return { workflows: workflows.length, enrollments: enrolled, events, accepted, seconds: (performance.now() - started) / 1000 };
}
