/** Stream tokens: only the exact text the server signed is genuine. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { signStreamToken, StreamTokenError, verifyStreamToken } from './stream-token.js';

const secret = crypto.randomBytes(32);
const claims = { keyId: 'k1', account: 'acc', workflow: 'wf', exp: Math.floor(Date.now() / 1000) + 60 };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

test('a signed token is verified with its claims', () => {
  assert.deepEqual(verifyStreamToken(secret, signStreamToken(secret, claims)), claims);
});

test('every other spelling of the signature is refused, also one that decodes to the same bytes', () => {
  const token = signStreamToken(secret, claims);
  const last = ALPHABET.indexOf(token.at(-1)!);
  // 32 bytes in base64url: the last character's 2 low bits are unused, so index ^ 1 decodes to the same bytes
  const sameBytes = token.slice(0, -1) + ALPHABET[last ^ 1];
  assert.deepEqual(Buffer.from(sameBytes.split('.')[1]!, 'base64url'), Buffer.from(token.split('.')[1]!, 'base64url'));
  for (const t of [sameBytes, token.slice(0, -1) + ALPHABET[(last + 4) % 64], token.slice(0, -1), `${token}A`]) {
    assert.throws(() => verifyStreamToken(secret, t), StreamTokenError, t);
  }
});

test('an expired token and one for tampered claims are refused', () => {
  assert.throws(() => verifyStreamToken(secret, signStreamToken(secret, { ...claims, exp: Math.floor(Date.now() / 1000) - 1 })), /expired/);
  const [, mac] = signStreamToken(secret, claims).split('.');
  const other = Buffer.from(JSON.stringify({ k: 'k1', a: 'acc', w: 'other', e: claims.exp })).toString('base64url');
  assert.throws(() => verifyStreamToken(secret, `${other}.${mac}`), /not genuine/);
});
