import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppFailure, defaultSettings, requestChannels, requests, type AppInfo } from '../../../preload/contract/index.js';
import { IpcRouter, type Handlers, type InputSchemas } from '../../../main/ipc/router.js';
import { memoryLogger } from '../../support/memory-logger.js';

const info: AppInfo = { name: 'Tessera', version: '1.2.3', platform: 'linux', shell: 'serve', displays: [], loadProblems: [], credentialStore: { kind: 'keychain', name: 'GNOME Keyring' } };
const trusted = { trusted: true, caller: 'test' };

function router(overrides: Partial<Handlers> = {}, schemas?: InputSchemas) {
  const log = memoryLogger();
  const unused = (): never => {
    throw new Error('not used in this test');
  };
  const handlers = {
    ...Object.fromEntries(requestChannels.map((channel) => [channel, unused])),
    'app:info': () => info,
    'settings:get': () => defaultSettings,
    'settings:set': (patch) => ({ ...defaultSettings, ...patch }),
    ...overrides,
  } as Handlers;
  return { router: new IpcRouter(handlers, log, schemas), log };
}

describe('IpcRouter', () => {
  it('answers a known channel with an ok Result', async () => {
    expect(await router().router.dispatch('app:info', undefined, trusted)).toEqual({ ok: true, value: info });
  });

  it('refuses unknown channels, including inherited object keys', async () => {
    for (const channel of ['app:nope', 'toString', '__proto__', 'constructor']) {
      const result = await router().router.dispatch(channel, undefined, trusted);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel', retryable: false } });
    }
  });

  it('answers a channel that is not a string, even one whose toString throws', async () => {
    for (const trusted_ of [true, false]) {
      const result = await router().router.dispatch({ toString: 1 } as unknown as string, undefined, { trusted: trusted_, caller: 'test' });
      expect(result).toMatchObject({ ok: false, error: { code: trusted_ ? 'unknown-channel' : 'untrusted-sender' } });
    }
  });

  it('refuses untrusted senders before looking at the channel', async () => {
    const { router: r, log } = router();
    const result = await r.dispatch('app:info', undefined, { trusted: false, caller: 'evil frame' });
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(log.lines.some((l) => l.message.includes('untrusted'))).toBe(true);
  });

  it('refuses malformed payloads with the offending field named', async () => {
    const r = router().router;
    const wrongType = await r.dispatch('settings:set', { tileOverlay: 'yes' }, trusted);
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(!wrongType.ok && wrongType.error.message).toContain('tileOverlay');
    const unknownKey = await r.dispatch('settings:set', { tileOverlay: true, evil: 1 }, trusted);
    expect(unknownKey).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const argWhereNone = await r.dispatch('app:info', { sneaky: true }, trusted);
    expect(argWhereNone).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('passes the validated input to the handler', async () => {
    const r = router().router;
    expect(await r.dispatch('settings:set', { theme: 'light' }, trusted)).toEqual({ ok: true, value: { ...defaultSettings, theme: 'light' } });
  });

  it('turns an AppFailure into its error and anything else into a generic internal error', async () => {
    const failing = router({
      'app:info': () => {
        throw new AppFailure('not-found', 'No such display.');
      },
      'settings:get': () => {
        throw new Error('secret path /home/op/.config leaked');
      },
    });
    expect(await failing.router.dispatch('app:info', undefined, trusted)).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No such display.', retryable: false },
    });
    const internal = await failing.router.dispatch('settings:get', undefined, trusted);
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('secret path');
    expect(failing.log.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('answers internal when a schema throws, instead of leaving the request unanswered', async () => {
    const throwing = z.custom(() => {
      throw new RangeError('Invalid array length');
    });
    const { router: r, log } = router({}, { ...requests, 'settings:set': { input: throwing } });
    const result = await r.dispatch('settings:set', { theme: 'light' }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('refuses a layout of 1e9 columns with bad-request (the contract schema threw a RangeError out of dispatch)', async () => {
    const { router: r } = router({ 'wall:save-layout': () => ({ document: { layouts: [], tours: [], displays: {} } }) });
    const layout = { id: 'big', name: 'Big', columns: 1e9, rows: 8, cells: [{ x: 0, y: 0, w: 1, h: 1, cameraIds: [] }], overlay: true };
    const result = await r.dispatch('wall:save-layout', layout, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(!result.ok && result.error.message).toContain('columns');
  });

  it('keeps the answer short when the input is quoted back (10k unknown keys)', async () => {
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key-${i}-${'x'.repeat(20)}`, 1]));
    const result = await router().router.dispatch('settings:set', keys, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(result).length).toBeLessThan(4000);
  });
});
