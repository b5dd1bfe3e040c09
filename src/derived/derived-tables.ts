/**
 * Keeps the derived tables in step with the raw events.
 * - execution_state and the hourly → daily → monthly rollups are kept by ClickHouse materialized views.
 * - execution_facts (cohort rows ordered by enrollment time) is written here after every stored batch,
 *   for the executions that batch touched. Analytics reads call `settled()` first: it waits until the
 *   facts reflect every batch stored before the call (not later ones, so readers are not starved by
 *   a steady stream of events).
 * - `rebuild()` recomputes everything derived for one workflow (or all) from the raw events.
 */
import type { Store } from '../store/store.js';
import { workflowsWithoutFacts, writeFacts, writeListedFacts } from '../store/execution-facts.js';
import { isoUtc } from '../store/params.js';
import { rowsFromLog, type RepairJournal } from '../ingest/repair-journal.js';
import type { EventRow } from '../ingest/validate.js';
import { acknowledgedAwaited, detached } from '../ingest/read-point.js';
import { compactFacts } from './compaction.js';
import { completeBatch } from './complete-batch.js';
import type { Freshness } from './freshness.js';
import { rebuildFromEvents } from './rebuild-from-events.js';
import { TouchLog, touchedRanges } from './touched-ranges.js';
import type { RetentionHorizons } from '../store/retention.js';

interface Pending {
  account: string;
  workflow: string;
  /** The executions to rewrite; null = use `since`. */
  ids: Set<string> | null;
  /** Without ids: rewrite executions received at or after this time; null = all. */
  since: Date | null;
  /** The workflow's generation this work brings the facts up to. */
  seq: number;
  /**
   * Whether the step fallback durations may have changed: only step events (a new untimed step, or a
   * start that moves one) and retained history change them. Batches of other events skip that write.
   */
  fallback: boolean;
  /**
   * The generations (as `generation()` numbers them) of the stored batches this work writes the facts of, and
   * per execution the earliest time (epoch ms) of their events; null when not known (a time that does not
   * parse, or more than MAX_LISTED executions): those generations then stay unknown, touching everything
   * (see TouchLog).
   */
  batches?: { gens: number[]; first: Map<string, number> | null };
}

type Scope = { account: string; workflow: string };

/** Executions of stored batches waiting to have their touched ranges read, all workflows together (see noteTouches). */
const MAX_NOTED = 200_000;

/** Beyond this many touched executions, one scan by receive time is cheaper than a list. */
const MAX_LISTED = 20_000;
/** Pending facts wait at most this long for the batches about to be stored before they are written (see gather). */
const GATHER_MS = 1000;

const key = (account: string, workflow: string) => `${account}\u0000${workflow}`;
const earlier = (a: Date | null, b: Date | null) => (a === null || b === null ? null : a < b ? a : b);

function merge(a: Pending, b: Pending): Pending {
  const seq = Math.max(a.seq, b.seq);
  const since = earlier(a.since, b.since);
  const fallback = a.fallback || b.fallback;
  const batches = mergeBatches(a.batches, b.batches);
  if (a.ids && b.ids && a.ids.size + b.ids.size <= MAX_LISTED) return { ...a, ids: new Set([...a.ids, ...b.ids]), since, seq, fallback, batches };
  return { ...a, ids: null, since, seq, fallback, batches };
}

function mergeBatches(a: Pending['batches'], b: Pending['batches']): Pending['batches'] {
  if (!a || !b) return a ?? b;
  return { gens: [...a.gens, ...b.gens], first: a.first && b.first ? earliest(a.first, b.first) : null };
}

/** Per execution, the earlier of two maps' times; null beyond MAX_LISTED executions. */
function earliest(a: Map<string, number>, b: Map<string, number>): Map<string, number> | null {
  const out = new Map(a);
  for (const [id, t] of b) out.set(id, Math.min(t, out.get(id) ?? t));
  return out.size > MAX_LISTED ? null : out;
}

