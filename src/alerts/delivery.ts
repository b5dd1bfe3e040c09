/**
 * Delivery of alert notifications (firing and resolved) to a channel: an email through the project's mailer (the
 * SMTP path the reports use), a Slack incoming webhook (src/alerts/slack.ts), or a generic webhook that receives
 * the notification as JSON, signed with HMAC-SHA256 and a timestamp (src/alerts/signature.ts).
 *
 * Every webhook goes through the SSRF guard of src/net/webhook-target.ts (public addresses only unless
 * allowPrivate, checked again on the addresses the name resolves to when sending). A delivery is tried up to
 * `attempts` times (3), waiting retryMs·2^(k−1) after the k-th failed attempt (1 s, then 2 s by default). What is
 * worth retrying is: a network error or timeout, HTTP 5xx, 408 and 429, an SMTP error other than a permanent 5xx
 * refusal. What is not: a target refused by the guard, any other HTTP status (a Slack webhook answers 400, 403,
 * 404 or 410 when the payload, the token or the channel is wrong: trying again changes nothing), an SMTP 5xx.
 *
 * deliver never throws: it answers every attempt, in order, as the rows of the delivery log.
 */
import { changePercent, formatChange, formatDuration as formatSharedDuration, formatMetricValue, formatRange, isCountUnit } from '../format/index.js';
import { postRaw, WebhookTargetRefused, type Resolve } from '../net/webhook-target.js';
import type { Mailer } from '../reports/mailer.js';
import { signatureHeaders } from './signature.js';
import { clip, clipMrkdwn, context, date, escapeMrkdwn, fields, header, link, message, oneLine, section, SLACK_LIMITS, type SlackMessage } from './slack.js';

export { SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody, verifySignature } from './signature.js';

export type Channel = { type: 'email'; to: string[] } | { type: 'slack'; webhook_url: string } | { type: 'webhook'; url: string; secret: string };

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertNotification {
  kind: 'firing' | 'resolved';
  alert_id: string;
  rule_id: string;
  rule_name: string;
  severity: Severity;
  account_id: string;
  workflow_id: string | null;
  metric: string;
  metric_label: string;
  /** 'percent' (values already in percent: 12.5 is 12.5%) | 'executions' | 'hours' | 'milliseconds' | 'usd' | 'credits' | 'events' */
  unit: string;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** One sentence: what moved, by how much, against which baseline (the detector writes it), e.g. "Failure rate 12.5% is 3.1× the expected 4.0% (seasonal baseline, band 2.1–5.9%)". */
  summary: string;
  labels: Record<string, string>;
  started_at: string;
  resolved_at: string | null;
  evaluated_at: string;
  /** absolute or path URL to the dashboard view (a path is made absolute with DeliveryOptions.baseUrl) */
  link: string;
}

/** What the generic webhook receives: the notification and its event type. */
export type WebhookPayload = { type: 'alert.firing' | 'alert.resolved' } & AlertNotification;

/** One attempt of a delivery: a row of the delivery log. */
export interface DeliveryAttempt {
  channel: Channel['type'];
  /** the recipients, or the URL without its secrets (no credentials, no query; a Slack webhook's token masked) */
  target: string;
  /** 1, 2, … */
  attempt: number;
  /** when the attempt began (ISO 8601) */
  at: string;
  ok: boolean;
  /** the HTTP status answered; for email, the SMTP reply code of a refusal; null when there was no answer */
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface DeliveryOptions {
  mailer: Mailer;
  /** FLOWLENS_WEBHOOK_ALLOW_PRIVATE: webhook targets need not be public addresses */
  allowPrivate: boolean;
  /** name resolution for webhooks (tests); default: the system resolver */
  resolve?: Resolve;
  /** how long a webhook may take to answer (default 10 s); the SMTP transport has its own timeouts */
  timeoutMs?: number;
  /** backoff: attempt k waits retryMs·2^(k−1) before trying again (default 1000) */
  retryMs?: number;
  /** at most this many attempts (default 3) */
  attempts?: number;
  /** the clock of `at` and of the webhook signature's timestamp */
  now?: () => Date;
  /** the dashboard's public URL: a path `link` is made absolute against it (Slack links need an absolute URL) */
  baseUrl?: string;
}

// ---- text: what moved, by how much, against which baseline ----

const nf = (min: number, max: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });

