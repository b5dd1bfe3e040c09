/**
 * The write-ahead journal under kill -9: a process acknowledging batches through the journal is killed at random
 * moments (while appending, while the engine inserts, while the facts are written, while it replays what the last
 * one left), many times; the next one starts from the first batch it has no answer for, as a sender retries. In the
 * end every acknowledged event is stored exactly once, and every derived table counts it once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { journalBatch } from './helpers/journal-child.js';
import { openTestStore, tempDir } from './helpers/store.js';

const CYCLES = Number(process.env.FLOWLENS_JOURNAL_CRASH_CYCLES ?? 20);
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'journal-child.ts');

function start(dataDir: string, env: Record<string, string>): { proc: ChildProcess; lines: string[]; exited: Promise<number | null>; output: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, JOURNAL_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, exited, output: () => err };
}

const until = async (check: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
};

test(`kill -9 of a process ingesting through the write-ahead journal, ${CYCLES} times: every acknowledged event stored exactly once`, { timeout: 900_000 }, async () => {
  const dataDir = tempDir();
  const acknowledged = new Set<number>();
  let duplicatesAnswered = 0;
  const perCycle: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    // retry from the first batch without an answer (those after it with one are answered as duplicates)
    let first = 0;
    while (acknowledged.has(first)) first++;
    const c = start(dataDir, { JOURNAL_START: String(first) });
    const before = acknowledged.size;
    const ready = await until(() => c.lines.includes('ready') || c.proc.exitCode !== null, 120_000);
    assert.ok(ready && c.proc.exitCode === null, `cycle ${cycle}: the process started\n${c.output()}`);
    // kill at a random moment: sometimes right away (during the replay), mostly while batches flow
    const wait = cycle % 5 === 0 ? Math.random() * 150 : 200 + Math.random() * 1200;
    await new Promise((r) => setTimeout(r, wait));
    c.proc.kill('SIGKILL');
    await c.exited;
    for (const line of c.lines) {
      const m = /^ack (\d+) (\d+) (\d+)$/.exec(line);
      if (!m) continue;
      acknowledged.add(Number(m[1]));
      duplicatesAnswered += Number(m[3]);
    }
    perCycle.push(acknowledged.size - before);
  }
  const last = start(dataDir, { JOURNAL_DRAIN: '1' });
  assert.equal(await last.exited, 0, last.output());

  const { store } = await openTestStore(dataDir);
  try {
    const q = async (sql: string) => Number((await store.query<{ n: number }>(sql))[0]!.n);
    const stored = new Set((await store.query<{ id: string }>("SELECT event_id AS id FROM events WHERE workflow_id = 'wf-journal'")).map((r) => r.id));
    const lost = [...acknowledged].flatMap((n) => (journalBatch(n) as Array<{ event_id: string }>).map((e) => e.event_id)).filter((id) => !stored.has(id));
    const events = await q("SELECT count() AS n FROM events WHERE workflow_id = 'wf-journal'");
    const distinct = await q("SELECT uniqExact(event_id) AS n FROM events WHERE workflow_id = 'wf-journal'");
    console.log(
      `journal crash test: ${CYCLES} kill -9 cycles, ${acknowledged.size} batches (${acknowledged.size * 150} events) acknowledged ` +
        `(per cycle ${perCycle.join(', ')}), ${duplicatesAnswered} answered as duplicates on retry, ${lost.length} acknowledged events lost, ${events - distinct} stored twice`,
    );
    assert.ok(perCycle.filter((n) => n > 0).length >= CYCLES / 2, `batches were acknowledged in most cycles: ${perCycle}`);
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acknowledged events are missing`);
    assert.equal(events, distinct, 'no event is stored twice');
    assert.equal(await q("SELECT count() AS n FROM event_ids FINAL WHERE account_id = 'default'"), distinct, 'the event-id index lists every stored event once');
    assert.equal(await q("SELECT sum(events) AS n FROM workflow_events_hourly WHERE workflow_id = 'wf-journal'"), events, 'hourly rollups count every event once');
    assert.equal(await q("SELECT sum(events) AS n FROM workflows_seen WHERE workflow_id = 'wf-journal'"), events, 'workflows_seen counts every event once');
    // fed in turn from the hourly rollups: a repair's insert reaches them through it
    assert.equal(await q("SELECT sum(events) AS n FROM workflow_events_daily WHERE workflow_id = 'wf-journal'"), events, 'daily rollups count every event once');
    assert.equal(await q("SELECT sum(events) AS n FROM workflow_events_monthly WHERE workflow_id = 'wf-journal'"), events, 'monthly rollups count every event once');
    const executions = await q("SELECT uniqExact(execution_id) AS n FROM events WHERE workflow_id = 'wf-journal'");
    assert.equal(await q("SELECT count() AS n FROM (SELECT execution_id FROM execution_state WHERE workflow_id = 'wf-journal' GROUP BY execution_id)"), executions, 'execution_state has every execution');
    assert.equal(
      await q("SELECT countIf(e IS NOT NULL) AS n FROM (SELECT min(enrolled_at) AS e FROM execution_state WHERE workflow_id = 'wf-journal' GROUP BY execution_id)"),
      executions,
      'every execution counts its start once',
    );
    assert.equal(await q("SELECT count() AS n FROM execution_facts FINAL WHERE workflow_id = 'wf-journal'"), executions, 'every execution has its facts once');
  } finally {
    await store.close();
  }
});