export class DerivedTables implements Freshness {
  private pending = new Map<string, Pending>();
  private running: Promise<void> | undefined;
  /** Bumped whenever a workflow's events change: results computed under an older number are stale. */
  private generations = new Map<string, number>();
  /** Changes of each workflow no facts write of this instance stands for (see invalidate): a part of `generation` that `settled` does not wait for. */
  private outsideChanges = new Map<string, number>();
  /** The generation each workflow's facts are known to reflect. */
  private written = new Map<string, number>();
  private failures = new Map<string, unknown>();
  /** Work that failed: merged into the next request for the same workflow, so nothing is skipped. */
  private retry = new Map<string, Pending>();
  /** Rebuilds under way, by workflow key ('*' = everything): readers wait for them. */
  private rebuilding = new Map<string, Promise<void>>();
  private compacting: Promise<void> | undefined;
  private gatherTimer: NodeJS.Timeout | undefined;
  /** Whether the last batch stored had another right behind it (see gather). */
  private moreComing = false;
  private compactedAt = new Map<string, number>();
  /** Journal entries of stored batches whose facts are not all written: workflow key → generation. */
  private awaiting = new Map<string, Map<string, number>>();
  /** Bumped by a rebuild of everything: changes every workflow's generation, those this instance never saw included. */
  private epoch = 0;
  /** The time ranges each generation of a workflow changed, where known (answers about closed periods outlive the others). */
  private touches = new TouchLog();
  /** Per workflow, stored batches whose facts are written and whose touched ranges are not read yet (null: dropped, see noteTouches). */
  private unresolved = new Map<string, { gens: number[]; first: Map<string, number> } | null>();
  private resolving = new Map<string, Promise<void>>();
  /** Executions in `unresolved`, all workflows together (at most MAX_NOTED). */
  private noted = 0;

  constructor(
    private readonly store: Store,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
    private readonly journal?: RepairJournal,
    /** Where the retention windows begin now: a rebuild recomputes from the raw window's first whole day on. */
    private readonly horizons: () => RetentionHorizons = () => ({ raw: null, daily: null }),
  ) {}

  private listeners: Array<(account: string, workflow: string) => void> = [];
  /** Events acknowledged and not yet stored (the write-ahead journal's): `settled` and `idle` wait for them first. */
  private acknowledged: (account?: string) => Promise<void> = () => Promise.resolve();

  /**
   * `settled` first waits until every event of the account acknowledged before the call is stored, `idle` until every
   * event of every account is (EventIntake.ingested).
   */
  waitForAcknowledged(ingested: (account?: string) => Promise<void>): void {
    this.acknowledged = ingested;
  }

  /** Calls `listener` whenever a workflow's derived tables reflect newly stored events (or a rebuild). */
  onUpdated(listener: (account: string, workflow: string) => void): void {
    this.listeners.push(listener);
  }

  private updated(account: string, workflow: string): void {
    for (const l of this.listeners) {
      try {
        // what listeners start (live updates, alert checks) belongs to no request that caused the change
        detached(() => l(account, workflow));
      } catch (err) {
        this.log('an update listener failed', err);
      }
    }
  }

  /**
   * Rows just stored: their executions' facts are rewritten in the background. `journalEntry` (the
   * batch's, see RepairJournal) is ended once they are. `more`: another batch is about to be stored, whose
   * facts this write may wait for (see gather); otherwise it starts at once.
   */
  touched(rows: EventRow[], journalEntry?: string, more = false): void {
    const work = new Map<string, Omit<Pending, 'seq'>>();
    for (const r of rows) {
      if (!r.execution_id || !r.workflow_id) continue;
      const k = key(String(r.account_id), String(r.workflow_id));
      const t = new Date(isoUtc(String(r.received_at))!);
      const p = work.get(k);
      const fallback = String(r.type).startsWith('step.') || Number(r.retain) === 1;
      const at = Date.parse(isoUtc(String(r.ts)) ?? '');
      const id = String(r.execution_id);
      if (!p) work.set(k, { account: String(r.account_id), workflow: String(r.workflow_id), ids: new Set([id]), since: t, fallback, batches: { gens: [], first: Number.isFinite(at) ? new Map([[id, at]]) : null } });
      else {
        p.fallback ||= fallback;
        if (p.since && t < p.since) p.since = t;
        p.ids?.add(id);
        const first = p.batches!.first;
        if (first && !Number.isFinite(at)) p.batches!.first = null;
        else if (first) first.set(id, Math.min(at, first.get(id) ?? at));
      }
    }
    for (const p of work.values()) if (p.ids && p.ids.size > MAX_LISTED) [p.ids, p.batches] = [null, undefined];
    this.enqueueAll([...work.values()], journalEntry);
    this.moreComing = more;
    if (more) this.gather();
    else this.kick();
  }

