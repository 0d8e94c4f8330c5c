// Electron's safeStorage cannot run here (no Electron binary): FakeSafeStorage below is a named
// stand-in with the same three methods, so the store's own logic (refusing basic_text, the file
// format, never writing plain text) is what is tested.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSafeStorageStore, type SafeStorageLike } from '../../../main/credentials/safe-storage-store.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';

class FakeSafeStorage implements SafeStorageLike {
  constructor(private readonly backend = 'gnome_libsecret', private readonly available = true) {}
  isEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  encryptString(plain: string) {
    return Buffer.from(Buffer.from(plain).map((b) => b ^ 0x5a));
  }
  decryptString(cipher: Buffer) {
    return Buffer.from(cipher.map((b) => b ^ 0x5a)).toString();
  }
}

const path = () => join(mkdtempSync(join(tmpdir(), 'tessera-cred-')), 'credentials.enc.json');

describe('safeStorage credential store', () => {
  it('keeps only ciphertext on disk and reads it back', async () => {
    const file = path();
    const store = openSafeStorageStore(new FakeSafeStorage(), file, 'linux')!;
    await store.set('site1', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(await store.get('site1')).toBe('hunter2');
    await store.delete('site1');
    expect(await store.get('site1')).toBeNull();
  });

  it('has no password for a site id that names a member of Object.prototype', async () => {
    const store = openSafeStorageStore(new FakeSafeStorage(), path(), 'linux')!;
    await store.set('site1', 'hunter2');
    expect(await store.get('constructor')).toBeNull();
    expect(await store.get('toString')).toBeNull();
  });

  it("refuses Linux's basic_text backend and unavailable encryption", () => {
    expect(openSafeStorageStore(new FakeSafeStorage('basic_text'), path(), 'linux')).toBeNull();
    expect(openSafeStorageStore(new FakeSafeStorage('gnome_libsecret', false), path(), 'linux')).toBeNull();
  });
});

describe('session-only store', () => {
  it('says why nothing is saved and forgets nothing during the run', async () => {
    const store = sessionOnlyStore();
    expect(store.info).toEqual({ kind: 'session-only', name: 'memory, until Tessera stops', why: 'this system has no keychain' });
    await store.set('a', 'x');
    expect(await store.get('a')).toBe('x');
  });
});
