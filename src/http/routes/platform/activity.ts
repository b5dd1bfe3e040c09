/**
 * User activity. Activity is people data about the whole account, so the overview and engagement
 * scores are for admins; a member or viewer may read its own trail (the key's user_id), an admin anyone's.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../../auth/principal.js';
import { parsePeriod } from '../../../metrics/period.js';
import { activityReport, engagementReport } from '../../../metrics/platform/activity.js';
import { userTrail } from '../../../metrics/platform/trail.js';
import { forbidden } from '../../problem.js';
import { PeriodOut, PeriodParams, type PlatformContext } from './common.js';
import { ActivityResponse, EngagementResponse, TrailResponse } from '../../../contract/index.js';
import { ActivityCohortsResponse } from '../../../contract/activity-cohorts.js';
import { activityCohorts } from '../../../metrics/platform/activity-cohorts.js';
import { COHORT_UNITS, WEEK_STARTS } from '../../../metrics/cohorts.js';

const tags = ['platform analytics'];
const adminRead = { access: { action: 'manage_account' as const }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const, etag: true };

export const activityRoutes = (ctx: PlatformContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/analytics/activity',
      {
        config: adminRead,
        schema: {
          tags,
          summary: 'User activity: logins, features, active users, sessions (admins)',
          description: 'activity events whose time is in the period: totals; active users on average per day/week/month of the period (partial weeks and months at the edges count as one); sessions (per user and session_id, from the first event to the end of the last one = its time + duration_ms) with length mean/p50/p95; feature usage per action; logins per local hour and weekday; and per bucket: events, logins, distinct active users, sessions, active time (Σ duration_ms).',
          querystring: Type.Object(PeriodParams, { additionalProperties: false }),
          response: { 200: ActivityResponse },
        },
      },
      async (request) => {
        const period = parsePeriod(request.query);
        return { period: PeriodOut(period), ...(await activityReport(ctx.deps.store, principalOf(request).accountId, period)) };
      },
    );

    app.get(
      '/api/v1/analytics/activity/cohorts',
      {
        config: adminRead,
        schema: {
          tags,
          summary: 'Users retained by the week or month they were first seen (admins)',
          description: 'Users first seen (their earliest activity event kept) in the period, grouped by that week or month in timezone; per period since, how many of them were active (any activity event) and their share of the cohort; null where the period has not begun. Activity events are kept for the raw window, so first seen is the earliest one still kept.',
          querystring: Type.Object({
            ...PeriodParams,
            cohort: Type.Optional(Type.Union(COHORT_UNITS.map((v) => Type.Literal(v)), { description: 'week (default) or month first seen, in timezone' })),
            week_start: Type.Optional(Type.Union(WEEK_STARTS.map((v) => Type.Literal(v)), { description: 'monday (default) or sunday' })),
          }, { additionalProperties: false }),
          response: { 200: ActivityCohortsResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const period = parsePeriod(q);
        return activityCohorts(ctx.deps.store, principalOf(request).accountId, period, { unit: q.cohort ?? 'week', weekStart: q.week_start ?? 'monday' }, PeriodOut(period));
      },
    );

    app.get(
      '/api/v1/analytics/activity/users/:user_id',
      {
        config: { access: { action: 'list' }, audit: 'analytics.read', rateLimitGroup: 'analytics' },
        schema: {
          tags,
          summary: "A user's activity trail, newest first, paged",
          description: 'The user\'s activity events (optionally within a period: give start_date and end_date, or range), `limit` per page (default 100, at most 500); pass `next_cursor` as `cursor` for the next page. With a summary (events, sessions, first/last seen, active time, actions). Admins read anyone\'s trail; members and viewers their own (their key\'s user_id).',
          params: Type.Object({ user_id: Type.String({ minLength: 1, maxLength: 128 }) }),
          querystring: Type.Object({
            ...PeriodParams,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          }, { additionalProperties: false }),
          response: { 200: TrailResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { user_id } = request.params;
        if (!(p.isOperator || p.role === 'admin') && user_id !== p.userId) throw forbidden(`A key with role "${p.role}" may only read its own activity (user "${p.userId || '(none)'}")`);
        const q = request.query;
        const period = q.start_date !== undefined || q.end_date !== undefined || q.range !== undefined ? parsePeriod(q) : null;
        const span = period ? { from: period.from, to: period.to, tz: period.timezone } : null;
        const body = await userTrail(ctx.deps.store, p.accountId, user_id, span, q.limit ?? 100, q.cursor);
        return { ...body, period: period ? PeriodOut(period) : null };
      },
    );

    app.get(
      '/api/v1/analytics/activity/engagement',
      {
        config: adminRead,
        schema: {
          tags,
          summary: 'Engagement score per user (admins)',
          description: 'score = 100 × (0.4·recency + 0.4·frequency + 0.2·breadth), 2 decimals, with ref = the end of the period or now if earlier: recency = 1 − (ref − last activity) ÷ (ref − period start); frequency = days with activity ÷ days of the period elapsed; breadth = distinct actions the user did ÷ distinct actions done in the account in the period. level: high ≥ 70, medium ≥ 40, low. Highest first.',
          querystring: Type.Object(PeriodParams, { additionalProperties: false }),
          response: { 200: EngagementResponse },
        },
      },
      async (request) => {
        const period = parsePeriod(request.query);
        return { period: PeriodOut(period), ...(await engagementReport(ctx.deps.store, principalOf(request).accountId, period)) };
      },
    );
  };