  /**
   * Queues facts writes, each under a new generation of its workflow; `journalEntry` ends once the facts
   * of every one of them are written up to that generation (at once when there are none).
   */
  private enqueueAll(work: Omit<Pending, 'seq'>[], journalEntry?: string): void {
    const awaited = new Map<string, number>();
    for (const p of work) {
      const k = key(p.account, p.workflow);
      const seq = this.bump(k);
      awaited.set(k, seq);
      // the generation this batch ends up as: its changes become known once its facts are written (runOnce)
      const batches = p.batches ? { gens: [this.generation(p.account, p.workflow)], first: p.batches.first } : undefined;
      this.enqueue(k, { ...p, seq, batches });
    }
    if (!journalEntry) return;
    if (awaited.size === 0) this.journal?.end(journalEntry);
    else this.awaiting.set(journalEntry, awaited);
  }

  /** The facts of `k` are written up to generation `seq`: journal entries waiting only for that end. */
  private release(k: string | '*', seq: number): void {
    for (const [entry, workflows] of this.awaiting) {
      for (const [w, s] of workflows) if ((k === '*' || w === k) && s <= seq) workflows.delete(w);
      if (workflows.size === 0) {
        this.awaiting.delete(entry);
        this.journal?.end(entry);
      }
    }
  }

  /**
   * A number that changes whenever events of the workflow are stored or rebuilt, its catalog changes, or
   * another instance announces a change of it (for caches).
   */
  generation(account: string, workflow: string): number {
    const k = key(account, workflow);
    return (this.generations.get(k) ?? 0) + (this.outsideChanges.get(k) ?? 0) + this.epoch;
  }

  /**
   * Whether every change of the workflow after generation `since` up to generation `until` is a stored batch
   * whose facts are written and which touched nothing in [from, to) (of cohort figures, with `cohort`; see
   * touched-ranges.ts). Rebuilds, privacy
   * deletes, catalog changes, other instances' changes, catch-ups and batches whose facts are not written yet
   * count as touching everything.
   */
  unchangedSince(account: string, workflow: string, since: number, until: number, from: Date, to: Date, cohort = false): boolean {
    return until <= this.generation(account, workflow) && this.touches.unchanged(key(account, workflow), since, until, from.getTime(), to.getTime(), cohort);
  }

  /**
   * Answers about the workflow computed before now are stale, though this instance wrote no facts for it:
   * another instance sharing the store stored its events (heard on the bus), or its catalog changed.
   */
  invalidate(account: string, workflow: string): void {
    const k = key(account, workflow);
    this.outsideChanges.set(k, (this.outsideChanges.get(k) ?? 0) + 1);
  }

  /**
   * A version of the workflow was registered: the step names, order and types and the value settings that
   * answers show may differ. Listeners hear of it as of new events (live streams, other instances).
   */
  catalogChanged(account: string, workflow: string): void {
    this.invalidate(account, workflow);
    this.updated(account, workflow);
  }

  /**
   * Resolves once the facts of this workflow reflect every event acknowledged before the call, with the
   * generation they then reflect at least (changes after it, made while waiting, may not be reflected yet).
   */
  async settled(account: string, workflow: string, retried = false): Promise<number> {
    // inside a request, the guard waited for what was acknowledged before it came (read-point.ts)
    if (!retried && !acknowledgedAwaited(account)) await this.acknowledged(account);
    const k = key(account, workflow);
    const target = this.generations.get(k) ?? 0;
    let reached = this.generation(account, workflow);
    for (;;) {
      const rebuild = this.rebuilding.get(k) ?? this.rebuilding.get('*');
      if (rebuild) {
        await rebuild.catch(() => {});
        reached = this.generation(account, workflow); // what the reader waited for includes the rebuild
      } else if ((this.written.get(k) ?? 0) >= target || this.failures.has(k)) break;
      else if (!this.running && !this.pending.has(k)) break; // nothing left that could write it
      else {
        this.kick();
        await this.running;
      }
    }
    const failure = this.failures.get(k);
    if (failure && (this.written.get(k) ?? 0) < target) {
      this.failures.delete(k);
      const again = this.retry.get(k);
      if (again && !retried) {
        // one more try for the reader; if it fails again, the reader gets the error
        this.retry.delete(k);
        this.enqueue(k, again);
        return this.settled(account, workflow, true);
      }
      throw failure;
    }
    return reached;
  }

