/**
 * Pieces of an alert shared by the alerts page and the workflow page: severity and status badges, what was
 * measured against what was expected, the acknowledge button, the navigation's count of firing alerts.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { alertActions, alertQueries } from '../alert-queries.js';
import type { AlertRecordOut } from '../api.js';
import { formatAgo, formatBand, formatInstant, formatMetricValue } from '../format.js';

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`badge severity severity-${severity}`} data-severity={severity}>
      {severity}
    </span>
  );
}

export function AlertStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge alert-status alert-status-${status}`} data-status={status}>
      {status}
    </span>
  );
}

/**
 * "50.0% · expected 5.0% · range 2.1% – 8.0%": the value judged against what was expected and the band, when there
 * are; a threshold rule's limit is one side of the band ("upper limit 20.0%").
 */
export function AlertFigures({ a, unit, locale }: { a: Pick<AlertRecordOut, 'value' | 'expected' | 'lower' | 'upper'>; unit: string | undefined; locale?: string | undefined }) {
  return (
    <span className="alert-figures small" data-value={a.value ?? ''}>
      <strong>{formatMetricValue(a.value, unit, locale)}</strong>
      {a.expected !== null && <> · expected {formatMetricValue(a.expected, unit, locale)}</>}
      {a.lower !== null && a.upper !== null ? (
        <> · range {formatBand(a.lower, a.upper, unit, locale)}</>
      ) : a.upper !== null ? (
        <> · upper limit {formatMetricValue(a.upper, unit, locale)}</>
      ) : a.lower !== null ? (
        <> · lower limit {formatMetricValue(a.lower, unit, locale)}</>
      ) : null}
    </span>
  );
}

/** Acknowledge (an open alert not yet acknowledged, for those who may change its workflow), else who did and when. */
export function Acknowledge({ a, canChange, locale }: { a: AlertRecordOut; canChange: boolean; locale?: string | undefined }) {
  const client = useQueryClient();
  const ack = useMutation({
    mutationFn: () => alertActions.acknowledge(a.alert_id),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['alerts'] }),
  });
  if (a.acknowledged_at) {
    return (
      <span className="muted small" data-acknowledged={a.acknowledged_by} title={formatInstant(a.acknowledged_at, locale)}>
        ✓ Acknowledged by {a.acknowledged_by} {formatAgo(a.acknowledged_at, Date.now(), locale)}
      </span>
    );
  }
  if (!canChange || (a.status !== 'firing' && a.status !== 'pending')) return null;
  return (
    <span className="inline">
      <button type="button" className="button" disabled={ack.isPending} onClick={() => ack.mutate()} title="Someone is on it: the notifications still held back are not sent">
        {ack.isPending ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      {ack.isError && (
        <span className="form-error small" role="alert">
          {ack.error.message}
        </span>
      )}
    </span>
  );
}

/** The number of firing alerts beside the navigation's "Alerts" (nothing when none fires, or when it cannot be told). */
export function FiringCount() {
  const firing = useQuery(alertQueries.firing());
  const n = firing.data?.alerts.length ?? 0;
  if (n === 0) return null;
  return (
    <span className="badge badge-danger nav-count" data-firing={n} title={`${n} firing`}>
      {n >= 1000 ? '999+' : n}
      <span className="visually-hidden"> firing</span>
    </span>
  );
}
