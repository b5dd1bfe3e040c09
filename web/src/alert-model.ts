/**
 * Alerting in the dashboard's words, and the rule form: pure functions, tested without a browser.
 *
 * The shapes of a rule's scope, detector and channels, and of the live stream's `alert` event, are the server's
 * (src/alerts/rules.ts AlertRuleInput, src/alerts/delivery.ts AlertNotification); the contract answers them as
 * `unknown` or not at all, so the dashboard states here the parts it reads and writes.
 */
import type { AlertRecordOut, AlertRuleOut } from './api.js';

export type Severity = 'info' | 'warning' | 'critical';
export type Direction = 'above' | 'below' | 'both';
export type Sensitivity = 'low' | 'medium' | 'high';
export type Against = 'previous' | 'day_before' | 'week_before';

export type RuleScope = { type: 'workflow'; workflow_id: string } | { type: 'each_workflow' } | { type: 'account' };
export type Detector =
  | { type: 'threshold'; threshold: number; direction: 'above' | 'below' }
  | { type: 'change'; percent: number; direction: Direction; against?: Against }
  | { type: 'anomaly'; sensitivity?: Sensitivity; direction?: Direction };
export type Channel = { type: 'email'; to: string[] } | { type: 'slack'; webhook_url: string } | { type: 'webhook'; url: string; secret: string };

/** The body of POST/PUT /api/v1/alerts/rules. */
export interface RuleInput {
  name: string;
  description?: string;
  metric: string;
  scope: RuleScope;
  detector: Detector;
  bucket: 'hour' | 'day';
  min_volume?: number;
  interval_minutes?: number;
  for_minutes?: number;
  severity: Severity;
  labels: Record<string, string>;
  channels: Channel[];
  timezone?: string;
  enabled: boolean;
}

/** The data of an SSE `event: alert` on a workflow's live stream. */
export interface AlertNotice {
  kind: 'firing' | 'resolved';
  alert_id: string;
  rule_id: string;
  rule_name: string;
  severity: Severity;
  workflow_id: string | null;
  metric: string;
  metric_label: string;
  unit: string;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  summary: string;
  link: string;
}

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * Parses an `alert` event's data; null when it is not one. Figures it lacks are null (a budget's alert comes with
 * its rule name and summary only).
 */
export function parseAlertNotice(data: string): AlertNotice | null {
  try {
    const n = JSON.parse(data) as Partial<AlertNotice>;
    if (!((n.kind === 'firing' || n.kind === 'resolved') && typeof n.alert_id === 'string' && typeof n.rule_name === 'string')) return null;
    return {
      ...(n as AlertNotice), summary: n.summary ?? '', severity: n.severity ?? 'warning', unit: n.unit ?? '', metric: n.metric ?? '', metric_label: n.metric_label ?? '', workflow_id: n.workflow_id ?? null,
      value: num(n.value), expected: num(n.expected), lower: num(n.lower), upper: num(n.upper),
    };
  } catch {
    return null;
  }
}

