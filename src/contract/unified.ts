/**
 * The unified report of a workflow (GET /api/v1/workflows/{workflow_id}/analytics/unified): its own figures
 * beside what the outside services say about the same period — GA4 traffic of its campaigns, CRM deals and
 * revenue attributed to it by a named model — with figures derived from both and where each outside figure came
 * from. Properties in the order the server writes them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Int, NullNum, Num, obj, PeriodSchema } from './common.js';

export const UNIFIED_MODELS = ['first_touch', 'last_touch', 'linear'] as const;
/** The attribution model of the CRM figures. */
export const AttributionModelSchema = Type.Union([Type.Literal('first_touch'), Type.Literal('last_touch'), Type.Literal('linear')]);

export const Money = obj({ currency: Type.String(), amount: Num });
export type Money = Static<typeof Money>;

export const UnifiedInternal = obj({
  enrolled: Int,
  completed: Int,
  converted: Int,
  conversion_rate: Num,
  cost_usd: Num,
}, 'the cohort (executions enrolled in the period), as the summary and the costs pages count it');

export const UnifiedGa4 = obj({
  campaigns: Type.Array(Type.String(), { description: 'the session campaigns counted: the workflow id and those the integrations\' campaign_map assigns to it' }),
  sessions: Int,
  users: Type.Integer({ description: 'GA4 totalUsers summed over the days and sources (a user seen on two days counts twice)' }),
  key_events: Int,
  days_with_data: Int,
}, 'GA4 traffic of the workflow\'s campaigns on the period\'s dates (GA4 reporting days); null when no GA4 integration is connected');

export const UnifiedCrm = obj({
  deals_won: Type.Number({ description: 'credit of the deals closed won in the period (a fraction under linear)' }),
  deals_touched: Int,
  contacts: Int,
  revenue: Type.Array(Money, { description: 'credit × amount, per currency (no conversion)' }),
}, 'deals closed won in the period attributed to the workflow; null when no CRM is connected');

export const UnifiedDerived = obj({
  cost_per_deal_usd: Type.Union([Type.Number(), Type.Null()], { description: 'cost_usd ÷ deals_won; null without deals' }),
  revenue_per_enrolment: Type.Array(Money, { description: 'revenue ÷ enrolled, per currency' }),
  sessions_per_enrolment: NullNum,
});

export const UnifiedSource = obj({
  figures: Type.Union([Type.Literal('ga4'), Type.Literal('crm')]),
  integration_id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  last_successful_sync_at: Type.Union([Type.String(), Type.Null()], { description: 'when its latest succeeded sync finished; null when none has' }),
});
export type UnifiedSource = Static<typeof UnifiedSource>;

export const UnifiedResponse = obj({
  workflow_id: Type.String(),
  period: PeriodSchema,
  model: AttributionModelSchema,
  internal: UnifiedInternal,
  ga4: Type.Union([UnifiedGa4, Type.Null()]),
  crm: Type.Union([UnifiedCrm, Type.Null()]),
  derived: UnifiedDerived,
  sources: Type.Array(UnifiedSource),
  not_connected: Type.Array(Type.Union([Type.Literal('ga4'), Type.Literal('crm')]), { description: 'what to connect for the missing figures: ga4 (Google Analytics 4), crm (HubSpot or Salesforce)' }),
});
export type UnifiedResponse = Static<typeof UnifiedResponse>;
