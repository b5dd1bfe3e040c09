/**
 * The dashboard builder in Chromium (issue 28): a dashboard built by dragging two widgets from the library onto the
 * grid and resizing one, saved, found again after a reload (on the page and in the API), its card showing the API's
 * figure; a public link opened in a fresh browser context without a session (no navigation, the account's white
 * label, the same figure); the embed page framed by an origin it does not allow stays blank (its frame-ancestors
 * names only the allowed origin), framed by the allowed one it renders.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { collectPageErrors, launchChromium, requireChromium } from './helpers/services.js';
import { ensureWebBuild } from './helpers/web-build.js';

const ARTIFACTS = path.resolve('test/artifacts');
const HOUR = 3_600_000;
const GAP = 12;
const ROW = 80;
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let base = '';
let adminKey = '';
let dashboardId = '';
let publicUrl = '';
/** A partner's page framing the embed page (`?src=`), on loopback: http://localhost:{port} is allowed, http://127.0.0.1:{port} is not. */
let partner: http.Server | undefined;
let partnerPort = 0;
const consoleErrors: string[] = [];
let skipped = false;

async function apiJson(url: string) {
  const res = await rt!.call('GET', url, adminKey);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

/** Drags from the centre of `from` to a point (page coordinates) with the mouse, in steps: pointer events. */
async function drag(from: Locator, to: { x: number; y: number }) {
  const box = (await from.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 10, box.y + box.height / 2 + 10, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

const boxOf = async (w: Locator) => Object.fromEntries(await Promise.all(['x', 'y', 'w', 'h'].map(async (k) => [k, Number(await w.getAttribute(`data-${k}`))])));

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const accountId = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Builders' })).json.account_id;
  adminKey = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  assert.equal((await rt.call('PUT', '/api/v1/workflows/checkout', adminKey, { name: 'Checkout', version: 1, steps: [] })).status, 201);
  assert.equal((await rt.call('PUT', '/api/v1/workflows/hidden', adminKey, { name: 'Hidden flow', version: 1, steps: [] })).status, 201);
  assert.equal((await rt.call('PUT', '/api/v1/account/settings', adminKey, { pseudonymize_contact_ids: false, brand_name: 'Acme Analytics', accent_color: '#aa3300' })).status, 200);
  const now = Date.now();
  const events: object[] = [];
  for (let i = 0; i < 60; i++) {
    const t = now - 2 * HOUR - i * 4 * HOUR;
    events.push(ev.started('checkout', `c${i}`, new Date(t).toISOString()));
    if (i % 3 !== 0) events.push(ev.completed('checkout', `c${i}`, new Date(t + HOUR).toISOString()));
  }
  for (let i = 0; i < 7; i++) events.push(ev.started('hidden', `h${i}`, new Date(now - 3 * HOUR - i * HOUR).toISOString()));
  const ingested = await rt.call('POST', '/api/v1/events', adminKey, events);
  assert.equal(ingested.status, 200, ingested.text);
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  partner = http.createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    const safe = src.replace(/[^A-Za-z0-9:/._-]/g, '');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Partner</title><h1>Partner page</h1><iframe src="${safe}" width="1200" height="700"></iframe>`);
  });
  await new Promise<void>((resolve) => partner!.listen(0, '127.0.0.1', resolve));
  partnerPort = (partner.address() as { port: number }).port;
  base = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}`;
  browser = await launchChromium(chromiumPath);
  context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  collectPageErrors(page, consoleErrors);
});

after(async () => {
  await browser?.close();
  partner?.close();
  await rt?.close();
});

test('build a dashboard by dragging two widgets, resize one, save, reload and find the layout', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/sign-in#key=${adminKey}`);
  await page.click('nav a:has-text("Dashboards")');
  await page.fill('input[name="dashboard-name"]', 'Team board');
  await page.click('button:has-text("Create dashboard")');
  await page.waitForURL(/\/dashboards\/[^/]+$/);
  dashboardId = decodeURIComponent(page.url().split('/').pop()!);
  // the dashboard shows the checkout workflow (a public link shows exactly the workflows it names)
  await page.click('.dash-workflows summary');
  await page.check('input[name="dashboard-workflows"][value="checkout"]');

  const grid = page.locator('.dash-grid');
  await page.waitForSelector('.library-item[data-type="metric"]');
  const g = (await grid.boundingBox())!;
  const column = (g.width - 11 * GAP) / 12;
  // a metric card dropped on the top-left cell, a line chart on the seventh column
  await drag(page.locator('.library-item[data-type="metric"]'), { x: g.x + column / 2, y: g.y + ROW / 2 });
  const card = page.locator('.dash-widget[data-type="metric"]');
  await card.waitFor();
  assert.deepEqual(await boxOf(card), { x: 0, y: 0, w: 3, h: 2 });
  await drag(page.locator('.library-item[data-type="line"]'), { x: g.x + 6 * (column + GAP) + column / 2, y: g.y + ROW / 2 });
  const line = page.locator('.dash-widget[data-type="line"]');
  await line.waitFor();
  assert.deepEqual(await boxOf(line), { x: 6, y: 0, w: 6, h: 4 });

  // the card's corner dragged three columns right and one row down
  const corner = (await card.locator('.dash-resize').boundingBox())!;
  await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
  await page.mouse.down();
  await page.mouse.move(corner.x + 3 * (column + GAP) + corner.width / 2, corner.y + ROW + GAP + corner.height / 2, { steps: 12 });
  await page.mouse.up();
  assert.deepEqual(await boxOf(card), { x: 0, y: 0, w: 6, h: 3 });
  assert.deepEqual(await boxOf(line), { x: 6, y: 0, w: 6, h: 4 });

  // the card's figure is the summary's, for the last 30 days in the browser's timezone (UTC here)
  const summary = await apiJson('/api/v1/workflows/checkout/analytics?range=last_30_days&timezone=UTC');
  await card.locator('[data-figure="card"]').waitFor();
  assert.equal(Number(await card.locator('[data-figure="card"]').getAttribute('data-value')), summary.summary.total_enrolled);
  assert.equal(summary.summary.total_enrolled, 60);
  await line.locator('.widget-chart svg').waitFor({ state: 'attached' });
  const trend = JSON.parse((await line.locator('.widget-series').getAttribute('data-values'))!) as number[][];
  assert.deepEqual(trend[0], summary.trends.map((r: { new_enrollments: number }) => r.new_enrollments));

  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/dashboards/${dashboardId}`));
  await page.click('button:has-text("Save")');
  assert.equal((await saved).status(), 200);
  await page.waitForSelector('[data-saved="true"]');
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-builder.png'), fullPage: true });

  await page.reload();
  await page.locator('.dash-widget[data-type="line"]').waitFor();
  assert.deepEqual(await boxOf(page.locator('.dash-widget[data-type="metric"]')), { x: 0, y: 0, w: 6, h: 3 });
  assert.deepEqual(await boxOf(page.locator('.dash-widget[data-type="line"]')), { x: 6, y: 0, w: 6, h: 4 });
  const stored = await apiJson(`/api/v1/analytics/dashboards/${dashboardId}`);
  assert.deepEqual(stored.workflow_ids, ['checkout']);
  assert.deepEqual(stored.widgets.map((w: { type: string; x: number; y: number; w: number; h: number }) => [w.type, w.x, w.y, w.w, w.h]), [['metric', 0, 0, 6, 3], ['line', 6, 0, 6, 4]]);
  // after the reload the figures come from the dashboard's data in one request
  assert.equal(Number(await page.locator('.dash-widget[data-type="metric"] [data-figure="card"]').getAttribute('data-value')), 60);

  // the editor: a second metric overlaid (previewed before saving), the height typed in; then discarded
  const lineAgain = page.locator('.dash-widget[data-type="line"]');
  await lineAgain.locator('button:has-text("Edit")').click();
  const editor = page.locator('.widget-editor');
  await editor.locator('input[name="metrics"][value="completions"]').check();
  await editor.locator('input[name="place-h"]').fill('5');
  await page.waitForFunction(() => (JSON.parse(document.querySelector('.dash-widget[data-type="line"] .widget-series')?.getAttribute('data-values') ?? '[]') as unknown[]).length === 2);
  const overlaid = JSON.parse((await lineAgain.locator('.widget-series').getAttribute('data-values'))!) as number[][];
  assert.deepEqual(overlaid[1], summary.trends.map((r: { completions: number }) => r.completions));
  assert.equal(Number(await lineAgain.getAttribute('data-h')), 5);
  assert.equal(await page.getAttribute('[data-saved]', 'data-saved'), 'false');
  await page.click('button:has-text("Discard changes")');
  assert.equal(Number(await lineAgain.getAttribute('data-h')), 4);
  await page.click('.widget-editor button:has-text("Done")');
});

test('a public link opens in a fresh browser context without a session', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.click('button:has-text("Share…")');
  const dialog = page.locator('dialog.share-dialog');
  await dialog.waitFor();
  await dialog.locator('textarea[name="allowed_origins"]').fill(`http://localhost:${partnerPort}`);
  await dialog.locator('button:has-text("Save sharing")').click();
  await dialog.locator('text=Saved.').waitFor();
  await dialog.locator('button:has-text("Create a public link")').click();
  publicUrl = await dialog.locator('input[name="public-url"]').inputValue();
  assert.match(publicUrl, new RegExp(`^${base}/embed/[A-Za-z0-9_-]{43}$`));
  await dialog.locator('table[aria-label="Public links"] tr[data-status="active"]').waitFor();
  await dialog.screenshot({ path: path.join(ARTIFACTS, 'dashboard-share.png') });
  await dialog.locator('button:has-text("Close")').click();

  const fresh = await browser!.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  try {
    assert.deepEqual(await fresh.cookies(), []);
    const visitor = await fresh.newPage();
    visitor.on('pageerror', (e) => consoleErrors.push(String(e)));
    const res = await visitor.goto(publicUrl);
    assert.equal(res?.status(), 200);
    assert.ok((res!.headers()['content-security-policy'] ?? '').endsWith(`frame-ancestors http://localhost:${partnerPort}`));
    await visitor.waitForSelector('[data-embed="ready"]');
    assert.equal(await visitor.locator('nav').count(), 0, 'no navigation chrome');
    assert.equal(await visitor.locator('.embed-brand').textContent(), 'Acme Analytics', 'the account\'s white label');
    assert.equal(await visitor.locator('.embed-head h1').innerText(), 'Team board');
    assert.equal(await visitor.locator('.dash-widget').count(), 2);
    assert.equal(Number(await visitor.locator('.dash-widget[data-type="metric"] [data-figure="card"]').getAttribute('data-value')), 60);
    assert.equal(await visitor.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()), '#aa3300');
    assert.doesNotMatch(await visitor.content(), /Hidden flow/);
    assert.equal(await visitor.locator('[data-editing]').count(), 0, 'read-only');
    await visitor.screenshot({ path: path.join(ARTIFACTS, 'dashboard-public.png'), fullPage: true });
  } finally {
    await fresh.close();
  }
});

