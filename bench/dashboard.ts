/**
 * The dashboard in Chromium on a seeded data directory: the bundle's gzipped size, and for the
 * workflow page the time from navigation until the page is interactive (the app's JavaScript ran and its
 * controls answer) and until every panel shows its figures (cards, funnel, actions and the drawn chart).
 * Cold: a period no request asked before (ClickHouse computes it); warm: the same page again.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServerProcess } from '../test/helpers/server-process.js';
import { CHROMIUM, launchChromium } from '../test/helpers/services.js';
import { ensureWebBuild } from '../test/helpers/web-build.js';
import { prepareDerived, KEEP_ALL } from './seed.js';

const KEY = 'fl_bench_operator_key';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
};

export function bundleSizes(webDir: string) {
  const assets = path.join(webDir, 'assets');
  return fs.readdirSync(assets).map((f) => {
    const body = fs.readFileSync(path.join(assets, f));
    return { file: f.replace(/-[\w-]{8}\./, '.'), bytes: body.length, gzipBytes: zlib.gzipSync(body, { level: 9 }).length };
  });
}

export async function benchDashboard(dataDir: string, repeats = 5) {
  const webDir = await ensureWebBuild();
  // derived tables of a fresh seed are built at the first open: done here, so the server starts at once
  await prepareDerived(dataDir, KEY);
  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0', FLOWLENS_WEB_DIR: webDir, ...KEEP_ALL });
  const browser = await launchChromium(CHROMIUM);
  try {
    const list = await (await fetch(`${server.url}/api/v1/workflows`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    const wf = list.workflows[0].workflow_id as string;
    const enrolled = (await (await fetch(`${server.url}/api/v1/workflows/${wf}/analytics?range=last_90_days`, { headers: { authorization: `Bearer ${KEY}` } })).json()).summary.total_enrolled;
    const signIn = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: KEY }) });
    const cookie = /flowlens_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    await context.addCookies([{ name: 'flowlens_session', value: cookie, url: server.url }, { name: 'flowlens_signed_in', value: '1', url: server.url }]);
    const page = await context.newPage();

    const load = async (query: string) => {
      await page.goto(`${server.url}/workflows/${encodeURIComponent(wf)}?${query}`);
      // interactive: React rendered the page's controls (event handlers attached); checked every frame
      await page.waitForFunction(() => document.querySelector('button[aria-pressed]') !== null, undefined, { polling: 'raf' });
      const interactive = await page.evaluate(() => performance.now());
      await page.waitForFunction(() => document.querySelector('[data-figure="total_enrolled"]') && document.querySelector('.funnel-step') && document.querySelector('tr[data-action]') && document.querySelector('.chart svg path'), undefined, { timeout: 60_000, polling: 'raf' });
      const ready = await page.evaluate(() => performance.now());
      return { interactive, ready };
    };

    // cold: each timezone × range is a period nobody asked for since the server started
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Chicago', 'Europe/London', 'Asia/Dubai'];
    const cold: { interactive: number; ready: number }[] = [];
    for (const tz of zones.slice(0, repeats)) cold.push(await load(`range=last_30_days&timezone=${encodeURIComponent(tz)}`));
    const warm: { interactive: number; ready: number }[] = [];
    for (let i = 0; i < repeats; i++) warm.push(await load('range=last_30_days&timezone=UTC'));
    return {
      workflow: wf,
      enrolledLast90Days: enrolled,
      bundle: bundleSizes(webDir),
      coldInteractiveP50Ms: pct(cold.map((c) => c.interactive), 0.5),
      coldReadyP50Ms: pct(cold.map((c) => c.ready), 0.5),
      coldReadyMaxMs: pct(cold.map((c) => c.ready), 1),
      warmInteractiveP50Ms: pct(warm.map((c) => c.interactive), 0.5),
      warmReadyP50Ms: pct(warm.map((c) => c.ready), 0.5),
      warmReadyMaxMs: pct(warm.map((c) => c.ready), 1),
    };
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
