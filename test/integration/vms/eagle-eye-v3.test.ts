/**
 * The Eagle Eye v3 adapter against the real simulator over HTTP: the OAuth code flow through the
 * adapter's loopback listener (this test plays the browser), rotating refresh tokens kept as the
 * site secret, cameras with their statuses over several pages, live and recorded stills, live
 * sources, layouts, transparent refresh after the access tokens expire, a reused refresh token
 * ending in "sign in again", fault knobs, bad answers from a hand-written server, and the
 * SiteService driving it all (with and without a browser opener).
 *
 * The simulator pages by 2 (pageSizeCap) so that every list is followed across pages.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure, type SiteConfig, type SiteState } from '../../../preload/contract/index.js';
import { runCli } from '../../../main/cli/index.js';
import { PreviewFeeds } from '../../../main/media/preview-feeds.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { demoSites } from '../../../main/demo/demo-sites.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import type { SignInOutcome, VmsAdapter } from '../../../main/vms/adapter.js';
import { fetchingOpener, type BrowserOpener } from '../../../main/vms/browser-opener.js';
import { createEagleEyeV3AdapterFactory, eagleEyeV3AdapterFactory } from '../../../main/vms/eagle-eye-v3/adapter.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { isSessionExpired } from '../../../main/vms/session-errors.js';
import { cliIo, failure as failureOf, simAdmin } from '../../support/adapter-harness.js';
import { memoryLogger, type MemoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';

const run = promisify(execFile);

interface V3Site {
  url: string;
  username: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
}

let sim: SimulatorHandle;
let site: V3Site;

const isJpeg = (b: Buffer) => b.length > 100 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

const admin = simAdmin(() => sim.adminUrl);

function configFor(overrides: Partial<SiteConfig> = {}): SiteConfig {
  return { id: 'v3test', name: 'Harbour EEN', kind: 'eagleeye-v3', url: site.url, username: site.username, oauthClientId: site.clientId, ...overrides };
}

function makeAdapter(overrides: Partial<SiteConfig> = {}, factory = eagleEyeV3AdapterFactory): { adapter: VmsAdapter; secrets: string[]; log: MemoryLogger } {
  const config = configFor(overrides);
  const log = memoryLogger();
  const adapter = factory.create({ site: config, http: new HttpClient({ baseUrl: config.url, siteName: config.name, timeoutMs: 20_000 }), log, now: Date.now });
  const secrets: string[] = [];
  adapter.onSecretRotated!((secret) => secrets.push(secret));
  return { adapter, secrets, log };
}

/** This test is the browser: it follows the authorization address to the loopback listener. */
async function actAsBrowser(outcome: SignInOutcome): Promise<Response> {
  if (outcome.kind !== 'browser') throw new Error(`expected a browser step, got ${outcome.kind}`);
  const landed = await fetch(outcome.authorizationUrl);
  await outcome.completion;
  return landed;
}

async function signedInAdapter(): Promise<ReturnType<typeof makeAdapter>> {
  const made = makeAdapter();
  await actAsBrowser(await made.adapter.signIn({ username: site.username, password: site.clientSecret }));
  return made;
}

function refreshTokenOf(secret: string | undefined): string | undefined {
  return (JSON.parse(secret ?? '{}') as { refreshToken?: string }).refreshToken;
}

beforeAll(async () => {
  sim = await startTestSimulator([createEagleEyeV3Module({ pageSizeCap: 2 })]);
  site = sim.sites['eagleeye-v3'] as unknown as V3Site;
});

afterAll(async () => {
  await sim?.stop();
});

