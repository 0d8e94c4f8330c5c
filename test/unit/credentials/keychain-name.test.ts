import { describe, expect, it } from 'vitest';
import { chooseCredentialStore } from '../../../main/credentials/choose-store.js';
import { genericSecretService, keychainName, pidFromDbusReply } from '../../../main/credentials/keychain-name.js';
import { memoryLogger } from '../../support/memory-logger.js';

describe('keychain name', () => {
  it('names the keychain keytar uses on each platform', () => {
    expect(keychainName('darwin')).toBe('macOS Keychain');
    expect(keychainName('win32')).toBe('Windows Credential Manager');
  });

  it('names the Secret Service by the program D-Bus says owns it, and stays generic otherwise', () => {
    expect(keychainName('linux', 'gnome-keyring-d')).toBe('GNOME Keyring');
    expect(keychainName('linux', 'kwalletd6\n')).toBe('KWallet');
    expect(keychainName('linux', 'kwalletd5')).toBe('KWallet');
    expect(keychainName('linux', 'ksecretd')).toBe('KWallet');
    expect(keychainName('linux', 'keepassxc')).toBe('KeePassXC');
    expect(keychainName('linux', 'some-vault')).toBe(genericSecretService);
    expect(keychainName('linux', null)).toBe('the system keychain (Secret Service)');
    expect(keychainName('freebsd')).toBe(genericSecretService);
  });

  it("reads the pid from dbus-send's reply", () => {
    expect(pidFromDbusReply('method return time=1.2 sender=org.freedesktop.DBus -> destination=:1.7 serial=3 reply_serial=2\n   uint32 4242\n')).toBe(4242);
    expect(pidFromDbusReply('Error org.freedesktop.DBus.Error.NameHasNoOwner: Could not get PID of name')).toBeNull();
  });
});

describe('TESSERA_CREDENTIAL_STORE', () => {
  it('session-only keeps no password and says why, without asking any keychain', async () => {
    const store = await chooseCredentialStore({ safeStoragePath: '/nonexistent/credentials.json', log: memoryLogger(), env: { TESSERA_CREDENTIAL_STORE: 'session-only' } });
    expect(store.info).toEqual({ kind: 'session-only', name: 'memory, until Tessera stops', why: 'TESSERA_CREDENTIAL_STORE=session-only is set' });
  });

  it('refuses a value it does not know, naming the ones it does', async () => {
    await expect(chooseCredentialStore({ safeStoragePath: '/nonexistent/credentials.json', log: memoryLogger(), env: { TESSERA_CREDENTIAL_STORE: 'keychian' } })).rejects.toThrow(
      'TESSERA_CREDENTIAL_STORE must be session-only or auto, not "keychian"',
    );
  });
});
