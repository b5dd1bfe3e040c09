/**
 * The workflow page's versions section, collapsed until opened (each comparison is a computation on the
 * server): for the page's period, every version with enrollments side by side, and each metric's difference
 * against the baseline (the first version) with its 95% interval, ✓ when it stays significant after Holm's
 * correction, coloured by verdict. One version in the period is not an error: there is nothing to compare.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, type MetricComparisonOut, type VersionsResponse } from '../api.js';
import { formatCount, formatMetricValue } from '../format.js';
import { useMetricInfo, type MetricInfo } from '../metric-catalog.js';
import { linkProps } from '../router.js';
import { workflowQueries, type Params } from '../workflow-queries.js';
import { Difference, SignificanceMark } from './Comparison.js';
import { Empty, QueryState } from './States.js';

export function VersionsPanel({ workflowId, params, locale }: { workflowId: string; params: Params; locale?: string | undefined }) {
  const [open, setOpen] = useState(false);
  const versions = useQuery({ ...workflowQueries.versions(workflowId, params), enabled: open, placeholderData: keepPreviousData });
  const info = useMetricInfo();
  return (
    <section className="panel" aria-label="Versions">
      <div className="panel-head">
        <h2>Versions</h2>
        <div className="chart-controls">
          <a className="small" {...linkProps(`/experiments?workflow_id=${encodeURIComponent(workflowId)}`)}>
            Experiments of this workflow →
          </a>
          <button type="button" className="button" aria-expanded={open} aria-controls="versions-compared" onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Compare versions'}
          </button>
        </div>
      </div>
      {!open ? (
        <p className="muted small">The versions side by side for this period, each metric tested against the first version.</p>
      ) : (
        <div id="versions-compared" className={versions.isPlaceholderData ? 'is-stale' : ''}>
          <QueryState
            query={versions}
            skeleton={220}
            label="Loading versions"
            retry
            error={(e) => (e instanceof ApiError && e.status === 400 ? <Empty>Only one version in this period: nothing to compare. ({e.message})</Empty> : null)}
          >
            {(d) => <VersionsTable data={d} info={info} locale={locale} />}
          </QueryState>
        </div>
      )}
    </section>
  );
}

function VersionsTable({ data, info, locale }: { data: VersionsResponse; info: (name: string) => MetricInfo; locale?: string | undefined }) {
  const metrics = Object.keys(data.versions[0]?.metrics ?? {});
  const compared = new Map(data.comparisons.map((c) => [c.version, new Map<string, MetricComparisonOut>(c.metrics.map((m) => [m.metric, m]))]));
  const tests = data.comparisons.reduce((n, c) => n + c.metrics.filter((m) => m.test !== null).length, 0);
  return (
    <>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Versions compared (scrolls sideways)">
        <table className="table side-by-side" aria-label="Versions compared">
          <thead>
            <tr>
              <th>Metric</th>
              {data.versions.map((v) => (
                <th key={v.version} className="num" data-version={v.version}>
                  v{v.version}
                  {v.version === data.baseline && <span className="badge baseline">baseline</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr data-figure="enrolled">
              <td>Enrolled</td>
              {data.versions.map((v) => (
                <td key={v.version} className="num" data-version={v.version} data-value={v.enrolled}>
                  {formatCount(v.enrolled, locale)}
                </td>
              ))}
            </tr>
            {metrics.map((name) => {
              const m = info(name);
              return (
                <tr key={name} data-metric={name}>
                  <td>
                    {m.label}
                    {m.better !== 'neither' && <div className="muted small">{m.better} is better</div>}
                  </td>
                  {data.versions.map((v) => {
                    const value = v.metrics[name];
                    const c = compared.get(v.version)?.get(name);
                    return (
                      <td key={v.version} className="num" data-version={v.version} data-value={value?.value ?? ''} {...(c ? { 'data-verdict': c.verdict } : {})}>
                        <div className="strong">{formatMetricValue(value?.value, m.unit, locale)}</div>
                        {c && (
                          <div className="small">
                            <Difference c={c} unit={m.unit} locale={locale} /> <SignificanceMark c={c} locale={locale} />
                          </div>
                        )}
                        {value && <div className="muted small">n = {formatCount(value.n, locale)}</div>}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Differences against v{data.baseline} with their 95% confidence intervals (rates in percentage points). ✓: significant at α = {data.alpha} after Holm&rsquo;s correction across the {tests} tests shown. Green is better, red worse.
      </p>
    </>
  );
}
