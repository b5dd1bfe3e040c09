/** Responses of the workflow catalog routes (register a version, list workflows, one workflow). */
import { Type, type Static } from '@sinclair/typebox';
import { inOrder, Int, NullInt, NullStr, Num, obj } from './common.js';

export const CatalogStepOut = obj({
  step_id: Type.String(),
  name: Type.String(),
  order: Int,
  type: Type.String({ description: 'trigger | action | condition | wait | goal' }),
  action_type: Type.Optional(Type.String()),
});

/** One registered version, as registered (optional settings absent when not given). */
export const WorkflowVersionOut = inOrder(obj({
  workflow_id: Type.String(),
  version: Int,
  name: Type.String(),
  owner_user_id: Type.Optional(Type.String()),
  steps: Type.Array(CatalogStepOut, { description: 'in order' }),
  time_saved_seconds_per_execution: Type.Optional(Num),
  value_per_conversion_usd: Type.Optional(Num),
  registered_at: Type.String(),
}));
export type WorkflowVersionOut = Static<typeof WorkflowVersionOut>;

const ListItemProps = {
  workflow_id: Type.String(),
  name: Type.String({ description: 'the latest version\'s name; the id when only seen in events' }),
  registered: Type.Boolean(),
  latest_version: NullInt,
  versions: Type.Array(Int, { description: 'registered or seen in events' }),
  owner_user_id: NullStr,
  first_event_at: NullStr,
  last_event_at: NullStr,
  events: Int,
};
export const WorkflowListItemOut = obj(ListItemProps);
export type WorkflowListItemOut = Static<typeof WorkflowListItemOut>;

export const RegisterWorkflowResponse = obj({ workflow_id: Type.String(), versions: Type.Array(WorkflowVersionOut) });
export const WorkflowsResponse = obj({ workflows: Type.Array(WorkflowListItemOut) });
export const WorkflowResponse = obj({
  ...ListItemProps,
  variants: Type.Array(Type.String(), { description: 'A/B variants seen in its executions' }),
  catalog: Type.Array(WorkflowVersionOut),
});