  /** Everything queued is written (and compacted); throws the first write that failed. */
  async idle(): Promise<void> {
    await this.acknowledged();
    while (this.pending.size > 0 || this.running || this.compacting) {
      this.kick();
      await (this.running ?? this.compacting);
    }
    const [failure] = this.failures.values();
    if (failure) throw failure;
  }

  /**
   * At start: repair writes a crash cut short, rebuild what a migration cleared, and write the facts the
   * last run left unwritten: those of batches whose 'facts' journal entry is still there (a process
   * killed between an insert and its facts), and all of a workflow that has none (a migration cleared
   * them). Nothing else is rewritten, so a restart costs the same at any size. `logRecord`: the rows of a write-ahead
   * log record the last run left (JournaledIntake.unwrittenRecord), from which a batch cut short is completed.
   */
  async catchUp(logRecord?: (seq: number) => readonly EventRow[] | undefined): Promise<void> {
    await this.repair(logRecord);
    const [state] = await this.store.query<{ n: number }>('SELECT count() AS n FROM (SELECT 1 FROM execution_state LIMIT 1)');
    const [raw] = await this.store.query<{ n: number }>("SELECT count() AS n FROM (SELECT 1 FROM events WHERE execution_id != '' LIMIT 1)");
    if (state!.n === 0 && raw!.n > 0) {
      this.log('execution_state is empty: rebuilding the derived tables from the raw events');
      await rebuildFromEvents(this.store, null);
    }
    const left = (this.journal?.pending() ?? []).filter((e) => e.kind === 'facts');
    if (left.length > 0) this.log(`writing the execution facts of ${left.length} stored batch(es) the last run left unwritten`);
    for (const e of left) {
      const from = isoUtc(e.received?.[0] ?? null);
      const since = from ? new Date(from) : null;
      this.enqueueAll((e.scopes ?? []).map((s) => ({ account: s.account, workflow: s.workflow, ids: null, since, fallback: true })), e.id);
    }
    const missing = await workflowsWithoutFacts(this.store);
    this.enqueueAll(missing.map((w) => ({ account: w.account_id, workflow: w.workflow_id, ids: null, since: null, fallback: true })));
    this.kick();
  }

  /**
   * Recomputes execution_state, the rollups and the facts of one workflow (or of everything when
   * `scope` is null) from the raw events. Must run while no batch is being written
   * (IngestBuffer.exclusive). Readers of the workflow wait for it.
   */
  async rebuild(scope: Scope | null, onProgress?: (fraction: number) => void): Promise<void> {
    const k = scope ? key(scope.account, scope.workflow) : '*';
    const entry = this.journal?.begin({ kind: 'rebuild', scopes: scope ? [scope] : null });
    const run = this.rebuildNow(scope, onProgress);
    this.rebuilding.set(k, run);
    try {
      await run;
      if (entry) this.journal!.end(entry);
      // everything of the scope is rewritten, the facts of stored batches with it
      this.release(k, Infinity);
    } finally {
      this.rebuilding.delete(k);
      for (const w of scope ? [k] : [...this.generations.keys()]) this.bump(w);
      if (!scope) this.epoch++;
    }
    if (scope) this.updated(scope.account, scope.workflow);
  }

  private bump(k: string): number {
    const g = (this.generations.get(k) ?? 0) + 1;
    this.generations.set(k, g);
    return g;
  }

  private async rebuildNow(scope: Scope | null, onProgress?: (fraction: number) => void): Promise<void> {
    // the raw events are complete from here on; the facts of executions enrolled before are history: kept
    const from = this.horizons().raw;
    await rebuildFromEvents(this.store, scope, from);
    onProgress?.(0.5);
    const since = (time: string) => (from ? ` AND ${time} >= {from:DateTime64(3, 'UTC')}` : '');
    const cleared = [
      { table: 'execution_facts', time: 'enrolled_at' },
      { table: 'step_durations_from_timestamps', time: 'ts' },
    ];
    if (scope) {
      for (const { table, time } of cleared) {
        await this.store.command(`ALTER TABLE ${table} DELETE WHERE account_id = {account:String} AND workflow_id = {workflow:String}${since(time)}`, { ...scope, from });
      }
      await writeFacts(this.store, scope.account, scope.workflow, { all: true }, (f) => onProgress?.(0.5 + f * 0.45));
    } else {
      for (const { table, time } of cleared) {
        if (from) await this.store.command(`ALTER TABLE ${table} DELETE WHERE 1${since(time)}`, { from });
        else await this.store.command(`TRUNCATE TABLE ${table}`);
      }
      const workflows = await this.store.query<{ account_id: string; workflow_id: string }>(
        'SELECT DISTINCT account_id, workflow_id FROM workflows_seen',
      );
      for (const w of workflows) await writeFacts(this.store, w.account_id, w.workflow_id, { all: true });
    }
    await compactFacts(this.store, this.compactedAt, () => this.pending.size > 0);
  }

