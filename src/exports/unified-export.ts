/**
 * The unified report in the exports: the CSV dataset `unified` and the detailed PDF's "Unified report" table. An export has
 * no model parameter, so both show the CRM figures under each attribution model (first_touch, last_touch, linear)
 * beside the internal and GA4 figures, which do not depend on it. The figures are src/integrations/unified-report.ts's,
 * the cohort summary summary.ts's: nothing is counted here.
 */
import type { Summary } from '../contract/index.js';
import { DASH, formatCount, formatInstant, formatNumber, formatPercent, formatUsd, nf } from '../format/index.js';
import type { UnifiedResponse } from '../contract/unified.js';
import { ATTRIBUTION_MODELS } from '../integrations/attribution.js';
import { unifiedReport } from '../integrations/unified-report.js';
import type { Period } from '../metrics/period.js';
import type { Scope } from '../metrics/scope.js';
import { summaryWithTrends } from '../metrics/summary.js';
import type { Store } from '../store/store.js';

/** The unified report under each attribution model; `summary` when the caller has counted it already. */
export async function unifiedAllModels(store: Store, scope: Scope, period: Period, summary?: Summary): Promise<UnifiedResponse[]> {
  const counted = summary ? Promise.resolve(summary) : summaryWithTrends(store, scope, period).then((s) => s.summary);
  const out: UnifiedResponse[] = [];
  for (const model of ATTRIBUTION_MODELS) out.push(await unifiedReport({ store, summary: () => counted }, scope, period, model));
  return out;
}

export const UNIFIED_COLUMNS = ['section', 'figure', 'model', 'value', 'currency', 'source', 'last_successful_sync_at'] as const;
type Cell = string | number | null;

/** Where a section's figures came from: its integrations' names and last successful syncs, `; `-separated. */
function sourcesOf(r: UnifiedResponse, figures: 'ga4' | 'crm'): [string, string] {
  const s = r.sources.filter((x) => x.figures === figures);
  return [s.map((x) => `${x.name} (${x.kind} ${x.integration_id})`).join('; '), s.map((x) => x.last_successful_sync_at ?? 'never').join('; ')];
}

/** One row per figure (per currency for money; per model for the CRM and derived figures). */
export function unifiedCsvRows(reports: UnifiedResponse[]): Cell[][] {
  const first = reports[0];
  if (!first) return [];
  const rows: Cell[][] = [];
  const i = first.internal;
  for (const [figure, value] of [['enrolled', i.enrolled], ['completed', i.completed], ['converted', i.converted], ['conversion_rate', i.conversion_rate]] as const) {
    rows.push(['internal', figure, '', value, '', 'flowlens', '']);
  }
  rows.push(['internal', 'cost', '', i.cost_usd, 'USD', 'flowlens', '']);
  if (first.ga4) {
    const [source, synced] = sourcesOf(first, 'ga4');
    for (const [figure, value] of [['sessions', first.ga4.sessions], ['users', first.ga4.users], ['key_events', first.ga4.key_events]] as const) rows.push(['ga4', figure, '', value, '', source, synced]);
  } else rows.push(['ga4', 'not_connected', '', null, '', '', '']);
  if (first.ga4) rows.push(['derived', 'sessions_per_enrolment', '', first.derived.sessions_per_enrolment, '', '', '']);
  for (const r of reports) {
    if (!r.crm) {
      rows.push(['crm', 'not_connected', r.model, null, '', '', '']);
      continue;
    }
    const [source, synced] = sourcesOf(r, 'crm');
    rows.push(['crm', 'deals_won', r.model, r.crm.deals_won, '', source, synced], ['crm', 'deals_touched', r.model, r.crm.deals_touched, '', source, synced], ['crm', 'contacts', r.model, r.crm.contacts, '', source, synced]);
    for (const m of r.crm.revenue) rows.push(['crm', 'revenue', r.model, m.amount, m.currency, source, synced]);
    rows.push(['derived', 'cost_per_deal', r.model, r.derived.cost_per_deal_usd, 'USD', '', '']);
    for (const m of r.derived.revenue_per_enrolment) rows.push(['derived', 'revenue_per_enrolment', r.model, m.amount, m.currency, '', '']);
  }
  return rows;
}

const money = (amount: number, currency: string, locale: string) => nf(locale, { style: 'currency', currency, maximumFractionDigits: 2 }).format(amount);
const moneyList = (list: { currency: string; amount: number }[], locale: string) => (list.length ? list.map((m) => money(m.amount, m.currency, locale)).join(' + ') : money(0, 'USD', locale));

/** The PDF table's rows: section, figure, model, value, source (its integration and last successful sync, UTC). */
export function unifiedPdfRows(reports: UnifiedResponse[], locale: string): string[][] {
  const first = reports[0];
  if (!first) return [];
  const i = first.internal;
  const source = (r: UnifiedResponse, figures: 'ga4' | 'crm') =>
    r.sources.filter((x) => x.figures === figures).map((x) => `${x.name}, ${x.last_successful_sync_at ? formatInstant(x.last_successful_sync_at, locale, 'UTC') : 'never synced'}`).join('; ');
  const rows: string[][] = [
    ['Flowlens', 'Enrolled', '', formatCount(i.enrolled, locale), ''],
    ['Flowlens', 'Completed', '', formatCount(i.completed, locale), ''],
    ['Flowlens', 'Converted', '', `${formatCount(i.converted, locale)} (${formatPercent(i.conversion_rate, locale)})`, ''],
    ['Flowlens', 'Cost', '', formatUsd(i.cost_usd, locale), ''],
  ];
  if (first.ga4) {
    const s = source(first, 'ga4');
    rows.push(['GA4', 'Sessions', '', formatCount(first.ga4.sessions, locale), s], ['GA4', 'Users', '', formatCount(first.ga4.users, locale), s], ['GA4', 'Key events', '', formatCount(first.ga4.key_events, locale), s]);
  } else rows.push(['GA4', 'Not connected', '', DASH, 'connect Google Analytics 4']);
  for (const r of reports) {
    if (!r.crm) {
      rows.push(['CRM', 'Not connected', r.model, DASH, 'connect HubSpot or Salesforce']);
      break;
    }
    const s = source(r, 'crm');
    rows.push(
      ['CRM', 'Deals won', r.model, formatNumber(r.crm.deals_won, locale), s],
      ['CRM', 'Revenue', r.model, moneyList(r.crm.revenue, locale), s],
      ['Derived', 'Cost per deal', r.model, formatUsd(r.derived.cost_per_deal_usd, locale), ''],
      ['Derived', 'Revenue per enrolment', r.model, moneyList(r.derived.revenue_per_enrolment, locale), ''],
    );
  }
  return rows;
}
