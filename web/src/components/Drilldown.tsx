/**
 * The executions behind a figure (the workflow page's `?drill=`): a heading saying what was selected and how many
 * ("42 executions exited at “Score above 50?”"), the rows (id, contact, enrolled, status, duration, how it ended,
 * current step, version, variant, cost), "Load more" by cursor, the same selection as CSV; a row opens the
 * execution's timeline beside the list (`?execution=`): steps and actions with their times, durations, outcomes and
 * costs, the goal, the end.
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ExecutionRow, ExecutionTimelineResponse } from '../api.js';
import { describeDrill, endReason, executionsParams, parseDrill, scopeText, statusText, timelineEntries, type Names } from '../drilldown-model.js';
import { drilldownQueries, executionsCsvUrl } from '../drilldown-queries.js';
import { DASH, formatCount, formatCountOf, formatDuration, formatElapsed, formatHours, formatInstant, formatInstantSeconds, formatUsd } from '../format.js';
import { linkProps } from '../router.js';
import type { View } from '../view-state.js';
import { DataTable } from './DataTable.js';
import { Empty, ErrorState, QueryState } from './States.js';

const STATUS_TONE: Record<string, string> = { completed: 'level-high', goal_achieved: 'level-high', exited: 'level-medium', error: 'badge-danger', active: '' };

export function Drilldown({ workflowId, view, names, locale, link }: {
  workflowId: string;
  view: View;
  names: Names;
  locale?: string | undefined;
  /** The app URL of a view of this workflow page. */
  link: (v: View) => string;
}) {
  const drill = parseDrill(view.drill);
  const params = executionsParams(view, drill);
  const list = useInfiniteQuery({ ...drilldownQueries.executions(workflowId, params), placeholderData: keepPreviousData });
  const rows = list.data?.pages.flatMap((p) => p.executions) ?? [];
  const total = list.data?.pages[0]?.total;
  const heading = useRef<HTMLHeadingElement>(null);
  // a new selection moves the focus to what it lists (keyboard and screen reader users land on the heading)
  useEffect(() => heading.current?.focus({ preventScroll: true }), [view.drill]);
  return (
    <div className={`drill${view.execution ? ' has-timeline' : ''}`}>
      <section className={`panel drill-list${list.isPlaceholderData ? ' is-stale' : ''}`} aria-label="Executions">
        <div className="panel-head">
          <div>
            <a className="small" {...linkProps(link({ ...view, drill: null, execution: null }))}>
              ← All figures
            </a>
            <h2 ref={heading} tabIndex={-1} className="drill-heading" data-total={total ?? ''} aria-live="polite">
              {total === undefined ? 'Executions' : describeDrill(drill, total, names, locale, view.timezone)}
            </h2>
            <p className="muted small">{scopeText(view, drill)}</p>
          </div>
          <a className="button" href={executionsCsvUrl(workflowId, params)} download data-export="csv-drill" title="Every execution of this selection, not only the rows loaded">
            Download CSV
          </a>
        </div>
        <QueryState query={list} skeleton={240} label="Loading executions" retry empty={() => rows.length === 0 && 'No execution in this selection.'}>
          {() => (
            <>
              <ExecutionsTable rows={rows} view={view} names={names} locale={locale} link={link} />
              <div className="drill-more">
                <span className="muted small" data-shown={rows.length}>
                  {formatCount(rows.length, locale)} of {formatCountOf(total ?? 0, 'execution', locale)} shown
                </span>
                {list.hasNextPage && (
                  <button type="button" className="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                    {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
                  </button>
                )}
              </div>
              {list.isFetchNextPageError && <ErrorState error={list.error} onRetry={() => void list.fetchNextPage()} />}
            </>
          )}
        </QueryState>
      </section>
      {view.execution && <Timeline key={view.execution} workflowId={workflowId} executionId={view.execution} names={names} locale={locale} timeZone={view.timezone} close={link({ ...view, execution: null })} />}
    </div>
  );
}

function ExecutionsTable({ rows, view, names, locale, link }: { rows: ExecutionRow[]; view: View; names: Names; locale?: string | undefined; link: (v: View) => string }) {
  return (
    <DataTable
      label="Executions"
      rows={rows}
      rowKey={(e) => e.execution_id}
      rowData={(e) => ({ execution: e.execution_id, status: e.status, ...(e.execution_id === view.execution ? { selected: 'true' } : {}) })}
      columns={[
        {
          label: 'Execution',
          className: () => 'break',
          cell: (e) => (
            <a {...linkProps(link({ ...view, execution: e.execution_id }))} aria-current={e.execution_id === view.execution ? 'true' : undefined} title="Open its timeline">
              {e.execution_id}
            </a>
          ),
        },
        { label: 'Contact', className: () => 'small break', cell: (e) => e.contact_id || DASH },
        { label: 'Enrolled', className: () => 'small nowrap', cell: (e) => formatInstant(e.enrolled_at, locale, view.timezone), value: (e) => e.enrolled_at },
        { label: 'Status', cell: (e) => <span className={`badge ${STATUS_TONE[e.status] ?? ''}`}>{statusText(e.status)}</span> },
        { label: <span title="Enrolment to completion; none for executions that exited, failed or are still active">Duration</span>, numeric: true, cell: (e) => formatHours(e.duration_hours, locale), value: (e) => e.duration_hours },
        { label: 'Exit reason / error', className: () => 'small', cell: (e) => endReason(e) ?? DASH },
        { label: <span title="Where an active execution stands">Current step</span>, className: () => 'small', cell: (e) => (e.current_step_id ? names.step(e.current_step_id) : DASH) },
        { label: 'Version', numeric: true, cell: (e) => `v${e.workflow_version}`, value: (e) => e.workflow_version },
        { label: 'Variant', cell: (e) => e.variant ?? DASH },
        { label: 'Cost', numeric: true, cell: (e) => formatUsd(e.cost_usd, locale), value: (e) => e.cost_usd },
      ]}
    />
  );
}

