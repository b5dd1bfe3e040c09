/**
 * The funnel: one bar per step, proportional to the executions that entered it, the completed part solid
 * and the drop-off lighter; between steps, the drop-off in numbers and percent; the bottleneck in red.
 * Step times show on hover and on keyboard focus.
 */
import type { FunnelFigures } from '../api.js';
import { formatCount, formatDuration, formatPercent } from '../format.js';
import { funnelBars } from '../funnel-model.js';

export function Funnel({ funnel, locale }: { funnel: FunnelFigures; locale?: string }) {
  const bars = funnelBars(funnel);
  return (
    <ol className="funnel" aria-label="Funnel by step">
      {bars.map((b) => {
        const s = b.step;
        const times = `Time in step: mean ${formatDuration(s.average_time_seconds, locale)}, median ${formatDuration(s.p50_time_seconds, locale)}, p95 ${formatDuration(s.p95_time_seconds, locale)}`;
        return (
          <li key={s.step_id} className={`funnel-step${b.bottleneck ? ' is-bottleneck' : ''}`} data-step={s.step_id}>
            <div className="funnel-label">
              <span className="funnel-name">{s.step_name || s.step_id}</span>
              {b.bottleneck && <span className="badge badge-danger">Bottleneck</span>}
              {b.slowest && <span className="badge">Slowest</span>}
            </div>
            <div className="funnel-track" tabIndex={0} title={times} aria-label={`${s.step_name || s.step_id}: ${formatCount(s.entered, locale)} entered, ${formatCount(s.completed, locale)} completed. ${times}`}>
              <div className="funnel-bar" style={{ width: `${b.width}%` }} data-entered={s.entered}>
                <div className="funnel-done" style={{ width: b.width > 0 ? `${(b.completedWidth / b.width) * 100}%` : '0%' }} />
              </div>
              <span className="funnel-count">{formatCount(s.entered, locale)}</span>
              <span className="funnel-tip" role="tooltip">{times}</span>
            </div>
            <div className={`funnel-drop${b.dropped > 0 ? '' : ' is-zero'}`} data-dropped={b.dropped}>
              {b.dropped > 0 ? `−${formatCount(b.dropped, locale)} dropped off (${formatPercent(b.droppedPercent, locale)})` : 'no drop-off'}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
