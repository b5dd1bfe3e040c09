import assert from 'node:assert/strict';
import type dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { guardedLookup, isLocalhostName, nonPublicAddress, postJson, webhookUrlProblem, WebhookTargetRefused, type Resolve } from './webhook-target.js';

describe('addresses', () => {
  test('IPv4', () => {
    const cases: Array<[string, string | undefined]> = [
      ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'],
      ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'],
      ['169.254.169.254', 'link-local'], ['169.254.0.1', 'link-local'],
      ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'unspecified'],
      ['224.0.0.1', 'multicast'], ['255.255.255.255', 'reserved'], ['240.0.0.1', 'reserved'], ['192.0.2.1', 'reserved'], ['198.18.0.1', 'reserved'],
      ['8.8.8.8', undefined], ['1.1.1.1', undefined], ['172.32.0.1', undefined], ['172.15.255.255', undefined], ['100.128.0.1', undefined],
      ['169.255.0.1', undefined], ['11.0.0.1', undefined], ['126.255.255.255', undefined], ['128.0.0.1', undefined], ['223.255.255.255', undefined],
    ];
    for (const [ip, kind] of cases) assert.equal(nonPublicAddress(ip), kind, ip);
  });

  test('IPv6, including IPv4-mapped and other embedded IPv4', () => {
    const cases: Array<[string, string | undefined]> = [
      ['::1', 'loopback'], ['[::1]', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'], ['::', 'unspecified'],
      ['fc00::1', 'private'], ['fd12:3456:789a::1', 'private'], ['fec0::1', 'private'],
      ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'], ['febf:ffff::1', 'link-local'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::FFFF:10.0.0.1', 'private'], ['::ffff:169.254.169.254', 'link-local'], ['::ffff:0.0.0.0', 'unspecified'],
      ['::ffff:8.8.8.8', undefined],
      ['::127.0.0.1', 'reserved'], ['::2', 'reserved'],
      ['64:ff9b::a00:1', 'private'], ['64:ff9b::7f00:1', 'loopback'], ['64:ff9b::808:808', undefined], ['64:ff9b:1::1', 'reserved'],
      ['2002:7f00:1::1', 'loopback'], ['2002:a9fe:a9fe::1', 'link-local'], ['2002:808:808::1', undefined],
      ['2001:db8::1', 'reserved'], ['2001::1', 'reserved'], ['3fff::1', 'reserved'], ['100::1', 'reserved'], ['4000::1', 'reserved'],
      ['2001:4860:4860::8888', undefined], ['2606:4700:4700::1111', undefined], ['2a00:1450:4001:82a::200e', undefined],
    ];
    for (const [ip, kind] of cases) assert.equal(nonPublicAddress(ip), kind, ip);
  });

  test('names are not addresses', () => {
    for (const s of ['example.com', 'localhost', '127.0.0.1.nip.io', '', '1.2.3', '::g']) assert.equal(nonPublicAddress(s), undefined, s);
    for (const s of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost.']) assert.ok(isLocalhostName(s), s);
    for (const s of ['localhost.example.com', 'mylocalhost', 'example.com']) assert.ok(!isLocalhostName(s), s);
  });
});

describe('webhook URLs at save', () => {
  test('non-public hosts are refused, whatever the spelling URL parsing normalises', () => {
    const refused: Array<[string, RegExp]> = [
      ['http://127.0.0.1:8080/hook', /^127\.0\.0\.1 is a loopback address: webhooks must go to public addresses \(FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1 allows others\)$/],
      ['http://2130706433/', /^127\.0\.0\.1 is a loopback/],
      ['http://0x7f.1/', /^127\.0\.0\.1 is a loopback/],
      ['http://0177.0.0.1/', /^127\.0\.0\.1 is a loopback/],
      ['http://127.1/', /^127\.0\.0\.1 is a loopback/],
      ['http://0x7f000001/', /^127\.0\.0\.1 is a loopback/],
      ['http://0/', /^0\.0\.0\.0 is an unspecified address/],
      ['http://[::]/', /^:: is an unspecified address/],
      ['http://[::1]:9000/x', /^::1 is a loopback/],
      ['http://[::ffff:127.0.0.1]/', /^::ffff:7f00:1 is a loopback/],
      ['http://[::ffff:a9fe:a9fe]/', /is a link-local/],
      ['http://169.254.169.254/latest/meta-data/', /^169\.254\.169\.254 is a link-local address/],
      ['https://10.0.0.5/hook', /^10\.0\.0\.5 is a private address/],
      ['https://192.168.0.1/', /is a private address/],
      ['https://[fd00::1]/', /^fd00::1 is a private address/],
      ['https://[fe80::1]/', /is a link-local address/],
      ['http://localhost:3000/hook', /^localhost is a loopback name/],
      ['http://LocalHost./', /^localhost\. is a loopback name/],
      ['http://api.localhost/', /^api\.localhost is a loopback name/],
    ];
    for (const [url, message] of refused) assert.match(webhookUrlProblem(url, false) ?? '(accepted)', message, url);
  });

  test('public addresses and other names are accepted (names are checked when sending); the flag allows any host', () => {
    for (const url of ['https://hooks.example.com/x?token=1', 'http://8.8.8.8/', 'https://[2606:4700:4700::1111]/', 'http://localhost.example.com/', 'http://134744072/']) {
      assert.equal(webhookUrlProblem(url, false), undefined, url);
    }
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/', 'http://169.254.169.254/', 'http://[::1]/']) assert.equal(webhookUrlProblem(url, true), undefined, url);
  });

  test('not an http(s) URL', () => {
    assert.equal(webhookUrlProblem('ftp://example.com/', false), 'must be an http:// or https:// URL');
    assert.equal(webhookUrlProblem('http://', false), 'not a valid URL');
    assert.equal(webhookUrlProblem('http://exa mple.com/', true), 'not a valid URL');
  });
});

