import { describe, expect, it } from 'vitest';
import { appError, siteKinds } from '../../../preload/contract/index.js';
import { addressHasCredentials, formErrors, signInByKind, siteStatusWords } from '../../../renderer/src/components/site-words.js';

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
