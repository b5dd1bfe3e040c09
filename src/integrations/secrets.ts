/**
 * Integration credentials at rest: AES-256-GCM with the key from configuration (FLOWLENS_INTEGRATIONS_KEY). A stored
 * value is base64 of iv (12 bytes) ‖ authentication tag (16 bytes) ‖ ciphertext of the credentials' JSON; the
 * integration's id is bound in as additional authenticated data, so a ciphertext copied onto another integration's
 * row does not decrypt. Without a configured key (`npm start` on one machine), one is generated once and kept in the
 * data directory (integrations.key, mode 0600): set FLOWLENS_INTEGRATIONS_KEY when several instances share a store or
 * the data directory is not private. Credentials never leave through the API: only the names of those set do.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../errors/domain-errors.js';

export type Credentials = Record<string, string>;

/** Stored credentials that do not decrypt with this key (a changed key, or a tampered row). */
export class CredentialsUnreadable extends DomainError {}

export function encryptCredentials(key: Buffer, integrationId: string, credentials: Credentials): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(integrationId));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function decryptCredentials(key: Buffer, integrationId: string, stored: string): Credentials {
  if (stored === '') return {};
  const raw = Buffer.from(stored, 'base64');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(integrationId));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Credentials;
  } catch {
    throw new CredentialsUnreadable(`the credentials of integration ${integrationId} do not decrypt with the configured FLOWLENS_INTEGRATIONS_KEY; enter them again`);
  }
}

/**
 * The key: the configured one, else the one kept in `dataDir`/integrations.key (created on first use, reported once
 * through `log`).
 */
export function integrationsKey(configured: Buffer | undefined, dataDir: string, log: (msg: string) => void = () => {}): Buffer {
  if (configured) return configured;
  const file = path.join(dataDir, 'integrations.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  const key = crypto.randomBytes(32);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  log(`FLOWLENS_INTEGRATIONS_KEY is not set: integration credentials are encrypted with a key generated in ${file}; set the variable when instances share a store`);
  return key;
}
