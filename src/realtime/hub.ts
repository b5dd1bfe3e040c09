/**
 * Live streams (CONTRACT §6, `/analytics/stream`). Clients watching the same workflow with the same
 * parameters share a group; when the bus says the workflow changed, the group recomputes its figures
 * once and sends each client only what changed, as `event: metrics_update`.
 *
 * - Coalescing: a group recomputes at most once per `coalesceMs` (the first change at once, the rest of a
 *   burst in one trailing update), so 10,000 events make a few updates, not 10,000.
 * - Resume: every update has an id `<group epoch>-<sequence>`; a client reconnecting with Last-Event-ID
 *   gets the updates it missed from the group's recent history, or a full snapshot when they are gone.
 * - Heartbeat: a comment line every `heartbeatMs` keeps proxies and clients from timing out.
 * - Backpressure: a client whose socket buffer is full gets nothing more until it drains; what it missed
 *   is merged into one update (bounded by the number of figures), and one stuck too long is closed.
 */
import crypto from 'node:crypto';
import type { Freshness } from '../derived/freshness.js';
import { parsePeriod, type PeriodQuery } from '../metrics/period.js';
import { filtersOut, type Scope } from '../metrics/scope.js';
import type { Store } from '../store/store.js';
import type { EventBus, WorkflowChanged } from './bus.js';
import { changesBetween, liveFigures, type Changes, type Figures } from './live-figures.js';

export interface StreamClient {
  /** Writes to the socket; false when its buffer is full (then `onDrain` is awaited). */
  write(chunk: string): boolean;
  onDrain(callback: () => void): void;
  close(): void;
}

export interface HubOptions {
  coalesceMs: number;
  heartbeatMs: number;
  historySize: number;
  /** How long a group without clients keeps its history for reconnecting clients. */
  idleMs: number;
  /** A client that cannot take data for this long is disconnected. */
  stuckMs: number;
}

export const DEFAULT_HUB_OPTIONS: HubOptions = { coalesceMs: 250, heartbeatMs: 15_000, historySize: 200, idleMs: 60_000, stuckMs: 60_000 };

interface Member {
  client: StreamClient;
  /** Since when its socket buffer is full; null when it takes data. */
  behindSince: number | null;
}

interface Group {
  key: string;
  scope: Scope;
  query: PeriodQuery;
  epoch: string;
  seq: number;
  figures: Figures | null;
  history: Array<{ seq: number; frame: string }>;
  members: Set<Member>;
  running: Promise<void> | null;
  dirty: boolean;
  lastRun: number;
  timer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
  ready: Promise<void>;
}

export interface HubStats {
  groups: number;
  clients: number;
  updates: number;
}

function frame(id: string, data: unknown): string {
  return `id: ${id}\nevent: metrics_update\ndata: ${JSON.stringify(data)}\n\n`;
}

