/**
 * The funnel: one bar per step, proportional to the executions that entered it, the completed part solid
 * and the rest lighter; under each step, those who left it (ended there) in red and those still in it in grey —
 * waiting is not leaving; between steps, the executions lost between the two; the step losing the most people
 * badged "Biggest loss", the slowest working step "Slowest", a wait's time against its configured delay. Step
 * times show on hover and on keyboard focus. With `href`, every figure links to its executions (the bar to those that entered).
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
        const configured = s.configured_delay_seconds !== null ? ` (configured delay ${formatDuration(s.configured_delay_seconds, locale)})` : '';
        const times = `Time in step: mean ${formatDuration(s.average_time_seconds, locale)}, median ${formatDuration(s.p50_time_seconds, locale)}, p95 ${formatDuration(s.p95_time_seconds, locale)}${configured}`;
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
              {b.bottleneck && <span className="badge badge-danger" title="The step that loses the most people: ended there, or lost right before it">Biggest loss</span>}
              {b.slowest && <span className="badge">Slowest</span>}
              {s.configured_delay_seconds !== null && s.average_time_seconds !== null && (
                <span className="funnel-delay small" data-delay={s.configured_delay_seconds}>
                  waits {formatDuration(s.average_time_seconds, locale)} on average, set to {formatDuration(s.configured_delay_seconds, locale)}
                </span>
              )}
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
            <div className={`funnel-drop${s.exited > 0 ? '' : ' is-zero'}`} data-dropped={b.dropped} data-exited={s.exited} data-in-progress={s.in_progress}>
              {s.exited > 0 && link(s.step_id, 'exited', s.exited, `−${formatCount(s.exited, locale)} left (${formatPercent(b.leftPercent, locale)})`, `${formatCount(s.exited, locale)} ended at “${name}” without completing it: list them`, name)}
              {s.exited > 0 && s.in_progress > 0 && ' · '}
              {s.in_progress > 0 && (
                <span className="funnel-waiting">{link(s.step_id, 'in_progress', s.in_progress, `${formatCount(s.in_progress, locale)} still here`, `${formatCount(s.in_progress, locale)} still in “${name}” (not lost: their executions are active): list them`, name)}</span>
              )}
              {b.dropped === 0 && 'no drop-off'}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
