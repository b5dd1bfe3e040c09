/** Response shapes of the platform analytics endpoints (the parts the dashboard reads). */
import type { PeriodOut } from './api.js';

export interface Outcomes {
  executions: number;
  succeeded: number;
  failed: number;
  exited: number;
  active: number;
}

export interface ExecutionsResponse {
  period: PeriodOut;
  totals: Outcomes;
  buckets: Array<Outcomes & { date: string }>;
}

export interface ExecutionsSummaryResponse {
  summary: Outcomes & { success_rate: number; failure_rate: number; duration_seconds: { mean: number | null; p50: number | null; p95: number | null }; trigger_types: Record<string, number> };
  comparison?: { change_percent: Record<string, number | null> };
}

export interface RankedWorkflow {
  rank: number;
  workflow_id: string;
  value: number;
  executions: number;
  success_rate: number;
  failure_rate: number;
  cost_usd: number;
  duration_seconds: { mean: number | null; p50: number | null; p95: number | null };
}

export interface RankingsResponse {
  slowest: RankedWorkflow[];
  most_failing: RankedWorkflow[];
  most_used: RankedWorkflow[];
  most_costly: RankedWorkflow[];
}

export interface RoiRow {
  workflow_id: string;
  executions: number;
  time_saved_hours: number | null;
  value_generated_usd: number | null;
  cost_usd: number;
  net_value_usd: number | null;
  roi_percent: number | null;
}

export interface RoiResponse {
  totals: { executions: number; time_saved_hours: number | null; value_generated_usd: number | null; cost_usd: number; net_value_usd: number | null; roi_percent: number | null };
  workflows: RoiRow[];
}

export interface CostsResponse {
  period: PeriodOut;
  source: string;
  totals: { credits: number; usd: number };
  per_execution: { executions: number; credits: number; usd: number; credits_per_execution: number | null; usd_per_execution: number | null };
  buckets: Array<{ date: string; credits: number; usd: number }>;
}

export interface BreakdownResponse {
  by: string;
  total: { credits: number; usd: number };
  items: Array<{ key: string | null; credits: number; usd: number; usd_share_percent: number; credits_share_percent: number; executions: number; usd_per_execution: number | null; credits_per_execution: number | null }>;
}

export interface ForecastResponse {
  history: { daily: Array<{ date: string; usd: number; credits: number }> };
  model: { usd: { name: string; days_fitted: number; slope_per_day: number; residual_sd: number } };
  backtest: { usd: { holdout_days: number; mae: number; wape_percent: number; interval_coverage_percent: number } | null };
  forecast: Array<{ date: string; usd: number; usd_lower: number; usd_upper: number }>;
  totals: { days: number; usd: number; usd_lower: number; usd_upper: number };
}

export interface BudgetsResponse {
  budgets: Array<{
    budget_id: string;
    scope: 'account' | 'workflow';
    workflow_id?: string | null;
    monthly_usd: number;
    thresholds: number[];
    status: { month: string; spent_usd: number; forecast_usd: number; spent_percent: number; forecast_percent: number; crossed: Array<{ threshold: number; trigger: string }> };
  }>;
}

export interface ActivityResponse {
  totals: { events: number; logins: number; active_users: number; active_time_seconds: number; features_used: number };
  active_users: { daily_average: number; weekly_average: number; monthly_average: number; period: number };
  sessions: { sessions: number; length_seconds: { mean: number | null; p50: number | null; p95: number | null }; events_per_session: number | null };
  features: Array<{ action: string; events: number; users: number; share_percent: number }>;
  buckets: Array<{ date: string; events: number; logins: number; active_users: number; sessions: number; active_time_seconds: number }>;
}

export interface EngagementResponse {
  formula: string;
  users: Array<{ user_id: string; score: number; level: string; components: { recency: number; frequency: number; breadth: number }; events: number; active_days: number; features_used: number; last_seen: string | null }>;
}

export interface ErrorsResponse {
  total_errors: number;
  error_types: Array<{ error_type: string; occurrences: number; share_percent: number; executions: number; distinct_messages: number; workflows: number; first_seen: string; last_seen: string }>;
  errors: Array<{ error_type: string; error_message: string; source: string; occurrences: number; executions: number; first_seen: string; last_seen: string; workflows: string[]; steps: string[] }>;
  buckets: Array<{ date: string; errors: number }>;
}
