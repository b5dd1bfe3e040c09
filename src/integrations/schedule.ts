/**
 * Runs integration syncs, one at a time (a process never syncs two integrations at once, so the outside services'
 * rate limits and the store see one run's requests): every `tickMs` the enabled integrations whose schedule is due
 * (schedule_minutes since their latest run started; 0 = on demand only) are queued, and `runNow` queues one on
 * demand and answers its queued run at once (the API's 202 with the run id). An integration already queued or
 * running is not queued twice. Runs a stopped process left queued or running are marked failed at start.
 * Created, started and stopped with the runtime; the routes reach it as AppDeps.integrations.
 */
import { runSync, newRun, type SyncDeps } from './sync.js';
import type { Integration, Run, RunTrigger } from './store.js';

export interface ScheduleOptions {
  /** How often due integrations are looked for (0: on demand only). */
  tickMs: number;
}

export class IntegrationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: Array<{ integration: Integration; run: Run }> = [];
  private readonly pending = new Set<string>();
  private working: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private ticking: Promise<void> | undefined;

  constructor(
    readonly deps: SyncDeps,
    private readonly options: ScheduleOptions,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    const now = new Date().toISOString();
    for (const run of await this.deps.integrations.runsIn(['queued', 'running'])) {
      await this.deps.integrations.saveRun({ ...run, status: 'failed', finished_at: now, error: 'interrupted: the server stopped before the run finished' });
    }
    if (this.options.tickMs > 0) {
      this.timer = setInterval(() => void this.tick(), this.options.tickMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort(new Error('the server is stopping'));
    await this.ticking;
    await this.working;
  }

  /** Queues every enabled integration whose scheduled sync is due at `now`; answers how many were queued. */
  tick(now = Date.now()): Promise<void> {
    this.ticking ??= (async () => {
      try {
        const last = await this.deps.integrations.lastStarts();
        for (const i of await this.deps.integrations.list(null)) {
          if (!i.enabled || i.schedule_minutes === 0) continue;
          const started = last.get(`${i.account_id}/${i.id}`);
          if (started === undefined || Date.parse(started) + i.schedule_minutes * 60_000 <= now) await this.enqueue(i, 'schedule');
        }
      } catch (err) {
        this.log('integration schedule check failed', err);
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  /** Queues a sync of `i` now; answers its run (already queued or running: that run). */
  async runNow(i: Integration): Promise<Run> {
    return this.enqueue(i, 'manual');
  }

  /** Resolves once the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  private async enqueue(i: Integration, trigger: RunTrigger): Promise<Run> {
    const key = `${i.account_id}/${i.id}`;
    if (this.pending.has(key)) {
      const [current] = await this.deps.integrations.runs(i.account_id, i.id, 1);
      if (current) return current;
    }
    const run = newRun(i, trigger);
    await this.deps.integrations.saveRun(run);
    this.pending.add(key);
    this.queue.push({ integration: i, run });
    this.working ??= this.drain();
    return run;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const key = `${next.integration.account_id}/${next.integration.id}`;
        try {
          // the integration as it is now (changed or deleted since it was queued)
          const current = await this.deps.integrations.get(next.integration.account_id, next.integration.id);
          if (!current || this.abort.signal.aborted) {
            await this.deps.integrations.saveRun({ ...next.run, status: 'failed', finished_at: new Date().toISOString(), error: current ? 'the server stopped before the run began' : 'the integration was deleted' });
          } else {
            const done = await runSync(this.deps, current, next.run, this.abort.signal);
            if (done.status === 'failed') this.log(`integration sync ${current.id} (${current.kind}) failed: ${done.error}`);
            // deleted while it ran: what the run wrote after the delete's purge goes too
            if (!(await this.deps.integrations.get(current.account_id, current.id))) {
              await this.deps.integrations.purge(current.account_id, current.id).catch((err: unknown) => this.log('purging a deleted integration failed', err));
            }
          }
        } catch (err) {
          // before the run's first save (its cursor unreadable, the store down): say so in the run
          this.log('integration sync crashed', err);
          const message = err instanceof Error ? err.message : String(err);
          await this.deps.integrations.saveRun({ ...next.run, status: 'failed', finished_at: new Date().toISOString(), error: `the run stopped: ${message}` }).catch(() => undefined);
        } finally {
          this.pending.delete(key);
        }
      }
    } finally {
      this.working = undefined;
    }
  }
}
