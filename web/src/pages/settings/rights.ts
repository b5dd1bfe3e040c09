/** What the signed-in role may set up in the settings area: what the API would accept from it (src/auth/authorize.ts). */
import type { Who } from '../../api.js';

export interface SettingsRights {
  /** Admin (or the operator): budgets, reports, keys, account settings, every workflow's access list. */
  admin: boolean;
  /** May change the access lists of the workflows it owns (members). */
  member: boolean;
  /** Its user id: the owner of workflows. */
  userId: string;
}

export function rightsOf(who: Who): SettingsRights {
  return { admin: who.is_operator || who.role === 'admin', member: who.role === 'member', userId: who.user_id };
}
