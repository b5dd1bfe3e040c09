/**
 * Platform analytics (issue 8): execution statistics, workflow performance, user activity, costs,
 * budgets and ROI, under /api/v1/analytics/. Budgets go through the runtime's budget monitor
 * (deps.budgets, src/budgets/monitor.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { activityRoutes } from './activity.js';
import { PlatformContext } from './common.js';
import { costRoutes } from './costs.js';
import { executionRoutes } from './executions.js';
import { workflowPerformanceRoutes } from './workflows.js';

export const platformRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const ctx = new PlatformContext(deps);
    await app.register(executionRoutes(ctx));
    await app.register(workflowPerformanceRoutes(ctx));
    await app.register(activityRoutes(ctx));
    await app.register(costRoutes(ctx));
  };
