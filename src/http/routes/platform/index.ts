/**
 * Platform analytics (issue 8): execution statistics, workflow performance, user activity, costs,
 * budgets and ROI, under /api/v1/analytics/. Also owns the budget monitor (see src/budgets/monitor.ts),
 * started with the app and stopped when it closes.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BudgetMonitor } from '../../../budgets/monitor.js';
import { NO_SMTP, smtpMailer } from '../../../reports/mailer.js';
import type { AppDeps } from '../../deps.js';
import { activityRoutes } from './activity.js';
import { PlatformContext } from './common.js';
import { costRoutes } from './costs.js';
import { executionRoutes } from './executions.js';
import { workflowPerformanceRoutes } from './workflows.js';

const monitors = new WeakMap<AppDeps, BudgetMonitor>();

/** The budget monitor of the app built with these deps (tests use it to check at a chosen time). */
export function budgetMonitorOf(deps: AppDeps): BudgetMonitor | undefined {
  return monitors.get(deps);
}

export const platformRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const ctx = new PlatformContext(deps);
    const monitor = new BudgetMonitor(
      { store: deps.store, derived: deps.derived, audit: deps.audit, mailer: deps.config.smtpUrl ? smtpMailer(deps.config.smtpUrl, deps.config.smtpFrom) : NO_SMTP, ...(deps.redis ? { redis: deps.redis } : {}) },
      { tickMs: deps.config.budgetTickMs ?? 900_000, delayMs: deps.config.budgetCheckDelayMs ?? 5_000 },
      (msg, err) => (err ? app.log.error({ err }, msg) : app.log.info(msg)),
    );
    monitors.set(deps, monitor);
    monitor.start();
    app.addHook('onClose', async () => monitor.stop());
    await app.register(executionRoutes(ctx));
    await app.register(workflowPerformanceRoutes(ctx));
    await app.register(activityRoutes(ctx));
    await app.register(costRoutes(ctx, monitor));
  };
