// The Eagle Eye v1 adapter against the real simulator over real HTTP: sign-in (plain, refused,
// two-factor with wrong codes and lockout), cameras and status by the bitmask, status pushed by
// the long poll, stills, layouts, logout, expiry mid-use through the SiteService, live FLV through
// the media broker (real ffmpeg, decoded), the CLI, and failures (fault knobs, an unreachable
// host, hand-written bad answers): always a specific AppFailure naming the site, never a secret.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Camera, SiteConfig } from '../../../preload/contract/index.js';
import { runCli } from '../../../main/cli/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { MediaBroker } from '../../../main/media/media-broker.js';
import type { Upstream } from '../../../main/media/upstream.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import { createEagleEyeV1Module, eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import type { StatusChange, VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV1AdapterFactory } from '../../../main/vms/eagle-eye-v1/adapter.js';
import { toEenTimestamp } from '../../../main/vms/eagle-eye-v1/mapper.js';
import { adapterFactory } from '../../../main/vms/registry.js';
import { isSessionExpired } from '../../../main/vms/session-errors.js';
import { waitUntil } from '../../support/wait-until.js';
import { cliIo, expectClean, failure, isJpeg, secretWires, simAdmin, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { decode, RecordingSink, waitForState } from '../media/helpers.js';

type V1Site = SiteDescription & { twoFactorUsername: string; twoFactorPassword: string; twoFactorCode: string; failingUsers: Record<string, string> };

let sim: SimulatorHandle;
let site: V1Site;
/** Same service with a short poll hold, for tests that wait on the long poll. */
let fast: V1Site;
/** Its own users, so locking the two-factor user out does not disturb the other tests. */
let lockable: V1Site;
let scratch: string;

function adapterFor(url: string, opts: { name?: string; timeoutMs?: number } = {}): { adapter: VmsAdapter; http: SpyHttp; log: ReturnType<typeof memoryLogger> } {
  const config: SiteConfig = { id: 'hq', name: opts.name ?? 'HQ Eagle Eye', kind: 'eagleeye-v1', url, username: site.username };
  const http = new SpyHttp({ baseUrl: url, siteName: config.name, timeoutMs: opts.timeoutMs ?? 10_000 }, secretWires['eagleeye-v1']);
  const log = memoryLogger();
  return { adapter: eagleEyeV1AdapterFactory.create({ site: config, http, log, now: () => sim.context.now() }), http, log };
}

async function signedIn(url = site.url, opts: { name?: string; timeoutMs?: number } = {}) {
  const made = adapterFor(url, opts);
  expect(await made.adapter.signIn({ username: site.username, password: site.password })).toEqual({ kind: 'signed-in' });
  made.http.secrets.add(site.password);
  return made;
}

const admin = simAdmin(() => sim.adminUrl);
const esns = (): string[] => sim.context.media.cameras.map((c) => c.esn);

beforeAll(async () => {
  sim = await startTestSimulator(
    [
      eagleEyeV1Module,
      createEagleEyeV1Module({ pollTimeoutMs: 2000 }, { kind: 'een-fast', port: 'een-fast' }),
      createEagleEyeV1Module({ twoFactorUsername: 'locked.tfa@demo.tessera' }, { kind: 'een-lock', port: 'een-lock' }),
    ],
    { cameras: 4 },
  );
  site = sim.sites['eagleeye-v1'] as V1Site;
  fast = sim.sites['een-fast'] as V1Site;
  lockable = sim.sites['een-lock'] as V1Site;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-een1-'));
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { errorRate: 0, latencyMs: 0, dropRate: 0 });
});

