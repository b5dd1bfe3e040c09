/** Period presets, a custom range, the timezone and the comparison toggle. */
import { useState } from 'react';
import { granularityForRange, RANGES, type RangeKey, type View } from '../view-state.js';

// Chromium lists canonical ICU names (Asia/Calcutta); the usual IANA names are offered whatever the browser lists
const COMMON = ['UTC', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Africa/Johannesburg', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore', 'Asia/Tokyo', 'Australia/Sydney'];

function timezones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...COMMON, current, ...all])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export function DateControls({ view, onChange, showCompare = true }: { view: View; onChange: (v: View) => void; showCompare?: boolean }) {
  const [custom, setCustom] = useState(view.range === null);
  const [start, setStart] = useState(view.start ?? '');
  const [end, setEnd] = useState(view.end ?? '');
  const validRange = start !== '' && end !== '' && start <= end;
  const pick = (key: RangeKey) => {
    setCustom(false);
    onChange({ ...view, range: key, start: null, end: null, granularity: granularityForRange(key, view.granularity) });
  };
  return (
    <div className="controls" role="group" aria-label="Period">
      {/* on a phone, the presets are one select (the buttons would wrap over two rows) */}
      <label className="inline show-narrow">
        <span className="visually-hidden">Period</span>
        <select aria-label="Period" value={custom || view.range === null ? 'custom' : view.range} onChange={(e) => (e.target.value === 'custom' ? setCustom(true) : pick(e.target.value as RangeKey))}>
          {RANGES.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      <div className="segmented hide-narrow">
        {RANGES.map((r) => (
          <button
            key={r.key}
            type="button"
            aria-pressed={view.range === r.key}
            onClick={() => pick(r.key)}
          >
            {r.label}
          </button>
        ))}
        <button type="button" aria-pressed={custom || view.range === null} onClick={() => setCustom(true)}>
          Custom
        </button>
      </div>
      {(custom || view.range === null) && (
        <form
          className="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            if (validRange) onChange({ ...view, range: null, start, end });
          }}
        >
          <label>
            From <input type="date" value={start} max={end || undefined} onChange={(e) => setStart(e.target.value)} required />
          </label>
          <label>
            to <input type="date" value={end} min={start || undefined} onChange={(e) => setEnd(e.target.value)} required />
          </label>
          <button type="submit" className="button" disabled={!validRange}>
            Apply
          </button>
        </form>
      )}
      <label className="inline">
        <span className="muted">Timezone</span>
        <select aria-label="Timezone" value={view.timezone} onChange={(e) => onChange({ ...view, timezone: e.target.value })}>
          {timezones(view.timezone).map((tz) => (
            <option key={tz} value={tz}>
              {tz}
            </option>
          ))}
        </select>
      </label>
      {showCompare && (
        <label className="inline toggle">
          <input type="checkbox" checked={view.compare} onChange={(e) => onChange({ ...view, compare: e.target.checked })} />
          Compare with previous period
        </label>
      )}
    </div>
  );
}
