/**
 * Alert delivery against real receivers started in the test: an SMTP server (smtp-server) gets the firing and the
 * resolved email; a local HTTP receiver checks the Slack message against Slack's documented incoming-webhook
 * shape and limits; another verifies the HMAC signature and timestamp of the generic webhook; a receiver that
 * fails twice gets the message on the third try, after growing waits; a refused target (loopback with
 * allowPrivate false) fails at once, without retrying. signBody against vectors computed with openssl.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import {
  deliver,
  emailOf,
  SIGNATURE_HEADER,
  signBody,
  slackPayload,
  TIMESTAMP_HEADER,
  verifySignature,
  type AlertNotification,
  type DeliveryOptions,
} from '../src/alerts/delivery.js';
import { NO_SMTP, smtpMailer } from '../src/reports/mailer.js';

const firing: AlertNotification = {
  kind: 'firing',
  alert_id: 'al_7f3a',
  rule_id: 'ru_12',
  rule_name: 'Onboarding failures',
  severity: 'critical',
  account_id: 'acc_1',
  workflow_id: 'wf-onboarding',
  metric: 'failure_rate',
  metric_label: 'Failure rate',
  unit: 'percent',
  value: 12.5,
  expected: 4,
  lower: 2.1,
  upper: 5.9,
  summary: 'Failure rate 12.5% is 3.1× the expected 4.0% (seasonal baseline, band 2.1–5.9%)',
  labels: { team: 'growth' },
  started_at: '2026-03-09T10:00:00.000Z',
  resolved_at: null,
  evaluated_at: '2026-03-09T10:15:00.000Z',
  link: 'https://flowlens.example.com/workflows/wf-onboarding?metric=failure_rate&from=2026-03-02',
};
const resolved: AlertNotification = {
  ...firing,
  kind: 'resolved',
  value: 4.2,
  summary: 'Failure rate 4.2% is back within the expected band 2.1–5.9% (seasonal baseline)',
  resolved_at: '2026-03-09T12:05:00.000Z',
  evaluated_at: '2026-03-09T12:05:00.000Z',
};

// ---- receivers ----

interface Request {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** An HTTP receiver that records each request and answers what `answer` says for the n-th one (0-based). */
async function receiver(answer: (n: number) => [number, string] = () => [200, 'ok']) {
  const requests: Request[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [status, text] = answer(requests.length);
      requests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: performance.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { requests, base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/** Bytes written as =XX (quoted-printable, RFC 2047 Q words) decoded as UTF-8. */
function decodeQ(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Subject (RFC 2047 encoded words) and text body (quoted-printable, base64 or 7/8 bit) of a raw single-part mail. */
function parseMail(raw: string, to: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  const subject = header('Subject')
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQ(text.replace(/_/g, ' ')),
    );
  const cte = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    cte === 'quoted-printable'
      ? decodeQ(body.replace(/=\r\n/g, ''))
      : cte === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : Buffer.from(body, 'latin1').toString('utf8');
  return { to, subject, text: text.replace(/\r\n/g, '\n').replace(/\n+$/, '') };
}

let smtp: SMTPServer;
let smtpUrl = '';
const mails: Mail[] = [];

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('mailbox unavailable (test)'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('latin1')));
      stream.on('end', () => {
        mails.push(parseMail(raw, session.envelope.rcptTo.map((r) => r.address)));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => smtp.close(() => r())));

/** Options for local receivers: loopback allowed, fast backoff. */
const local = (extra: Partial<DeliveryOptions> = {}): DeliveryOptions => ({ mailer: NO_SMTP, allowPrivate: true, retryMs: 5, timeoutMs: 2000, ...extra });

// ---- Slack's documented shape (docs.slack.dev: incoming webhooks, Block Kit header/section/context blocks) ----

const TEXT_KEYS = new Set(['type', 'text', 'emoji', 'verbatim']);
function assertTextObject(t: any, types: string[], max: number, where: string) {
  assert.ok(t && typeof t === 'object', `${where}: a text object`);
  assert.ok(types.includes(t.type), `${where}: type ${t.type}`);
  assert.equal(typeof t.text, 'string', `${where}: text`);
  assert.ok(t.text.length > 0 && t.text.length <= max, `${where}: ${t.text.length} characters (at most ${max})`);
  for (const k of Object.keys(t)) assert.ok(TEXT_KEYS.has(k), `${where}: unknown field ${k}`);
}
function assertSlackMessage(m: any) {
  assert.deepEqual(Object.keys(m).sort(), ['blocks', 'text']);
  assert.equal(typeof m.text, 'string');
  assert.ok(m.text.length > 0);
  assert.ok(Array.isArray(m.blocks) && m.blocks.length > 0 && m.blocks.length <= 50);
  m.blocks.forEach((b: any, i: number) => {
    const where = `blocks[${i}] (${b.type})`;
    if (b.type === 'header') {
      assert.deepEqual(Object.keys(b).sort(), ['text', 'type'], where);
      assertTextObject(b.text, ['plain_text'], 150, where);
    } else if (b.type === 'section') {
      for (const k of Object.keys(b)) assert.ok(['type', 'text', 'fields', 'block_id'].includes(k), `${where}: ${k}`);
      assert.ok(b.text || b.fields, `${where}: text or fields`);
      if (b.text) assertTextObject(b.text, ['mrkdwn', 'plain_text'], 3000, where);
      if (b.fields) {
        assert.ok(Array.isArray(b.fields) && b.fields.length <= 10, `${where}: at most 10 fields`);
        b.fields.forEach((f: any, j: number) => assertTextObject(f, ['mrkdwn', 'plain_text'], 2000, `${where} fields[${j}]`));
      }
    } else if (b.type === 'context') {
      assert.deepEqual(Object.keys(b).sort(), ['elements', 'type'], where);
      assert.ok(Array.isArray(b.elements) && b.elements.length >= 1 && b.elements.length <= 10, where);
      b.elements.forEach((e: any, j: number) => assertTextObject(e, ['mrkdwn', 'plain_text'], 3000, `${where} elements[${j}]`));
    } else assert.fail(`${where}: not a block type this message uses`);
  });
}
/** mrkdwn text with Slack's control characters only in <…> tokens and entities (&amp; &lt; &gt;). */
function assertEscaped(mrkdwn: string) {
  const outside = mrkdwn.replace(/<(https?:\/\/|!date\^)[^<>]*>/g, '');
  assert.doesNotMatch(outside, /[<>]/, mrkdwn);
  assert.doesNotMatch(outside.replace(/&(amp|lt|gt);/g, ''), /&/, mrkdwn);
}

describe('signature', () => {
  test('signBody matches HMAC-SHA256 of "<timestamp>.<body>" computed by openssl', () => {
    // printf '%s' '1700000000.{"hello":"world"}' | openssl dgst -sha256 -hmac 'whsec_test'
    assert.equal(signBody('whsec_test', 1700000000, '{"hello":"world"}'), 'f592bbf3951cfc94e560eecfb5d9dd4da6b0fff2e626235f8ab4b54860925d0b');
    // UTF-8 body and key: printf '%s' '1773050400.{"summary":"3.1× the expected 4.0%"}' | openssl dgst -sha256 -hmac 'k3y-ünï'
    assert.equal(signBody('k3y-ünï', 1773050400, '{"summary":"3.1× the expected 4.0%"}'), 'fdc4496c369aae769024d33e87a072410d844c9c3196623ca199df553d997651');
  });

  test('verifySignature: the right secret and body within 5 minutes; not a tampered body, another secret, a stale or malformed header', () => {
    const body = '{"hello":"world"}';
    const sig = `v1=${signBody('whsec_test', 1700000000, body)}`;
    const ok = (h: { timestamp: string; signature: string }, b: string | Buffer = body, now = 1700000000) => verifySignature('whsec_test', h, b, undefined, now);
    assert.equal(ok({ timestamp: '1700000000', signature: sig }), true);
    assert.equal(ok({ timestamp: '1700000000', signature: sig }, Buffer.from(body)), true, 'raw bytes');
    assert.equal(ok({ timestamp: '1700000000', signature: sig }, body, 1700000000 + 300), true, '5 minutes later');
    assert.equal(ok({ timestamp: '1700000000', signature: sig }, body, 1700000000 - 300), true, 'a sender clock 5 minutes ahead');
    assert.equal(ok({ timestamp: '1700000000', signature: `v1=${'0'.repeat(64)}, ${sig}` }), true, 'one of several (a secret being rotated)');
    assert.equal(ok({ timestamp: '1700000000', signature: sig }, '{"hello":"world!"}'), false, 'tampered body');
    assert.equal(ok({ timestamp: '1700000001', signature: sig }, body, 1700000001), false, 'another timestamp');
    assert.equal(ok({ timestamp: '1700000000', signature: sig }, body, 1700000000 + 301), false, 'stale');
    assert.equal(ok({ timestamp: '1700000000', signature: sig }, body, 1700000000 - 301), false, 'too far ahead');
    assert.equal(verifySignature('other', { timestamp: '1700000000', signature: sig }, body, 300, 1700000000), false, 'another secret');
    assert.equal(verifySignature('whsec_test', { timestamp: '1700000000', signature: sig }, body, 10, 1700000011), false, 'a smaller tolerance');
    for (const signature of [sig.slice(3), `v0=${sig.slice(3)}`, `${sig}0`, sig.slice(0, -1), 'v1=', 'v1=zz', ''])
      assert.equal(ok({ timestamp: '1700000000', signature }), false, signature);
    for (const timestamp of ['', 'abc', '1700000000.5', '-1700000000', '1e9'])
      assert.equal(ok({ timestamp, signature: sig }), false, timestamp);
  });
});

describe('email', () => {
  test('the firing and the resolved email reach a real SMTP server with the subject and text of emailOf', async () => {
    const mailer = smtpMailer(smtpUrl, 'Flowlens <alerts@test>');
    const to = ['oncall@example.com', 'team@example.com'];
    const before = mails.length;
    for (const n of [firing, resolved]) {
      const log = await deliver({ type: 'email', to }, n, { mailer, allowPrivate: false, retryMs: 5 });
      assert.equal(log.length, 1);
      assert.deepEqual({ ...log[0], at: undefined, duration_ms: undefined }, { channel: 'email', target: 'oncall@example.com, team@example.com', attempt: 1, at: undefined, ok: true, status: null, error: null, duration_ms: undefined });
    }
    assert.equal(mails.length, before + 2);
    const [a, b] = mails.slice(before) as [Mail, Mail];
    assert.deepEqual(a.to.sort(), to);
    assert.equal(a.subject, '[Flowlens] Critical: Onboarding failures — Failure rate 12.5% (expected 4.0%) · wf-onboarding');
    assert.equal(a.text, emailOf(firing).text);
    assert.match(a.text, /^FIRING — Critical: Onboarding failures\n\nFailure rate 12\.5% is 3\.1× the expected 4\.0% \(seasonal baseline, band 2\.1–5\.9%\)\n/);
    assert.match(a.text, /\nValue: +12\.5%\nExpected: +4\.0%\nExpected band: +2\.1%–5\.9%\nDifference: +\+8\.5 pp \(\+212\.5%\)\n/);
    assert.match(a.text, /\nOpen in Flowlens: https:\/\/flowlens\.example\.com\/workflows\/wf-onboarding\?metric=failure_rate&from=2026-03-02\n/);
    assert.equal(b.subject, '[Flowlens] Resolved: Onboarding failures — Failure rate 4.2% (expected 4.0%) · wf-onboarding');
    assert.equal(b.text, emailOf(resolved).text);
    assert.match(b.text, /^RESOLVED — Onboarding failures is no longer firing \(it fired for 2 h 5 min\)\.\n\nFailure rate 4\.2% is back within/);
    assert.match(b.text, /\nValue now: +4\.2%\n/);
    assert.match(b.text, /\nStarted: +2026-03-09 10:00 UTC\nResolved: +2026-03-09 12:05 UTC\n/);
  });

  test('a permanent SMTP refusal (550) is logged with its code and not retried; no recipients is no attempt at sending', async () => {
    const mailer = smtpMailer(smtpUrl, 'Flowlens <alerts@test>');
    const log = await deliver({ type: 'email', to: ['nobody@example.com'] }, firing, { mailer, allowPrivate: false, retryMs: 5 });
    assert.equal(log.length, 1);
    assert.equal(log[0]!.ok, false);
    assert.equal(log[0]!.status, 550);
    assert.match(log[0]!.error!, /mailbox unavailable/);
    const none = await deliver({ type: 'email', to: [] }, firing, { mailer, allowPrivate: false, retryMs: 5 });
    assert.deepEqual(none.map((r) => [r.ok, r.error]), [[false, 'no recipients']]);
  });

  test('an unreachable mailer is retried: every attempt in the log', async () => {
    const log = await deliver({ type: 'email', to: ['a@example.com'] }, firing, local({ mailer: NO_SMTP, attempts: 2 }));
    assert.deepEqual(log.map((r) => [r.attempt, r.ok, r.status, r.error]), [
      [1, false, null, 'no SMTP server is configured (set FLOWLENS_SMTP_URL)'],
      [2, false, null, 'no SMTP server is configured (set FLOWLENS_SMTP_URL)'],
    ]);
  });
});

describe('Slack', () => {
  test('a local receiver gets a message in Slack’s incoming-webhook shape: fallback text, header/section/context blocks, within limits', async () => {
    const hook = await receiver();
    try {
      const url = `${hook.base}/services/T000/B000/s3cr3tT0k3n`;
      for (const n of [firing, resolved]) {
        const log = await deliver({ type: 'slack', webhook_url: url }, n, local());
        assert.deepEqual(log.map((r) => [r.channel, r.attempt, r.ok, r.status]), [['slack', 1, true, 200]]);
        assert.equal(log[0]!.target, `${hook.base}/services/T000/B000/…`, 'the token is not logged');
      }
      assert.equal(hook.requests.length, 2);
      for (const r of hook.requests) {
        assert.equal(r.url, '/services/T000/B000/s3cr3tT0k3n');
        assert.equal(r.headers['content-type'], 'application/json');
        assertSlackMessage(JSON.parse(r.body.toString('utf8')));
      }
      const [f, res]: any[] = hook.requests.map((r) => JSON.parse(r.body.toString('utf8')));
      assert.deepEqual(f, JSON.parse(JSON.stringify(slackPayload(firing))), 'the bytes sent are slackPayload');
      assert.equal(f.text, '🔴 [Critical] Onboarding failures: Failure rate 12.5% is 3.1× the expected 4.0% (seasonal baseline, band 2.1–5.9%)');
      assert.equal(f.blocks[0].text.text, '🔴 Critical: Onboarding failures');
      assert.equal(
        f.blocks[1].text.text,
        'Failure rate 12.5% is 3.1× the expected 4.0% (seasonal baseline, band 2.1–5.9%)\n<https://flowlens.example.com/workflows/wf-onboarding?metric=failure_rate&amp;from=2026-03-02|Open in Flowlens>',
      );
      assert.deepEqual(f.blocks[2].fields.slice(0, 6).map((x: any) => x.text), [
        '*Metric*\nFailure rate',
        '*Workflow*\nwf-onboarding',
        '*Value*\n12.5%',
        '*Expected*\n4.0%',
        '*Expected band*\n2.1%–5.9%',
        '*Difference*\n+8.5 pp (+212.5%)',
      ]);
      assert.equal(f.blocks[2].fields[6].text, '*Started*\n<!date^1773050400^{date_short_pretty} at {time}|2026-03-09 10:00 UTC>');
      // a resolution reads differently
      assert.equal(res.text.startsWith('✅ [Resolved] Onboarding failures: '), true, res.text);
      assert.equal(res.blocks[0].text.text, '✅ Resolved: Onboarding failures');
      assert.match(res.blocks[1].text.text, /^\*No longer firing\* after 2 h 5 min\. Failure rate 4\.2% is back within/);
      assert.ok(res.blocks[2].fields.some((x: any) => x.text.startsWith('*Resolved*\n<!date^1773057900^')));
      assert.match(res.blocks[3].elements[0].text, /^Alert `al_7f3a` · rule `ru_12` · was critical · evaluated /);
    } finally {
      await hook.close();
    }
  });

  test('long or hostile text is clipped to Slack’s limits and escaped; a path link is made absolute with baseUrl', async () => {
    const hostile: AlertNotification = {
      ...firing,
      rule_name: `<!channel> & ${'very long rule name '.repeat(20)}`,
      summary: `${'Value <b>jumped</b> & more; '.repeat(300)}end`,
      labels: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, '<v&>'])),
      workflow_id: null,
      link: '/workflows/wf-onboarding?metric=failure_rate&view=alerts',
    };
    const hook = await receiver();
    try {
      const log = await deliver({ type: 'slack', webhook_url: `${hook.base}/hook` }, hostile, local({ baseUrl: 'https://flowlens.example.com' }));
      assert.equal(log[0]!.ok, true);
      const m = JSON.parse(hook.requests[0]!.body.toString('utf8'));
      assertSlackMessage(m);
      assert.equal(m.blocks[0].text.text.length, 150);
      assert.ok(m.blocks[0].text.text.endsWith('…'));
      assert.ok(m.blocks[1].text.text.length <= 3000);
      for (const t of [m.text, m.blocks[1].text.text, ...m.blocks[2].fields.map((x: any) => x.text), ...m.blocks[3].elements.map((x: any) => x.text)]) assertEscaped(t);
      assert.ok(!m.text.includes('<!channel>'), 'no mention can be smuggled in');
      assert.ok(m.blocks[2].fields.some((x: any) => x.text === '*Workflow*\nAll workflows'));
      // the summary is clipped, the link after it is kept, made absolute against baseUrl
      assert.ok(m.blocks[1].text.text.startsWith('Value &lt;b&gt;jumped&lt;/b&gt; &amp; more; '));
      assert.ok(m.blocks[1].text.text.endsWith('…\n<https://flowlens.example.com/workflows/wf-onboarding?metric=failure_rate&amp;view=alerts|Open in Flowlens>'), m.blocks[1].text.text.slice(-200));
      assert.ok(m.text.length <= 3000 && m.text.endsWith('…'));
    } finally {
      await hook.close();
    }
    // without a base, a path cannot be a Slack link: shown as code
    const bare = slackPayload({ ...firing, link: '/workflows/wf-onboarding' });
    assert.ok((bare.blocks[1] as any).text.text.endsWith('\nOpen in Flowlens: `/workflows/wf-onboarding`'));
  });

  test('an answer Slack gives to a wrong payload, token or channel (404 no_service) is not retried', async () => {
    const hook = await receiver(() => [404, 'no_service']);
    try {
      const log = await deliver({ type: 'slack', webhook_url: `${hook.base}/services/T/B/x` }, firing, local());
      assert.deepEqual(log.map((r) => [r.attempt, r.ok, r.status, r.error]), [[1, false, 404, 'HTTP 404']]);
      assert.equal(hook.requests.length, 1);
    } finally {
      await hook.close();
    }
  });
});