const fakeResolve = (table: Record<string, string[]>): Resolve => async (host) => {
  const found = table[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

function lookup(fn: ReturnType<typeof guardedLookup>, host: string, options: dns.LookupOptions): Promise<unknown> {
  return new Promise((resolve, reject) => fn(host, options, (err, address, family) => (err ? reject(err) : resolve(options.all ? address : [address, family]))));
}

describe('names when sending', () => {
  const resolve = fakeResolve({
    'public.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'internal.test': ['10.0.0.7'],
    'mixed.test': ['93.184.216.34', '127.0.0.1'],
    'metadata.test': ['::ffff:169.254.169.254'],
  });

  test('a name resolving to any non-public address is refused', async () => {
    const guarded = guardedLookup(false, resolve);
    await assert.rejects(lookup(guarded, 'internal.test', {}), (e: Error) => e instanceof WebhookTargetRefused && /^internal\.test resolves to 10\.0\.0\.7, a private address/.test(e.message));
    await assert.rejects(lookup(guarded, 'mixed.test', { all: true }), /mixed\.test resolves to 127\.0\.0\.1, a loopback address/);
    await assert.rejects(lookup(guarded, 'metadata.test', { family: 4 }), /resolves to ::ffff:169\.254\.169\.254, a link-local address/);
    await assert.rejects(lookup(guarded, 'unknown.test', {}), /ENOTFOUND/);
  });

  test('a public name resolves as asked; the flag allows any', async () => {
    const guarded = guardedLookup(false, resolve);
    assert.deepEqual(await lookup(guarded, 'public.test', {}), ['93.184.216.34', 4]);
    assert.deepEqual(await lookup(guarded, 'public.test', { family: 6 }), ['2606:2800:220:1:248:1893:25c8:1946', 6]);
    assert.deepEqual(await lookup(guarded, 'public.test', { all: true }), [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 }]);
    assert.deepEqual(await lookup(guardedLookup(true, resolve), 'internal.test', {}), ['10.0.0.7', 4]);
  });
});

describe('postJson', () => {
  let server: http.Server;
  let port = 0;
  const received: unknown[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const resolve = fakeResolve({ 'hooks.test': ['127.0.0.1'] });

  test('refused before connecting: a literal address, or a name resolving to one (the connection uses the checked lookup)', async () => {
    await assert.rejects(postJson(`http://127.0.0.1:${port}/`, { a: 1 }, { timeoutMs: 2000, allowPrivate: false }), (e: Error) => e instanceof WebhookTargetRefused);
    await assert.rejects(postJson(`http://hooks.test:${port}/`, { a: 2 }, { timeoutMs: 2000, allowPrivate: false, resolve }), (e: Error) => e instanceof WebhookTargetRefused && /hooks\.test resolves to 127\.0\.0\.1/.test(e.message));
    assert.deepEqual(received, []);
  });

  test('allowed by the flag: delivered, by address and by name', async () => {
    assert.equal(await postJson(`http://127.0.0.1:${port}/`, { a: 3 }, { timeoutMs: 2000, allowPrivate: true }), 204);
    assert.equal(await postJson(`http://hooks.test:${port}/`, { a: 4 }, { timeoutMs: 2000, allowPrivate: true, resolve }), 204);
    assert.deepEqual(received, [{ a: 3 }, { a: 4 }]);
  });
});
