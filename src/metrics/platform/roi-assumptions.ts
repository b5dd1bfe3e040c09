/**
 * The account's ROI assumptions (kept in its settings, changed with PUT /api/v1/account/settings): the hourly
 * cost of the work automations save, and the time saved per run of some workflows in place of their catalog's.
 * Pure: checking a new list, and turning the stored settings into what `roiReport` reads.
 */
import type { RoiTimeSaved } from '../../contract/index.js';

export interface RoiAssumptions {
  /** USD per hour saved; undefined: time saved has no value. */
  hourlyRate?: number | undefined;
  /** Seconds saved per succeeded execution, by workflow, in place of the catalog's. */
  timeSaved?: ReadonlyMap<string, number>;
}

/** Problems of a new time-saved list, as problem+json field errors: a workflow listed twice, or not of the account. */
export function timeSavedErrors(rows: RoiTimeSaved, known: ReadonlySet<string>): Array<{ path: string; message: string }> {
  const seen = new Set<string>();
  const errors: Array<{ path: string; message: string }> = [];
  rows.forEach((row, i) => {
    if (seen.has(row.workflow_id)) errors.push({ path: `/roi_time_saved/${i}/workflow_id`, message: 'is listed twice' });
    else if (!known.has(row.workflow_id)) errors.push({ path: `/roi_time_saved/${i}/workflow_id`, message: 'no such workflow in this account' });
    seen.add(row.workflow_id);
  });
  return errors;
}

/** The assumptions a request for ROI uses: its own hourly rate when it gives one, else the account's. */
export function roiAssumptions(settings: { roi_hourly_rate_usd?: number | null; roi_time_saved?: RoiTimeSaved }, requestRate: number | undefined): RoiAssumptions {
  return {
    hourlyRate: requestRate ?? settings.roi_hourly_rate_usd ?? undefined,
    timeSaved: new Map((settings.roi_time_saved ?? []).map((r) => [r.workflow_id, r.seconds_per_execution])),
  };
}