describe('Eagle Eye v3 adapter: OAuth', () => {
  it('signs in through the browser: loopback listener, state, PKCE S256, then keeps {clientSecret, refreshToken}', async () => {
    const { adapter, secrets } = makeAdapter();
    const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
    expect(outcome.kind).toBe('browser');
    if (outcome.kind !== 'browser') return;
    const url = new URL(outcome.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${site.url}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: site.clientId,
      response_type: 'code',
      scope: 'vms.all',
      code_challenge_method: 'S256',
      login_hint: site.username,
    });
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(outcome.authorizationUrl).not.toContain(site.clientSecret);

    const landed = await actAsBrowser(outcome);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toMatch(/Signed in/);
    expect(secrets).toHaveLength(1);
    expect(JSON.parse(secrets[0]!)).toEqual({ eagleEyeV3: 1, clientSecret: site.clientSecret, refreshToken: expect.any(String) });

    // One use only: the listener is gone.
    await new Promise((r) => setTimeout(r, 400));
    await expect(fetch(url.searchParams.get('redirect_uri')!)).rejects.toThrow();
    expect((await adapter.listCameras()).length).toBeGreaterThan(0);
    await adapter.dispose();
  });

  it('refuses an answer with the wrong state and keeps waiting for the real one', async () => {
    const { adapter } = makeAdapter();
    const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
    if (outcome.kind !== 'browser') throw new Error('expected the browser step');
    const redirect = new URL(outcome.authorizationUrl).searchParams.get('redirect_uri')!;
    const forged = await fetch(`${redirect}?code=stolen&state=not-ours`);
    expect(forged.status).toBe(400);
    const landed = await actAsBrowser(outcome);
    expect(landed.status).toBe(200);
    await adapter.dispose();
  });

  it('signs in again with the kept secret without a browser, rotating the refresh token each time', async () => {
    const first = await signedInAdapter();
    const kept = first.secrets.at(-1)!;
    await first.adapter.dispose();
    const again = makeAdapter();
    expect(await again.adapter.signIn({ username: site.username, password: kept })).toEqual({ kind: 'signed-in' });
    expect(again.secrets).toHaveLength(1);
    expect(refreshTokenOf(again.secrets[0])).not.toBe(refreshTokenOf(kept));
    expect((await again.adapter.listCameras()).length).toBe(6);
    await again.adapter.dispose();
  });

  it('refreshes transparently when the access tokens expire mid-use (no browser)', async () => {
    const { adapter, secrets } = await signedInAdapter();
    await admin('/sessions/expire');
    const cameras = await adapter.listCameras();
    expect(cameras).toHaveLength(6);
    expect(secrets).toHaveLength(2);
    expect(refreshTokenOf(secrets[1])).not.toBe(refreshTokenOf(secrets[0]));
    // Stills and live sources work with the refreshed token too.
    await admin('/sessions/expire');
    expect(isJpeg((await adapter.still(cameras.find((c) => c.state === 'online')!.id)).jpeg)).toBe(true);
    await adapter.dispose();
  });

  it('a reused refresh token needs the browser again, with words, and the dead token is dropped', async () => {
    const { adapter, secrets } = await signedInAdapter();
    const stale = secrets[0]!;
    // Another sign-in with the same secret uses (and so rotates away) its refresh token ...
    const other = makeAdapter();
    expect((await other.adapter.signIn({ username: site.username, password: stale })).kind).toBe('signed-in');
    // ... so this adapter's refresh token is dead: after expiry, the call fails as "sign in again".
    await admin('/sessions/expire');
    const failure = await failureOf(adapter.listCameras());
    expect(isSessionExpired(failure)).toBe(true);
    expect(failure.message).toMatch(/^Harbour EEN: the saved Eagle Eye sign-in is no longer valid \(.*already used.*\); sign in again in the browser\.$/);
    expect(JSON.parse(secrets.at(-1)!)).toEqual({ eagleEyeV3: 1, clientSecret: site.clientSecret });

    // Signing in with the stale secret goes to the browser instead of failing or looping.
    const third = makeAdapter();
    const outcome = await third.adapter.signIn({ username: site.username, password: stale });
    expect(outcome.kind).toBe('browser');
    expect(third.secrets.map((s) => refreshTokenOf(s))).toEqual([undefined]);
    await third.adapter.dispose();
    if (outcome.kind === 'browser') await expect(outcome.completion).rejects.toThrow(/cancelled/);
    await other.adapter.dispose();
    await adapter.dispose();
  });

  it('says which credential is wrong: a bad client secret, a missing client id', async () => {
    const kept = JSON.stringify({ eagleEyeV3: 1, clientSecret: 'not-the-secret', refreshToken: 'whatever' });
    const bad = makeAdapter();
    const failure = await failureOf(bad.adapter.signIn({ username: site.username, password: kept }));
    expect(failure.error.code).toBe('unauthorized');
    expect(failure.message).toBe('Harbour EEN: the authorization server did not accept the client id or client secret.');
    expect(isSessionExpired(failure)).toBe(false);

    const noId = makeAdapter({ oauthClientId: undefined });
    expect((await failureOf(noId.adapter.signIn({ username: '', password: site.clientSecret }))).message).toMatch(/no OAuth client id/);
  });

  it('gives up on a browser that never comes back, in words, and closes the listener', async () => {
    const { adapter } = makeAdapter({}, createEagleEyeV3AdapterFactory({ browserTimeoutMs: 300 }));
    const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
    if (outcome.kind !== 'browser') throw new Error('expected the browser step');
    const failure = await failureOf(outcome.completion);
    expect(failure.error.code).toBe('timeout');
    expect(failure.message).toMatch(/^Harbour EEN: the browser sign-in was not finished within 1 min; sign in again\.$/);
    await new Promise((r) => setTimeout(r, 400));
    await expect(fetch(new URL(outcome.authorizationUrl).searchParams.get('redirect_uri')!)).rejects.toThrow();
  });
});

