/**
 * The funnel: one bar per step, proportional to the executions that entered it, the completed part solid
 * and the drop-off lighter; between steps, the drop-off in numbers and percent (of it, those still in the step and
 * those that ended there) and the executions lost between two steps; the bottleneck in red. Step times show on
 * hover and on keyboard focus. With `href`, every figure links to its executions (the bar to those that entered).
 */
import type { FunnelFigures } from '../api.js';
import type { Stage } from '../drilldown-model.js';
import { formatCount, formatDuration, formatPercent } from '../format.js';
import { funnelBars } from '../funnel-model.js';
import { linkProps } from '../router.js';

export function Funnel({ funnel, locale, href }: { funnel: FunnelFigures; locale?: string; href?: ((step: string, stage: Stage) => string) | undefined }) {
  const bars = funnelBars(funnel);
  // the visible text starts the link's name (the step says where); the title says what the list holds
  const link = (step: string, stage: Stage, n: number, text: string, title: string, where: string) =>
    href ? (
      <a {...linkProps(href(step, stage))} data-stage={stage} data-value={n} aria-label={`${text}, “${where}”`} title={title}>
        {text}
      </a>
    ) : (
      text
    );
  return (
    <ol className="funnel" aria-label="Funnel by step">
      {bars.map((b, i) => {
        const s = b.step;
        const name = s.step_name || s.step_id;
        const prev = i > 0 ? bars[i - 1]!.step : null;
        const times = `Time in step: mean ${formatDuration(s.average_time_seconds, locale)}, median ${formatDuration(s.p50_time_seconds, locale)}, p95 ${formatDuration(s.p95_time_seconds, locale)}`;
        const trackLabel = `${name}: ${formatCount(s.entered, locale)} entered, ${formatCount(s.completed, locale)} completed. ${times}`;
        const track = (
          <>
            <div className="funnel-bar" style={{ width: `${b.width}%` }} data-entered={s.entered}>
              <div className="funnel-done" style={{ width: b.width > 0 ? `${(b.completedWidth / b.width) * 100}%` : '0%' }} />
            </div>
            <span className="funnel-count">{formatCount(s.entered, locale)}</span>
            <span className="funnel-tip" role="tooltip">{times}</span>
          </>
        );
        return (
          <li key={s.step_id} className={`funnel-step${b.bottleneck ? ' is-bottleneck' : ''}`} data-step={s.step_id}>
            {prev && s.lost_before > 0 && (
              <div className="funnel-lost" data-lost={s.lost_before}>
                {link(prev.step_id, 'lost_after', s.lost_before, `${formatCount(s.lost_before, locale)} lost before this step`, `${formatCount(s.lost_before, locale)} completed “${prev.step_name || prev.step_id}” and ended without reaching “${name}”: list them`, name)}
              </div>
            )}
            <div className="funnel-label">
              <span className="funnel-name">{name}</span>
              {b.bottleneck && <span className="badge badge-danger">Bottleneck</span>}
              {b.slowest && <span className="badge">Slowest</span>}
              {href && <span className="funnel-completed small">{link(s.step_id, 'completed', s.completed, `${formatCount(s.completed, locale)} completed`, `${formatCount(s.completed, locale)} completed “${name}”: list them`, name)}</span>}
            </div>
            {href ? (
              <a className="funnel-track" {...linkProps(href(s.step_id, 'entered'))} data-stage="entered" data-value={s.entered} aria-label={`${trackLabel} List the executions that entered it`}>
                {track}
              </a>
            ) : (
              <div className="funnel-track" tabIndex={0} title={times} aria-label={trackLabel}>
                {track}
              </div>
            )}
            <div className={`funnel-drop${b.dropped > 0 ? '' : ' is-zero'}`} data-dropped={b.dropped}>
              {b.dropped > 0 ? (
                <>
                  {link(s.step_id, 'dropped_off', b.dropped, `−${formatCount(b.dropped, locale)} dropped off (${formatPercent(b.droppedPercent, locale)})`, `${formatCount(b.dropped, locale)} entered “${name}” and did not complete it: list them`, name)}
                  {(s.in_progress > 0 || s.exited > 0) && ': '}
                  {s.in_progress > 0 && link(s.step_id, 'in_progress', s.in_progress, `${formatCount(s.in_progress, locale)} still in it`, `${formatCount(s.in_progress, locale)} still in “${name}”: list them`, name)}
                  {s.in_progress > 0 && s.exited > 0 && ', '}
                  {s.exited > 0 && link(s.step_id, 'exited', s.exited, `${formatCount(s.exited, locale)} exited`, `${formatCount(s.exited, locale)} ended at “${name}” without completing it: list them`, name)}
                </>
              ) : (
                'no drop-off'
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
