/** flowlens seed: deterministic synthetic data over the last N days, with a progress bar. */
import { demoWorkflows, generateEvents, type GenerateOptions } from '../demo/generate.js';
import type { EventSink } from '../ingest/sinks.js';
import { demoAlertRules } from '../demo/alert-rules.js';
import { demoExperiments } from '../demo/experiments.js';
import { progressBar } from './progress.js';
import type { DemoTarget } from './target.js';

export interface SeedSummary {
  workflows: number;
  enrollments: number;
  events: number;
  experiments: number;
  alertRules: number;
  accepted: number;
  seconds: number;
}

/** Seeds the demo's events and, with `demo`, its two running experiments and its alert rules (src/demo). */
export async function seed(sink: EventSink, options: GenerateOptions, showProgress = true, demo?: DemoTarget): Promise<SeedSummary> {
  const started = performance.now();
  const workflows = demoWorkflows(options.workflows);
  for (const wf of workflows) for (const reg of wf.registrations) await sink.register(wf.workflowId, reg);
  const bar = showProgress ? progressBar('seed', options.enrollments, 'enrollments') : null;
  let events = 0;
  let accepted = 0;
  let enrolled = 0;
  let pending: unknown[] = [];
  // One batch is written while the next is generated and validated (the sink queues it behind the first):
  // the engine's insert and this thread's work overlap. At most two batches are in flight.
  let previous: Promise<void> = Promise.resolve();
  const flush = async () => {
    const sending = sink.send(pending).then((res) => {
      accepted += res.accepted;
      if (res.rejected.length) throw new Error(`seed produced invalid events: ${JSON.stringify(res.rejected.slice(0, 3))}`);
    });
    sending.catch(() => {}); // its failure is thrown where it is awaited, below
    pending = [];
    await previous;
    previous = sending;
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
  await previous;
  bar?.update(enrolled, { events });
  bar?.stop();
  const planned = demo ? demoExperiments(options) : [];
  for (const x of planned) await demo!.experiment(x.input, x.startedAt);
  const rules = demo ? demoAlertRules(options) : [];
  for (const r of rules) await demo!.alertRule(r);
  return { workflows: workflows.length, enrollments: enrolled, events, accepted, experiments: planned.length, alertRules: rules.length, seconds: (performance.now() - started) / 1000 };
}
