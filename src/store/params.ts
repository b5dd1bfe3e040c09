/**
 * Query parameter values as the engines expect them: Dates become 'YYYY-MM-DD HH:MM:SS.mmm' in UTC
 * (bind them as DateTime64(3, 'UTC')), everything else passes through.
 */
import type { Params } from './store.js';

export function formatDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function toEngineParams(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = v instanceof Date ? formatDateTime(v) : v;
  return out;
}
