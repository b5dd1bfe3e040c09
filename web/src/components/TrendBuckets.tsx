/**
 * The trend's buckets as links, the keyboard's way to what a click on the chart opens: the executions enrolled in
 * a bucket (its window in the page's timezone). Listed only once opened (an hourly month is 744 buckets); like the
 * chart, only the buckets begun (a period that includes now has no future buckets), the last marked "so far".
 */
import { useState } from 'react';
import type { SummaryResponse, TrendRow } from '../api.js';
import { bucketWindow, type Drill } from '../drilldown-model.js';
import { formatCount, formatWindow } from '../format.js';
import { linkProps } from '../router.js';
import type { View } from '../view-state.js';

export function TrendBuckets({ rows, period, view, locale, href }: { rows: readonly TrendRow[]; period?: SummaryResponse['period'] | undefined; view: View; locale?: string | undefined; href: (d: Drill) => string }) {
  const begun = period?.complete === false && period.buckets_begun !== undefined ? rows.slice(0, period.buckets_begun) : rows;
  const [open, setOpen] = useState(false);
  const unit = { hourly: 'hour', daily: 'day', weekly: 'week', monthly: 'month' }[view.granularity];
  return (
    <details className="buckets" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="small muted">Click the chart at a {unit} to list the executions enrolled in it, or pick one here</summary>
      {open && (
        <ul className="bucket-list" aria-label="Executions enrolled per bucket">
          {begun.map((r) => {
            const w = bucketWindow(r.date, view.granularity, view.timezone);
            return (
              <li key={r.date} data-date={r.date}>
                <a {...linkProps(href(w))} data-value={r.new_enrollments}>
                  {formatWindow(w.enrolled_from, w.enrolled_to, locale, view.timezone)}
                </a>{' '}
                <span className="muted">
                  {formatCount(r.new_enrollments, locale)} enrolled{r.date === period?.bucket_in_progress ? ' so far' : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </details>
  );
}