describe('Eagle Eye v1 sign-in', () => {
  it('is registered for eagleeye-v1 (capabilities: test/unit/vms/capabilities.test.ts)', () => {
    expect(adapterFactory('eagleeye-v1')).toBe(eagleEyeV1AdapterFactory);
  });

  it('signs in and stays on the simulator address (no branded-host switch off Eagle Eye’s login host)', async () => {
    const { adapter, http } = await signedIn();
    expect(http.baseUrl).toBe(`${site.url}/`);
    expect(http.cookie('auth_key')).toMatch(/^c001~/);
    await adapter.signOut();
  });

  it('a wrong password is a specific refusal without the password in it', async () => {
    const { adapter, http } = adapterFor(site.url);
    http.secrets.add('not-the-password');
    const err = await failure(adapter.signIn({ username: site.username, password: 'not-the-password' }));
    expect(err.error).toMatchObject({ code: 'unauthorized', message: 'HQ Eagle Eye: the user name or password was not accepted.' });
    expect(isSessionExpired(err)).toBe(false);
    expectClean(err, http);
  });

  it.each([
    ['402', /account is suspended/],
    ['460', /account is inactive/],
    ['461', /account is not activated yet/],
    ['412', /user is disabled, or locked/],
    ['462', /user is not activated yet/],
  ])('authenticate %s says why in words', async (status, words) => {
    const { adapter, http } = adapterFor(site.url);
    const err = await failure(adapter.signIn({ username: site.failingUsers[status]!, password: site.password }));
    expect(err.error.code).toBe('unauthorized');
    expect(err.error.message).toMatch(words);
    expect(err.error.detail).toMatchObject({ status: Number(status) });
    expectClean(err, http);
  });

  it('logout ends the server session', async () => {
    const { adapter, http } = await signedIn();
    const key = http.cookie('auth_key')!;
    await adapter.signOut();
    expect(http.cookie('auth_key')).toBeUndefined();
    expect((await fetch(`${site.url}/g/aaa/isauth`, { headers: { cookie: `auth_key=${key}` } })).status).toBe(401);
  });

  it('signing in again ends the previous session on the server', async () => {
    const { adapter, http } = await signedIn();
    const first = http.cookie('auth_key')!;
    await adapter.signIn({ username: site.username, password: site.password });
    const second = http.cookie('auth_key')!;
    expect(second).not.toBe(first);
    const isAuth = async (key: string) => (await fetch(`${site.url}/g/aaa/isauth`, { headers: { cookie: `auth_key=${key}` } })).status;
    expect(await isAuth(first)).toBe(401);
    expect(await isAuth(second)).toBe(200);
    await adapter.signOut();
  });

  it('an unreachable host is "could not reach", naming the site', async () => {
    const { adapter, http } = adapterFor('http://127.0.0.1:9/');
    const err = await failure(adapter.signIn({ username: site.username, password: site.password }));
    expect(err.error.code).toBe('unreachable');
    expect(err.error.message).toMatch(/^HQ Eagle Eye: could not reach 127\.0\.0\.1:9/);
    expectClean(err, http);
  });
});

