/**
 * The dashboard's HTTP client: same-origin requests authenticated by the session cookie. Errors keep
 * the server's problem+json `detail`, so pages can show what went wrong in the server's words.
 */
import { reportAnswer, reportUnreachable, UnreachableError } from './connection.js';

/** A field the API refused (problem+json `errors`): a JSON pointer into the request body, and why. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly title?: string,
    readonly errors: readonly ProblemFieldError[] = [],
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
  }).catch((error: unknown) => {
    // no answer at all (not a cancelled request): the connection is down, and asking again later may work
    if (init.signal?.aborted) throw error;
    reportUnreachable();
    throw new UnreachableError();
  });
  reportAnswer(res.ok);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const problem = (body ?? {}) as { detail?: string; title?: string; errors?: ProblemFieldError[] };
    if (res.status === 401 && !path.endsWith('/session')) onUnauthorized();
    throw new ApiError(res.status, problem.detail ?? problem.title ?? `${res.status} ${res.statusText}`, problem.title, Array.isArray(problem.errors) ? problem.errors : []);
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

// The API's own response types: the contract's (src/contract), imported as types only, so nothing of the
// server reaches the bundle.
import type {
  ActionRow,
  ActionsResponse,
  Funnel as FunnelFigures,
  FunnelResponse,
  FunnelStep,
  Percentiles,
  PeriodOut,
  Summary,
  SummaryChange,
  SummaryResponse,
  TrendRow,
  WorkflowOverview,
  WorkflowsOverviewResponse,
} from '../../src/contract/index.js';

export type { ActionRow, ActionsResponse, FunnelFigures, FunnelResponse, FunnelStep, Percentiles, PeriodOut, Summary, SummaryChange, SummaryResponse, TrendRow, WorkflowOverview, WorkflowsOverviewResponse };

// comparisons: versions of a workflow and A/B experiments (src/contract/comparison.ts); the metric catalog
export type {
  DecisionOut,
  DecisionsResponse,
  EvaluationOut,
  ExperimentOut,
  ExperimentResultsResponse,
  ExperimentsResponse,
  MetricComparisonOut,
  MetricDefinitionResponse,
  MetricsResponse,
  VersionsResponse,
} from '../../src/contract/index.js';

export interface WorkflowDetail {
  workflow_id: string;
  name: string;
  versions: number[];
  variants: string[];
  /** When its latest event arrived (null before any): "data last arrived" beside a period without data. */
  last_event_at: string | null;
}

// alerting (src/contract/alerts.ts): alerts, their history, rules, silences, anomaly bands
import type { Static } from '@sinclair/typebox';
import type { AlertHistoryResponse, AlertRecordOut, AlertRuleOut, AnomaliesResponse, RuleEvaluationsResponse as RuleEvaluationsSchema, SilenceOut as SilenceSchema } from '../../src/contract/index.js';

export type { AlertHistoryResponse, AlertRecordOut, AlertRuleOut, AnomaliesResponse };
export type AlertListResponse = { alerts: AlertRecordOut[] };
export type AlertRulesResponse = { rules: AlertRuleOut[] };
export type SilenceOut = Static<typeof SilenceSchema>;
export type SilencesResponse = { silences: SilenceOut[] };
export type RuleEvaluationsResponse = Static<typeof RuleEvaluationsSchema>;

// drill-down and insights (src/contract/drilldown.ts, insights.ts): the executions behind a figure, one's timeline, the observations
import type { ExecutionsPageResponse, ExecutionTimelineResponse, InsightOut, InsightsResponse } from '../../src/contract/index.js';

export type { ExecutionsPageResponse, ExecutionTimelineResponse, InsightOut, InsightsResponse };
export type ExecutionRow = ExecutionsPageResponse['executions'][number];
export type TimelineEvent = ExecutionTimelineResponse['events'][number];
