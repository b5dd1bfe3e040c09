/**
 * Scheduled reports and their runs. The serializer writes a report's keys in this order whatever the order
 * of the request that defined it (before, a definition without `template` had it after `recipients`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { inOrder, Int, NullStr, obj } from './common.js';

const ScheduleOut = obj({
  frequency: Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]),
  time: Type.String({ description: 'local time HH:MM' }),
  timezone: Type.String(),
  day_of_week: Type.Optional(Int),
  day_of_month: Type.Optional(Int),
});

const ReportProps = {
  name: Type.String(),
  workflow_id: Type.String({ description: 'a workflow id, or "*" for every workflow of the account' }),
  template: Type.Union([Type.Literal('executive'), Type.Literal('detailed')]),
  formats: Type.Array(Type.Union([Type.Literal('pdf'), Type.Literal('csv')])),
  schedule: ScheduleOut,
  recipients: Type.Array(Type.String()),
  dashboard_id: Type.Optional(Type.String({ description: 'a saved dashboard sent as a PDF instead of the workflow analytics' })),
  report_id: Type.String(),
  account_id: Type.Optional(Type.String({ description: 'absent from the answer to its creation' })),
  created_by: Type.String({ description: 'the key that created it' }),
  created_at: Type.String(),
  updated_at: Type.String(),
};
export const ReportOut = inOrder(obj(ReportProps));
export type ReportOut = Static<typeof ReportOut>;

export const ReportRunOut = obj({
  report_id: Type.String(),
  period_key: Type.String(),
  status: Type.Union([Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')]),
  attempts: Int,
  error: NullStr,
  recipients: Type.Array(Type.String()),
  attachments: Type.Array(Type.String()),
  started_at: Type.String(),
  finished_at: NullStr,
});
export type ReportRunOut = Static<typeof ReportRunOut>;

export const ReportsResponse = obj({ reports: Type.Array(ReportOut) });
export const ReportWithRuns = inOrder(obj({ ...ReportProps, runs: Type.Array(ReportRunOut) }));