/** A duration in seconds, in the shared style: "850 ms", "42 s", "3 min 20 s", "2 h 5 min", "1 d 23 h". */
export const formatDuration = (seconds: number): string => formatSharedDuration(seconds, 'en-US');

/** A value in its unit (the shared formats), a count with its noun: "12.5%", "2 h 30 min", "850 ms", "$0.0035", "1,204 executions". */
export function formatValue(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v) || !isCountUnit(unit) || unit === '') return formatMetricValue(v, unit === '' ? undefined : unit, 'en-US');
  return `${formatMetricValue(v, unit, 'en-US')} ${v === 1 && unit.endsWith('s') ? unit.slice(0, -1) : unit}`;
}

/** value − expected, signed, in the unit (percentage points for rates), and relative to expected: "+8.5 pp (+212.5%)". */
export function formatDifference(value: number | null, expected: number | null, unit: string): string | null {
  if (value === null || expected === null || !Number.isFinite(value) || !Number.isFinite(expected)) return null;
  const d = value - expected;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  const abs = unit === 'percent' ? `${nf(1, 1).format(Math.abs(d))} pp` : formatValue(Math.abs(d), unit);
  const relative = expected !== 0 ? ` (${formatChange(changePercent(value, expected), 'en-US')})` : '';
  return `${sign}${abs}${relative}`;
}

/** The expected band: "2.1%–5.9%", "at least 2.1%", "at most 5.9%", or null without bounds. */
export function formatBand(lower: number | null, upper: number | null, unit: string): string | null {
  const lo = lower !== null && Number.isFinite(lower) ? formatValue(lower, unit) : null;
  const hi = upper !== null && Number.isFinite(upper) ? formatValue(upper, unit) : null;
  if (lo && hi) return isCountUnit(unit) && unit !== '' ? `${formatRange(lower, upper, undefined, 'en-US')} ${unit}` : formatRange(lower, upper, unit, 'en-US');
  if (lo) return `at least ${lo}`;
  if (hi) return `at most ${hi}`;
  return null;
}

/** "2026-03-09 10:00 UTC" (or the text as given when it is not an instant). */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

const SEVERITY: Record<Severity, { word: string; icon: string }> = {
  critical: { word: 'Critical', icon: '🔴' },
  warning: { word: 'Warning', icon: '🟠' },
  info: { word: 'Info', icon: '🔵' },
};
const severityOf = (s: string) => SEVERITY[s as Severity] ?? { word: s, icon: '⚪' };

/** How long the alert fired: resolved_at − started_at, or null. */
function firedFor(n: AlertNotification): string | null {
  if (!n.resolved_at) return null;
  const s = (Date.parse(n.resolved_at) - Date.parse(n.started_at)) / 1000;
  return Number.isFinite(s) && s >= 0 ? formatDuration(s) : null;
}

/** The label/value lines both the email and Slack show. */
function facts(n: AlertNotification): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['Metric', n.metric_label || n.metric],
    ['Workflow', n.workflow_id ?? 'All workflows'],
    [n.kind === 'resolved' ? 'Value now' : 'Value', formatValue(n.value, n.unit)],
    ['Expected', formatValue(n.expected, n.unit)],
  ];
  const band = formatBand(n.lower, n.upper, n.unit);
  if (band) rows.push(['Expected band', band]);
  const diff = formatDifference(n.value, n.expected, n.unit);
  if (diff) rows.push(['Difference', diff]);
  return rows;
}

/** "Failure rate 12.5% (expected 4.0%)": the short form of what moved, for a subject. */
function headline(n: AlertNotification): string {
  const label = n.metric_label || n.metric;
  if (n.value === null) return label;
  return `${label} ${formatValue(n.value, n.unit)}${n.expected !== null ? ` (expected ${formatValue(n.expected, n.unit)})` : ''}`;
}

const labelsOf = (n: AlertNotification) => Object.entries(n.labels ?? {}).map(([k, v]) => `${k}=${v}`);

