/**
 * What the synced outside records say, read for the unified report: GA4 traffic of some campaigns on some
 * dates (external_records of object traffic_day, one current row per date|campaign|source|medium), and when each
 * integration last synced successfully.
 */
import { isoUtc } from '../store/params.js';
import type { Store } from '../store/store.js';

export interface Traffic {
  sessions: number;
  users: number;
  key_events: number;
  days_with_data: number;
}

// fields are strings (the connector keeps GA4's values as given); the date is the property's reporting day
const TRAFFIC_SQL = `
  SELECT sum(toUInt64OrZero(fields['sessions'])) AS sessions, sum(toUInt64OrZero(fields['total_users'])) AS users,
         sum(toUInt64OrZero(fields['key_events'])) AS key_events, uniqExact(fields['date']) AS days
  FROM external_records FINAL
  WHERE account_id = {account:String} AND integration_id IN {integrations:Array(String)} AND object = 'traffic_day'
    AND fields['campaign'] IN {campaigns:Array(String)}
    AND fields['date'] >= {start:String} AND fields['date'] <= {end:String}`;

/** GA4 traffic of `campaigns` on the dates [start, end] (YYYY-MM-DD) in the given GA4 integrations. */
export async function ga4Traffic(store: Store, account: string, integrations: string[], campaigns: string[], start: string, end: string): Promise<Traffic> {
  const [r] = await store.query<{ sessions: number; users: number; key_events: number; days: number }>(TRAFFIC_SQL, { account, integrations, campaigns, start, end });
  return { sessions: Number(r?.sessions ?? 0), users: Number(r?.users ?? 0), key_events: Number(r?.key_events ?? 0), days_with_data: Number(r?.days ?? 0) };
}

/** Per integration of the account, when its latest succeeded sync finished (integrations that never succeeded are absent). */
export async function lastSuccessfulSyncs(store: Store, account: string): Promise<Map<string, string>> {
  const rows = await store.query<{ integration_id: string; at: string }>(
    `SELECT integration_id, toString(max(finished_at)) AS at FROM integration_runs FINAL
     WHERE account_id = {account:String} AND status = 'succeeded' AND finished_at IS NOT NULL
     GROUP BY integration_id`,
    { account },
  );
  return new Map(rows.map((r) => [r.integration_id, isoUtc(r.at) ?? r.at]));
}
