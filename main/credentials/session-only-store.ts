/**
 * The last resort: nothing is stored; a secret lives in memory for this run only, so the
 * operator signs in each time Tessera starts.
 */
import type { CredentialStore } from './credential-store.js';

/** `why`: the reason shown where the Sites screen would offer to save ("this system has no keychain"). */
export function sessionOnlyStore(why = 'this system has no keychain'): CredentialStore {
  const secrets = new Map<string, string>();
  return {
    kind: 'session-only',
    info: { kind: 'session-only', name: 'memory, until Tessera stops', why },
    get: async (siteId) => secrets.get(siteId) ?? null,
    set: async (siteId, secret) => void secrets.set(siteId, secret),
    delete: async (siteId) => void secrets.delete(siteId),
  };
}