  /**
   * Repairs what writes cut short by a crash left half-done (see RepairJournal): a batch whose rows the write-ahead
   * log still holds and none of which reached `events` is inserted from the log (completeBatch); for any other, completes
   * the event-id index from the batch's stored events, then rebuilds each workflow concerned. Runs at start,
   * before any request is served.
   */
  private async repair(logRecord?: (seq: number) => readonly EventRow[] | undefined): Promise<void> {
    // 'facts' entries name complete inserts: catchUp writes their facts, nothing needs a rebuild
    for (const e of (this.journal?.pending() ?? []).filter((x) => x.kind === 'backfill')) {
      // the same rows with the same token: added only to the tables the crash kept them from (IngestBuffer.insertBackfill)
      this.log(`completing backfill batch ${e.id} (${e.rows?.length ?? 0} events) a crash cut short`);
      await this.store.insert('events', e.rows ?? [], { dedupToken: e.id });
      // stored: its facts are written like those of any stored batch (catchUp)
      this.journal!.inserted(e.id);
    }
    for (const e of (this.journal?.pending() ?? []).filter((x) => x.kind === 'batch' && x.wal && x.received)) {
      const rows = logRecord ? rowsFromLog(e.wal!, logRecord) : null;
      if (!rows) continue;
      this.log(`completing batch ${e.id} (${rows.length} events) a crash cut short, from the write-ahead log`);
      // 'rebuild': some raw rows had landed (the missing ones are stored now); the rebuild below counts them
      if ((await completeBatch(this.store, rows, e.received!)) === 'complete') this.journal!.inserted(e.id);
    }
    const entries = (this.journal?.pending() ?? []).filter((e) => e.kind !== 'facts');
    if (entries.length === 0) return;
    this.log(`repairing ${entries.length} write(s) a crash cut short`);
    const scopes = new Map<string, Scope | null>();
    for (const e of entries) {
      if (e.received) {
        // What event_ids_mv (migration 001) writes, for the batch's rows; event_ids replaces on its
        // key, so re-adding ids already there changes nothing.
        await this.store.command(
          `INSERT INTO event_ids
           SELECT account_id, reinterpretAsUInt128(sipHash128(event_id)) AS id_hash, ts, retain FROM events
           WHERE received_at BETWEEN {from:DateTime64(3, 'UTC')} AND {to:DateTime64(3, 'UTC')} AND event_id != ''`,
          { from: e.received[0], to: e.received[1] },
        );
      }
      if (e.scopes === null) scopes.set('*', null);
      else for (const s of e.scopes) scopes.set(key(s.account, s.workflow), s);
    }
    const all = scopes.has('*');
    for (const s of all ? [null] : [...scopes.values()]) {
      this.log(`rebuilding the derived tables of ${s ? `workflow ${s.workflow} (account ${s.account})` : 'every workflow'}`);
      await this.rebuild(s);
    }
    for (const e of entries) this.journal!.end(e.id);
  }

  private enqueue(k: string, p: Pending): void {
    let next = p;
    for (const prev of [this.pending.get(k), this.retry.get(k)]) if (prev) next = merge(prev, next);
    this.retry.delete(k);
    this.pending.set(k, next);
  }

  /**
   * Lets the pending facts wait up to GATHER_MS for the batches about to be stored, so that one write holds
   * them all: a write costs the engine ≈50 ms (planning, parts) whatever it holds, so while events keep coming
   * fewer, larger writes leave more of the engine to the inserts. A batch stored with nothing behind it starts
   * the write at once (live updates follow an ingest within ≈0.1 s), and readers never wait for the gathering
   * (settled and idle start the write).
   */
  private gather(): void {
    this.gatherTimer ??= setTimeout(() => this.kick(), GATHER_MS).unref();
  }