/** The notice's one line: "Firing: Lead sync failing — Failure rate 50% is above the threshold 20%". */
export function noticeText(n: Pick<AlertNotice, 'kind' | 'rule_name' | 'summary'>): string {
  return `${n.kind === 'firing' ? 'Firing' : 'Resolved'}: ${n.rule_name} — ${n.summary}`;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Open alerts as they are read: firing before pending, the most severe first, then the newest. */
export function orderOpen<T extends Pick<AlertRecordOut, 'status' | 'severity' | 'started_at'>>(alerts: readonly T[]): T[] {
  return [...alerts].sort(
    (a, b) => Number(b.status === 'firing') - Number(a.status === 'firing') || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.started_at.localeCompare(a.started_at),
  );
}

/** Since when an alert is in its state: fired, else started (pending), else resolved. */
export function alertSince(a: Pick<AlertRecordOut, 'status' | 'started_at' | 'fired_at' | 'resolved_at'>): string {
  if (a.status === 'resolved' || a.status === 'cancelled') return a.resolved_at ?? a.started_at;
  return a.fired_at ?? a.started_at;
}

const AGAINST: Record<Against, string> = { previous: 'the bucket before', day_before: 'the same bucket a day before', week_before: 'the same bucket a week before' };

/**
 * A detector in words, values written by `format` (the metric's unit): "above 20.0%", "falls by more than 50%
 * against the same bucket a week before", "outside the seasonal band (medium sensitivity)".
 */
export function detectorText(d: Detector, format: (n: number) => string = String): string {
  if (d.type === 'threshold') return `${d.direction} ${format(d.threshold)}`;
  if (d.type === 'change') {
    const verb = d.direction === 'above' ? 'rises' : d.direction === 'below' ? 'falls' : 'moves';
    return `${verb} by more than ${d.percent}% against ${AGAINST[d.against ?? 'previous']}`;
  }
  const where = d.direction === 'above' ? 'above' : d.direction === 'below' ? 'below' : 'outside';
  return `${where} the seasonal band (${d.sensitivity ?? 'medium'} sensitivity)`;
}

/** A rule's scope in words: the workflow's name, "each workflow", "all workflows together". */
export function scopeText(scope: RuleScope, name: (id: string) => string = (id) => id): string {
  return scope.type === 'workflow' ? name(scope.workflow_id) : scope.type === 'each_workflow' ? 'each workflow' : 'all workflows together';
}

// ---- the rule form ----

export interface ChannelForm {
  type: Channel['type'];
  /** email: addresses separated by commas or spaces */
  to: string;
  /** slack's webhook URL or the webhook's URL */
  url: string;
  secret: string;
}

/** What the form edits: text fields as typed, turned into a rule by ruleOfForm. */
export interface RuleForm {
  name: string;
  description: string;
  metric: string;
  scope: RuleScope['type'];
  workflow_id: string;
  detector: Detector['type'];
  threshold: string;
  threshold_direction: 'above' | 'below';
  percent: string;
  change_direction: Direction;
  against: Against;
  sensitivity: Sensitivity;
  anomaly_direction: Direction;
  bucket: 'hour' | 'day';
  min_volume: string;
  interval_minutes: string;
  for_minutes: string;
  severity: Severity;
  labels: string;
  channels: ChannelForm[];
  timezone: string;
  enabled: boolean;
}

export const emptyChannel = (type: Channel['type'] = 'email'): ChannelForm => ({ type, to: '', url: '', secret: '' });

export function emptyRuleForm(metric = 'execution_failure_rate', workflowId = ''): RuleForm {
  return {
    name: '', description: '', metric, scope: workflowId ? 'workflow' : 'each_workflow', workflow_id: workflowId,
    detector: 'threshold', threshold: '', threshold_direction: 'above', percent: '50', change_direction: 'both', against: 'previous', sensitivity: 'medium', anomaly_direction: 'both',
    bucket: 'hour', min_volume: '', interval_minutes: '5', for_minutes: '0', severity: 'warning', labels: '', channels: [], timezone: 'UTC', enabled: true,
  };
}

/** The form of an existing rule (a webhook's secret stays masked: given back masked, the server keeps it). */
export function formOfRule(r: AlertRuleOut): RuleForm {
  const scope = r.scope as RuleScope;
  const d = r.detector as Detector;
  const f = emptyRuleForm(r.metric);
  return {
    ...f,
    name: r.name, description: r.description, scope: scope.type, workflow_id: scope.type === 'workflow' ? scope.workflow_id : '',
    detector: d.type,
    ...(d.type === 'threshold' ? { threshold: String(d.threshold), threshold_direction: d.direction } : {}),
    ...(d.type === 'change' ? { percent: String(d.percent), change_direction: d.direction, against: d.against ?? 'previous' } : {}),
    ...(d.type === 'anomaly' ? { sensitivity: d.sensitivity ?? 'medium', anomaly_direction: d.direction ?? 'both' } : {}),
    bucket: r.bucket, min_volume: String(r.min_volume), interval_minutes: String(r.interval_minutes), for_minutes: String(r.for_minutes), severity: r.severity,
    labels: Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(', '),
    channels: (r.channels as Channel[]).map((c) => (c.type === 'email' ? { ...emptyChannel('email'), to: c.to.join(', ') } : c.type === 'slack' ? { ...emptyChannel('slack'), url: c.webhook_url } : { ...emptyChannel('webhook'), url: c.url, secret: c.secret })),
    timezone: r.timezone, enabled: r.enabled,
  };
}

/** "team=ops, env=prod" → {team: 'ops', env: 'prod'}; null when a pair has no key. */
export function parseLabels(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,\n]/).map((x) => x.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim();
    if (!key) return null;
    out[key] = i < 0 ? '' : part.slice(i + 1).trim();
  }
  return out;
}

