/**
 * The dashboard's HTTP client: same-origin requests authenticated by the session cookie. Errors keep
 * the server's problem+json `detail`, so pages can show what went wrong in the server's words.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly title?: string,
  ) {
    super(message);
  }
}

/** Called when any request answers 401: the session ended, so the app goes back to sign-in. */
let onUnauthorized: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      // a cookie-authenticated request that changes something must say it comes from this app
      ...(init.method && init.method !== 'GET' ? { 'x-requested-with': 'flowlens' } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const problem = (body ?? {}) as { detail?: string; title?: string };
    if (res.status === 401 && !path.endsWith('/session')) onUnauthorized();
    throw new ApiError(res.status, problem.detail ?? problem.title ?? `${res.status} ${res.statusText}`, problem.title);
  }
  return body as T;
}

/** A query string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---- response shapes (the parts the dashboard reads) ----

export interface Who {
  signed_in: true;
  account_id: string;
  role: string;
  user_id: string;
  key_name: string;
  is_operator: boolean;
  expires_at: string | null;
  brand_name: string | null;
  accent_color: string | null;
}

export interface PeriodOut {
  start_date: string;
  end_date: string;
  timezone: string;
  granularity: string;
}

export interface WorkflowOverview {
  workflow_id: string;
  name: string;
  registered: boolean;
  last_event_at: string | null;
  total_enrolled: number;
  currently_active: number;
  completed: number;
  completion_rate: number;
  goals_achieved: number;
  conversion_rate: number;
  enrollments: number[];
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
}

export interface Summary {
  total_enrolled: number;
  currently_active: number;
  completed: number;
  completion_rate: number;
  goals_achieved: number;
  conversion_rate: number;
  average_duration_hours: number | null;
  duration_hours: Percentiles;
  time_to_conversion_hours: number | null;
  exited: number;
  errored: number;
  exit_reasons: Record<string, number>;
  error_types: Record<string, number>;
  enrollment_sources: Record<string, number>;
  goal_breakdown: Record<string, number>;
  goal_value: number;
}

export interface TrendRow {
  date: string;
  new_enrollments: number;
  completions: number;
  conversions: number;
  enrollment_rate: number;
}

export interface SummaryResponse {
  workflow_id: string;
  period: PeriodOut;
  summary: Summary;
  trends: TrendRow[];
  comparison?: { period: PeriodOut; summary: Summary; trends: TrendRow[]; change_percent: Record<string, number | null> };
}

export interface FunnelStep {
  step_id: string;
  step_name: string;
  step_order: number;
  step_type: string;
  entered: number;
  completed: number;
  dropped_off: number;
  conversion_rate: number;
  drop_off_rate: number;
  reached_percent: number;
  average_time_seconds: number | null;
  p50_time_seconds: number | null;
  p95_time_seconds: number | null;
}

export interface FunnelResponse {
  total_enrolled: number;
  funnel_steps: FunnelStep[];
  overall_conversion: number;
  drop_off_points: string[];
  bottleneck_step: string | null;
  slowest_step: string | null;
}

export interface ActionRow {
  action_id: string;
  action_type: string;
  action_name: string;
  executions: number;
  successes: number;
  failures: number;
  success_rate: number;
  error_rate: number;
  average_duration_ms: number | null;
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
  error_types: Record<string, number>;
}

export interface ActionsResponse {
  actions: ActionRow[];
}

export interface WorkflowDetail {
  workflow_id: string;
  name: string;
  versions: number[];
  variants: string[];
}
