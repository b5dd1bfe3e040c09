/** Credentials at rest: AES-256-GCM bound to the integration; the key generated once in the data directory when none is configured. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decryptCredentials, encryptCredentials, integrationsKey } from './secrets.js';

test('a generated key is written once (mode 0600), reported once, and read back by the next start; a configured key wins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-key-'));
  try {
    const said: string[] = [];
    const first = integrationsKey(undefined, dir, (m) => said.push(m));
    const again = integrationsKey(undefined, dir, (m) => said.push(m));
    assert.equal(first.length, 32);
    assert.deepEqual(again, first);
    assert.equal(said.length, 1);
    assert.match(said[0]!, /integrations\.key/);
    assert.equal(fs.statSync(path.join(dir, 'integrations.key')).mode & 0o777, 0o600);
    const configured = Buffer.alloc(32, 1);
    assert.equal(integrationsKey(configured, dir), configured);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('round trip; a changed byte, another integration or another key do not decrypt', () => {
  const key = Buffer.alloc(32, 3);
  const sealed = encryptCredentials(key, 'i1', { access_token: 'secret', refresh_token: 'r' });
  assert.deepEqual(decryptCredentials(key, 'i1', sealed), { access_token: 'secret', refresh_token: 'r' });
  const raw = Buffer.from(sealed, 'base64');
  raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
  assert.throws(() => decryptCredentials(key, 'i1', raw.toString('base64')), /do not decrypt/);
  assert.throws(() => decryptCredentials(key, 'i2', sealed), /do not decrypt/);
  assert.throws(() => decryptCredentials(Buffer.alloc(32, 4), 'i1', sealed), /do not decrypt/);
  assert.deepEqual(decryptCredentials(key, 'i1', ''), {});
});
