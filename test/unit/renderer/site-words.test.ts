import { describe, expect, it } from 'vitest';
import { appError, siteKinds } from '../../../preload/contract/index.js';
import { addressHasCredentials, credentialWords, formErrors, saveBoxWords, signInByKind, siteStatusWords } from '../../../renderer/src/components/site-words.js';

const labels = (path: string): string => ({ name: 'Name', url: 'Address' })[path] ?? `[${path}]`;

describe('formErrors', () => {
  it('puts each bad-request issue next to its field in plain words and sums them up', () => {
    const error = appError('bad-request', 'The request to sites:add is malformed: …', {
      issues: [
        { path: 'name', message: 'Too small: expected string to have >=1 characters' },
        { path: 'url', message: 'must be an http:// or https:// address' },
        { path: 'url', message: 'a second complaint about the same field' },
      ],
    });
    expect(formErrors(error, labels)).toEqual({
      fields: { name: 'must not be empty', url: 'must be an http:// or https:// address' },
      summary: 'Name must not be empty. Address must be an http:// or https:// address.',
    });
  });

  it('keeps the message of other errors, and of bad requests without issues', () => {
    expect(formErrors(appError('conflict', 'There is already a site named "HQ".'), labels)).toEqual({ fields: {}, summary: 'There is already a site named "HQ".' });
    expect(formErrors(appError('bad-request', 'Malformed.', { issues: 'nonsense' }), labels)).toEqual({ fields: {}, summary: 'Malformed.' });
  });

  it('words overlong values and empty lists plainly', () => {
    const error = appError('bad-request', 'x', {
      issues: [
        { path: 'username', message: 'Too big: expected string to have <=256 characters' },
        { path: 'rtspCameras', message: 'Too small: expected array to have >=1 items' },
      ],
    });
    expect(formErrors(error, labels).fields).toEqual({ username: 'is too long', rtspCameras: 'needs at least one entry' });
  });
});

describe('site words', () => {
  it('has a sign-in mode for every kind and words for every status', () => {
    expect(Object.keys(signInByKind).sort()).toEqual([...siteKinds].sort());
    expect(signInByKind['eagleeye-v3']).toBe('oauth');
    expect(siteStatusWords['needs-sign-in']).toBe('Needs sign-in');
  });
});

describe('addressHasCredentials', () => {
  it('notices a user or password inside an address, and only then', () => {
    expect(addressHasCredentials('http://admin:secret@nvr.local')).toBe(true);
    expect(addressHasCredentials(' rtsp://admin@cam/main ')).toBe(true);
    expect(addressHasCredentials('https://nvr.local/path?user=a')).toBe(false);
    expect(addressHasCredentials('nvr.local')).toBe(false);
    expect(addressHasCredentials('')).toBe(false);
  });
});

describe('where a password is kept, in words', () => {
  const gnome = { kind: 'keychain', name: 'GNOME Keyring' } as const;
  const mac = { kind: 'keychain', name: 'macOS Keychain' } as const;
  const secretService = { kind: 'keychain', name: 'the system keychain (Secret Service)' } as const;
  const encrypted = { kind: 'encrypted-file', name: 'Electron safeStorage' } as const;
  const none = { kind: 'session-only', name: 'memory, until Tessera stops', why: 'this system has no keychain' } as const;

  it("names the keychain in the save box, or says the operating system encrypts it", () => {
    expect(saveBoxWords(gnome, false)).toEqual({ label: 'Save password in GNOME Keyring', disabled: false });
    expect(saveBoxWords(mac, false).label).toBe('Save password in macOS Keychain');
    expect(saveBoxWords(secretService, false).label).toBe('Save password in the system keychain (Secret Service)');
    expect(saveBoxWords(gnome, true).label).toBe('Stay signed in on this computer (secret and token kept in GNOME Keyring)');
    expect(saveBoxWords(encrypted, false)).toEqual({ label: 'Save password, encrypted by the operating system', disabled: false });
    expect(saveBoxWords(encrypted, true).label).toBe('Stay signed in on this computer (secret and token encrypted by the operating system)');
  });

  it('disables the save box with the reason where nothing can be saved', () => {
    expect(saveBoxWords(none, false)).toEqual({ label: 'Save password', disabled: true, note: 'Not saved: this system has no keychain. Tessera asks for the password again after each start.' });
    expect(saveBoxWords(none, true).note).toBe('Not saved: this system has no keychain. Tessera asks you to sign in again after each start.');
    expect(saveBoxWords({ kind: 'session-only', name: 'memory', why: 'TESSERA_CREDENTIAL_STORE=session-only is set' }, false).note).toMatch(/^Not saved: TESSERA_CREDENTIAL_STORE=session-only is set\./);
  });

  it('claims no place while the store is not known yet', () => {
    expect(saveBoxWords(undefined, false)).toEqual({ label: 'Save password', disabled: false });
    expect(credentialWords(true, undefined)).toBe('Saved');
  });

  it("says on the site card where the password is, or that it is not saved and why", () => {
    expect(credentialWords(true, gnome)).toBe('Saved in GNOME Keyring');
    expect(credentialWords(true, encrypted)).toBe('Saved, encrypted by the operating system');
    expect(credentialWords(false, gnome)).toBe('Not saved');
    expect(credentialWords(false, none)).toBe('Not saved: this system has no keychain');
    expect(credentialWords(true, none)).toBe('Kept until Tessera stops (not saved: this system has no keychain)');
    for (const store of [gnome, mac, secretService, encrypted, none, undefined]) expect(credentialWords(true, store)).not.toBe('Saved in the keychain');
  });
});