/** A whole number typed in a field, or undefined when left empty; NaN when it is not one. */
function whole(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

/**
 * The rule a form describes, or what is wrong with it by field (the server checks the rest — metric, workflow,
 * URLs, addresses — and its problem's detail is shown as it is).
 */
export function ruleOfForm(f: RuleForm): { body: RuleInput; errors: null } | { body: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.name.trim()) errors.name = 'A rule needs a name.';
  if (f.scope === 'workflow' && !f.workflow_id) errors.workflow_id = 'Pick the workflow.';
  let detector: Detector;
  if (f.detector === 'threshold') {
    const threshold = Number(f.threshold.trim());
    if (f.threshold.trim() === '' || !Number.isFinite(threshold)) errors.threshold = 'The threshold is a number.';
    detector = { type: 'threshold', threshold, direction: f.threshold_direction };
  } else if (f.detector === 'change') {
    const percent = Number(f.percent.trim());
    if (f.percent.trim() === '' || !(percent > 0)) errors.percent = 'The change is a percentage above 0.';
    detector = { type: 'change', percent, direction: f.change_direction, against: f.against };
  } else {
    detector = { type: 'anomaly', sensitivity: f.sensitivity, direction: f.anomaly_direction };
  }
  const numbers: Record<'min_volume' | 'interval_minutes' | 'for_minutes', number | undefined> = { min_volume: whole(f.min_volume), interval_minutes: whole(f.interval_minutes), for_minutes: whole(f.for_minutes) };
  for (const [k, v] of Object.entries(numbers)) if (Number.isNaN(v)) errors[k] = 'A whole number, or empty for the default.';
  const labels = parseLabels(f.labels);
  if (labels === null) errors.labels = 'Labels are key=value pairs separated by commas.';
  const channels: Channel[] = [];
  f.channels.forEach((c, i) => {
    if (c.type === 'email') {
      const to = c.to.split(/[\s,;]+/).filter(Boolean);
      if (to.length === 0) errors[`channel-${i}`] = 'Give at least one address.';
      channels.push({ type: 'email', to: [...new Set(to)] });
    } else if (!/^https?:\/\//.test(c.url.trim())) {
      errors[`channel-${i}`] = 'The URL starts with https://.';
    } else if (c.type === 'slack') {
      channels.push({ type: 'slack', webhook_url: c.url.trim() });
    } else {
      if (c.secret.length < 16) errors[`channel-${i}`] = 'The signing secret has at least 16 characters.';
      channels.push({ type: 'webhook', url: c.url.trim(), secret: c.secret });
    }
  });
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const body: RuleInput = {
    name: f.name.trim(),
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
    metric: f.metric,
    scope: f.scope === 'workflow' ? { type: 'workflow', workflow_id: f.workflow_id } : { type: f.scope },
    detector,
    bucket: f.bucket,
    ...(numbers.min_volume !== undefined ? { min_volume: numbers.min_volume } : {}),
    ...(numbers.interval_minutes !== undefined ? { interval_minutes: numbers.interval_minutes } : {}),
    ...(numbers.for_minutes !== undefined ? { for_minutes: numbers.for_minutes } : {}),
    severity: f.severity,
    labels: labels!,
    channels,
    ...(f.timezone.trim() ? { timezone: f.timezone.trim() } : {}),
    enabled: f.enabled,
  };
  return { body, errors: null };
}

/** Silence durations offered. */
export const SILENCE_FOR = [
  { key: '1h', label: '1 hour', ms: 3_600_000 },
  { key: '1d', label: '1 day', ms: 86_400_000 },
] as const;

/** What a silence matches, in words: "rule Lead sync failing", "workflow Checkout", "critical alerts", "everything". */
export function silenceText(s: { rule_id: string | null; workflow_id: string | null; severity: string | null; labels: Record<string, string> }, ruleName: (id: string) => string, workflowName: (id: string) => string): string {
  const parts = [
    ...(s.rule_id ? [`rule ${ruleName(s.rule_id)}`] : []),
    ...(s.workflow_id ? [`workflow ${workflowName(s.workflow_id)}`] : []),
    ...(s.severity ? [`${s.severity} alerts`] : []),
    ...Object.entries(s.labels).map(([k, v]) => `${k}=${v}`),
  ];
  return parts.length === 0 ? 'every alert' : parts.join(', ');
}