describe('Eagle Eye v1 two-factor through the real adapter', () => {
  it('choose e-mail, a wrong code (406) keeps waiting, the right code signs in; the next sign-in skips the code', async () => {
    const { adapter, http } = adapterFor(site.url);
    http.secrets.add(site.password);
    const outcome = await adapter.signIn({ username: site.twoFactorUsername, password: site.password });
    expect(outcome).toEqual({ kind: 'two-factor', channels: ['sms', 'email'] });
    // No code was sent yet: nothing goes to the service.
    const early = await failure(adapter.verifyTwoFactor!('4242'));
    expect(early.error).toMatchObject({ code: 'two-factor-required', message: 'HQ Eagle Eye: choose SMS or e-mail first, so Eagle Eye sends a code.' });
    await adapter.chooseTwoFactor!('email');
    const malformed = await failure(adapter.verifyTwoFactor!('12a4'));
    expect(malformed.error.code).toBe('two-factor-required');
    const wrong = await failure(adapter.verifyTwoFactor!('1111'));
    expect(wrong.error).toMatchObject({ code: 'two-factor-required', detail: { status: 406 } });
    expect(wrong.error.message).toMatch(/^HQ Eagle Eye: the two-factor code was not accepted/);
    expectClean(wrong, http);
    await adapter.verifyTwoFactor!(site.twoFactorCode);
    expect(await adapter.listCameras()).toHaveLength(4);
    // tfa_key marks this client as trusted: a re-login (e.g. after expiry) needs no new code.
    expect(http.cookie('tfa_key')).toBeTruthy();
    expect(await adapter.signIn({ username: site.twoFactorUsername, password: site.password })).toEqual({ kind: 'signed-in' });
    await adapter.signOut();
  });

  it('more than 3 wrong codes: 429 locked, in words; the next authenticate is refused', async () => {
    const { adapter, http } = adapterFor(lockable.url);
    expect((await adapter.signIn({ username: lockable.twoFactorUsername, password: lockable.password })).kind).toBe('two-factor');
    await adapter.chooseTwoFactor!('sms');
    for (let i = 0; i < 3; i += 1) expect((await failure(adapter.verifyTwoFactor!('0000'))).error.detail).toMatchObject({ status: 406 });
    const locked = await failure(adapter.verifyTwoFactor!('0000'));
    expect(locked.error).toMatchObject({ code: 'unauthorized', detail: { status: 429 } });
    expect(locked.error.message).toMatch(/too many wrong two-factor codes; .*only Eagle Eye support can unlock it/);
    expectClean(locked, http);
    // The sign-in is over: a further code is not sent.
    expect((await failure(adapter.verifyTwoFactor!(lockable.twoFactorCode))).error.code).toBe('conflict');
    const refused = await failure(adapter.signIn({ username: lockable.twoFactorUsername, password: lockable.password }));
    expect(refused.error.message).toMatch(/locked after too many wrong two-factor codes/);
  });

  it('through the SiteService: status "two-factor", choose, wrong code keeps waiting, right code → signed in with cameras', async () => {
    const log = memoryLogger();
    const service = new SiteService({ repository: new SiteRepository(join(scratch, 'tfa-sites.json')), credentials: sessionOnlyStore(), log, refreshMs: 0, httpTimeoutMs: 10_000 });
    try {
      const state = await service.addTransient({ id: 'tfa', name: 'TFA site', kind: 'eagleeye-v1', url: fast.url, username: fast.twoFactorUsername }, fast.password);
      expect(state).toMatchObject({ status: 'two-factor', twoFactor: { channels: ['sms', 'email'], codeSent: false } });
      expect((await service.chooseTwoFactor('tfa', 'email')).twoFactor).toEqual({ channels: ['sms', 'email'], codeSent: true });
      await expect(service.verifyTwoFactor('tfa', '9999')).rejects.toMatchObject({ error: { code: 'two-factor-required' } });
      expect(service.list()[0]).toMatchObject({ status: 'two-factor', lastError: { code: 'two-factor-required' } });
      expect(await service.verifyTwoFactor('tfa', fast.twoFactorCode)).toMatchObject({ status: 'signed-in', cameraCount: 4 });
    } finally {
      await service.dispose();
    }
  });
});

