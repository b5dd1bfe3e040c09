/**
 * What `flowlens serve` prints: the banner with the dashboard's link as its last line, and no line per request
 * afterwards unless FLOWLENS_LOG_REQUESTS=1 asks for them (a real server process, real requests).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config/config.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const KEY = 'fl_test_console_operator_key_0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `flowlens serve` with stdout and stderr into one file, as a terminal shows them (in the order written),
 * asks `requests` health checks and one listing, stops it, and returns what it printed.
 */
async function serveAndAsk(env: Record<string, string>, requests: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-console-'));
  const file = path.join(dir, 'console.txt');
  const fd = fs.openSync(file, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--data', path.join(dir, 'data')], {
    cwd: ROOT,
    env: { ...process.env, FLOWLENS_LOG_LEVEL: 'info', FLOWLENS_ADMIN_KEY: KEY, ...env },
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const printed = () => fs.readFileSync(file, 'utf8');
  try {
    let url: string | undefined;
    for (let i = 0; i < 1200 && !url; i++, await sleep(50)) url = /running at (http:\/\/\S+)/.exec(printed())?.[1];
    assert.ok(url, `no banner:\n${printed()}`);
    await sleep(100);
    for (let i = 0; i < requests; i++) assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/api/v1/workflows`, { headers: { authorization: `Bearer ${KEY}` } })).status, 200);
    await sleep(300);
    return printed();
  } finally {
    child.kill('SIGTERM');
    await exited;
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('FLOWLENS_LOG_REQUESTS: off by default, 1 turns it on, anything else is refused', () => {
  assert.equal(loadConfig({}, {}).logRequests, false);
  assert.equal(loadConfig({}, { FLOWLENS_LOG_REQUESTS: '1' }).logRequests, true);
  assert.throws(() => loadConfig({}, { FLOWLENS_LOG_REQUESTS: 'yes' }), /FLOWLENS_LOG_REQUESTS must be 0 or 1/);
});

test('the banner ends with the dashboard link, and requests print nothing after it by default', async () => {
  const out = await serveAndAsk({}, 30);
  const banner = out.slice(out.indexOf('Flowlens is running at'), out.indexOf('shutting down'));
  const lines = banner.split('\n').filter((l) => l.trim() !== '');
  assert.match(lines[0]!, /^Flowlens is running at http:/);
  assert.match(lines.at(-1)!, /^ {2}Dashboard: {6}http:\/\/\S+\/ {2}\(sign in with an API key\)$/, banner);
  assert.doesNotMatch(out, /incoming request|request completed/);
  assert.doesNotMatch(out, /Deprecation/, 'no warning from the logger\'s options');
});

test('with FLOWLENS_LOG_REQUESTS=1 each request is logged', async () => {
  const out = await serveAndAsk({ FLOWLENS_LOG_REQUESTS: '1' }, 3);
  // 3 health checks and one listing: each an incoming and a completed line
  assert.equal(out.match(/request completed/g)?.length, 4, out);
});
