/**
 * Where site secrets (passwords, refresh tokens) live between runs. Never in settings files,
 * never in logs, never sent to the renderer.
 */
export type CredentialStoreKind = 'keychain' | 'encrypted-file' | 'session-only';

export interface CredentialStore {
  readonly kind: CredentialStoreKind;
  /** Words for the Sites screen, e.g. "saved in the system keychain". */
  readonly description: string;
  get(siteId: string): Promise<string | null>;
  set(siteId: string, secret: string): Promise<void>;
  delete(siteId: string): Promise<void>;
}

/** Keychain entries are grouped under one service name, one account per site. */
export const keychainService = 'Tessera';
export const keychainAccount = (siteId: string): string => `site:${siteId}`;
