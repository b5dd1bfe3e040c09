/** Costs: over time, breakdowns, forecast; monthly budgets and their alerts. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../../auth/principal.js';
import { BudgetsBody, type Budget } from '../../../budgets/budgets.js';
import { budgetStatus } from '../../../budgets/evaluate.js';
import { resolveTimezone } from '../../../time/timezones.js';
import { costForecast, FORECAST_LIMITS } from '../../../metrics/platform/cost-forecast.js';
import { BREAKDOWNS, cohortCost, costBreakdown, costSeries, perExecution } from '../../../metrics/platform/costs.js';
import { badRequest } from '../../problem.js';
import { localDate } from '../../../time/calendar.js';
import { PeriodOut, PeriodParams, readConfig, WorkflowFilter, type PlatformContext } from './common.js';
import { AlertsResponse, BreakdownResponse, BudgetsResponse, CostsResponse, ForecastResponse } from '../../../contract/index.js';

const tags = ['platform analytics'];
const one = (id: string | undefined) => (id === undefined ? undefined : [id]);
const adminConfig = { access: { action: 'manage_account' as const }, rateLimitGroup: 'analytics' as const };

export const costRoutes = (ctx: PlatformContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const store = ctx.deps.store;
    const budgets = ctx.deps.budgets;

    app.get(
      '/api/v1/analytics/costs',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Credits and USD over time, and cost per execution',
          description: 'Credits (credits_used of step events + credits of cost.recorded) and USD (amount_usd of cost.recorded) recorded in each bucket of the period (empty buckets are zeros), with totals; and per_execution: the executions enrolled in the period and all they cost, whenever recorded (cost per execution). `source` tells whether a rollup or the raw events answered.',
          querystring: Type.Object({ ...PeriodParams, ...WorkflowFilter }, { additionalProperties: false }),
          response: { 200: CostsResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, one(request.query.workflow_id));
        return ctx.cached('costs', target, period, null, async () => {
          const [series, cohort] = await Promise.all([costSeries(store, target, period), cohortCost(store, target, period)]);
          const totals = { credits: 0, usd: 0 };
          for (const b of series.buckets) [totals.credits, totals.usd] = [totals.credits + b.credits, totals.usd + b.usd];
          return {
            period: PeriodOut(period), workflows: target.workflows, source: series.source,
            totals: { credits: Math.round(totals.credits * 1e4) / 1e4, usd: Math.round(totals.usd * 1e4) / 1e4 },
            per_execution: cohort.get('') ?? perExecution(0, 0, 0),
            buckets: series.buckets,
          };
        });
      },
    );

    app.get(
      '/api/v1/analytics/costs/breakdown',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Costs by workflow, action type, step or user',
          description: 'Credits and USD recorded in the period, split `by` workflow (default), action_type, step (key = workflow/step) or user (the user_id on the execution.started of the charged execution; null when none was sent), largest first, with shares, the executions charged (those with a nonzero cost in the period) and the cost per charged execution.',
          querystring: Type.Object({ ...PeriodParams, ...WorkflowFilter, by: Type.Optional(Type.Union(BREAKDOWNS.map((b) => Type.Literal(b)), { description: 'workflow | action_type | step | user' })) }, { additionalProperties: false }),
          response: { 200: BreakdownResponse },
        },
      },
      async (request) => {
        const { target, period } = await ctx.prepare(request, one(request.query.workflow_id));
        const by = request.query.by ?? 'workflow';
        const body = await ctx.cached('costs.breakdown', target, period, by, () => costBreakdown(store, target, period, by));
        return { period: PeriodOut(period), workflows: target.workflows, ...body };
      },
    );

    app.get(
      '/api/v1/analytics/costs/forecast',
      {
        config: readConfig,
        schema: {
          tags,
          summary: 'Costs of the next 30 days, with a 95 % prediction interval and the backtest error',
          description: 'Daily USD and credits of the last history_days complete days (default 90, in timezone, from the first day with any cost) fitted by least squares with a linear trend + a weekday effect (trend only under 14 days, the mean under 4), projected over horizon_days (default 30) from today. Interval: ŷ ± 1.96·σ·√(1 + x₀ᵀ(XᵀX)⁻¹x₀), cut at 0. backtest: the model refitted without the last 14 days (a quarter of the history when shorter), its MAE, RMSE, WAPE and interval coverage on them.',
          querystring: Type.Object({
            ...WorkflowFilter,
            timezone: PeriodParams.timezone,
            history_days: Type.Optional(Type.Integer({ minimum: FORECAST_LIMITS.historyDays.min, maximum: FORECAST_LIMITS.historyDays.max, default: 90 })),
            horizon_days: Type.Optional(Type.Integer({ minimum: FORECAST_LIMITS.horizonDays.min, maximum: FORECAST_LIMITS.horizonDays.max, default: 30 })),
          }, { additionalProperties: false }),
          response: { 200: ForecastResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const tz = resolveTimezone(q.timezone ?? 'UTC');
        if (tz === undefined) throw badRequest(`timezone: unknown timezone "${q.timezone}"`, [{ path: '/timezone', message: `unknown timezone "${q.timezone}" (use an IANA name such as Europe/Paris)` }]);
        const target = await ctx.target(request, q.workflow_id === undefined ? undefined : [q.workflow_id]);
        const history = q.history_days ?? 90;
        const horizon = q.horizon_days ?? 30;
        // the forecast starts today (in tz): a new day is a new answer even without new events
        const body = await ctx.deps.queries.cachedBy('costs.forecast', target, [tz, localDate(new Date(), tz), history, horizon], () => costForecast(store, target, tz, history, horizon));
        return { workflows: target.workflows, ...body };
      },
    );

    const withStatus = async (account: string, list: Budget[]) =>
      Promise.all(list.map(async (b) => ({ ...b, status: await budgetStatus(store, account, b) })));

    app.get(
      '/api/v1/analytics/costs/budgets',
      {
        config: { ...adminConfig, audit: 'analytics.read' },
        schema: {
          tags,
          summary: 'Monthly budgets with where they stand, and this month\'s alerts (admins)',
          response: { 200: BudgetsResponse },
        },
      },
      async (request) => {
        const account = principalOf(request).accountId;
        const list = await withStatus(account, await budgets.list(account));
        const months = new Set(list.map((b) => b.status.month));
        const alerts = (await budgets.alerts(account)).filter((a) => months.has(a.month));
        return { budgets: list, alerts };
      },
    );

    app.put(
      '/api/v1/analytics/costs/budgets',
      {
        config: { ...adminConfig, audit: 'budgets.update' }, // the body is not recorded: webhook URLs often carry secrets
        schema: {
          tags,
          summary: 'Replace the monthly cost budgets (admins)',
          description: 'The account\'s whole list of budgets: at most one for the account (scope=account: every workflow) and one per workflow (scope=workflow), each with monthly_usd, thresholds in percent (default [80, 100]), a timezone for its calendar months (default UTC) and whom to notify (emails through FLOWLENS_SMTP_URL, a webhook URL receiving a POST of the alert as JSON; its host must be a public address — not loopback, private, link-local or otherwise reserved, checked at saving and again at sending — unless FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1). When the month\'s spend, or else its forecast, crosses a threshold, one alert per budget, threshold and month is recorded and sent. Budgets are checked right after saving, a few seconds after ingested events settle, and every FLOWLENS_BUDGET_TICK_MS. Answers the budgets with their status and the alerts raised by this check.',
          body: BudgetsBody,
          response: { 200: BudgetsResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const saved = await budgets.save(p.accountId, request.body.budgets, p.keyId);
        return { budgets: await withStatus(p.accountId, saved.budgets), alerts: saved.alerts };
      },
    );

    app.get(
      '/api/v1/analytics/costs/alerts',
      {
        config: { ...adminConfig, audit: 'analytics.read' },
        schema: {
          tags,
          summary: 'Budget alerts raised, newest first (admins)',
          description: 'Every alert (at most 1,000), or those of one month (month=YYYY-MM): the budget, threshold, what crossed it (actual spend or forecast), the figures then, and what the webhook and email delivery answered.',
          querystring: Type.Object({ month: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' })) }, { additionalProperties: false }),
          response: { 200: AlertsResponse },
        },
      },
      async (request) => ({ alerts: await budgets.alerts(principalOf(request).accountId, request.query.month) }),
    );
  };
