/**
 * The last resort: nothing is stored; a secret lives in memory for this run only, so the
 * operator signs in each time Tessera starts.
 */
import type { CredentialStore } from './credential-store.js';

export function sessionOnlyStore(): CredentialStore {
  const secrets = new Map<string, string>();
  return {
    kind: 'session-only',
    description: 'cannot store passwords on this system; sign in each time',
    get: async (siteId) => secrets.get(siteId) ?? null,
    set: async (siteId, secret) => void secrets.set(siteId, secret),
    delete: async (siteId) => void secrets.delete(siteId),
  };
}