export class StreamHub {
  private readonly groups = new Map<string, Group>();
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private updates = 0;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly derived: Freshness,
    private readonly bus: EventBus,
    private readonly options: HubOptions = DEFAULT_HUB_OPTIONS,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {
    this.unsubscribe = bus.subscribe((m) => this.changed(m));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  stats(): HubStats {
    let clients = 0;
    for (const g of this.groups.values()) clients += g.members.size;
    return { groups: this.groups.size, clients, updates: this.updates };
  }

  /**
   * Adds a client to its group and sends what it needs first: the updates after `lastEventId` when the
   * group still has them, otherwise a snapshot of every figure. Returns the function that removes it.
   */
  async open(scope: Scope, query: PeriodQuery, client: StreamClient, lastEventId?: string): Promise<() => void> {
    const key = JSON.stringify([scope.account, scope.workflow, filtersOut(scope), query]);
    let group = this.groups.get(key);
    if (!group) {
      group = {
        key, scope, query, epoch: crypto.randomBytes(4).toString('hex'), seq: 0, figures: null, history: [],
        members: new Set(), running: null, dirty: false, lastRun: 0, timer: null, idleTimer: null, ready: Promise.resolve(),
      };
      const g = group;
      this.groups.set(key, g);
      // A failed first computation must not stay in the group: its clients get the error, and the next
      // client of the same workflow and parameters starts a new group that computes afresh.
      g.ready = this.compute(g).catch((err: unknown) => {
        this.discard(g);
        throw err;
      });
    }
    if (group.idleTimer) clearTimeout(group.idleTimer);
    group.idleTimer = null;
    await group.ready;
    const member: Member = { client, behindSince: null };
    group.members.add(member);
    client.write(`retry: 3000\n\n`);
    this.catchUp(group, member, lastEventId);
    const g = group;
    return () => this.leave(g, member);
  }

  /** Ends every stream (at shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const g of this.groups.values()) {
      if (g.timer) clearTimeout(g.timer);
      if (g.idleTimer) clearTimeout(g.idleTimer);
      for (const m of g.members) m.client.close();
      await g.running?.catch(() => {});
    }
    this.groups.clear();
  }

  private catchUp(group: Group, member: Member, lastEventId?: string): void {
    const m = lastEventId ? /^([0-9a-f]{8})-(\d+)$/.exec(lastEventId) : null;
    if (m && m[1] === group.epoch) {
      const after = Number(m[2]);
      if (after === group.seq) return; // up to date
      const missed = group.history.filter((h) => h.seq > after);
      if (after < group.seq && missed.length === group.seq - after) {
        for (const h of missed) this.send(group, member, h.frame);
        return;
      }
    }
    this.send(group, member, frame(`${group.epoch}-${group.seq}`, this.payload(group, { ...group.figures! }, true)));
  }

  private payload(group: Group, changes: Changes, snapshot = false) {
    return { workflow_id: group.scope.workflow, timestamp: new Date().toISOString(), ...(snapshot ? { snapshot: true } : {}), changes };
  }

  private send(group: Group, member: Member, text: string): void {
    if (member.behindSince !== null) return;
    if (!member.client.write(text)) this.markBehind(group, member);
  }

  /**
   * The client's socket buffer is full: send it nothing until it drains, then one snapshot of the
   * current figures (which includes everything it missed). Memory per client stays bounded.
   */
  private markBehind(group: Group, member: Member): void {
    member.behindSince = Date.now();
    member.client.onDrain(() => {
      member.behindSince = null;
      if (group.figures) this.send(group, member, frame(`${group.epoch}-${group.seq}`, this.payload(group, { ...group.figures }, true)));
    });
  }

  private leave(group: Group, member: Member): void {
    group.members.delete(member);
    if (group.members.size > 0 || this.closed) return;
    group.idleTimer = setTimeout(() => {
      if (group.members.size === 0) {
        if (group.timer) clearTimeout(group.timer);
        this.groups.delete(group.key);
      }
    }, this.options.idleMs);
    group.idleTimer.unref();
  }

  /** Forgets a group (its first computation failed): no timer of it stays, and no update of it is scheduled again. */
  private discard(group: Group): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    if (group.timer) clearTimeout(group.timer);
    if (group.idleTimer) clearTimeout(group.idleTimer);
    group.timer = null;
    group.idleTimer = null;
    group.dirty = false;
  }

  private changed(message: WorkflowChanged): void {
    if (message.alert) {
      // an alert is news for the streams of its workflow, not a change of figures; an account-wide alert (workflow '')
      // goes to no stream: a workflow's stream may be a viewer's, who may not see the account's alerts
      if (message.workflow === '') return;
      const text = `event: alert\ndata: ${JSON.stringify(message.alert)}\n\n`;
      for (const g of this.groups.values()) {
        if (g.scope.account === message.account && g.scope.workflow === message.workflow) for (const m of g.members) this.send(g, m, text);
      }
      return;
    }
    for (const g of this.groups.values()) {
      if (g.scope.account === message.account && g.scope.workflow === message.workflow) this.schedule(g);
    }
  }

  private schedule(group: Group): void {
    // a discarded group (or one the idle timer removed) is not updated any more
    if (this.closed || this.groups.get(group.key) !== group) return;
    if (group.running) {
      group.dirty = true;
      return;
    }
    if (group.timer) return;
    const wait = Math.max(0, group.lastRun + this.options.coalesceMs - Date.now());
    if (wait === 0) group.running = this.update(group);
    else {
      group.timer = setTimeout(() => {
        group.timer = null;
        group.running = this.update(group);
      }, wait);
    }
  }

  private async update(group: Group): Promise<void> {
    try {
      const before = group.figures;
      await this.compute(group);
      const c = before && group.figures ? changesBetween(before, group.figures) : null;
      if (c) {
        group.seq++;
        this.updates++;
        const text = frame(`${group.epoch}-${group.seq}`, this.payload(group, c));
        group.history.push({ seq: group.seq, frame: text });
        if (group.history.length > this.options.historySize) group.history.shift();
        for (const m of group.members) this.send(group, m, text);
      }
    } catch (err) {
      this.log(`could not update the live figures of workflow ${group.scope.workflow}`, err);
    } finally {
      group.running = null;
      group.lastRun = Date.now();
      if (group.dirty) {
        group.dirty = false;
        this.schedule(group);
      }
    }
  }

  private async compute(group: Group): Promise<void> {
    await this.derived.settled(group.scope.account, group.scope.workflow);
    // the period is read again each time: "today" moves on at midnight
    group.figures = await liveFigures(this.store, group.scope, parsePeriod(group.query));
  }

  private beat(): void {
    const now = Date.now();
    for (const g of this.groups.values()) {
      for (const m of g.members) {
        if (m.behindSince !== null) {
          if (now - m.behindSince > this.options.stuckMs) {
            g.members.delete(m);
            m.client.close();
          }
          continue;
        }
        if (!m.client.write(': heartbeat\n\n')) this.markBehind(g, m);
      }
    }
  }
}