export function emailOf(n: AlertNotification): { subject: string; text: string } {
  const sev = severityOf(n.severity);
  const where = n.workflow_id ? ` · ${n.workflow_id}` : '';
  const resolved = n.kind === 'resolved';
  const subject = clip(oneLine(`[Flowlens] ${resolved ? 'Resolved' : sev.word}: ${n.rule_name} — ${headline(n)}${where}`), 250);
  const lasted = firedFor(n);
  const rows: Array<[string, string]> = [
    ...facts(n),
    ['Severity', sev.word],
    ['Started', formatInstant(n.started_at)],
    ...(resolved && n.resolved_at ? ([['Resolved', formatInstant(n.resolved_at)]] as Array<[string, string]>) : []),
    ['Evaluated', formatInstant(n.evaluated_at)],
  ];
  const labels = labelsOf(n);
  if (labels.length) rows.push(['Labels', labels.join(', ')]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const text = [
    resolved ? `RESOLVED — ${n.rule_name} is no longer firing${lasted ? ` (it fired for ${lasted})` : ''}.` : `FIRING — ${sev.word}: ${n.rule_name}`,
    '',
    n.summary,
    '',
    ...rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`),
    '',
    `Open in Flowlens: ${n.link}`,
    '',
    `Alert ${n.alert_id} · rule ${n.rule_id} · account ${n.account_id}`,
  ].join('\n');
  return { subject, text };
}

/** The Slack incoming-webhook message: a header, the summary and the dashboard link, the figures, the ids. */
export function slackPayload(n: AlertNotification): SlackMessage {
  const sev = severityOf(n.severity);
  const resolved = n.kind === 'resolved';
  const lasted = firedFor(n);
  const code = (s: string) => `\`${escapeMrkdwn(s.replace(/`/g, "'"))}\``;
  const figures: Array<[string, string]> = facts(n).map(([k, v]) => [k, escapeMrkdwn(v)]);
  figures.push(['Started', date(n.started_at)]);
  if (resolved && n.resolved_at) figures.push(['Resolved', `${date(n.resolved_at)}${lasted ? ` (after ${lasted})` : ''}`]);
  const labels = labelsOf(n);
  const lead = resolved ? `*No longer firing*${lasted ? ` after ${lasted}` : ''}. ${escapeMrkdwn(n.summary)}` : escapeMrkdwn(n.summary);
  const open = link(n.link, 'Open in Flowlens');
  return message(
    `${resolved ? '✅ [Resolved]' : `${sev.icon} [${sev.word}]`} ${escapeMrkdwn(oneLine(n.rule_name))}: ${escapeMrkdwn(n.summary)}`,
    [
      header(resolved ? `✅ Resolved: ${n.rule_name}` : `${sev.icon} ${sev.word}: ${n.rule_name}`),
      // the link survives a long summary (an absurdly long link is what gets clipped then)
      section(`${clipMrkdwn(lead, Math.max(200, SLACK_LIMITS.sectionText - open.length - 1))}\n${open}`),
      fields(figures),
      context([
        `Alert ${code(n.alert_id)} · rule ${code(n.rule_id)} · ${resolved ? 'was ' : ''}${escapeMrkdwn(sev.word.toLowerCase())} · evaluated ${date(n.evaluated_at)}`,
        ...(labels.length ? [escapeMrkdwn(labels.join(' · '))] : []),
      ]),
    ],
  );
}

/** The generic webhook's body. */
export function webhookPayload(n: AlertNotification): WebhookPayload {
  return { type: n.kind === 'resolved' ? 'alert.resolved' : 'alert.firing', ...n };
}

// ---- sending ----

/** A failed attempt: the status answered, and whether another attempt could fare better. */
class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

/** The URL as the delivery log shows it: no credentials, no query or fragment, a Slack webhook's token masked. */
export function redactUrl(url: string, maskLastSegment = false): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  let path = u.pathname;
  if (maskLastSegment) {
    const parts = path.split('/');
    if (parts.filter(Boolean).length > 1 && parts.at(-1)) path = [...parts.slice(0, -1), '…'].join('/');
  }
  return `${u.protocol}//${u.host}${path}${u.search ? '?…' : ''}`;
}

function targetOf(channel: Channel): string {
  switch (channel.type) {
    case 'email':
      return (channel.to ?? []).join(', ');
    case 'slack':
      return redactUrl(channel.webhook_url, true);
    case 'webhook':
      return redactUrl(channel.url);
    default:
      return '(unknown channel)';
  }
}

const USER_AGENT = 'Flowlens alerts';

