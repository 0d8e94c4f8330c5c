/**
 * The install's evidence-signing key: Ed25519, made the first time it is needed, the private
 * half kept where site passwords are (the keychain through CredentialStore, never a plain file).
 * With a session-only store the key lives for this run only: manifests still verify (the public
 * key is in each), but the next run signs with another key, and the caller says so.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CredentialStore } from '../credentials/credential-store.js';

/** The store's entry for the key (an id no site can have: site ids are 8 hex digits or "demo-…"). */
export const signingKeyEntry = 'tessera-evidence-signing-key';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** False when the store keeps nothing between runs. */
  persistent: boolean;
}

export async function loadSigningKey(store: CredentialStore): Promise<SigningKey> {
  const saved = await store.get(signingKeyEntry);
  if (saved) {
    try {
      const privateKey = createPrivateKey({ key: saved, format: 'pem' });
      if (privateKey.asymmetricKeyType === 'ed25519') return { privateKey, publicKey: createPublicKey(privateKey), persistent: store.kind !== 'session-only' };
    } catch {
      // An unreadable entry is replaced below: manifests signed with it keep their own public key.
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await store.set(signingKeyEntry, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return { privateKey, publicKey, persistent: store.kind !== 'session-only' };
}
