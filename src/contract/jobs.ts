/** Background jobs: what queueing one answers (202) and its status. */
import { Type, type Static } from '@sinclair/typebox';
import { AnyObject, Int, NullStr, Num, obj } from './common.js';

export const JobOut = obj({
  job_id: Type.String(),
  kind: Type.String({ description: 'refresh | export | contact_deletion' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  progress: Num,
  params: AnyObject('what the job works on'),
  result: Type.Union([AnyObject('what the job produced'), Type.Null()]),
  error: NullStr,
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type JobOut = Static<typeof JobOut>;

export const RefreshQueued = obj({ status: Type.Literal('queued'), job_id: Type.String(), estimated_completion_seconds: Num });
export const ContactDeletionQueued = obj({
  status: Type.Literal('queued'),
  job_id: Type.String(),
  executions: Int,
  workflows: Int,
});