describe('Eagle Eye v1 cameras, status, stills, layouts', () => {
  it('lists the cameras (bridges and the unattached camera left out), all online, grouped by bridge', async () => {
    const { adapter } = await signedIn();
    const cameras = await adapter.listCameras();
    expect(cameras.map((c) => c.id)).toEqual(esns());
    expect(cameras.map((c) => c.name)).toEqual(sim.context.media.cameras.map((c) => c.name));
    for (const cam of cameras) {
      expect(cam).toMatchObject({ state: 'online', groups: ['Main'], profiles: [{ name: 'main' }, { name: 'sub' }] });
      expect(cam.stateDetail).toBeUndefined();
    }
    await adapter.signOut();
  });

  it('a camera taken offline shows as offline in the list and is pushed by the long poll, then back online', async () => {
    const { adapter } = await signedIn(fast.url);
    await adapter.listCameras();
    const seen: StatusChange[] = [];
    const stop = adapter.watchStatus!((changes) => seen.push(...changes));
    const target = esns()[1]!;
    try {
      const startedAt = Date.now();
      await admin('/cameras/1/offline');
      const offline = await waitUntil('the offline change', 15_000, () => seen.find((c) => c.id === target && c.state === 'offline'));
      expect(offline.stateDetail).toMatch(/offline/);
      console.info(`[een-v1] offline pushed by the poll in ${Date.now() - startedAt} ms`);
      expect((await adapter.listCameras()).find((c) => c.id === target)).toMatchObject({ state: 'offline' });
      const err = await failure(adapter.still(target));
      expect(err.error.code).toBe('unreachable');
      await admin('/cameras/1/online');
      // After the offline change: an earlier report may be a recording bit that flipped before it.
      await waitUntil('the online change', 15_000, () => seen.slice(seen.indexOf(offline) + 1).find((c) => c.id === target && c.state === 'online'));
      // No other camera went offline. (Others may report a recording bit that flipped on a 4 s
      // recording boundary meanwhile, so "reported" is not "changed state".)
      expect(seen.filter((c) => c.id !== target && c.state !== 'online')).toEqual([]);
    } finally {
      stop();
      await admin('/cameras/1/online');
      await adapter.signOut();
    }
  });

  it('the long poll survives server errors (retries with backoff) and stops when told', async () => {
    const { adapter, http, log } = await signedIn(fast.url);
    await adapter.listCameras();
    const seen: StatusChange[] = [];
    let polls = 0;
    const request = http.request.bind(http);
    http.request = (req) => {
      if (req.path === 'poll') polls += 1;
      return request(req);
    };
    const stop = adapter.watchStatus!((changes) => seen.push(...changes));
    const target = esns()[3]!;
    try {
      await waitUntil('a first poll', 5000, () => (polls > 0 ? true : undefined));
      await admin('/faults', { errorRate: 1 });
      await waitUntil('a logged poll failure', 30_000, () => log.lines.find((l) => l.message === 'status poll failed; retrying'));
      await admin('/faults', { errorRate: 0 });
      await admin('/cameras/3/offline');
      await waitUntil('the offline change after the errors', 30_000, () => seen.find((c) => c.id === target && c.state === 'offline'));
    } finally {
      stop();
      await admin('/cameras/3/online');
    }
    // Stopped: at most the poll in flight finishes; no new one starts.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = polls;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(polls).toBe(after);
    // The failures were logged without a secret.
    const logged = JSON.stringify(log.lines);
    for (const secret of http.secrets) expect(logged).not.toContain(secret);
    await adapter.signOut();
  }, 60_000);

  it('takes a live still (a JPEG of now) and a recorded still at a time in the past', async () => {
    const { adapter } = await signedIn();
    await adapter.listCameras();
    const live = await adapter.still(esns()[2]!);
    expect(isJpeg(live.jpeg)).toBe(true);
    expect(sim.context.now() - live.timestampMs).toBeLessThan(15_000);
    const at = longestFinishedSegment(sim.context.media, 2, sim.context.now()).startMs + 20_000;
    const recorded = await adapter.recorded!.still(esns()[2]!, at);
    expect(isJpeg(recorded.jpeg)).toBe(true);
    expect(at - recorded.timestampMs).toBeGreaterThanOrEqual(0);
    expect(at - recorded.timestampMs).toBeLessThan(10_000);
    const before = await failure(adapter.recorded!.still(esns()[2]!, sim.context.media.historyStartMs - 3600_000));
    expect(before.error.code).toBe('no-recording');
    expect(before.error.message).toMatch(/has no recording at/);
  }, 60_000);

  it('reads the server layouts: panes in order, sizes, a carousel with its delays', async () => {
    const { adapter } = await signedIn();
    const { layouts, tours } = await adapter.serverLayouts!();
    expect(tours).toEqual([]);
    expect(layouts.map((l) => l.name)).toEqual(['All cameras', 'Focus', 'Tour']);
    const [all, focus, tour] = layouts as [(typeof layouts)[0], (typeof layouts)[0], (typeof layouts)[0]];
    expect(all).toMatchObject({ siteId: 'hq', columns: 4, rows: 1 });
    expect(all.tiles.map((t) => t.cameraIds[0])).toEqual(esns().map((e) => `hq/${e}`));
    expect(focus.columns).toBe(3);
    expect(focus.tiles[0]).toMatchObject({ x: 0, y: 0, width: 3, height: 3 });
    expect(focus.tiles[1]).toMatchObject({ x: 0, y: 3, width: 2, height: 2 });
    expect(tour.tiles[0]).toMatchObject({ width: 2, height: 2, cameraIds: esns().map((e) => `hq/${e}`), dwellMs: [5000, 8000, 5000, 8000] });
    expect(tour.tiles[1]).toEqual({ x: 2, y: 0, width: 1, height: 1, cameraIds: [`hq/${esns()[0]}`] });
  });

  it('an expired session is a sessionExpired failure at the adapter (liveSource checks isauth first)', async () => {
    const { adapter, http } = await signedIn();
    await adapter.listCameras();
    await admin('/sessions/expire');
    const err = await failure(adapter.liveSource!(esns()[1]!, 'sub'));
    expect(isSessionExpired(err)).toBe(true);
    expectClean(err, http);
    expect(isSessionExpired(await failure(adapter.listCameras()))).toBe(true);
  });
});

