/**
 * Machine services some tests need (Redis now; Chromium and PostgreSQL later). Where one is missing the
 * test skips with a visible message; with FLOWLENS_REQUIRE_SERVICES=1 (set by .ci/run) it fails instead.
 */
import net from 'node:net';

export const REDIS_URL = process.env.FLOWLENS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** false (with the reason printed) when the service is missing and may be skipped; throws under CI. */
export async function requireService(name: string, url: string): Promise<string | false> {
  if (await reachable(url)) return url;
  const reason = `${name} is not reachable at ${url}`;
  if (process.env.FLOWLENS_REQUIRE_SERVICES === '1') throw new Error(`${reason}, and FLOWLENS_REQUIRE_SERVICES=1 requires it`);
  console.warn(`SKIPPED: ${reason}; these tests need it (CI sets FLOWLENS_REQUIRE_SERVICES=1 to require it)`);
  return false;
}

export const CHROMIUM = process.env.FLOWLENS_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** The Chromium executable for browser tests, or false (with the reason printed) where it is missing. */
export async function requireChromium(): Promise<string | false> {
  const fs = await import('node:fs');
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  const reason = `Chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium)`;
  if (process.env.FLOWLENS_REQUIRE_SERVICES === '1') throw new Error(`${reason}, and FLOWLENS_REQUIRE_SERVICES=1 requires it`);
  console.warn(`SKIPPED: ${reason}; browser tests need it (CI sets FLOWLENS_REQUIRE_SERVICES=1 to require it)`);
  return false;
}

/** Headless Chromium with the flags this machine's closed network needs. */
export async function launchChromium(executablePath: string) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects a page's console errors and uncaught exceptions into `errors` (browser tests assert there are none). */
export function collectPageErrors(page: import('playwright-core').Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
}

/** A browser test's page on a runtime's app: the app served on a free loopback port, the page's console errors collected. */
export interface BrowserOn {
  base: string;
  browser: import('playwright-core').Browser;
  context: import('playwright-core').BrowserContext;
  page: import('playwright-core').Page;
}

/**
 * Serves `app` on a free port of 127.0.0.1 and opens a page on it in headless Chromium (US English, UTC, 1280×900
 * unless `options` say otherwise), its console errors and uncaught exceptions collected into `errors`.
 */
export async function openBrowserOn(
  app: { listen: (o: { port: number; host: string }) => Promise<string>; server: { address: () => unknown } },
  executablePath: string,
  errors: string[],
  options: import('playwright-core').BrowserContextOptions = {},
): Promise<BrowserOn> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await launchChromium(executablePath);
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  collectPageErrors(page, errors);
  return { base, browser, context, page };
}

/** A command-line tool some tests need (e.g. poppler's pdftotext), or false with the reason printed. */
export async function requireTool(name: string, debianPackage: string): Promise<boolean> {
  const { spawnSync } = await import('node:child_process');
  const found = spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
  if (found) return true;
  const reason = `${name} is not installed (Debian: apt-get install ${debianPackage})`;
  if (process.env.FLOWLENS_REQUIRE_SERVICES === '1') throw new Error(`${reason}, and FLOWLENS_REQUIRE_SERVICES=1 requires it`);
  console.warn(`SKIPPED: ${reason}; this test needs it (CI sets FLOWLENS_REQUIRE_SERVICES=1 to require it)`);
  return false;
}

/**
 * The ClickHouse server the store contract and analytics tests run against besides the embedded engine:
 * FLOWLENS_TEST_CLICKHOUSE_URL, and FLOWLENS_TEST_CLICKHOUSE_CLUSTER when that server is a node of a cluster
 * (docs/cluster.md). Unset, those tests run on the embedded engine and print that the server run was skipped.
 * Not a failure under FLOWLENS_REQUIRE_SERVICES=1: CI's machine cannot have a ClickHouse server (Debian's package
 * is from 2018, too old for the schema; npm ships none), while the embedded engine runs the same SQL there and
 * every cluster statement is parsed by it (src/store/schema-parse.test.ts).
 */
export function clickhouseUnderTest(): { clickhouseUrl: string | undefined; clickhouseCluster: string | undefined; name: string } {
  const url = process.env.FLOWLENS_TEST_CLICKHOUSE_URL || undefined;
  const cluster = (url && process.env.FLOWLENS_TEST_CLICKHOUSE_CLUSTER) || undefined;
  if (!url) {
    console.warn('SKIPPED (server run): FLOWLENS_TEST_CLICKHOUSE_URL is not set, so these tests run on the embedded engine only; set it (and FLOWLENS_TEST_CLICKHOUSE_CLUSTER for a cluster) to run them against a ClickHouse server');
  } else if (!cluster) {
    console.warn('SKIPPED (cluster run): FLOWLENS_TEST_CLICKHOUSE_CLUSTER is not set, so these tests run against one server');
  }
  return { clickhouseUrl: url, clickhouseCluster: cluster, name: cluster ? `cluster ${cluster}` : url ? 'server' : 'embedded' };
}
