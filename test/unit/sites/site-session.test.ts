// One SiteSession on its own, as the CLI uses it for a site given on the command line: the sign-in
// outcomes (two-factor waits, a browser step whose opener fails ends the adapter's listener and
// fails with the opener's reason) and rotated secrets kept only while the session is current.
import { describe, expect, it } from 'vitest';
import { AppFailure, type SiteConfig } from '../../../preload/contract/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteSession, type SessionCameras } from '../../../main/sites/site-session.js';
import type { SignInOutcome, VmsAdapter } from '../../../main/vms/adapter.js';
import type { BrowserOpener } from '../../../main/vms/browser-opener.js';
import { capabilitiesOf } from '../../../main/vms/capabilities.js';
import { memoryLogger } from '../../support/memory-logger.js';

const capabilities = capabilitiesOf({ liveFormats: ['hls'], ptz: false, signIn: 'oauth' }, { kind: 'eagleeye-v3' });
const config: SiteConfig = { id: 'cli', name: 'cloud.example', kind: 'eagleeye-v3', url: 'http://127.0.0.1:9', username: 'op', oauthClientId: 'app' };

const noCameras: SessionCameras = { read: async () => undefined, follow: () => undefined, unfollow: () => undefined, forget: () => undefined, drop: () => undefined, announce: () => undefined, count: () => 0 };

function sessionWith(outcome: () => SignInOutcome, opener?: BrowserOpener) {
  const calls: string[] = [];
  let rotate: ((secret: string) => void) | undefined;
  const adapter: VmsAdapter = {
    kind: 'eagleeye-v3',
    capabilities,
    signIn: async () => (calls.push('signIn'), outcome()),
    signOut: async () => void calls.push('signOut'),
    listCameras: async () => [],
    still: async () => ({ jpeg: Buffer.alloc(0), timestampMs: 0 }),
    onSecretRotated: (listener) => void (rotate = listener),
    dispose: async () => void calls.push('dispose'),
  };
  const credentials = sessionOnlyStore();
  const session = new SiteSession({ config, adapter, credentials, log: memoryLogger(), cameras: noCameras, changed: () => undefined, opener: () => opener });
  return { session, calls, credentials, rotate: (secret: string) => rotate!(secret) };
}

describe('SiteSession', () => {
  it('waits in "two-factor" when the account needs a code', async () => {
    const { session } = sessionWith(() => ({ kind: 'two-factor', channels: ['email'] }));
    expect(await session.signIn({ password: 'pw' })).toMatchObject({ status: 'two-factor', twoFactor: { channels: ['email'], codeSent: false } });
  });

  it("fails a browser sign-in with the opener's reason and ends the adapter's waiting listener", async () => {
    const refusing: BrowserOpener = { open: () => Promise.reject(new AppFailure('unsupported', 'cloud.example: signs in through a browser')) };
    const { session, calls } = sessionWith(() => ({ kind: 'browser', authorizationUrl: 'http://127.0.0.1:9/authorize', completion: new Promise<void>(() => undefined) }), refusing);
    await expect(session.signIn({ password: 'secret' })).rejects.toThrow('cloud.example: signs in through a browser');
    expect(calls).toEqual(['signIn', 'signOut']);
    expect(session.state()).toMatchObject({ status: 'error', lastError: { code: 'unsupported' } });
    expect(session.state().oauth).toBeUndefined();
  });

  it('signs in through the browser step when the opener hands the address over and the adapter completes', async () => {
    let complete!: () => void;
    const opened: string[] = [];
    const opener: BrowserOpener = { open: async (url) => void (opened.push(url), complete()) };
    const { session } = sessionWith(() => ({ kind: 'browser', authorizationUrl: 'http://127.0.0.1:9/authorize', completion: new Promise<void>((resolve) => (complete = resolve)) }), opener);
    expect(await session.signIn({ password: 'secret' })).toMatchObject({ status: 'signed-in' });
    expect(opened).toEqual(['http://127.0.0.1:9/authorize']);
  });

  it('keeps a rotated secret where one is saved, and none after the session is disposed', async () => {
    const { session, credentials, rotate } = sessionWith(() => ({ kind: 'signed-in' }));
    await session.signIn({ password: 'first', savePassword: true });
    rotate('second');
    await expect.poll(() => credentials.get('cli')).toBe('second');
    await session.dispose();
    rotate('third');
    await new Promise((resolve) => setImmediate(resolve)); // the write chain is microtasks only: drained by now
    expect(await credentials.get('cli')).toBe('second');
  });
});
