/** Responses of the workflow access routes: who, besides its owner, may read a workflow. */
import { Type, type Static } from '@sinclair/typebox';
import { NullStr, obj } from './common.js';

export const AccessOut = obj({
  workflow_id: Type.String(),
  owner_user_id: NullStr,
  user_ids: Type.Array(Type.String()),
  updated_by: NullStr,
  updated_at: NullStr,
});
export type AccessOut = Static<typeof AccessOut>;
