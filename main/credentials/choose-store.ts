/**
 * Picks the best credential store this system offers: keychain, then safeStorage, then none.
 * TESSERA_CREDENTIAL_STORE=session-only keeps no password at all (a shared wall PC whose policy
 * forbids stored passwords; tests of what an operator sees on a system without a keychain).
 */
import type { Logger } from '../logging/logger.js';
import type { CredentialStore } from './credential-store.js';
import { openKeytarStore } from './keytar-store.js';
import { openSafeStorageStore, type SafeStorageLike } from './safe-storage-store.js';
import { sessionOnlyStore } from './session-only-store.js';

export const credentialStoreEnv = 'TESSERA_CREDENTIAL_STORE';

export async function chooseCredentialStore(options: { safeStorage?: SafeStorageLike; safeStoragePath: string; log: Logger; keychainService?: string; env?: NodeJS.ProcessEnv }): Promise<CredentialStore> {
  const forced = (options.env ?? process.env)[credentialStoreEnv];
  if (forced === 'session-only') {
    options.log.info(`${credentialStoreEnv}=session-only: passwords are kept in memory until Tessera stops, never saved`);
    return sessionOnlyStore(`${credentialStoreEnv}=session-only is set`);
  }
  if (forced !== undefined && forced !== '' && forced !== 'auto') {
    throw new Error(`${credentialStoreEnv} must be session-only or auto, not ${JSON.stringify(forced.slice(0, 40))}`);
  }
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
