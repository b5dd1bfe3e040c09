/**
 * The workflow page's insights (GET …/analytics/insights) for the page's period, version and variant: each
 * observation's title and text as the API states them, coloured by tone (good, bad, neutral), most impact first,
 * each linking to the executions it concerns — with how many where the observation states it, and what the list is
 * where it is not the observation's own count (an action's failures, an anomalous day).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { InsightOut } from '../api.js';
import { insightCount, insightLinkText, insightNote, parseDrill, type Drill } from '../drilldown-model.js';
import { drilldownQueries } from '../drilldown-queries.js';
import { linkProps } from '../router.js';
import type { View } from '../view-state.js';
import { QueryState } from './States.js';

const TONE: Record<InsightOut['tone'], string> = { good: 'Good news', bad: 'Needs attention', info: 'Note' };

export function InsightsPanel({ workflowId, view, locale, href }: { workflowId: string; view: View; locale?: string | undefined; href: (d: Drill) => string }) {
  const params = {
    ...(view.range ? { range: view.range } : { start_date: view.start ?? undefined, end_date: view.end ?? undefined }),
    timezone: view.timezone,
    version: view.version ?? undefined,
    variant: view.variant ?? undefined,
    enrollment_source: view.enrollmentSource ?? undefined,
    exit_reason: view.exitReason ?? undefined,
  };
  const insights = useQuery({ ...drilldownQueries.insights(workflowId, params), placeholderData: keepPreviousData });
  return (
    <section className={`panel${insights.isPlaceholderData ? ' is-stale' : ''}`} aria-label="Insights">
      <div className="panel-head">
        <h2>Insights</h2>
        <span className="muted small">What stands out against the period before, most executions concerned first</span>
      </div>
      <QueryState
        query={insights}
        skeleton={120}
        label="Loading insights"
        retry
        empty={(d) =>
          d.insights.length === 0 &&
          'Nothing stands out in this period: no rate moved significantly against the period before, no step or action got worse, no version or variant differs, no day left its usual range. (Rates are judged on at least 20 executions in each period.)'
        }
      >
        {(d) => (
          <ol className="insights" aria-label="Observations">
            {d.insights.map((i, n) => {
              const note = insightNote(i);
              const count = insightCount(i);
              return (
                <li key={`${i.kind}/${i.metric}/${n}`} className={`insight insight-${i.tone}`} data-kind={i.kind} data-metric={i.metric} data-tone={i.tone} data-impact={i.impact}>
                  <div className="insight-head">
                    <span className={`badge insight-tone insight-tone-${i.tone}`}>{TONE[i.tone]}</span>
                    <strong className="insight-title">{i.title}</strong>
                  </div>
                  <p className="insight-text">{i.text}</p>
                  {i.drill !== null ? (
                    <p className="small">
                      <a {...linkProps(href(parseDrill(i.drill)))} data-drill={i.drill} data-count={count ?? ''}>
                        {insightLinkText(i, locale)} →
                      </a>
                      {note && <span className="muted"> {note}</span>}
                    </p>
                  ) : (
                    <p className="muted small">No list of executions for this observation.</p>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </QueryState>
    </section>
  );
}
