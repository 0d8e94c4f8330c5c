/**
 * Where site secrets (passwords, refresh tokens) live between runs. Never in settings files,
 * never in logs, never sent to the renderer.
 */
import type { CredentialStoreInfo } from '../../preload/contract/index.js';

export type CredentialStoreKind = CredentialStoreInfo['kind'];

export interface CredentialStore {
  readonly kind: CredentialStoreKind;
  /** What app:info tells the renderer: the store's name ("GNOME Keyring") and, when nothing is saved, why. */
  readonly info: CredentialStoreInfo;
  get(siteId: string): Promise<string | null>;
  set(siteId: string, secret: string): Promise<void>;
  delete(siteId: string): Promise<void>;
}

/** Keychain entries are grouped under one service name, one account per site. */
export const keychainService = 'Tessera';
export const keychainAccount = (siteId: string): string => `site:${siteId}`;
