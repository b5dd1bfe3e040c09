/**
 * The ingest write-ahead log: validated events are appended here and flushed to disk (fdatasync) before a
 * sender is answered, so an acknowledgement costs one sequential write, not the engine's insert with its
 * views. The engine writes the same rows afterwards, in large blocks (JournaledIntake). A record is one line:
 * `{"s":seq,"r":[rows]}`; a line cut short by a crash has no newline (or does not parse) and was never
 * acknowledged, so the reader skips it. Segment files are deleted once every record in them is written to the
 * engine; what is left at a start is replayed (the engine's deduplication drops rows it already holds).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EventRow } from './validate.js';

export interface WalRecord {
  seq: number;
  rows: EventRow[];
}

interface Segment {
  file: string;
  /** The last sequence number appended to it (-1: none yet). */
  last: number;
}

/** A segment is closed and a new one begun beyond this size. */
const SEGMENT_BYTES = 32 * 1024 * 1024;

const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, '0')}.wal`;

export class WriteAheadLog {
  private closedSegments: Segment[] = [];
  private active: { segment: Segment; handle: fs.promises.FileHandle; bytes: number } | undefined;
  private nextSeq = 1;

  private constructor(private readonly dir: string) {}

  /** The log of a data directory. */
  static dirOf(dataDir: string): string {
    return path.join(dataDir, 'flowlens-wal');
  }

  /** Opens the log and returns it with the records a previous run acknowledged and may not have written. */
  static async open(dir: string): Promise<{ wal: WriteAheadLog; left: WalRecord[] }> {
    fs.mkdirSync(dir, { recursive: true });
    const wal = new WriteAheadLog(dir);
    const left: WalRecord[] = [];
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.wal')).sort()) {
      const file = path.join(dir, name);
      const records = readSegment(fs.readFileSync(file, 'utf8'));
      if (records.length === 0) {
        fs.rmSync(file, { force: true });
        continue;
      }
      left.push(...records);
      wal.closedSegments.push({ file, last: records.at(-1)!.seq });
    }
    wal.nextSeq = left.reduce((max, r) => Math.max(max, r.seq), 0) + 1;
    return { wal, left };
  }

  /**
   * Appends one record and flushes it to disk; resolves with its sequence number once it is durable. Calls must
   * not overlap (JournaledIntake appends one group at a time).
   */
  async append(rows: readonly EventRow[]): Promise<number> {
    const seq = this.nextSeq++;
    const line = Buffer.from(`${JSON.stringify({ s: seq, r: rows })}\n`);
    if (!this.active || this.active.bytes + line.length > SEGMENT_BYTES) await this.rotate(seq);
    const a = this.active!;
    try {
      await a.handle.write(line, 0, line.length, a.bytes);
      await a.handle.datasync();
    } catch (err) {
      // not acknowledged: cut off what part of it was written, so that no fragment outlives it
      await a.handle.truncate(a.bytes).catch(() => {});
      throw err;
    }
    a.bytes += line.length;
    a.segment.last = seq;
    return seq;
  }

  /**
   * Every record up to `writtenBelow` (exclusive) is in the engine: segments holding only such records are
   * deleted, the active one too when it is all written and large enough to be worth beginning anew.
   * Must not overlap `append`.
   */
  async release(writtenBelow: number): Promise<void> {
    this.closedSegments = this.closedSegments.filter((s) => {
      if (s.last >= writtenBelow) return true;
      fs.rmSync(s.file, { force: true });
      return false;
    });
    const a = this.active;
    if (a && a.segment.last < writtenBelow && a.bytes > 1024 * 1024) {
      this.active = undefined;
      await a.handle.close();
      fs.rmSync(a.segment.file, { force: true });
    }
  }

  /** Segment files on disk (for tests and the health endpoint). */
  files(): string[] {
    return fs.readdirSync(this.dir).filter((f) => f.endsWith('.wal')).sort();
  }

  async close(): Promise<void> {
    await this.active?.handle.close();
    this.active = undefined;
  }

  /** Deletes every segment: the caller knows every record is in the engine. */
  async clear(): Promise<void> {
    await this.close();
    for (const s of this.closedSegments) fs.rmSync(s.file, { force: true });
    this.closedSegments = [];
    for (const f of this.files()) fs.rmSync(path.join(this.dir, f), { force: true });
  }

  private async rotate(firstSeq: number): Promise<void> {
    if (this.active) {
      await this.active.handle.close();
      this.closedSegments.push(this.active.segment);
    }
    const file = path.join(this.dir, segmentName(firstSeq));
    const handle = await fs.promises.open(file, 'w');
    // the new file's directory entry must survive a power loss too
    const dir = await fs.promises.open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.active = { segment: { file, last: -1 }, handle, bytes: 0 };
  }
}

/** The whole records of a segment's text; a torn last line (a crash while it was written) is not one. */
export function readSegment(text: string): WalRecord[] {
  const records: WalRecord[] = [];
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    const line = text.slice(start, end);
    start = end + 1;
    try {
      const parsed = JSON.parse(line) as { s?: unknown; r?: unknown };
      if (typeof parsed.s === 'number' && Array.isArray(parsed.r)) records.push({ seq: parsed.s, rows: parsed.r as EventRow[] });
    } catch {
      // a line overwritten in part (a crash mid-write followed by nothing): never acknowledged
    }
  }
  return records;
}