describe('signed webhook', () => {
  const secret = 'whsec_5f2b8c';

  test('the receiver verifies the HMAC signature and timestamp of the exact bytes; the body is the notification and its type', async () => {
    const hook = await receiver(() => [204, '']);
    try {
      const url = `${hook.base}/flowlens/alerts?token=abc`;
      for (const n of [firing, resolved]) {
        const log = await deliver({ type: 'webhook', url, secret }, n, local());
        assert.deepEqual(log.map((r) => [r.channel, r.ok, r.status, r.error]), [['webhook', true, 204, null]]);
        assert.equal(log[0]!.target, `${hook.base}/flowlens/alerts?…`);
      }
      const [a, b] = hook.requests as [Request, Request];
      for (const [r, n, type] of [
        [a, firing, 'alert.firing'],
        [b, resolved, 'alert.resolved'],
      ] as const) {
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers['user-agent'], 'Flowlens alerts');
        const timestamp = String(r.headers[TIMESTAMP_HEADER]);
        const signature = String(r.headers[SIGNATURE_HEADER]);
        assert.match(signature, /^v1=[0-9a-f]{64}$/);
        assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 5, 'sent now');
        assert.equal(verifySignature(secret, { timestamp, signature }, r.body), true);
        assert.equal(verifySignature(secret, { timestamp, signature }, r.body.toString('utf8')), true);
        assert.deepEqual(JSON.parse(r.body.toString('utf8')), { type, ...n });
        // tampered: a value changed, or a byte added, or the wrong secret
        const tampered = r.body.toString('utf8').replace('"value":', '"value":1');
        assert.notEqual(tampered, r.body.toString('utf8'));
        assert.equal(verifySignature(secret, { timestamp, signature }, tampered), false);
        assert.equal(verifySignature(secret, { timestamp, signature }, `${r.body.toString('utf8')} `), false);
        assert.equal(verifySignature('whsec_other', { timestamp, signature }, r.body), false);
        // replayed after 5 minutes
        assert.equal(verifySignature(secret, { timestamp, signature }, r.body, 300, Number(timestamp) + 301), false);
      }
    } finally {
      await hook.close();
    }
  });

  test('a receiver that answers 500 twice gets the message on the third try, after growing waits, each try signed anew', async () => {
    const hook = await receiver((n) => (n < 2 ? [500, 'busy'] : [204, '']));
    const retryMs = 40;
    try {
      const log = await deliver({ type: 'webhook', url: `${hook.base}/hook`, secret }, firing, local({ retryMs }));
      assert.deepEqual(log.map((r) => [r.attempt, r.ok, r.status, r.error]), [
        [1, false, 500, 'HTTP 500'],
        [2, false, 500, 'HTTP 500'],
        [3, true, 204, null],
      ]);
      assert.equal(hook.requests.length, 3);
      const [t0, t1, t2] = hook.requests.map((r) => r.at) as [number, number, number];
      const waits = [t1 - t0, t2 - t1];
      assert.ok(waits[0]! >= retryMs - 2, `first wait ${waits[0]} ms ≥ ${retryMs}`);
      assert.ok(waits[1]! >= 2 * retryMs - 2, `second wait ${waits[1]} ms ≥ ${2 * retryMs}`);
      assert.ok(waits[1]! > waits[0]!, `waits grow: ${waits.join(', ')} ms`);
      const at = log.map((r) => Date.parse(r.at));
      assert.ok(at[1]! - at[0]! >= retryMs - 2 && at[2]! - at[1]! >= 2 * retryMs - 2, `attempt times ${log.map((r) => r.at).join(', ')}`);
      for (const r of hook.requests) {
        const ok = verifySignature(secret, { timestamp: String(r.headers[TIMESTAMP_HEADER]), signature: String(r.headers[SIGNATURE_HEADER]) }, r.body);
        assert.equal(ok, true);
      }
      assert.ok(log.every((r) => r.duration_ms >= 0 && r.duration_ms < 2000));
    } finally {
      await hook.close();
    }
  });

  test('a receiver that never answers well: every attempt logged, then given up (never throws)', async () => {
    const hook = await receiver(() => [503, 'down']);
    await hook.close(); // nothing listens there any more: connection refused
    const log = await deliver({ type: 'webhook', url: `${hook.base}/hook`, secret }, firing, local({ attempts: 3 }));
    assert.deepEqual(log.map((r) => [r.attempt, r.ok, r.status]), [
      [1, false, null],
      [2, false, null],
      [3, false, null],
    ]);
    assert.match(log[0]!.error!, /ECONNREFUSED/);
  });

  test('a refused target (loopback with allowPrivate false) fails at once, without retrying; nothing reaches it', async () => {
    const hook = await receiver();
    try {
      const slow = { allowPrivate: false, retryMs: 10_000 }; // a retry would make the test wait 10 s
      const started = performance.now();
      const direct = await deliver({ type: 'webhook', url: `${hook.base}/hook`, secret }, firing, local(slow));
      assert.deepEqual(direct.map((r) => [r.attempt, r.ok, r.status]), [[1, false, null]]);
      assert.match(direct[0]!.error!, /^127\.0\.0\.1 is a loopback address: webhooks must go to public addresses/);
      // a name that resolves to loopback when sending
      const port = new URL(hook.base).port;
      const rebound = await deliver(
        { type: 'slack', webhook_url: `http://hooks.rebound.test:${port}/services/T/B/x` },
        firing,
        local({ ...slow, resolve: async () => [{ address: '127.0.0.1', family: 4 }] }),
      );
      assert.deepEqual(rebound.map((r) => [r.attempt, r.ok, r.status]), [[1, false, null]]);
      assert.match(rebound[0]!.error!, /^hooks\.rebound\.test resolves to 127\.0\.0\.1, a loopback address/);
      assert.ok(performance.now() - started < 2000, 'no backoff waited');
      assert.equal(hook.requests.length, 0);
    } finally {
      await hook.close();
    }
  });

  test('an invalid URL or channel is one failed attempt, not an exception', async () => {
    const bad = await deliver({ type: 'webhook', url: 'not a url', secret }, firing, local());
    assert.deepEqual(bad.map((r) => [r.ok, r.target, r.error]), [[false, '(invalid URL)', 'not a valid URL']]);
    const unknown = await deliver({ type: 'pager' } as any, firing, local());
    assert.deepEqual(unknown.map((r) => [r.ok, r.error]), [[false, 'unknown channel type "pager"']]);
  });
});