  private kick(): void {
    if (this.gatherTimer) {
      clearTimeout(this.gatherTimer);
      this.gatherTimer = undefined;
    }
    if (this.running || this.pending.size === 0) return;
    // the write, and what follows it (listeners, compaction), belong to no request that kicked it
    this.running = detached(() => this.runOnce()).finally(() => {
      this.running = undefined;
      if (this.pending.size > 0 && this.moreComing) this.gather();
      else if (this.pending.size > 0) this.kick();
      else this.compacting ??= compactFacts(this.store, this.compactedAt, () => this.pending.size > 0)
        .catch((err) => this.log('could not compact execution_facts', err))
        .finally(() => (this.compacting = undefined));
    });
  }

  private async runOnce(): Promise<void> {
    const batch = [...this.pending.entries()];
    this.pending.clear();
    // Listed executions of every workflow in one write; workflows without a list (a catch-up since a time, or
    // everything) one by one.
    const listed = batch.filter(([, p]) => p.ids !== null);
    if (listed.length > 0) {
      try {
        await writeListedFacts(this.store, listed.map(([, p]) => ({ account: p.account, workflow: p.workflow, ids: [...p.ids!], fallback: p.fallback })));
        this.noteTouches(listed.map(([, p]) => p));
        for (const [k, p] of listed) this.wrote(k, p);
      } catch (err) {
        for (const [k, p] of listed) this.failed(k, p, err);
      }
    }
    for (const [k, p] of batch.filter(([, p]) => p.ids === null)) {
      try {
        await writeFacts(this.store, p.account, p.workflow, p.since ? { since: p.since } : { all: true });
        this.wrote(k, p);
      } catch (err) {
        this.failed(k, p, err);
      }
    }
  }

  /**
   * The batches of `written` (facts just written), whose touched ranges are read when a reader needs them
   * (resolveChanges), not on the write path. Beyond MAX_LISTED executions waiting, a workflow's are dropped:
   * those generations stay unknown (touching everything).
   */
  private noteTouches(written: Pending[]): void {
    for (const p of written) {
      if (!p.batches || p.batches.gens.length === 0 || !p.ids) continue;
      const k = key(p.account, p.workflow);
      const u = this.unresolved.get(k);
      if (u === null) continue;
      const first = p.batches.first && u ? earliest(u.first, p.batches.first) : p.batches.first;
      const gens = [...(u?.gens ?? []), ...p.batches.gens];
      this.noted -= u?.first.size ?? 0;
      // too many to read back (here or in all), or times unknown: these generations (and those waiting) touch everything
      if (!first || gens.length > MAX_LISTED || this.noted + first.size > MAX_NOTED) {
        if (u) this.unresolved.set(k, null);
      } else {
        this.unresolved.set(k, { gens, first });
        this.noted += first.size;
      }
    }
  }

  /**
   * Reads the time ranges the workflow's stored batches touched whose facts are written and whose ranges are not
   * known yet (one statement: execution_state by its key, see touched-ranges.ts), so that unchangedSince knows
   * them. Readers of closed periods call it after `settled`; when it fails, those generations stay unknown.
   */
  async resolveChanges(account: string, workflow: string): Promise<void> {
    const k = key(account, workflow);
    for (;;) {
      const running = this.resolving.get(k);
      if (running) {
        await running;
        continue;
      }
      const u = this.unresolved.get(k);
      if (u === undefined) return;
      this.unresolved.delete(k);
      if (u === null) return; // dropped: those generations stay unknown
      this.noted -= u.first.size;
      const run = touchedRanges(this.store, account, workflow, u.first).then(
        (touched) => {
          if (!touched) return; // an execution not found: those generations stay unknown
          for (const gen of u.gens) this.touches.record(k, gen, touched.all, touched.cohort);
        },
        (err) => this.log('could not read the time spans of the executions written; their answers are recomputed', err),
      ).finally(() => this.resolving.delete(k));
      this.resolving.set(k, run);
      await run;
      return;
    }
  }

  private wrote(k: string, p: Pending): void {
    this.written.set(k, Math.max(this.written.get(k) ?? 0, p.seq));
    this.release(k, p.seq);
    this.failures.delete(k);
    this.updated(p.account, p.workflow);
  }

  private failed(k: string, p: Pending, err: unknown): void {
    this.log(`could not write execution facts for ${p.workflow}`, err);
    this.failures.set(k, err);
    this.retry.set(k, p);
  }
}
