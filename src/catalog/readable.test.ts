/** The one access-filtered listing of workflows, per role, on a real store. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Principal } from '../auth/principal.js';
import { writeAccess } from '../auth/workflow-access.js';
import { Forbidden, NotFound } from '../errors/domain-errors.js';
import type { Store } from '../store/store.js';
import { openTestStore } from '../../test/helpers/store.js';
import { registerWorkflow } from './catalog.js';
import { checkReadable, readableWorkflows } from './readable.js';

let store: Store;
const A = 'acc-a';
const who = (role: Principal['role'], userId: string, isOperator = false): Principal => ({ keyId: 'k', accountId: A, role, userId, isOperator });
const reg = (owner: string) => ({ name: 'W', version: 1, owner_user_id: owner, steps: [] });

before(async () => {
  ({ store } = await openTestStore());
  await registerWorkflow(store, A, 'owned-by-ann', reg('ann'));
  await registerWorkflow(store, A, 'owned-by-bob', reg('bob'));
  await registerWorkflow(store, A, 'shared-with-vic', reg('bob'));
  await registerWorkflow(store, 'acc-b', 'elsewhere', reg('ann'));
  await writeAccess(store, A, 'shared-with-vic', ['vic', 'ann'], 'test');
});
after(async () => store?.close());

const ids = async (p: Principal) => (await readableWorkflows(store, p)).map((w) => w.workflow_id).sort();

test('admins and the operator read every workflow of the account; members what they own or is shared; viewers what is shared', async () => {
  assert.deepEqual(await ids(who('admin', '')), ['owned-by-ann', 'owned-by-bob', 'shared-with-vic']);
  assert.deepEqual(await ids(who('admin', 'x', true)), ['owned-by-ann', 'owned-by-bob', 'shared-with-vic']);
  assert.deepEqual(await ids(who('member', 'ann')), ['owned-by-ann', 'shared-with-vic']);
  assert.deepEqual(await ids(who('member', 'bob')), ['owned-by-bob', 'shared-with-vic']);
  assert.deepEqual(await ids(who('viewer', 'vic')), ['shared-with-vic']);
  assert.deepEqual(await ids(who('viewer', 'nobody')), []);
  assert.deepEqual(await ids(who('member', '')), [], 'a member key without a user id owns nothing');
});

test('named workflows: another account\'s or a missing one is NotFound, one not readable is Forbidden', async () => {
  await checkReadable(store, who('viewer', 'vic'), ['shared-with-vic'], 'workflow_id');
  await assert.rejects(checkReadable(store, who('viewer', 'vic'), ['owned-by-ann'], 'workflow_id'), Forbidden);
  await assert.rejects(checkReadable(store, who('admin', ''), ['elsewhere'], 'workflow_ids'), NotFound);
  await assert.rejects(checkReadable(store, who('admin', ''), ['missing'], 'workflow_ids'), /Workflow missing \(workflow_ids\) does not exist/);
});
