/**
 * Pieces of a comparison against a baseline, shared by the versions section and the experiment page: a
 * verdict badge, the significance marker, a difference with its interval coloured by verdict, and a table of
 * metrics compared.
 */
import type { MetricComparisonOut } from '../api.js';
import { formatDifference, formatInterval, formatMetricValue, formatP, formatPValue, verdictText, verdictTone, type Verdict } from '../format.js';
import type { MetricInfo } from '../metric-catalog.js';
import { DataTable } from './DataTable.js';

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span className={`badge verdict verdict-${verdict}`} data-verdict={verdict}>
      {verdictText(verdict)}
    </span>
  );
}

/**
 * ✓ significant (after `correction`) or not, with the p-values in its title. `adjusted`: the p-value that
 * decides is the adjusted one (Holm); otherwise the raw one (guardrails).
 */
export function SignificanceMark({ c, adjusted = true, locale }: { c: MetricComparisonOut; adjusted?: boolean; locale?: string | undefined }) {
  if (c.test === null) return <span className="sig sig-none muted">not enough data</span>;
  const title = `${formatP(c.p_value, locale)}${adjusted ? `, Holm-adjusted ${formatP(c.adjusted_p, locale)}` : ' (uncorrected)'}; test: ${c.test.replaceAll('_', ' ')}`;
  return c.significant ? (
    <span className="sig sig-yes" title={title} data-significant="true">
      ✓ significant{adjusted ? ' after Holm' : ''}
    </span>
  ) : (
    <span className="sig sig-no muted" title={title} data-significant="false">
      not significant
    </span>
  );
}

/** The difference against the baseline, coloured by verdict, with its 95% interval under it. */
export function Difference({ c, unit, locale }: { c: MetricComparisonOut; unit: string | undefined; locale?: string | undefined }) {
  return (
    <span className="difference">
      <span className={`tone-${verdictTone(c.verdict)}`} data-difference={c.difference ?? ''}>
        {formatDifference(c.difference, unit, locale)}
      </span>
      {c.ci && <span className="muted small ci">95% CI {formatInterval(c.ci, unit, locale)}</span>}
    </span>
  );
}

/** Metrics of one group against the baseline: values side by side, the difference with its interval, p, verdict. */
export function ComparisonTable({ label, rows, info, baseline, group, adjusted, locale }: {
  label: string;
  rows: readonly MetricComparisonOut[];
  info: (name: string) => MetricInfo;
  baseline: string;
  group: string;
  /** Whether significance is after Holm's correction (secondary metrics) or uncorrected (guardrails). */
  adjusted: boolean;
  locale?: string | undefined;
}) {
  return (
    <DataTable
      label={label}
      rows={rows}
      rowKey={(c) => c.metric}
      rowData={(c) => ({ metric: c.metric, verdict: c.verdict })}
      columns={[
        { label: 'Metric', cell: (c) => info(c.metric).label },
        { label: baseline, numeric: true, cell: (c) => formatMetricValue(c.baseline, info(c.metric).unit, locale), value: (c) => c.baseline },
        { label: group, numeric: true, cell: (c) => formatMetricValue(c.value, info(c.metric).unit, locale), value: (c) => c.value },
        { label: 'Difference', numeric: true, cell: (c) => <Difference c={c} unit={info(c.metric).unit} locale={locale} />, value: (c) => c.difference },
        { label: adjusted ? 'p (Holm)' : 'p', numeric: true, cell: (c) => formatPValue(adjusted ? c.adjusted_p : c.p_value, locale), value: (c) => (adjusted ? c.adjusted_p : c.p_value) },
        { label: 'Significance', cell: (c) => <SignificanceMark c={c} adjusted={adjusted} locale={locale} /> },
        { label: 'Verdict', cell: (c) => <VerdictBadge verdict={c.verdict} /> },
      ]}
    />
  );
}
