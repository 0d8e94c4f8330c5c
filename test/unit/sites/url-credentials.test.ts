import { describe, expect, it } from 'vitest';
import type { AddSite, SiteConfig } from '../../../preload/contract/index.js';
import { cleanStoredConfig, extractAddCredentials, hasUrlCredentials, splitUrlCredentials } from '../../../main/sites/url-credentials.js';

const http: AddSite = { name: 'Depot', kind: 'exacq', url: 'http://admin:s%40cret@nvr.local:8080/web', username: '', savePassword: true };
const rtsp: AddSite = {
  name: 'Yard',
  kind: 'rtsp',
  url: '',
  username: '',
  savePassword: false,
  rtspCameras: [
    { name: 'Gate', url: 'rtsp://cam:pw@10.0.0.5:554/main' },
    { name: 'Dock', url: 'rtsp://10.0.0.6/main' },
  ],
};

describe('splitUrlCredentials', () => {
  it.each([
    ['http://admin:secret@nvr/x', { url: 'http://nvr/x', username: 'admin', password: 'secret' }],
    ['rtsp://admin:p%3Aw%40d@cam:554/s', { url: 'rtsp://cam:554/s', username: 'admin', password: 'p:w@d' }],
    ['http://admin@nvr/', { url: 'http://nvr/', username: 'admin' }],
    ['http://:secret@nvr/', { url: 'http://nvr/', password: 'secret' }],
    ['http://nvr.local', { url: 'http://nvr.local' }],
    ['not a url', { url: 'not a url' }],
  ])('%s', (url, expected) => {
    expect(splitUrlCredentials(url)).toEqual(expected);
  });

  it('hasUrlCredentials', () => {
    expect(hasUrlCredentials('https://a:b@h')).toBe(true);
    expect(hasUrlCredentials('https://h')).toBe(false);
    expect(hasUrlCredentials('')).toBe(false);
  });
});

describe('extractAddCredentials', () => {
  it('moves the user and password of an http address to the user field and password', () => {
    const { input, moved } = extractAddCredentials(http);
    expect(input).toEqual({ ...http, url: 'http://nvr.local:8080/web', username: 'admin', password: 's@cret' });
    expect(moved).toEqual({ username: true, password: true });
    expect(JSON.stringify(input.url)).not.toContain('cret');
  });

  it('moves them out of every RTSP camera address', () => {
    const { input } = extractAddCredentials(rtsp);
    expect(input.rtspCameras!.map((c) => c.url)).toEqual(['rtsp://10.0.0.5:554/main', 'rtsp://10.0.0.6/main']);
    expect(input).toMatchObject({ username: 'cam', password: 'pw' });
  });

  it('accepts the same user and password given twice', () => {
    expect(extractAddCredentials({ ...http, username: 'admin', password: 's@cret' }).input).toMatchObject({ username: 'admin', password: 's@cret', url: 'http://nvr.local:8080/web' });
  });

  it('refuses a user or password that contradicts the form, naming the field and never the password', () => {
    const user = () => extractAddCredentials({ ...http, username: 'op' });
    expect(user).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'bad-request', detail: { issues: [expect.objectContaining({ path: 'url' })] } }) }));
    expect(user).toThrow(/holds the user "admin" but the User field says "op"/);
    const password = () => extractAddCredentials({ ...http, password: 'other' });
    expect(password).toThrow(/different from the Password field/);
    try {
      password();
    } catch (err) {
      expect(JSON.stringify(err)).not.toContain('cret');
    }
  });

  it('refuses two camera addresses with different users or passwords', () => {
    const cameras = [rtsp.rtspCameras![0]!, { name: 'Dock', url: 'rtsp://cam:other@10.0.0.6/main' }];
    expect(() => extractAddCredentials({ ...rtsp, rtspCameras: cameras })).toThrow(expect.objectContaining({ error: expect.objectContaining({ detail: { issues: [expect.objectContaining({ path: 'rtspCameras.1.url' })] } }) }));
  });

  it('leaves a site without credentials in its addresses as it is', () => {
    const plain: AddSite = { ...http, url: 'http://nvr.local', username: 'op', password: 'x' };
    expect(extractAddCredentials(plain)).toEqual({ input: plain, moved: { username: false, password: false } });
  });
});

describe('cleanStoredConfig', () => {
  const stored: SiteConfig = { id: 'abc', name: 'Depot', kind: 'exacq', url: 'http://admin:secret@nvr/', username: '' };

  it('strips the address, keeps its user when the site has none, hands the password back, notes without the secret', () => {
    const cleaned = cleanStoredConfig(stored);
    expect(cleaned).toMatchObject({ config: { ...stored, url: 'http://nvr/', username: 'admin' }, password: 'secret', changed: true });
    expect(JSON.stringify(cleaned.notes)).not.toContain('secret');
  });

  it('keeps the site’s own user when the address says another', () => {
    expect(cleanStoredConfig({ ...stored, username: 'op' }).config.username).toBe('op');
  });

  it('cleans RTSP camera addresses; different passwords keep none', () => {
    const cleaned = cleanStoredConfig({ ...stored, kind: 'rtsp', url: '', rtspCameras: [{ name: 'A', url: 'rtsp://u:p1@a/' }, { name: 'B', url: 'rtsp://u:p2@b/' }] });
    expect(cleaned.config.rtspCameras!.map((c) => c.url)).toEqual(['rtsp://a/', 'rtsp://b/']);
    expect(cleaned.password).toBeUndefined();
  });

  it('does not touch a clean site', () => {
    const clean = { ...stored, url: 'http://nvr/' };
    expect(cleanStoredConfig(clean)).toEqual({ config: clean, changed: false, notes: [] });
  });
});
