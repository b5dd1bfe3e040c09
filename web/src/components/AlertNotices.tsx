/**
 * Alerts on the workflow page: the notices of alerts firing or resolving while the page is open (heard on its live
 * stream), and the alert a notification link came from (`?alert=`).
 */
import { useQuery } from '@tanstack/react-query';
import { noticeText, type AlertNotice } from '../alert-model.js';
import { alertQueries } from '../alert-queries.js';
import { useMetricInfo } from '../metric-catalog.js';
import { linkProps } from '../router.js';
import { AlertFigures, AlertStatusBadge, SeverityBadge } from './AlertBits.js';

/** The live notices, newest first, each until dismissed. */
export function LiveAlertNotices({ notices, onDismiss, locale }: { notices: AlertNotice[]; onDismiss: (alertId: string, kind: string) => void; locale?: string | undefined }) {
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Alert notices">
      {notices.map((n) => (
        <div key={`${n.alert_id}/${n.kind}`} className={`toast toast-${n.kind} severity-edge-${n.severity}`} data-alert={n.alert_id} data-kind={n.kind}>
          <div className="toast-text">
            <strong>{noticeText(n)}</strong>
            <div className="small">
              {n.value !== null && (
                <>
                  <AlertFigures a={n} unit={n.unit} locale={locale} /> ·{' '}
                </>
              )}
              <a {...linkProps(`/alerts?alert=${encodeURIComponent(n.alert_id)}`)}>history →</a>
            </div>
          </div>
          <button type="button" className="button button-quiet" aria-label="Dismiss" onClick={() => onDismiss(n.alert_id, n.kind)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

/** The alert a notification's link points at: what it says, with a way to its history (nothing if it cannot be read). */
export function AlertFromLink({ alertId, onDismiss, locale }: { alertId: string; onDismiss: () => void; locale?: string | undefined }) {
  const history = useQuery(alertQueries.history(alertId));
  const info = useMetricInfo();
  const a = history.data?.alert;
  if (!a) return null;
  return (
    <div className={`banner banner-alert severity-edge-${a.severity}`} data-alert={a.alert_id}>
      <div className="alert-line">
        <SeverityBadge severity={a.severity} />
        <strong>{a.rule_name}</strong>
        <AlertStatusBadge status={a.status} />
        <a className="small" {...linkProps(`/alerts?alert=${encodeURIComponent(a.alert_id)}`)}>
          history →
        </a>
        <button type="button" className="button button-quiet small" aria-label="Hide" onClick={onDismiss}>
          ✕
        </button>
      </div>
      <p>
        {a.summary} <AlertFigures a={a} unit={info(a.metric).unit} locale={locale} />
      </p>
    </div>
  );
}
