/**
 * The workflow page's segments (GET …/analytics/segments): "Segment by" none, enrollment source, version,
 * variant, exit reason or an attribute (a key of execution.started's metadata, typed in) — kept in the URL as
 * `?segment=` (and `?attribute=`); when one is chosen, a row per segment of the page's cohort (period, timezone and
 * filters) with the catalog's figures, the largest first and the rest as "Other". A segment's value filters the
 * whole page to it (the version, variant, enrollment source or exit reason filter of the URL; attributes are not
 * filters, their values are text).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SegmentsResponse } from '../../../src/contract/segments.js';
import { api, query } from '../api.js';
import { linkProps } from '../router.js';
import { formatCount, formatPercent } from '../format.js';
import { ATTRIBUTE_KEY, SEGMENTS, type SegmentBy, type View } from '../view-state.js';
import type { Params } from '../workflow-queries.js';
import { Empty, QueryState } from './States.js';

const TOP = 10;

/** The page's period, timezone and filters (buckets and the comparison do not apply), and the split. */
function segmentParams(p: Params, by: SegmentBy, attribute: string | null) {
  return {
    range: p.range, start_date: p.start_date, end_date: p.end_date, timezone: p.timezone, version: p.version, variant: p.variant,
    enrollment_source: p.enrollment_source, exit_reason: p.exit_reason, by, ...(by === 'attribute' ? { attribute: attribute ?? undefined } : {}), top: TOP,
  };
}

/** The view filtered to one segment's value (null: attributes are not filters). */
function filteredTo(view: View, by: SegmentBy, value: string): View | null {
  if (by === 'version') return { ...view, version: Number(value) };
  if (by === 'variant') return { ...view, variant: value };
  if (by === 'enrollment_source') return { ...view, enrollmentSource: value };
  if (by === 'exit_reason') return { ...view, exitReason: value };
  return null;
}

/** What a segment without a value is. */
const NONE: Record<SegmentBy, string> = { enrollment_source: 'No source', version: 'No version', variant: 'No variant', exit_reason: 'Did not exit', attribute: 'Not set' };

export function SegmentsPanel({ workflowId, view, params, onChange, link, locale }: {
  workflowId: string; view: View; params: Params; onChange: (v: View) => void; link: (v: View) => string; locale?: string | undefined;
}) {
  const by = view.segment;
  // an attribute split waits for its key
  const q = by && (by !== 'attribute' || view.segmentAttribute !== null) ? segmentParams(params, by, view.segmentAttribute) : null;
  const segments = useQuery({
    queryKey: ['wf', workflowId, 'segments', q],
    queryFn: ({ signal }) => api<SegmentsResponse>(`/api/v1/workflows/${encodeURIComponent(workflowId)}/analytics/segments${query(q!)}`, { signal }),
    enabled: q !== null,
    placeholderData: keepPreviousData,
  });
  return (
    <section className="panel" aria-label="Segments">
      <div className="panel-head">
        <h2>Segments</h2>
        <div className="chart-controls">
          <label className="small">
            Segment by{' '}
            <select aria-label="Segment by" value={by ?? ''} onChange={(e) => onChange({ ...view, segment: (e.target.value || null) as SegmentBy | null })}>
              <option value="">None</option>
              {SEGMENTS.map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
            </select>
          </label>
          {by === 'attribute' && <AttributeKey value={view.segmentAttribute} onChange={(key) => onChange({ ...view, segmentAttribute: key })} />}
        </div>
      </div>
      {!by ? (
        <p className="muted small">Split this period’s enrollments by source, version, variant, exit reason or an attribute, each with its completion and conversion.</p>
      ) : !q ? (
        <p className="muted small">Name a key of the <code>metadata</code> your execution.started events carry (for example <code>plan</code>).</p>
      ) : (
        <div className={segments.isPlaceholderData ? 'is-stale' : ''}>
          <QueryState query={segments} skeleton={160} label="Loading segments" retry>
            {(d) => (d.totals.enrolled === 0 ? <Empty>No enrollments in this period.</Empty> : <SegmentsTable data={d} by={d.by as SegmentBy} view={view} link={link} locale={locale} />)}
          </QueryState>
        </div>
      )}
    </section>
  );
}

function SegmentsTable({ data, by, view, link, locale }: { data: SegmentsResponse; by: SegmentBy; view: View; link: (v: View) => string; locale?: string | undefined }) {
  const label = SEGMENTS.find((s) => s.key === by)!.label;
  const figures = (r: SegmentsResponse['totals'] & { share_of_enrolled: number }) => (
    <>
      <td className="num">{formatCount(r.enrolled, locale)}</td>
      <td className="num">{formatPercent(r.share_of_enrolled, locale)}</td>
      <td className="num">{formatCount(r.completed, locale)}</td>
      <td className="num">{formatPercent(r.completion_rate, locale)}</td>
      <td className="num">{formatCount(r.converted, locale)}</td>
      <td className="num">{formatPercent(r.conversion_rate, locale)}</td>
      <td className="num">{formatCount(r.failed, locale)}</td>
    </>
  );
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={`Segments by ${label.toLowerCase()} (scrolls sideways)`}>
      <table className="table" aria-label={`Segments by ${label.toLowerCase()}`} data-segment-by={by}>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col" className="num">Enrolled</th>
            <th scope="col" className="num">Share</th>
            <th scope="col" className="num">Completed</th>
            <th scope="col" className="num">Completion rate</th>
            <th scope="col" className="num">Converted</th>
            <th scope="col" className="num">Conversion rate</th>
            <th scope="col" className="num">Failed</th>
          </tr>
        </thead>
        <tbody>
          {data.segments.map((s) => (
            <tr key={s.value ?? ''} data-segment={s.value ?? ''}>
              <th scope="row">
                {s.value === null ? (
                  <span className="muted">{NONE[by]}</span>
                ) : by === 'attribute' ? (
                  s.value
                ) : (
                  <a {...linkProps(link(filteredTo(view, by, s.value)!))} title={`Show only ${label.toLowerCase()} ${s.value}`}>
                    {by === 'version' ? `v${s.value}` : s.value}
                  </a>
                )}
              </th>
              {figures(s)}
            </tr>
          ))}
          {data.other && (
            <tr data-segment="(other)">
              <th scope="row" className="muted">Other ({formatCount(data.other.segments, locale)})</th>
              {figures(data.other)}
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** The metadata key of an attribute split: applied on Enter or when the field is left, if the API accepts it. */
function AttributeKey({ value, onChange }: { value: string | null; onChange: (key: string | null) => void }) {
  const [draft, setDraft] = useState(value ?? '');
  const valid = draft === '' || ATTRIBUTE_KEY.test(draft);
  const apply = () => {
    if (valid && (draft || null) !== value) onChange(draft || null);
  };
  return (
    <label className="small">
      Key{' '}
      <input
        type="text" value={draft} size={14} maxLength={64} placeholder="plan" aria-label="Attribute key" aria-invalid={!valid}
        title="a key of execution.started's metadata: letters, digits, _ . -"
        onChange={(e) => setDraft(e.target.value.trim())} onBlur={apply} onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
    </label>
  );
}
