// Runs against a real Secret Service: `npm test` starts a throwaway gnome-keyring in a private
// D-Bus session (scripts/with-keyring.sh), so the operator's own keychain is never touched.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openKeytarStore } from '../../../main/credentials/keytar-store.js';

describe('keytar credential store (real gnome-keyring)', () => {
  it('stores, reads, replaces and deletes a secret in the keychain', async () => {
    const store = await openKeytarStore(`Tessera test ${randomUUID()}`);
    if (!store) throw new Error('No Secret Service answered: run the integration tests through scripts/with-keyring.sh (npm test does).');
    expect(store.kind).toBe('keychain');
    // D-Bus names the program that owns the Secret Service: with-keyring.sh starts gnome-keyring.
    expect(store.info).toEqual({ kind: 'keychain', name: 'GNOME Keyring' });
    expect(await store.get('site-a')).toBeNull();
    await store.set('site-a', 'first secret');
    await store.set('site-b', 'other');
    expect(await store.get('site-a')).toBe('first secret');
    await store.set('site-a', 'rotated');
    expect(await store.get('site-a')).toBe('rotated');
    await store.delete('site-a');
    expect(await store.get('site-a')).toBeNull();
    expect(await store.get('site-b')).toBe('other');
  });
});
