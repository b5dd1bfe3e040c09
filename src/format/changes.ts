/**
 * A figure's change against the previous period, with its context (CONTRACT's reading, see the README):
 *   - rates (unit percent) change in percentage points: "+2.5 pp", never a relative percent of a percent;
 *   - a count (executions, events, credits) changes in percent only on a base of at least MIN_BASE: under it the
 *     difference is shown in counts ("+183"), and from nothing it is "new";
 *   - money and durations change in percent, unless the previous value was 0 ("new") or the change is beyond
 *     ±MAX_RELATIVE percent (then the difference in the unit: "+$12.40"), which only a near-empty previous period gives;
 *   - the tone says whether the move is good for the metric (the catalog's `better`): a failure rate going up is
 *     bad news, a completion rate going up good; `neither` is never coloured;
 *   - while the period is not over (it includes now) its figures are "so far": the change is not judged (no
 *     colour, no percentage), the previous value is shown beside it — unless the period is a week or longer and
 *     only its last day is still running (what remains is at most a seventh of it: changesJudged).
 */
import { changePercent } from './change-percent.js';
import { DASH, isNumber, minus, nf } from './numbers.js';
import { formatDifference, formatMetricValue, isCountUnit } from './units.js';

/** The smallest previous count a relative change is shown on (below: the difference in counts). */
export const MIN_BASE = 20;
/** The largest relative change shown as a percentage (beyond: the difference in the unit). */
export const MAX_RELATIVE = 1000;

export type Better = 'higher' | 'lower' | 'neither';
/** up = good news, down = bad news, flat = neither (the CSS classes tone-up, tone-down, tone-flat). */
export type Tone = 'up' | 'down' | 'flat';

export interface ChangeInput {
  now: number | null | undefined;
  before: number | null | undefined;
  /** The metric's unit in the catalog (percent, hours, usd, executions, …). */
  unit: string | undefined;
  better: Better | string;
  /** false while the period includes now (default true). */
  complete?: boolean | undefined;
}

export interface ChangeView {
  /** What the change reads: "+12.5%", "−2.3 pp", "+183", "new", "so far", "—". */
  text: string;
  tone: Tone;
  /** The previous value in the metric's unit ("—" when there is none). */
  previous: string;
  /** How `text` measures the change. */
  kind: 'percent' | 'points' | 'difference' | 'new' | 'unchanged' | 'in_progress' | 'none';
}

/** Good news, bad news or neither for a signed move of a metric. */
export function toneOf(delta: number | null | undefined, better: Better | string): Tone {
  if (!isNumber(delta) || delta === 0 || (better !== 'higher' && better !== 'lower')) return 'flat';
  return delta > 0 === (better === 'higher') ? 'up' : 'down';
}

/** A relative change in percent with its sign: "+12.5%", "−3.0%", "—" when nothing compares. */
export function formatChange(p: number | null | undefined, locale?: string): string {
  if (!isNumber(p)) return DASH;
  return minus(nf(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(p / 100));
}

/** A figure's change against the previous period, read as the module's comment says. */
export function describeChange(c: ChangeInput, locale?: string): ChangeView {
  const previous = formatMetricValue(c.before, c.unit, locale);
  // a period still running is not judged, even before it has a value (a duration with nothing completed yet)
  if (c.complete === false && isNumber(c.before)) return { text: 'so far', tone: 'flat', previous, kind: 'in_progress' };
  if (!isNumber(c.now) || !isNumber(c.before)) return { text: DASH, tone: 'flat', previous, kind: 'none' };
  const delta = c.now - c.before;
  const tone = toneOf(delta, c.better);
  if (delta === 0) return { text: c.unit === 'percent' ? formatDifference(0, 'percent', locale) : 'no change', tone: 'flat', previous, kind: 'unchanged' };
  if (c.unit === 'percent') return { text: formatDifference(delta, 'percent', locale), tone, previous, kind: 'points' };
  if (c.before === 0) return { text: 'new', tone, previous, kind: 'new' };
  const relative = changePercent(c.now, c.before);
  const tiny = isCountUnit(c.unit) ? Math.abs(c.before) < MIN_BASE : relative === null || Math.abs(relative) > MAX_RELATIVE;
  if (tiny || relative === null) return { text: formatDifference(delta, c.unit, locale), tone, previous, kind: 'difference' };
  return { text: formatChange(relative, locale), tone, previous, kind: 'percent' };
}

/** The tone of a change in percent when only "is higher better" is known (a widget's change). */
export function changeTone(p: number | null | undefined, higherIsBetter: boolean): Tone {
  return toneOf(p, higherIsBetter ? 'higher' : 'lower');
}

/** The shortest period whose unfinished last day does not keep its changes from being judged: a week. */
export const MIN_DAYS_JUDGED_WHILE_RUNNING = 7;

/**
 * Whether a period's changes are judged (describeChange's `complete`): once it is over, or while only its last day
 * runs if it spans a week or more. `today` is the local date in the period's timezone; without it, the date of
 * `as_of` (the summary's period says how far it has run). A period that says nothing of it is judged.
 */
export function changesJudged(p: { start_date: string; end_date: string; complete?: boolean | undefined; as_of?: string | undefined }, today?: string): boolean {
  if (p.complete === true) return true;
  const now = today ?? p.as_of?.slice(0, 10);
  if (now === undefined) return p.complete === undefined;
  if (now > p.end_date) return true;
  const days = (Date.parse(`${p.end_date}T00:00:00Z`) - Date.parse(`${p.start_date}T00:00:00Z`)) / 86_400_000 + 1;
  return days >= MIN_DAYS_JUDGED_WHILE_RUNNING && now === p.end_date;
}
