import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openTestStore, uid } from '../../test/helpers/store.js';
import { findDuplicates, storedEventIds } from './dedupe.js';

const { store } = await openTestStore();
after(() => store.close());

const row = (account: string, id: string) => ({
  account_id: account, workflow_id: 'w', execution_id: 'x', type: 'execution.completed', event_id: id,
  ts: '2026-11-01 00:00:00.000', received_at: '2026-11-01 00:00:00.000',
});

test('stored event ids are found exactly, whatever characters they hold, per account', async () => {
  const account = uid('acct');
  const odd = ['tab\there', 'line\nbreak', 'back\\slash', "quote'd", 'nul\0', 'ünï', ' spaced '];
  await store.insert('events', odd.map((id) => row(account, id)));
  const asked = [...odd, 'tab here', 'line', 'back\\\\slash', 'never-sent'];
  assert.deepEqual([...(await storedEventIds(store, account, asked))].sort(), [...odd].sort());
  assert.equal((await storedEventIds(store, uid('other'), asked)).size, 0, 'another account has none of them');
  assert.equal((await storedEventIds(store, account, [])).size, 0);
});

test('duplicates: stored ids and repeats within the batch (the first occurrence wins); rows without id never', async () => {
  const account = uid('acct');
  await store.insert('events', [row(account, 'a')]);
  const batch = [row(account, 'a'), row(account, 'b'), row(account, 'b'), row(account, ''), row(account, ''), row(uid('other'), 'a')];
  assert.deepEqual(await findDuplicates(store, batch), [true, false, true, false, false, false]);
});
