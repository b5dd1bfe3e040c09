// The README's screenshots: starts Flowlens on the demo data (`serve --demo` on a fresh data directory, as `npm start`
// does), signs in with the demo link, and writes the first screen of the workflow, overview, costs and errors pages
// at 1440×900 and at a phone's 390×844 to docs/screenshots/*.png. Needs the dashboard built (it builds it when
// dist/web is missing) and Chromium (FLOWLENS_TEST_CHROMIUM, default /usr/bin/chromium).
//   node scripts/screenshots.mjs
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.FLOWLENS_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = [
  ['desktop', { width: 1440, height: 900 }],
  ['phone', { width: 390, height: 844 }],
];

if (!fs.existsSync(path.join(ROOT, 'dist/web/index.html'))) {
  const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** `flowlens serve --demo` on a fresh data directory; resolves with the sign-in link it prints. */
function startDemo(dataDir) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve', '--demo', '--port', '0', '--data', dataDir], {
    cwd: ROOT,
    env: { ...process.env, FLOWLENS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const link = new Promise((resolve, reject) => {
    const read = (d) => {
      out += d;
      const m = /Dashboard:\s+(\S+#key=\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the demo server exited (${code}):\n${out}`)));
  });
  return { child, link };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-screenshots-'));
const { child, link } = startDemo(dataDir);
let browser;
try {
  const signIn = await link;
  const base = new URL(signIn).origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: SIZES[0][1] });
  const page = await context.newPage();
  await page.goto(signIn);
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr', { timeout: 60_000 });
  const workflow = await page.getAttribute('table[aria-label="Workflows"] tbody tr[data-workflow]', 'data-workflow');
  const q = '?range=last_30_days&timezone=UTC';
  const pages = [
    ['workflow', `/workflows/${encodeURIComponent(workflow)}${q}`, '.funnel-step'],
    ['overview', `/overview${q}`, '[data-figure]'],
    ['costs', `/costs${q}`, '[data-figure]'],
    ['errors', `/errors${q}`, 'main .panel'],
  ];
  fs.mkdirSync(OUT, { recursive: true });
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    for (const [name, url, ready] of pages) {
      await page.goto(`${base}${url}`);
      await page.waitForSelector(ready, { timeout: 60_000 });
      // charts drawn and no panel still loading
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, { timeout: 60_000 });
      await page.waitForTimeout(500);
      const file = path.join(OUT, `${name}-${size}.png`);
      await page.screenshot({ path: file, clip: { x: 0, y: 0, ...viewport } });
      process.stdout.write(`${path.relative(ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)\n`);
    }
  }
} finally {
  await browser?.close();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
