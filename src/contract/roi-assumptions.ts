/** The account's ROI assumptions: fields of GET/PUT /api/v1/account/settings that /analytics/roi reads. */
import { Type } from '@sinclair/typebox';

export const RoiAssumptionsProps = {
  roi_hourly_rate_usd: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1e6 }), Type.Null()], {
    description: 'USD per hour of work that automations save; /analytics/roi uses it when the request gives no hourly_rate_usd (null: none)',
  })),
  roi_time_saved: Type.Optional(Type.Array(
    Type.Object({
      workflow_id: Type.String({ minLength: 1, maxLength: 128 }),
      seconds_per_execution: Type.Number({ minimum: 0, maximum: 31_536_000, description: 'at most a year' }),
    }, { additionalProperties: false }),
    { maxItems: 1000, description: 'time saved per succeeded execution of these workflows, in place of their catalog\'s time_saved_seconds_per_execution (the whole list is replaced)' },
  )),
};
export type RoiTimeSaved = Array<{ workflow_id: string; seconds_per_execution: number }>;
