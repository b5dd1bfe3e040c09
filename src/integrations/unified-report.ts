/**
 * The unified report of one workflow over one period: its own figures beside the outside services' (CONTRACT:
 * src/contract/unified.ts).
 *
 * - Internal: the cohort (executions enrolled in the period) as the summary counts it — enrolled, completed,
 *   converted (goal reached), conversion rate — and what those executions cost (the costs pages' cohort cost, USD).
 *   The caller gives the summary (the API through the metrics query service, exports through summary.ts): no
 *   figure is counted here.
 * - GA4: sessions, users and key events of the workflow's campaigns (ga4.ts campaignsOf: utm_campaign equal to the
 *   workflow id, or assigned by the integration's campaign_map) on the period's dates, each GA4 integration with
 *   its own campaigns. GA4 dates are the property's reporting days: exact when its timezone is the request's.
 * - CRM: deals closed won in [from, to) of the period and their revenue per currency, credited to the workflow by
 *   the attribution model (attribution.ts: first_touch, last_touch, linear), over every HubSpot/Salesforce
 *   integration of the account.
 * - Derived: cost per deal (cost_usd ÷ deals_won), revenue per enrolment (per currency), sessions per enrolment.
 * - Sources: each integration the outside figures came from, with its last successful sync; not_connected says
 *   which kind of integration to connect where figures are missing (null sections).
 * The outside figures are the workflow's whatever version or variant: outside services do not know them.
 */
import type { Summary } from '../contract/index.js';
import type { UnifiedResponse, UnifiedSource } from '../contract/unified.js';
import { PeriodOut } from '../metrics/panels.js';
import type { Period } from '../metrics/period.js';
import { cohortCost, r4 } from '../metrics/platform/costs.js';
import { onlyFilters, round2, type Scope } from '../metrics/scope.js';
import type { Store } from '../store/store.js';
import { attributeDeals, type AttributionModel } from './attribution.js';
import { campaignsOf } from './ga4.js';
import { ga4Traffic, lastSuccessfulSyncs, type Traffic } from './outside-figures.js';
import { IntegrationStore, type Integration } from './store.js';

export interface UnifiedInputs {
  store: Store;
  /** The cohort summary of the scope and period (already settled). */
  summary: () => Promise<Summary>;
}

const CRM_KINDS = new Set(['hubspot', 'salesforce']);

/** A GA4 integration's campaigns for the workflow; a malformed campaign_map counts the workflow id only. */
function campaignsFor(i: Integration, workflow: string): string[] {
  try {
    return campaignsOf(i.config, workflow);
  } catch {
    return [workflow];
  }
}

async function trafficOf(store: Store, account: string, ga4: Integration[], workflow: string, period: Period) {
  const campaigns = new Set<string>();
  const total: Traffic = { sessions: 0, users: 0, key_events: 0, days_with_data: 0 };
  for (const i of ga4) {
    const mine = campaignsFor(i, workflow);
    mine.forEach((c) => campaigns.add(c));
    const t = await ga4Traffic(store, account, [i.id], mine, period.startDate, period.endDate);
    total.sessions += t.sessions;
    total.users += t.users;
    total.key_events += t.key_events;
    total.days_with_data = Math.max(total.days_with_data, t.days_with_data);
  }
  return { campaigns: [...campaigns], ...total };
}

export async function unifiedReport(inputs: UnifiedInputs, scope: Scope, period: Period, model: AttributionModel): Promise<UnifiedResponse> {
  const { store } = inputs;
  const integrations = await new IntegrationStore(store).list(scope.account);
  const ga4 = integrations.filter((i) => i.kind === 'ga4');
  const crm = integrations.filter((i) => CRM_KINDS.has(i.kind));
  const target = { account: scope.account, workflows: [scope.workflow], ...onlyFilters(scope) };
  const [summary, cost, syncs, traffic, deals] = await Promise.all([
    inputs.summary(),
    cohortCost(store, target, period),
    lastSuccessfulSyncs(store, scope.account),
    ga4.length > 0 ? trafficOf(store, scope.account, ga4, scope.workflow, period) : null,
    crm.length > 0 ? attributeDeals(store, { accountId: scope.account, workflowIds: [scope.workflow], from: period.from, to: period.to, model }) : null,
  ]);
  const costUsd = cost.get('')?.usd ?? 0;
  const enrolled = summary.total_enrolled;
  const mine = deals?.workflows.find((w) => w.workflow_id === scope.workflow);
  const crmFigures = deals ? { deals_won: mine?.deals_won ?? 0, deals_touched: mine?.deals_touched ?? 0, contacts: mine?.contacts ?? 0, revenue: mine?.revenue ?? [] } : null;
  const source = (figures: UnifiedSource['figures']) => (i: Integration): UnifiedSource => ({ figures, integration_id: i.id, kind: i.kind, name: i.name, last_successful_sync_at: syncs.get(i.id) ?? null });
  return {
    workflow_id: scope.workflow,
    period: PeriodOut(period),
    model,
    internal: { enrolled, completed: summary.completed, converted: summary.goals_achieved, conversion_rate: summary.conversion_rate, cost_usd: r4(costUsd) },
    ga4: traffic,
    crm: crmFigures,
    derived: {
      cost_per_deal_usd: crmFigures && crmFigures.deals_won > 0 ? r4(costUsd / crmFigures.deals_won) : null,
      revenue_per_enrolment: crmFigures && enrolled > 0 ? crmFigures.revenue.map((m) => ({ currency: m.currency, amount: r4(m.amount / enrolled) })) : [],
      sessions_per_enrolment: traffic && enrolled > 0 ? round2(traffic.sessions / enrolled) : null,
    },
    sources: [...ga4.map(source('ga4')), ...crm.map(source('crm'))],
    not_connected: [...(ga4.length === 0 ? (['ga4'] as const) : []), ...(crm.length === 0 ? (['crm'] as const) : [])],
  };
}
