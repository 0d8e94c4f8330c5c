/**
 * Fallback when no keychain service runs: Electron safeStorage ciphertext in the user-data
 * folder. Linux's "basic_text" backend encrypts with a hard-coded key, which is plain text in
 * all but name, so it is refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { JsonFile } from '../persistence/json-file.js';
import type { CredentialStore } from './credential-store.js';

/** The part of Electron's safeStorage this store uses (injected: main passes the real one). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  getSelectedStorageBackend?(): string;
}

const fileSchema = z.record(z.string(), z.string());

export function openSafeStorageStore(safeStorage: SafeStorageLike, path: string, platform: NodeJS.Platform = process.platform): CredentialStore | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return null;
  const file = new JsonFile(path, fileSchema, 1, () => ({}));
  const read = (): Record<string, string> => (existsSync(path) && readFileSync(path).length ? file.load().value : {});
  return {
    kind: 'encrypted-file',
    info: { kind: 'encrypted-file', name: 'Electron safeStorage (encrypted by the operating system, kept in the Tessera data folder)' },
    async get(siteId) {
      // Own keys only: a site id never reaches Object.prototype's members ("constructor", …).
      const stored = read();
      const cipher = Object.hasOwn(stored, siteId) ? stored[siteId] : undefined;
      return cipher === undefined ? null : safeStorage.decryptString(Buffer.from(cipher, 'base64'));
    },
    async set(siteId, secret) {
      file.save({ ...read(), [siteId]: safeStorage.encryptString(secret).toString('base64') });
    },
    async delete(siteId) {
      const { [siteId]: _gone, ...rest } = read();
      file.save(rest);
    },
  };
}
