/** Responses of the API key routes. */
import { Type, type Static } from '@sinclair/typebox';
import { NullStr, obj } from './common.js';

export const ApiKeyOut = obj({
  key_id: Type.String(),
  account_id: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('member'), Type.Literal('viewer'), Type.Literal('ingest')]),
  user_id: Type.String({ description: 'empty when none' }),
  is_operator: Type.Boolean(),
  prefix: Type.String({ description: 'the first characters of the secret' }),
  created_at: Type.String(),
  expires_at: NullStr,
});
export type ApiKeyOut = Static<typeof ApiKeyOut>;
export const ApiKeysResponse = obj({ api_keys: Type.Array(ApiKeyOut) });
