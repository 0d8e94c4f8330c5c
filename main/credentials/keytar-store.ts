/**
 * The OS keychain through keytar (macOS Keychain, Windows Credential Manager, the Secret Service
 * through libsecret on Linux: GNOME Keyring, KWallet…; keychain-name.ts says which).
 * keytar is archived upstream: this is the only file that imports it, so it can be replaced.
 */
import { AppFailure } from '../../preload/contract/index.js';
import { keychainAccount, keychainService, type CredentialStore } from './credential-store.js';
import { currentKeychainName } from './keychain-name.js';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * Loads keytar and checks that a keychain service actually answers (on Linux a missing or
 * locked Secret Service only shows up on first use). Resolves null when there is none.
 */
export async function openKeytarStore(service = keychainService): Promise<CredentialStore | null> {
  let keytar: Keytar;
  try {
    const mod = (await import('keytar')) as unknown as { default?: Keytar } & Keytar;
    keytar = mod.default ?? mod;
  } catch {
    return null; // native module missing or not built for this runtime
  }
  try {
    await keytar.getPassword(service, '__tessera_probe__');
  } catch {
    return null; // no Secret Service / keychain reachable
  }
  const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new AppFailure('storage-unavailable', `The system keychain refused to ${what} (${err instanceof Error ? err.message : 'unknown error'}).`);
    }
  };
  // Asked after the probe: a Secret Service started on demand by it now has an owner on the bus.
  const name = await currentKeychainName();
  return {
    kind: 'keychain',
    info: { kind: 'keychain', name },
    get: (siteId) => wrap('read a password', () => keytar.getPassword(service, keychainAccount(siteId))),
    set: (siteId, secret) => wrap('save a password', () => keytar.setPassword(service, keychainAccount(siteId), secret)),
    delete: (siteId) => wrap('delete a password', async () => void (await keytar.deletePassword(service, keychainAccount(siteId)))),
  };
}