async function post(url: string, body: string, headers: Record<string, string>, o: DeliveryOptions): Promise<number> {
  let status: number;
  try {
    status = await postRaw(url, body, { timeoutMs: o.timeoutMs ?? 10_000, allowPrivate: o.allowPrivate, resolve: o.resolve, headers: { 'user-agent': USER_AGENT, ...headers } });
  } catch (err) {
    throw new AttemptFailed(messageOf(err), null, !(err instanceof WebhookTargetRefused));
  }
  if (status >= 200 && status < 300) return status;
  throw new AttemptFailed(`HTTP ${status}`, status, status >= 500 || status === 408 || status === 429);
}

/** One attempt at `at`: answers the status (null for email), or throws AttemptFailed. */
function sender(channel: Channel, n: AlertNotification, o: DeliveryOptions): (at: Date) => Promise<number | null> {
  switch (channel.type) {
    case 'email': {
      const mail = { to: channel.to ?? [], ...emailOf(n), attachments: [] };
      return async () => {
        if (mail.to.length === 0) throw new AttemptFailed('no recipients', null, false);
        try {
          await o.mailer.send(mail);
          return null;
        } catch (err) {
          const code = (err as { responseCode?: unknown }).responseCode;
          const status = typeof code === 'number' ? code : null;
          throw new AttemptFailed(messageOf(err), status, !(status !== null && status >= 500 && status < 600));
        }
      };
    }
    case 'slack': {
      const body = JSON.stringify(slackPayload(n));
      return () => post(channel.webhook_url, body, {}, o);
    }
    case 'webhook': {
      const body = JSON.stringify(webhookPayload(n));
      // signed again at each attempt: its own timestamp, so that a retry is not refused as stale
      return (at) => post(channel.url, body, signatureHeaders(channel.secret, Math.floor(at.getTime() / 1000), body), o);
    }
    default:
      return async () => {
        throw new AttemptFailed(`unknown channel type ${JSON.stringify((channel as { type?: unknown }).type)}`, null, false);
      };
  }
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}

/** The link made absolute against baseUrl (as a browser would), when it is a path and a base is known. */
function withAbsoluteLink(n: AlertNotification, baseUrl: string | undefined): AlertNotification {
  if (!baseUrl || /^[a-z][a-z0-9+.-]*:/i.test(n.link)) return n;
  try {
    return { ...n, link: new URL(n.link, baseUrl).href };
  } catch {
    return n;
  }
}

function safeNow(now: () => Date): string {
  try {
    return now().toISOString();
  } catch {
    return new Date().toISOString();
  }
}

/** Delivers `n` to `channel`: every attempt, in order (the delivery log rows). Never throws. */
export async function deliver(channel: Channel, n: AlertNotification, o: DeliveryOptions): Promise<DeliveryAttempt[]> {
  const log: DeliveryAttempt[] = [];
  const now = o.now ?? (() => new Date());
  const type = (channel as { type: Channel['type'] }).type;
  let target = '(unknown)';
  try {
    target = targetOf(channel);
    const attempts = Math.max(1, Math.floor(o.attempts ?? 3));
    const retryMs = Math.max(0, o.retryMs ?? 1000);
    const send = sender(channel, withAbsoluteLink(n, o.baseUrl), o);
    for (let k = 1; k <= attempts; k++) {
      const at = now();
      const t0 = performance.now();
      const row = { channel: type, target, attempt: k, at: at.toISOString() };
      try {
        const status = await send(at);
        log.push({ ...row, ok: true, status, error: null, duration_ms: Math.round(performance.now() - t0) });
        return log;
      } catch (err) {
        // anything else is not the target failing but the input (a missing secret…): no retry either
        const failed = err instanceof AttemptFailed ? err : new AttemptFailed(messageOf(err), null, false);
        log.push({ ...row, ok: false, status: failed.status, error: failed.message, duration_ms: Math.round(performance.now() - t0) });
        if (!failed.retry || k === attempts) return log;
      }
      await new Promise((r) => setTimeout(r, retryMs * 2 ** (k - 1)));
    }
  } catch (err) {
    // not an attempt failing (those are caught above): the notification or the options could not be used
    log.push({ channel: type, target, attempt: log.length + 1, at: safeNow(now), ok: false, status: null, error: messageOf(err), duration_ms: 0 });
  }
  return log;
}