describe('Eagle Eye v1 through the SiteService', () => {
  let service: SiteService;
  let authenticates = 0;
  const published: Camera[][] = [];

  beforeAll(async () => {
    const factory = {
      ...eagleEyeV1AdapterFactory,
      create: (ctx: Parameters<typeof eagleEyeV1AdapterFactory.create>[0]) => {
        // Counts sign-ins the SiteService makes (re-login must happen once, not in a loop).
        const http = ctx.http;
        const request = http.request.bind(http);
        http.request = (req) => {
          if (req.path === 'g/aaa/authenticate') authenticates += 1;
          return request(req);
        };
        return eagleEyeV1AdapterFactory.create(ctx);
      },
    };
    service = new SiteService({ repository: new SiteRepository(join(scratch, 'sites.json')), credentials: sessionOnlyStore(), log: memoryLogger(), refreshMs: 0, httpTimeoutMs: 10_000, factoryFor: () => factory });
    service.onCamerasChanged((cameras) => published.push(cameras));
    expect(await service.addTransient({ id: 'hq', name: 'HQ Eagle Eye', kind: 'eagleeye-v1', url: fast.url, username: fast.username }, fast.password)).toMatchObject({ status: 'signed-in', cameraCount: 4 });
  });

  afterAll(async () => {
    await service?.dispose();
  });

  it('an expired session mid-use signs in again once, transparently', async () => {
    const before = authenticates;
    await admin('/sessions/expire');
    const still = await service.withCamera(`hq/${esns()[3]}`, (adapter, id) => adapter.still(id));
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(authenticates).toBe(before + 1);
    expect((await service.withSite('hq', (adapter) => adapter.serverLayouts!())).layouts).toHaveLength(3);
    expect(authenticates).toBe(before + 1);
  });

  it('the status poll that lost its session gets it back and keeps pushing changes', async () => {
    await admin('/sessions/expire');
    const before = authenticates;
    // The poll notices within its hold (2 s here), asks the SiteService to sign in again, resumes.
    await waitUntil('the re-login after the poll lost its session', 15_000, () => (authenticates > before ? true : undefined));
    await admin('/cameras/2/offline');
    try {
      const target = `hq/${esns()[2]}`;
      await waitUntil('the offline camera published', 15_000, () => published.at(-1)?.find((c) => c.id === target && c.state === 'offline'));
    } finally {
      await admin('/cameras/2/online');
    }
    expect(authenticates).toBe(before + 1);
  });

  it('live FLV plays through the broker: decoded H.264 frames (real ffmpeg)', async () => {
    const broker = new MediaBroker({ resolve: (cameraId, profile) => service.withCamera(cameraId, (adapter, id) => adapter.liveSource!(id, profile)), log: memoryLogger(), lingerMs: 1000 });
    try {
      const openedAt = Date.now();
      const { streamId } = broker.open(`hq/${esns()[1]}`, 'sub');
      const sink = new RecordingSink();
      expect(broker.attach(streamId, sink)).not.toBeNull();
      await sink.fragments(30, 30_000);
      expect(sink.contentType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);
      const decoded = await decode(sink.lastSession(), scratch, 'een-v1-flv');
      expect(decoded).toMatchObject({ codec: 'h264', width: 640, height: 360, audio: 'aac' });
      expect(decoded.frames).toBeGreaterThan(20);
      console.info(`[een-v1] live FLV through the broker: first fragment ${sink.firstFragmentAtMs! - openedAt} ms`);
      // Sessions expire; the open FLV keeps flowing, but a reconnect must sign in again (once):
      // liveSource checks isauth first, so the SiteService re-logs in instead of ffmpeg failing.
      const before = authenticates;
      await admin('/sessions/expire');
      const expiredAt = Date.now();
      process.kill((broker.upstreamOf(streamId) as Upstream).pid!, 'SIGKILL');
      await waitForState(broker, streamId, (s) => s.status === 'retrying', 10_000, 'retrying');
      await waitForState(broker, streamId, (s) => s.status === 'playing', 30_000, 'playing with a new session');
      expect(authenticates).toBe(before + 1);
      console.info(`[een-v1] expired session + reconnect → playing again in ${Date.now() - expiredAt} ms`);
      broker.close(streamId);
    } finally {
      await broker.dispose();
    }
  }, 60_000);
});

