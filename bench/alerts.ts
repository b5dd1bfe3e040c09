/**
 * Alert evaluation at scale (issue 27): N enrollments over 50 workflows and 90 days, 1,000 rules (20 per workflow:
 * every watched metric, with static thresholds, relative changes and seasonal anomaly bands, hourly and daily),
 * then the time of one evaluation of all of them — the scheduler's tick after a start, when every rule is due and
 * no series is cached — and of a second one right after (the series cached until new events).
 */
import { loadConfig } from '../src/config/config.js';
import { seed } from '../src/cli/seed.js';
import { storeSink } from '../src/ingest/sinks.js';
import { startRuntime } from '../src/runtime.js';
import type { AlertRuleInput } from '../src/alerts/rules.js';
import { tempDir } from '../test/helpers/store.js';
import { KEEP_ALL } from './seed.js';

const KEY = 'fl_bench_operator_key';

/** Twenty rules on one workflow. */
function rulesFor(workflow: string): AlertRuleInput[] {
  const scope = { type: 'workflow' as const, workflow_id: workflow };
  const r = (name: string, metric: string, detector: AlertRuleInput['detector'], bucket: 'hour' | 'day'): AlertRuleInput => ({ name: `${workflow} ${name}`, metric, scope, detector, bucket, channels: [] });
  const above = (threshold: number) => ({ type: 'threshold' as const, threshold, direction: 'above' as const });
  const anomaly = { type: 'anomaly' as const, sensitivity: 'medium' as const };
  const change = (against: 'previous' | 'day_before' | 'week_before') => ({ type: 'change' as const, percent: 50, direction: 'both' as const, against });
  return [
    r('failures', 'execution_failure_rate', above(10), 'hour'), r('failures daily', 'execution_failure_rate', above(10), 'day'),
    r('failures anomaly', 'execution_failure_rate', anomaly, 'hour'), r('failures change', 'execution_failure_rate', change('day_before'), 'day'),
    r('completion', 'execution_completion_rate', { type: 'threshold', threshold: 20, direction: 'below' }, 'hour'), r('completion anomaly', 'execution_completion_rate', anomaly, 'day'),
    r('enrollments anomaly', 'new_enrollments', anomaly, 'hour'), r('enrollments anomaly daily', 'new_enrollments', anomaly, 'day'), r('enrollments week', 'new_enrollments', change('week_before'), 'hour'),
    r('silent', 'events_received', { type: 'threshold', threshold: 1, direction: 'below' }, 'hour'), r('volume anomaly', 'events_received', anomaly, 'hour'),
    r('action errors', 'action_error_rate', above(15), 'hour'), r('action errors anomaly', 'action_error_rate', anomaly, 'hour'),
    r('time in step', 'step_duration_ms_p95', above(60_000), 'hour'), r('time in step anomaly', 'step_duration_ms_p95', anomaly, 'day'),
    r('duration p95', 'execution_duration_hours_p95', above(96), 'day'),
    r('cost anomaly', 'cost_usd', anomaly, 'day'), r('cost change', 'cost_usd', change('previous'), 'day'),
    r('credits', 'credits', above(1e6), 'day'), r('goals anomaly', 'goal_rate', anomaly, 'day'),
  ];
}

export async function benchAlerts(enrollments: number, workflows = 50) {
  const dataDir = tempDir('flowlens-bench-alerts-');
  const rt = await startRuntime(loadConfig({ data: dataDir }, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_LOG_LEVEL: 'warn', FLOWLENS_ALERT_TICK_MS: '0', ...KEEP_ALL }));
  try {
    if (!(await rt.deps.keys.accountExists('default'))) await rt.deps.keys.createAccount('Default', 'default');
    const sink = storeSink(rt.deps.store, 'default');
    const s = await seed(sink, { workflows, enrollments, days: 90, seed: 5, now: new Date() }, false);
    await sink.close();
    process.stderr.write(`  seeded ${s.enrollments} enrollments over ${workflows} workflows in ${s.seconds.toFixed(0)} s\n`);
    const ids = (await rt.deps.store.query<{ w: string }>("SELECT DISTINCT workflow_id AS w FROM workflows_seen WHERE account_id = 'default' ORDER BY w")).map((r) => r.w);
    const actor = { keyId: 'bench', userId: '', role: 'admin' };
    for (const w of ids) for (const rule of rulesFor(w)) await rt.deps.alerts.createRule('default', rule, actor);
    const rules = (await rt.deps.alerts.records.rules('default')).length;
    const t0 = performance.now();
    const first = await rt.deps.alerts.tick();
    const coldSeconds = (performance.now() - t0) / 1000;
    const all = await rt.deps.alerts.records.rules('default');
    const t1 = performance.now();
    await rt.deps.alerts.evaluateRules(all, new Date());
    const warmSeconds = (performance.now() - t1) / 1000;
    const result = {
      enrollments: s.enrollments, workflows: ids.length, rules, evaluations: first.length,
      firing: first.filter((e) => e.status === 'firing').length,
      coldSeconds: Math.round(coldSeconds * 100) / 100, warmSeconds: Math.round(warmSeconds * 100) / 100,
    };
    process.stderr.write(`  ${rules} rules (${first.length} evaluations): ${result.coldSeconds} s cold, ${result.warmSeconds} s with the series cached; ${result.firing} firing\n`);
    return result;
  } finally {
    await rt.close();
  }
}
