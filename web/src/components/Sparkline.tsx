/**
 * A small line of a series (enrollments per bucket), drawn as inline SVG. With `describe`, a tooltip names the
 * bucket under the pointer ("Mar 2: 14 new enrollments"), and the line can be focused and read bucket by bucket
 * with the arrow keys (Home and End for the first and last).
 */
import { useId, useState, type KeyboardEvent, type MouseEvent } from 'react';

export function Sparkline({ values, width = 120, height = 28, label, describe }: {
  values: number[];
  width?: number;
  height?: number;
  label: string;
  /** The tooltip of bucket i. */
  describe?: (i: number) => string;
}) {
  const [active, setActive] = useState<number | null>(null);
  const tipId = useId();
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values.length - 1;
  const interactive = describe !== undefined && values.length > 0;

  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - box.left) / Math.max(1, box.width)) * width;
    setActive(Math.min(last, Math.max(0, Math.round(x / step))));
  };
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    const to = { ArrowLeft: (active ?? last) - 1, ArrowRight: (active ?? -1) + 1, Home: 0, End: last }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setActive(Math.min(last, Math.max(0, to)));
  };

  return (
    <span className="spark-wrap">
      <svg
        className="sparkline"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        {...(interactive
          ? {
              tabIndex: 0,
              'aria-describedby': active !== null ? tipId : undefined,
              onMouseMove: onMove,
              onMouseLeave: () => setActive(null),
              onFocus: () => setActive((a) => a ?? last),
              onBlur: () => setActive(null),
              onKeyDown: onKey,
            }
          : {})}
      >
        {values.length > 0 && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />}
        {active !== null && values[active] !== undefined && <circle cx={active * step} cy={y(values[active]!)} r="2.5" fill="currentColor" />}
      </svg>
      {interactive && active !== null && (
        <span className="spark-tip" id={tipId} role="tooltip" data-bucket={active}>
          {describe(active)}
        </span>
      )}
    </span>
  );
}