describe('Eagle Eye v1 failures are specific and clean', () => {
  it('server errors, dropped connections and slow answers (simulator fault knobs)', async () => {
    const { adapter, http } = await signedIn(site.url, { timeoutMs: 1000 });
    await admin('/faults', { errorRate: 1 });
    const failed = await failure(adapter.listCameras());
    expect(failed.error.code).toMatch(/^(unreachable|bad-response)$/);
    expect(failed.error.message).toMatch(/^HQ Eagle Eye: the Eagle Eye service (is unavailable|failed) while reading the camera list \(HTTP 50[03]\)/);
    expectClean(failed, http);
    await admin('/faults', { errorRate: 0, dropRate: 1 });
    const dropped = await failure(adapter.serverLayouts!());
    expect(dropped.error.code).toBe('unreachable');
    expectClean(dropped, http);
    await admin('/faults', { dropRate: 0, latencyMs: 2000 });
    const slow = await failure(adapter.still(esns()[0]!));
    expect(slow.error).toMatchObject({ code: 'timeout' });
    expectClean(slow, http);
  });

  describe('hand-written bad answers', () => {
    let server: Server;
    let url: string;
    /** What /g/device/list (and friends) answer next. */
    let answer: (res: ServerResponse) => void = () => undefined;

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? '/').split('?')[0];
        req.resume();
        if (path === '/g/aaa/authenticate') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"tok-secret-1"}');
        if (path === '/g/aaa/authorize') {
          return void res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'auth_key=c001~s3cr3tkey; Path=/' }).end('{"id":"u1","active_brand_subdomain":"c001"}');
        }
        answer(res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    const json = (text: string, type = 'application/json') => (res: ServerResponse) => void res.writeHead(200, { 'content-type': type }).end(text);

    it.each([
      ['truncated JSON', json('[["00001007","10000001","Lobby","camera",'), /camera list .* malformed or truncated JSON/],
      ['an HTML page', json('<!doctype html><html><body>Sign in</body></html>', 'text/html'), /expected the camera list .* but got a web page/],
      ['an object, not rows', json('{"cameras":[]}'), /camera list .* not in the expected shape \(root:/],
      ['a row with a text status', json('[["00001007","10000001","Lobby","camera",[],"ATTD","swr",[],"g","s","online"]]'), /not in the expected shape \(0\.10:/],
      ['a row too short', json('[["00001007","10000001"]]'), /not in the expected shape \(0/],
      ['an empty answer', json(''), /but got an empty answer/],
      ['a redirect to another host', (res: ServerResponse) => void res.writeHead(302, { location: 'http://evil.example/steal' }).end(), /redirected to another host \(evil\.example\)/],
      ['a huge list', json(JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ['00001007', `1${String(i).padStart(7, '0')}`, `Cam ${i}`, 'camera', [['100d8800', 'ATTD']], 'ATTD', 'swr', [], 'g', 's', 1441847]))), null],
    ])('%s', async (_what, respond, message) => {
      answer = respond;
      const { adapter, http } = adapterFor(url);
      await adapter.signIn({ username: 'u', password: 'p4ss-secret' });
      http.secrets.add('p4ss-secret');
      if (message === null) {
        // Big but well-formed: read, not a crash.
        expect(await adapter.listCameras()).toHaveLength(40_000);
        return;
      }
      const err = await failure(adapter.listCameras());
      expect(err.error.code).toBe('bad-response');
      expect(err.error.message).toMatch(message);
      expectClean(err, http);
      expect(err.error.message).not.toMatch(/s3cr3tkey|tok-secret-1|p4ss-secret/);
    });

    it('a still that is not a JPEG; layouts: an unreadable one is left out, a deleted one skipped', async () => {
      const { adapter, http, log } = adapterFor(url);
      await adapter.signIn({ username: 'u', password: 'an0ther-secret' });
      answer = json('{"oops":true}');
      const err = await failure(adapter.still('10000001'));
      expect(err.error.message).toMatch(/expected a JPEG picture of camera 10000001 but got application\/json/);
      expectClean(err, http);
      // One layout unreadable, one deleted since the list was read (404), one fine.
      const layouts: Record<string, string> = {
        l1: '{"id":"l1","name":"Broken","configuration":"{not json"}',
        l3: '{"id":"l3","name":"Good","configuration":"{\\"panes\\":[{\\"type\\":\\"preview\\",\\"size\\":2,\\"cameras\\":[\\"10000001\\"]}]}"}',
      };
      answer = (res) => {
        const reqUrl = new URL(res.req.url ?? '/', 'http://x');
        if (reqUrl.pathname === '/g/layout/list') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[["l1","Broken",[],"R"],["l2","Gone",[],"R"],["l3","Good",[],"R"]]');
        const body = layouts[reqUrl.searchParams.get('id') ?? ''];
        if (!body) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Layout matching the ID was not found');
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      };
      const read = await adapter.serverLayouts!();
      expect(read.layouts).toEqual([{ id: 'l3', siteId: 'hq', name: 'Good', columns: 3, rows: 2, tiles: [{ x: 0, y: 0, width: 2, height: 2, cameraIds: ['hq/10000001'] }] }]);
      expect(log.lines.some((l) => l.message.includes('cannot read'))).toBe(true);
    });
  });
});