describe('Eagle Eye v3 adapter: cameras and media', () => {
  let adapter: VmsAdapter;
  beforeAll(async () => {
    adapter = (await signedInAdapter()).adapter;
  });
  afterAll(async () => {
    await adapter?.dispose();
  });

  it('lists every camera across pages with its status in Tessera terms', async () => {
    await admin('/cameras/1/offline');
    try {
      const cameras = await adapter.listCameras();
      const byName = new Map(cameras.map((c) => [c.name, c]));
      expect(cameras).toHaveLength(6); // 4 media cameras + 2 static ones, 2 per page
      expect(new Set(cameras.map((c) => c.id)).size).toBe(6);
      const media = sim.context.media.cameras;
      expect(byName.get(media[0]!.name)).toMatchObject({ id: media[0]!.esn, state: 'online', recording: true, groups: ['Tessera Demo Site', 'indoor'] });
      expect(byName.get(media[1]!.name)).toMatchObject({ state: 'offline', stateDetail: 'the camera is offline', recording: false });
      expect(byName.get('Annex Door')).toMatchObject({ state: 'off', stateDetail: 'the camera is turned off' });
      expect(byName.get('Boiler Room')).toMatchObject({ state: 'unauthorized', stateDetail: expect.stringMatching(/invalid credentials/) });
      expect(cameras[0]!.profiles.map((p) => p.name)).toEqual(['main', 'sub']);
    } finally {
      await admin('/cameras/1/online');
    }
  });

  it('fetches the live still (JPEG, timestamp near now)', async () => {
    const esn = sim.context.media.cameras[0]!.esn;
    const still = await adapter.still(esn);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(Math.abs(Date.now() - still.timestampMs)).toBeLessThan(60_000);
  });

  it('answers live stills from the preview feed (multipartUrl): fresh, stamped, a new picture about every 0.5 s', async () => {
    // Camera 1 plays a loop: its previews come on a timer, as a VMS sends them (camera 0's come
    // out of a live encoder, whose pace a busy machine bends).
    const esn = sim.context.media.cameras[1]!.esn;
    const feed = await adapter.previewFeed!(esn);
    expect(feed).toMatchObject({ url: expect.stringMatching(/\/media\/streams\/preview\/multipart\?/), headers: { cookie: expect.any(String) } });
    // One media session serves every feed and stream of the sign-in (not one per camera).
    expect((await adapter.previewFeed!(sim.context.media.cameras[3]!.esn))!.headers.cookie).toBe(feed!.headers.cookie);
    const log = memoryLogger();
    const feeds = new PreviewFeeds({ open: (id) => adapter.previewFeed!(id), log });
    try {
      expect(feeds.latest(esn)).toBeUndefined();
      expect(feeds.latest(esn)).toBeUndefined(); // the second ask starts the reader
      const stamps = new Set<number>();
      const deadline = Date.now() + 15_000;
      let first: number | undefined;
      while (Date.now() < deadline && (first === undefined || Date.now() - first < 3_600)) {
        const still = feeds.latest(esn);
        if (still) {
          first ??= Date.now();
          expect(isJpeg(still.jpeg)).toBe(true);
          expect(Math.abs(Date.now() - still.timestampMs)).toBeLessThan(2_000);
          stamps.add(still.timestampMs);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // 2 pictures a second over 3.6 s: at least 5 different ones (7 expected).
      expect(stamps.size).toBeGreaterThanOrEqual(5);
      expect(log.lines.filter((l) => l.level === 'warn')).toEqual([]);
    } finally {
      feeds.close();
    }
  });

  it('a live still of an offline camera says so', async () => {
    await admin('/cameras/2/offline');
    try {
      const failure = await failureOf(adapter.still(sim.context.media.cameras[2]!.esn));
      expect(failure.error.code).toBe('unreachable');
      expect(failure.message).toMatch(/has no live picture now \(it is offline/);
      // Its preview feed: not there for now (tried again later), rather than "the site has none".
      const feed = await failureOf(adapter.previewFeed!(sim.context.media.cameras[2]!.esn));
      expect(feed.error.code).toBe('unreachable');
      expect(feed.message).toMatch(/has no live feed now \(it is offline/);
    } finally {
      await admin('/cameras/2/online');
    }
  });

  it('fetches the recorded still at or just before the asked time, and says "no recording" in a gap', async () => {
    const camera = sim.context.media.cameras[0]!;
    const segments = sim.context.media.segments(camera.index, sim.context.media.historyStartMs, Date.now() - 60_000);
    const long = segments.find((s) => s.endMs - s.startMs > 60_000)!;
    const inside = long.startMs + 30_500;
    const still = await adapter.recorded!.still(camera.esn, inside, 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBeLessThanOrEqual(inside);
    expect(inside - still.timestampMs).toBeLessThan(2_000);

    // Before the first recording there is nothing at or before: the server's 404.
    const before = await failureOf(adapter.recorded!.still(camera.esn, sim.context.media.historyStartMs - 3_600_000));
    expect(before.error.code).toBe('no-recording');
    expect(before.message).toMatch(/^Harbour EEN: no recording at that time \(camera \w+, \d{4}-\d\d-\d\dT[\d:.]+\+00:00\)\.$/);

    // Inside a gap: the nearest earlier picture is too old to be "that time".
    const gap = segments.slice(1).map((s, i) => ({ from: segments[i]!.endMs, to: s.startMs })).find((g) => g.to - g.from > 30_000);
    if (gap) {
      const inGap = await failureOf(adapter.recorded!.still(camera.esn, gap.from + 20_000));
      expect(inGap.error.code).toBe('no-recording');
      expect(inGap.message).toMatch(/no recording at that time .*the closest earlier picture is from/);
    }
  });

  it('gives a live source ffmpeg can pull (RTSP with access_token, else HLS with cookie and Bearer)', async () => {
    const esn = sim.context.media.cameras[0]!.esn;
    const source = await adapter.liveSource!(esn, 'main');
    if (source.kind === 'rtsp') {
      expect(source.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/.*[?&]esn=\w+&stream_session=[\w-]+&access_token=[\w.-]+$/);
      const probe = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', source.url], { timeout: 30_000 });
      expect(probe.stdout).toMatch(/h264/);
    } else {
      expect(source).toMatchObject({ kind: 'http', format: 'hls', headers: { cookie: expect.stringMatching(/^een_media_session=/), authorization: expect.stringMatching(/^Bearer /) } });
      const playlist = await fetch(source.url, { headers: source.headers });
      expect(playlist.status).toBe(200);
      expect(await playlist.text()).toMatch(/^#EXTM3U/);
    }
    const sub = await adapter.liveSource!(esn, 'sub');
    expect(sub.kind === 'rtsp' || (sub.kind === 'http' && sub.format === 'flv')).toBe(true);
  });

  it('reads the server layouts as Tessera grids with global camera ids', async () => {
    const { layouts, tours } = await adapter.serverLayouts!();
    expect(tours).toEqual([]);
    const lobby = layouts.find((l) => l.name === 'Lobby wall')!;
    const esns = sim.context.media.cameras.slice(0, 4).map((c) => c.esn);
    expect(lobby).toMatchObject({ siteId: 'v3test', columns: 2, rows: 2 });
    expect(lobby.tiles).toEqual([
      { x: 0, y: 0, width: 1, height: 1, cameraIds: [`v3test/${esns[0]}`] },
      { x: 1, y: 0, width: 1, height: 1, cameraIds: [`v3test/${esns[1]}`] },
      { x: 0, y: 1, width: 1, height: 1, cameraIds: [`v3test/${esns[2]}`] },
      { x: 1, y: 1, width: 1, height: 1, cameraIds: [`v3test/${esns[3]}`] },
    ]);
    expect(layouts.find((l) => l.name === 'All cameras')!.tiles).toHaveLength(6);
  });

  it('turns server errors from the fault knobs into words that name the site', async () => {
    await admin('/faults', { errorRate: 1 });
    try {
      const failure = await failureOf(adapter.listCameras());
      expect(failure.error.code).toBe('unreachable');
      expect(failure.message).toMatch(/^Harbour EEN: the site failed to answer the camera list \(HTTP 50[03]\)\.$/);
    } finally {
      await admin('/faults', { errorRate: 0 });
    }
    await admin('/faults', { latencyMs: 1500 });
    try {
      // A client with a short timeout: the token call does not come back in time.
      const impatient = eagleEyeV3AdapterFactory.create({ site: configFor(), http: new HttpClient({ baseUrl: site.url, siteName: 'Harbour EEN', timeoutMs: 500 }), log: memoryLogger(), now: Date.now });
      const failure = await failureOf(impatient.signIn({ username: '', password: JSON.stringify({ eagleEyeV3: 1, clientSecret: site.clientSecret, refreshToken: 'r' }) }));
      expect(failure.error.code).toBe('timeout');
      expect(failure.message).toMatch(/^Harbour EEN: 127\.0\.0\.1:\d+ did not answer within 0\.5 s\.$/);
      await impatient.dispose();
    } finally {
      await admin('/faults', { latencyMs: 0 });
    }
  });
});

describe('Eagle Eye v3 adapter: bad answers', () => {
  // A hand-written account: the token endpoint answers at once and names itself as API host.
  let server: Server;
  let base: string;
  let cameras: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const accessToken = 'header.payload-SECRET-ACCESS.sig';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/oauth2/token') {
        const port = (server.address() as AddressInfo).port;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: accessToken, expires_in: 3600, refresh_token: 'REFRESH-SECRET-2', token_type: 'Bearer', httpsBaseUrl: { hostname: '127.0.0.1', port } }));
        return;
      }
      if (path === '/api/v3.0/cameras') return cameras(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function camerasFailure(handler: typeof cameras): Promise<AppFailure> {
    cameras = handler;
    const { adapter } = makeAdapter({ url: base, name: 'Quay EEN' });
    await adapter.signIn({ username: '', password: JSON.stringify({ eagleEyeV3: 1, clientSecret: 'CLIENT-SECRET', refreshToken: 'REFRESH-SECRET-1' }) });
    const failure = await failureOf(adapter.listCameras());
    for (const secret of ['SECRET-ACCESS', 'CLIENT-SECRET', 'REFRESH-SECRET']) expect(failure.message).not.toContain(secret);
    await adapter.dispose();
    return failure;
  }

  const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  it('malformed JSON', async () => {
    const failure = await camerasFailure(json(200, '{"results": [{"id": "1001", "na'));
    expect(failure.error.code).toBe('bad-response');
    expect(failure.message).toBe('Quay EEN: expected the camera list but got malformed or truncated JSON.');
  });

  it('wrong types', async () => {
    const failure = await camerasFailure(json(200, { results: [{ id: '1001', name: 7 }], nextPageToken: '' }));
    expect(failure.message).toBe('Quay EEN: the camera list is not in the expected shape (results.0.name: Invalid input: expected string, received number).');
  });

  it('an ApiV3Error body', async () => {
    const failure = await camerasFailure(
      json(403, { code: 403, status: 'permissionDenied', message: `No access for Bearer ${accessToken}`, details: [{ type: 'errorInfo', reason: 'invalidPermission', domain: 'apiv3' }] }),
    );
    expect(failure.error.code).toBe('unauthorized');
    expect(failure.message).toBe('Quay EEN: this account may not read the camera list (permissionDenied: No access for Bearer [redacted]).');
  });

  it('a list that never ends, or loops', async () => {
    let n = 0;
    const endless = await camerasFailure((_req, res) => json(200, { results: [], nextPageToken: `p${(n += 1)}` })(_req, res));
    expect(endless.message).toBe('Quay EEN: the camera list did not end after 200 pages; Tessera stopped reading it.');
    const loop = await camerasFailure(json(200, { results: [], nextPageToken: 'same' }));
    expect(loop.message).toBe('Quay EEN: the camera list repeats a page (the server handed back the same page token).');
  });
});

describe('Eagle Eye v3 through the SiteService', () => {
  function service(opener?: BrowserOpener) {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-een3-'));
    const credentials = sessionOnlyStore();
    const log = memoryLogger();
    const sites = new SiteService({ repository: new SiteRepository(join(dir, 'sites.json')), credentials, log, refreshMs: 0, ...(opener ? { browserOpener: opener } : {}) });
    const states: SiteState[][] = [];
    sites.onSitesChanged((s) => states.push(s));
    return { sites, credentials, dir, states, log };
  }

  const add = () => ({ name: 'Harbour EEN', kind: 'eagleeye-v3' as const, url: site.url, username: site.username, password: site.clientSecret, savePassword: true, oauthClientId: site.clientId });

  it('adds a site: browser step through the opener, signed in, cameras, the refresh token kept and rotated', async () => {
    const opened: string[] = [];
    const opener: BrowserOpener = {
      open: async (url) => {
        opened.push(url);
        await fetchingOpener.open(url);
      },
    };
    const { sites, credentials, dir, states, log } = service(opener);
    const state = await sites.add(add());
    expect(state).toMatchObject({ status: 'signed-in', cameraCount: 6, credentialSaved: true, oauthClientId: site.clientId, capabilities: { signIn: 'oauth' } });
    expect(state.oauth).toBeUndefined();
    expect(opened).toHaveLength(1);
    // While waiting for the browser, the Sites screen could show the address.
    expect(states.some((list) => list[0]?.status === 'signing-in' && list[0].oauth?.authorizationUrl === opened[0])).toBe(true);
    const kept = await credentials.get(state.id);
    expect(refreshTokenOf(kept ?? undefined)).toBeTruthy();
    // No secret leaves the service or reaches the sites file or the log.
    const published = JSON.stringify(states) + readFileSync(join(dir, 'sites.json'), 'utf8') + JSON.stringify(log.lines);
    expect(published).not.toContain(site.clientSecret);
    expect(published).not.toContain(refreshTokenOf(kept ?? undefined)!);

    const online = sites.cameras().find((c) => c.state === 'online')!;
    expect(isJpeg((await sites.withCamera(online.id, (adapter, id) => adapter.still(id))).jpeg)).toBe(true);

    // Access tokens expire: refreshed inside the adapter; the new refresh token is kept.
    await admin('/sessions/expire');
    expect(isJpeg((await sites.withCamera(online.id, (adapter, id) => adapter.still(id))).jpeg)).toBe(true);
    await new Promise((r) => setTimeout(r, 50)); // the store write is queued
    const rotated = await credentials.get(state.id);
    expect(refreshTokenOf(rotated ?? undefined)).not.toBe(refreshTokenOf(kept ?? undefined));

    // Sign out and in again: the kept refresh token, no browser.
    await sites.signOut(state.id);
    expect((await sites.signIn({ siteId: state.id })).status).toBe('signed-in');
    expect(opened).toHaveLength(1);

    // Someone else uses the kept token (rotating it away), the access tokens expire: "sign in again", no loop.
    const thief = makeAdapter();
    await new Promise((r) => setTimeout(r, 50));
    expect((await thief.adapter.signIn({ username: '', password: (await credentials.get(state.id))! })).kind).toBe('signed-in');
    await admin('/sessions/expire');
    const failure = await failureOf(sites.withCamera(online.id, (adapter, id) => adapter.still(id)));
    expect(failure.error.code).toBe('unauthorized');
    expect(failure.message).toMatch(/^Harbour EEN: the session expired and signing in again failed \(the site needs the browser sign-in again\)\. Sign in again\.$/);
    expect(sites.list()[0]).toMatchObject({ status: 'needs-sign-in', lastError: { code: 'unauthorized' } });
    expect(sites.list()[0]!.oauth).toBeUndefined();
    expect(opened).toHaveLength(1);
    await thief.adapter.dispose();

    // Signing in now goes through the browser again.
    expect((await sites.signIn({ siteId: state.id })).status).toBe('signed-in');
    expect(opened).toHaveLength(2);
    await sites.dispose();
  });

  it('without an opener (serve mode) publishes the address and finishes when a browser uses it', async () => {
    const { sites, states } = service();
    const adding = sites.add(add());
    let link: string | undefined;
    for (let i = 0; i < 50 && !link; i += 1) {
      link = states.at(-1)?.[0]?.oauth?.authorizationUrl;
      if (!link) await new Promise((r) => setTimeout(r, 50));
    }
    expect(states.at(-1)![0]!.status).toBe('signing-in');
    await fetch(link!);
    expect(await adding).toMatchObject({ status: 'signed-in', cameraCount: 6 });
    await sites.dispose();
  });

  it('an opener that cannot finish (a real sign-in page) fails the sign-in in words at once', async () => {
    const { sites } = service({ open: () => Promise.reject(new AppFailure('unsupported', 'The authorization server shows a sign-in page.')) });
    const failure = await failureOf(sites.add(add()));
    expect(failure.message).toBe('The authorization server shows a sign-in page.');
    expect(sites.list()[0]).toMatchObject({ status: 'error', lastError: { code: 'unsupported' } });
    expect(sites.list()[0]!.oauth).toBeUndefined();
    await sites.dispose();
  });

  it('the demo site (from the simulator description) signs in without a browser through the fetching opener', async () => {
    const demo = demoSites(sim.sites).find((d) => d.config.kind === 'eagleeye-v3')!;
    expect(demo.config).toMatchObject({ id: 'demo-eagleeye-v3', url: site.url, username: site.username, oauthClientId: site.clientId });
    const { sites } = service();
    const state = await sites.addTransient(demo.config, demo.password, { browserOpener: fetchingOpener });
    expect(state).toMatchObject({ status: 'signed-in', cameraCount: 6 });
    await sites.dispose();
  });

  it('the fetching opener refuses to pretend when the server shows a page', async () => {
    const url = `${site.url}/oauth2/authorize?client_id=${site.clientId}&response_type=code&scope=vms.all&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/callback')}&state=s`;
    const failure = await failureOf(fetchingOpener.open(url));
    expect(failure.error.code).toBe('unsupported');
    expect(failure.message).toMatch(/shows a sign-in page \(HTTP 200\).*Sign in with the app\.$/);
  });
});

describe('Eagle Eye v3 adapter: live over HTTP when there is no RTSP', () => {
  // A second simulator without an RTSP server: /feeds then has no rtspUrl.
  let httpOnly: SimulatorHandle;
  let adapter: VmsAdapter;
  beforeAll(async () => {
    httpOnly = await startTestSimulator([createEagleEyeV3Module()], { rtsp: false });
    const s = httpOnly.sites['eagleeye-v3'] as unknown as V3Site;
    const config = configFor({ url: s.url, id: 'v3http' });
    adapter = eagleEyeV3AdapterFactory.create({ site: config, http: new HttpClient({ baseUrl: s.url, siteName: config.name }), log: memoryLogger(), now: Date.now });
    await actAsBrowser(await adapter.signIn({ username: s.username, password: s.clientSecret }));
  });
  afterAll(async () => {
    await adapter?.dispose();
    await httpOnly?.stop();
  });

  it('gives HLS (main) and FLV (sub) with the media-session cookie and Bearer the media host needs', async () => {
    const esn = httpOnly.context.media.cameras[0]!.esn;
    const main = await adapter.liveSource!(esn, 'main');
    expect(main).toMatchObject({ kind: 'http', format: 'hls', headers: { cookie: expect.stringMatching(/^een_media_session=[\w-]+$/), authorization: expect.stringMatching(/^Bearer [\w.-]+$/) } });
    if (main.kind !== 'http') return;
    const playlist = await fetch(main.url, { headers: main.headers });
    expect(playlist.status).toBe(200);
    const text = await playlist.text();
    expect(text).toMatch(/^#EXTM3U/);
    // Without the headers the media host refuses (403 without the cookie).
    expect((await fetch(main.url)).status).toBe(403);
    const segment = text.split('\n').find((l) => l && !l.startsWith('#'));
    if (segment) expect((await fetch(new URL(segment, main.url), { headers: main.headers })).status).toBe(200);

    const sub = await adapter.liveSource!(esn, 'sub');
    expect(sub).toMatchObject({ kind: 'http', format: 'flv' });
    if (sub.kind !== 'http') return;
    const flv = await fetch(sub.url, { headers: sub.headers });
    expect(flv.status).toBe(200);
    const reader = flv.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).subarray(0, 3).toString('latin1')).toBe('FLV');
    await reader.cancel();
  });
});

describe('Eagle Eye v3 from the CLI (ad hoc)', () => {
  async function cli(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
    const t = cliIo(stdin, Promise.resolve());
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-een3-cli-'));
    const code = await runCli(['cameras', '--data-dir', dataDir, ...args], t.io);
    return { code, out: t.out(), err: t.err() };
  }
  const adHoc = () => ['--kind', 'eagleeye-v3', '--url', site.url, '--user', site.username, '--client-id', site.clientId, '--password-stdin', '--json'];

  it('says in one line that a browser is needed, unless --oauth-headless is given', async () => {
    const refused = await cli(adHoc(), site.clientSecret);
    expect(refused.code).not.toBe(0);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(/Eagle Eye v3 signs in through a browser; sign in with the app .* or pass --oauth-headless/);

    const headless = await cli([...adHoc(), '--oauth-headless'], site.clientSecret);
    expect(headless.err).toBe('');
    expect(headless.code).toBe(0);
    const rows = JSON.parse(headless.out) as { name: string; status: string }[];
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.name === 'Annex Door')?.status).toBe('off');
    expect(headless.out + headless.err).not.toContain(site.clientSecret);
  });
});
