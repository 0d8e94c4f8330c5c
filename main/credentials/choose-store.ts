/** Picks the best credential store this system offers: keychain, then safeStorage, then none. */
import type { Logger } from '../logging/logger.js';
import type { CredentialStore } from './credential-store.js';
import { openKeytarStore } from './keytar-store.js';
import { openSafeStorageStore, type SafeStorageLike } from './safe-storage-store.js';
import { sessionOnlyStore } from './session-only-store.js';

export async function chooseCredentialStore(options: { safeStorage?: SafeStorageLike; safeStoragePath: string; log: Logger; keychainService?: string }): Promise<CredentialStore> {
  const keychain = await openKeytarStore(options.keychainService);
  if (keychain) return keychain;
  const encrypted = options.safeStorage ? openSafeStorageStore(options.safeStorage, options.safeStoragePath) : null;
  if (encrypted) {
    options.log.warn('no system keychain answered; passwords are kept encrypted with Electron safeStorage');
    return encrypted;
  }
  options.log.warn('cannot store passwords on this system (no keychain, no usable safeStorage); operators sign in each time');
  return sessionOnlyStore();
}