describe('tessera CLI with an Eagle Eye v1 site', () => {
  const adHoc = (user = site.username) => ['--kind', 'eagleeye-v1', '--url', site.url, '--user', user, '--password-stdin', '--data-dir', scratch];

  it('lists cameras as JSON', async () => {
    const t = cliIo(site.password);
    expect(await runCli(['cameras', ...adHoc(), '--json'], t.io)).toBe(0);
    const host = new URL(site.url).host;
    expect(JSON.parse(t.out())).toEqual(sim.context.media.cameras.map((c) => ({ id: c.esn, name: c.name, status: 'online', site: host })));
  });

  it('writes a live and a recorded snapshot', async () => {
    const live = join(scratch, 'live.jpg');
    expect(await runCli(['snapshot', ...adHoc(), '--camera', esns()[1]!, '-o', live], cliIo(site.password).io)).toBe(0);
    expect(isJpeg(await readFile(live))).toBe(true);
    const seg = longestFinishedSegment(sim.context.media, 1, sim.context.now());
    const at = new Date(seg.startMs + 30_000).toISOString();
    const recorded = join(scratch, 'recorded.jpg');
    const t = cliIo(site.password);
    expect(await runCli(['snapshot', ...adHoc(), '--camera', esns()[1]!, '--at', at, '-o', recorded], t.io)).toBe(0);
    expect(isJpeg(await readFile(recorded))).toBe(true);
    expect(toEenTimestamp(Date.parse(at))).toMatch(/^\d{14}\.\d{3}$/);
  }, 60_000);

  it('a two-factor account: exit 1, one stderr line saying a two-factor code is needed', async () => {
    const t = cliIo(site.password);
    expect(await runCli(['cameras', ...adHoc(site.twoFactorUsername), '--json'], t.io)).toBe(1);
    const lines = t.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/two-factor code/);
    expect(lines[0]).not.toContain(site.password);
    expect(t.out()).toBe('');
  });

  it('a wrong password: exit 1, one line naming the site', async () => {
    const t = cliIo('wrong');
    expect(await runCli(['cameras', ...adHoc(), '--json'], t.io)).toBe(1);
    const lines = t.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`${new URL(site.url).host}: the user name or password was not accepted\\.$`));
    expect(lines[0]).not.toContain('wrong');
  });
});
