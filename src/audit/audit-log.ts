/**
 * The audit trail (CONTRACT §2): who did what, when, with which parameters, and how it ended. Entries
 * are queued and written in small batches (at most 250 ms late); a read of the log writes the queue
 * first, and closing the runtime writes what is left.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { isoUtc } from '../store/params.js';

export type Outcome = 'success' | 'denied' | 'not_found' | 'rejected' | 'rate_limited' | 'error';

export interface AuditInput {
  account_id: string;
  key_id: string;
  user_id: string;
  role: string;
  /** e.g. analytics.read, export, report.run, api_key.create, api_key.revoke, access.update, contact.delete */
  action: string;
  method: string;
  path: string;
  workflow_id: string;
  params: Record<string, unknown>;
  status: number;
  ip: string;
  duration_ms: number;
}

export interface AuditEntry extends Omit<AuditInput, 'params'> {
  entry_id: string;
  at: string;
  params: Record<string, unknown>;
  outcome: Outcome;
}

export interface AuditQuery {
  limit: number;
  /** A cursor from `next_before`, or an RFC 3339 time: entries strictly older. */
  before?: string;
  action?: string;
  user_id?: string;
  key_id?: string;
  workflow_id?: string;
  outcome?: string;
}

export function outcomeOf(status: number): Outcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403) return 'denied';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status < 500) return 'rejected';
  return 'error';
}

const FLUSH_MS = 250;
const MAX_QUEUE = 1000;

/** Cursor = "<microseconds since epoch>.<entry id>", so entries with the same time page correctly. */
function encodeCursor(atMicros: string, id: string) {
  return Buffer.from(`${atMicros}.${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { micros: string; id: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{1,20})\.([\w-]{1,64})$/.exec(text);
  if (m) return { micros: m[1]!, id: m[2]! };
  const t = Date.parse(cursor);
  return Number.isNaN(t) ? null : { micros: String(t * 1000), id: '' };
}

export class AuditLog {
  private queue: Record<string, unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Set by close(): no more timers, so that no retry outlives the store (a failed write retried every second kept a test process alive for good). */
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  record(input: AuditInput): void {
    const at = new Date();
    this.queue.push({
      ...input,
      at: at.toISOString(),
      entry_id: randomUUID(),
      params: JSON.stringify(input.params),
      outcome: outcomeOf(input.status),
    });
    if (this.queue.length >= MAX_QUEUE) void this.flush();
    else this.later(FLUSH_MS);
  }

  /** A flush in `ms`, unless one is due already or the log is closed. */
  private later(ms: number): void {
    if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), ms);
  }

  /** Writes every queued entry. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.queue;
    this.queue = [];
    this.writing = this.writing.then(async () => {
      if (rows.length === 0) return;
      try {
        await this.store.insert('audit_log', rows);
      } catch (err) {
        // keep them for the next flush rather than lose them
        this.queue.unshift(...rows);
        this.log(`could not write ${rows.length} audit entries; retrying`, err);
        this.later(1000);
      }
    });
    return this.writing;
  }

  /**
   * Writes every queued entry before the store closes, trying a write that fails again a few times (≈2.5 s in all),
   * then gives up saying how many entries are lost; no timer is left behind either way.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (let attempt = 1; ; attempt++) {
      await this.flush();
      if (this.queue.length === 0) return;
      if (attempt === 5) {
        this.log(`${this.queue.length} audit entries could not be written before the store closed; they are lost`);
        return;
      }
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }

  async list(account: string, q: AuditQuery): Promise<{ entries: AuditEntry[]; next_before: string | null }> {
    await this.flush();
    const cursor = q.before ? decodeCursor(q.before) : null;
    const rows = await this.store.query<Omit<AuditEntry, 'params' | 'at'> & { params: string; micros: string; at_text: string }>(
      `SELECT entry_id, toString(l.at) AS at_text, toString(toUnixTimestamp64Micro(l.at)) AS micros, key_id, user_id, role, action,
              method, path, workflow_id, params, status, outcome, ip, duration_ms, account_id
       FROM audit_log AS l
       WHERE account_id = {account:String}
         AND ({has_cursor:UInt8} = 0 OR (l.at, l.entry_id) < (fromUnixTimestamp64Micro({micros:Int64}, 'UTC'), {id:String}))
         AND ({action:String} = '' OR action = {action:String})
         AND ({user_id:String} = '' OR user_id = {user_id:String})
         AND ({key_id:String} = '' OR key_id = {key_id:String})
         AND ({workflow_id:String} = '' OR workflow_id = {workflow_id:String})
         AND ({outcome:String} = '' OR outcome = {outcome:String})
       ORDER BY l.at DESC, l.entry_id DESC
       LIMIT {limit:UInt32}`,
      {
        account,
        has_cursor: cursor ? 1 : 0,
        micros: cursor?.micros ?? '0',
        id: cursor?.id ?? '',
        action: q.action ?? '',
        user_id: q.user_id ?? '',
        key_id: q.key_id ?? '',
        workflow_id: q.workflow_id ?? '',
        outcome: q.outcome ?? '',
        limit: q.limit + 1,
      },
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      entries: page.map(({ micros: _m, params, at_text, ...r }) => ({ ...r, at: isoUtc(at_text) ?? at_text, params: JSON.parse(params) as Record<string, unknown> })),
      next_before: rows.length > q.limit && last ? encodeCursor(last.micros, last.entry_id) : null,
    };
  }

  /** Whether `before` is a usable cursor or time. */
  static validCursor(before: string): boolean {
    return decodeCursor(before) !== null;
  }
}