test('an embed page framed by an origin it does not allow does not render; the allowed origin shows it', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const framing = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const host = (origin: string) => `${origin}/?src=${encodeURIComponent(publicUrl)}`;
    const evil = await framing.newPage();
    const embedded = evil.waitForResponse((r) => r.url() === publicUrl);
    await evil.goto(host(`http://127.0.0.1:${partnerPort}`));
    const response = await embedded;
    assert.equal(response.status(), 200);
    assert.ok((response.headers()['content-security-policy'] ?? '').endsWith(`frame-ancestors http://localhost:${partnerPort}`), 'only the allowed origin may frame it');
    await evil.waitForTimeout(1500);
    const frame = evil.frames().find((f) => f !== evil.mainFrame());
    assert.ok(frame, 'the iframe is there');
    // the browser refuses to show the framed page: the frame holds its error page, nothing of the dashboard
    assert.equal(frame.url(), 'chrome-error://chromewebdata/', 'Chromium refused the framed page');
    const rendered = await frame.evaluate(() => document.querySelectorAll('[data-embed], .dash-widget').length).catch(() => 0);
    assert.equal(rendered, 0, 'nothing of the dashboard renders in the frame');
    assert.equal(await evil.frameLocator('iframe').locator('[data-embed]').count(), 0);
    await evil.screenshot({ path: path.join(ARTIFACTS, 'dashboard-embed-refused.png') });

    const allowed = await framing.newPage();
    await allowed.goto(host(`http://localhost:${partnerPort}`));
    const inside = allowed.frameLocator('iframe');
    await inside.locator('[data-embed="ready"]').waitFor({ timeout: 15_000 });
    assert.equal(Number(await inside.locator('.dash-widget[data-type="metric"] [data-figure="card"]').getAttribute('data-value')), 60);
    await allowed.screenshot({ path: path.join(ARTIFACTS, 'dashboard-embed-allowed.png') });
  } finally {
    await framing.close();
  }
  assert.deepEqual(consoleErrors, []);
});
