/** Gathers what a PDF report shows for a workflow and period (the panels, with the previous period). */
import { getWorkflowVersion } from '../catalog/catalog.js';
import { actions } from '../metrics/actions.js';
import { funnel } from '../metrics/funnel.js';
import { PeriodOut } from '../metrics/panels.js';
import { previousPeriod, type Period } from '../metrics/period.js';
import { periodProgress } from '../metrics/period-progress.js';
import type { Scope } from '../metrics/scope.js';
import { summariesWithTrends, summaryChanges, type SummaryAndTrends } from '../metrics/summary.js';
import type { AccountSettings } from '../privacy/account-settings.js';
import type { Store } from '../store/store.js';
import type { Branding, ReportInput, Template } from './pdf-report.js';
import { unifiedAllModels } from './unified-export.js';

export function brandingOf(settings: AccountSettings): Branding {
  return {
    name: settings.brand_name ?? 'Flowlens',
    accent: settings.accent_color ?? '#2563eb',
    ...(settings.logo_base64 ? { logo: Buffer.from(settings.logo_base64, 'base64') } : {}),
  };
}

export async function reportInput(store: Store, scope: Scope, period: Period, template: Template, branding: Branding): Promise<ReportInput> {
  const before = previousPeriod(period);
  const [now, prev] = (await summariesWithTrends(store, scope, [period, before])) as [SummaryAndTrends, SummaryAndTrends];
  // read once for the funnel and actions; the report is named after the latest version
  const version = await getWorkflowVersion(store, scope.account, scope.workflow, scope.version);
  const catalog = Promise.resolve(version);
  const latest = scope.version === undefined ? version : await getWorkflowVersion(store, scope.account, scope.workflow).catch(() => null);
  const a = await actions(store, scope, period, { catalog });
  return {
    workflowId: scope.workflow,
    workflowName: latest?.name ?? scope.workflow,
    period: { ...PeriodOut(period), ...periodProgress(period, new Date()) },
    generatedAt: new Date(),
    summary: now.summary,
    previous: prev.summary,
    changes: summaryChanges(now.summary, prev.summary),
    trends: now.trends,
    previousTrends: prev.trends,
    funnel: await funnel(store, scope, period, { catalog }),
    actions: a.actions,
    ...(template === 'detailed' ? { unified: await unifiedAllModels(store, scope, period, now.summary) } : {}),
    template,
    branding,
  };
}
