/**
 * The on-disk spool: one file per batch, written before the batch is first sent and removed once the server
 * acknowledged it, so that events survive a restart of the process (a new client on the same directory sends
 * what is left; the server deduplicates what had landed by event id).
 *
 * A batch file is written under a temporary name and renamed, so a crash leaves a whole file or none (stray
 * temporary files are removed at start). Names start with the time, so a directory listing is the order the
 * batches were formed in. A batch given up (a permanent error, or maxRetries exhausted) is moved to `failed/`
 * instead of being deleted: nothing is lost silently and nothing loops; move files back to resend them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FlowlensEvent } from './events.js';

const BATCH = /^\d{15}-.*\.json$/;

export class Spool {
  readonly dir: string;
  readonly failedDir: string;
  private readonly sync: boolean;
  private seq = 0;
  private readonly tag = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(dir: string, options: { sync?: boolean } = {}) {
    this.dir = path.resolve(dir);
    this.failedDir = path.join(this.dir, 'failed');
    this.sync = options.sync ?? false;
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** Batch files left by earlier clients, oldest first; stray temporary files are removed. */
  pending(): string[] {
    const names = fs.readdirSync(this.dir);
    for (const n of names) if (n.endsWith('.tmp')) fs.rmSync(path.join(this.dir, n), { force: true });
    return names.filter((n) => BATCH.test(n)).sort().map((n) => path.join(this.dir, n));
  }

  /** Writes a batch (the request body: a JSON array) and returns its file. */
  async write(body: string): Promise<string> {
    const name = `${String(Date.now()).padStart(15, '0')}-${this.tag}-${String(++this.seq).padStart(9, '0')}.json`;
    const file = path.join(this.dir, name);
    const tmp = `${file}.tmp`;
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(body);
      if (this.sync) await handle.datasync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
    return file;
  }

  async read(file: string): Promise<FlowlensEvent[]> {
    const parsed: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${file} does not hold a JSON array`);
    return parsed as FlowlensEvent[];
  }

  /** The batch was acknowledged (or dropped by the queue policy). */
  async remove(file: string): Promise<void> {
    await fsp.rm(file, { force: true });
  }

  /** The batch was given up: kept aside in failed/, not sent again. */
  async quarantine(file: string): Promise<string> {
    await fsp.mkdir(this.failedDir, { recursive: true });
    const to = path.join(this.failedDir, path.basename(file));
    await fsp.rename(file, to).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return to;
  }
}
