/** The audit log. */
import { Type, type Static } from '@sinclair/typebox';
import { AnyObject, Int, Num, obj } from './common.js';

export const AuditEntryOut = obj({
  entry_id: Type.String(),
  key_id: Type.String(),
  user_id: Type.String(),
  role: Type.String(),
  action: Type.String(),
  method: Type.String(),
  path: Type.String(),
  workflow_id: Type.String(),
  status: Int,
  outcome: Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('not_found'), Type.Literal('rejected'), Type.Literal('rate_limited'), Type.Literal('error')]),
  ip: Type.String(),
  duration_ms: Num,
  account_id: Type.String(),
  at: Type.String(),
  params: AnyObject(),
});
export type AuditEntryOut = Static<typeof AuditEntryOut>;
export const AuditLogResponse = obj({ entries: Type.Array(AuditEntryOut), next_before: Type.Union([Type.String(), Type.Null()], { description: 'pass as `before` for the next page' }) });