function Timeline({ workflowId, executionId, names, locale, timeZone, close }: { workflowId: string; executionId: string; names: Names; locale?: string | undefined; timeZone: string; close: string }) {
  const timeline = useQuery(drilldownQueries.timeline(workflowId, executionId));
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (timeline.isSuccess) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [timeline.isSuccess]);
  return (
    <aside className="panel drill-timeline" aria-label="Execution timeline" data-execution={executionId} ref={ref}>
      <div className="panel-head">
        <h2 className="break">
          Execution <code>{executionId}</code>
        </h2>
        <a className="small" {...linkProps(close)}>
          Close ✕
        </a>
      </div>
      <QueryState query={timeline} skeleton={300} label="Loading the timeline" retry>
        {(t) => <TimelineBody t={t} names={names} locale={locale} timeZone={timeZone} />}
      </QueryState>
    </aside>
  );
}

/** How an execution ended (or where it stands), in words; `took` (ms) from its timeline when the API gives no duration (exits, failures). */
function endText(e: ExecutionRow, names: Names, locale: string | undefined, took: number | null): string {
  const after = e.duration_hours !== null ? ` after ${formatHours(e.duration_hours, locale)}` : took !== null ? ` after ${formatDuration(took / 1000, locale)}` : '';
  switch (e.status) {
    case 'completed': return `Completed the workflow${after}.`;
    case 'goal_achieved': return `Achieved its goal${after}.`;
    case 'exited': return `Exited${e.exit_reason ? ` (${e.exit_reason.replaceAll('_', ' ')})` : ''}${after}.`;
    case 'error': return `Failed${e.error_type ? ` (${e.error_type})` : ''}${after}.`;
    case 'active': return `Still active${e.current_step_id ? `, in “${names.step(e.current_step_id)}”` : ''}.`;
    default: return statusText(e.status);
  }
}

function TimelineBody({ t, names, locale, timeZone }: { t: ExecutionTimelineResponse; names: Names; locale?: string | undefined; timeZone: string }) {
  const e = t.execution;
  const entries = timelineEntries(t.events, names.step);
  const end = entries.find((x) => ['execution.completed', 'execution.exited', 'execution.failed'].includes(x.event.type));
  const facts: Array<[string, string, string]> = [
    ['contact', 'Contact', e.contact_id || DASH],
    ['enrolled', 'Enrolled', formatInstantSeconds(e.enrolled_at, locale, timeZone)],
    ['source', 'Source', e.enrollment_source.replaceAll('_', ' ') || DASH],
    ['version', 'Version', `v${e.workflow_version}${e.variant ? ` · variant ${e.variant}` : ''}`],
    ['duration', 'Duration', formatHours(e.duration_hours, locale)],
    ['cost', 'Cost', formatUsd(e.cost_usd, locale)],
  ];
  if (e.goal_achieved_at) facts.push(['goal', 'Goal achieved', formatInstantSeconds(e.goal_achieved_at, locale, timeZone)]);
  if (e.completed_at) facts.push(['completed', 'Completed', formatInstantSeconds(e.completed_at, locale, timeZone)]);
  return (
    <>
      <p className="drill-end" data-status={e.status}>
        <span className={`badge ${STATUS_TONE[e.status] ?? ''}`}>{statusText(e.status)}</span> {endText(e, names, locale, end ? end.elapsed : null)}
      </p>
      <dl className="facts">
        {facts.map(([key, label, value]) => (
          <div key={key} data-fact={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Timeline</h3>
      {entries.length === 0 ? (
        <Empty>No event recorded for this execution.</Empty>
      ) : (
        <ol className="timeline drill-events" aria-label="Timeline">
          {entries.map((x, i) => (
            <li key={i} className={`event-${x.tone}`} data-type={x.event.type} data-step={x.event.step_id ?? ''} data-at={x.event.at}>
              <span className="timeline-when small muted" title={x.event.at}>
                {formatInstantSeconds(x.event.at, locale, timeZone)} <span className="elapsed">{formatElapsed(x.elapsed, locale)}</span>
              </span>
              <span className="timeline-what">{x.what}</span>
              <span className="small muted">
                {[
                  x.took !== null ? `took ${formatDuration(x.took / 1000, locale)}` : null,
                  x.event.goal_value ? `value ${formatUsd(x.event.goal_value, locale)}` : null,
                  x.event.amount_usd ? `cost ${formatUsd(x.event.amount_usd, locale)}` : null,
                  x.event.credits ? formatCountOf(x.event.credits, 'credit', locale) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </li>
          ))}
        </ol>
      )}
      {t.events.length >= 10_000 && <p className="muted small">The first 10,000 events are shown.</p>}
    </>
  );
}
