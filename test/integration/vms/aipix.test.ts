// The AIPIX adapter against the real simulator over real HTTP (one server with room for many
// sessions, one capped at two that also insists on X-Client/X-UUID), through the SiteService and
// the CLI, and against hand-written misbehaving servers: every failure is a specific AppFailure
// naming the site, never the bearer token or a link token.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppFailure, SiteConfig } from '../../../preload/contract/index.js';
import { runCli } from '../../../main/cli/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import { aipixModule, createAipixModule } from '../../../simulator/aipix/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { AipixAdapter, aipixAdapterFactory, type AipixAdapterOptions } from '../../../main/vms/aipix/adapter.js';
import { adapterFactory } from '../../../main/vms/registry.js';
import { isSessionExpired } from '../../../main/vms/session-errors.js';
import { cliIo, expectClean, failure, isJpeg, secretWires, simAdmin, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { ffprobe, jpegSize } from '../simulator/exacq-helpers.js';

type AipixSite = SiteDescription & { cameras: { id: number; uuid: string; name: string }[] };

/** Added to the simulator's clock: the link-expiry test moves past `expired_at`. */
let skewMs = 0;
let sim: SimulatorHandle;
let site: AipixSite;
let capped: string;
let scratch: string;
let segment: Segment;

interface Made {
  adapter: AipixAdapter;
  http: SpyHttp;
  log: ReturnType<typeof memoryLogger>;
}

function adapterFor(url: string, opts: { id?: string; name?: string; timeoutMs?: number } & AipixAdapterOptions = {}): Made {
  const config: SiteConfig = { id: opts.id ?? 'plaza', name: opts.name ?? 'Plaza AIPIX', kind: 'aipix', url, username: site.username };
  const http = new SpyHttp({ baseUrl: url, siteName: config.name, timeoutMs: opts.timeoutMs ?? 10_000 }, secretWires.aipix);
  const log = memoryLogger();
  const adapter = new AipixAdapter({ site: config, http, log, now: () => sim.context.now() }, opts);
  return { adapter, http, log };
}

async function signedIn(url = site.url, opts: Parameters<typeof adapterFor>[1] = {}): Promise<Made> {
  const made = adapterFor(url, opts);
  await made.adapter.signIn({ username: site.username, password: site.password });
  return made;
}

const admin = simAdmin(() => sim.adminUrl);

beforeAll(async () => {
  sim = await startTestSimulator(
    [createAipixModule({ maxSessions: 100 }), createAipixModule({ maxSessions: 2, requireClientHeaders: true }, { kind: 'aipix-capped', port: 'aipix-capped' })],
    { cameras: 4, rtsp: false, now: () => Date.now() + skewMs },
  );
  expect(aipixModule.kind).toBe('aipix');
  site = sim.sites.aipix as AipixSite;
  capped = (sim.sites['aipix-capped'] as SiteDescription).url;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-aipix-'));
  const { media } = sim.context;
  segment = longestFinishedSegment(media, 0, sim.context.now());
  // Archive links are cut from encoded segments: pay the encoding here, not in a timed test.
  await media.segmentFile(segment, 'main');
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { errorRate: 0, latencyMs: 0, dropRate: 0 });
});

describe('AIPIX adapter against the simulator', () => {
  it('is registered for the aipix kind (capabilities: test/unit/vms/capabilities.test.ts)', () => {
    expect(adapterFactory('aipix')).toBe(aipixAdapterFactory);
  });

  it('signs in and lists every page of cameras with status, recording and high/low profiles', async () => {
    const { adapter, http } = await signedIn(site.url, { pageSize: 3 });
    const cameras = await adapter.listCameras();
    expect(cameras.map((c) => c.id)).toEqual(site.cameras.map((c) => String(c.id)));
    expect(cameras.map((c) => c.name)).toEqual(site.cameras.map((c) => c.name));
    for (const cam of cameras) {
      expect(cam).toMatchObject({ state: 'online', recording: true, groups: [] });
      expect(cam.profiles).toEqual([
        { name: 'main', width: 1280, height: 720 },
        { name: 'sub', width: 640, height: 360 },
      ]);
    }
    // The token went out verbatim, with one "Bearer " prefix.
    expect([...http.secrets].some((s) => s.startsWith('Bearer'))).toBe(false);
  });

  it('shows a camera that went offline on the next list, and says so for its live still', async () => {
    const { adapter } = await signedIn();
    await admin('/cameras/1/offline');
    try {
      const cameras = await adapter.listCameras();
      expect(cameras[1]).toMatchObject({ state: 'offline', stateDetail: expect.stringContaining('no video') });
      expect(cameras[0]!.state).toBe('online');
      const err = await failure(adapter.still(cameras[1]!.id));
      expect(err.error).toMatchObject({ code: 'unreachable', message: expect.stringMatching(/^Plaza AIPIX: camera ".*" has no live video right now/) });
    } finally {
      await admin('/cameras/1/online');
    }
    expect((await adapter.listCameras())[1]!.state).toBe('online');
  });

  it('takes a live still from a fresh live link', async () => {
    const { adapter } = await signedIn();
    await adapter.listCameras();
    const before = sim.context.now();
    const still = await adapter.still(String(site.cameras[0]!.id), 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(jpegSize(still.jpeg).width).toBe(320);
    expect(still.timestampMs).toBeGreaterThanOrEqual(before);
  });

  it('takes a recorded still from an archive link, stamped with the time of its frame, and says when there is none', async () => {
    const { adapter, http } = await signedIn();
    const id = String(site.cameras[0]!.id);
    const at = segment.startMs + 20_500;
    const still = await adapter.recorded!.still(id, at);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBe(segment.startMs + 20_000);
    const early = await failure(adapter.recorded!.still(id, sim.context.media.historyStartMs - 3_600_000));
    expect(early.error).toMatchObject({ code: 'no-recording', message: expect.stringMatching(/^Plaza AIPIX: camera ".*" has no recording at .* \(the archive begins at /) });
    expectClean(early, http);
  });

  it('refuses a wrong password with the wrong-credentials message', async () => {
    const { adapter } = adapterFor(site.url);
    const err = await failure(adapter.signIn({ username: site.username, password: 'not-it' }));
    expect(err.error).toMatchObject({ code: 'unauthorized', message: 'Plaza AIPIX: the user name or password was not accepted.' });
    expect(isSessionExpired(err)).toBe(false);
  });

  it('ends the least recently used session once at the 419 session cap, and says so in the log', async () => {
    const first = await signedIn(capped, { id: 'one' });
    const second = await signedIn(capped, { id: 'two' });
    await second.adapter.listCameras(); // "two" is now the more recently used
    const third = await signedIn(capped, { id: 'three' });
    expect(await third.adapter.listCameras()).toHaveLength(4);
    const line = third.log.lines.find((l) => l.message.includes('session limit'));
    expect(line).toMatchObject({ level: 'info', fields: { site: 'Plaza AIPIX', leftByThisDevice: false } });
    // The removed session was "one": its next call finds the session gone.
    expect(isSessionExpired(await failure(first.adapter.listCameras()))).toBe(true);
    expect(await second.adapter.listCameras()).toHaveLength(4);
    // A new run of site "two" (same X-UUID) prefers to end the session "two" left behind.
    const again = await signedIn(capped, { id: 'two' });
    expect(again.log.lines.find((l) => l.message.includes('session limit'))?.fields).toMatchObject({ leftByThisDevice: true });
    expect(await third.adapter.listCameras()).toHaveLength(4);
  });

  it('turns a token the server forgot into sessionExpired', async () => {
    const { adapter, http } = await signedIn();
    await adapter.listCameras();
    await admin('/sessions/expire');
    for (const call of [() => adapter.listCameras(), () => adapter.still(String(site.cameras[0]!.id)), () => adapter.liveSource(String(site.cameras[0]!.id), 'main')]) {
      const err = await failure(call());
      expect(isSessionExpired(err)).toBe(true);
      expectClean(err, http);
    }
  });

  it('re-signs in once through the SiteService when the token expires mid-use', async () => {
    const log = memoryLogger();
    const service = new SiteService({ repository: new SiteRepository(join(scratch, 'sites.json')), credentials: sessionOnlyStore(), log, refreshMs: 0, httpTimeoutMs: 10_000 });
    try {
      const state = await service.addTransient({ id: 'plaza', name: 'Plaza AIPIX', kind: 'aipix', url: site.url, username: site.username }, site.password);
      expect(state).toMatchObject({ status: 'signed-in', cameraCount: 4 });
      await admin('/sessions/expire');
      const source = await service.withCamera(`plaza/${site.cameras[2]!.id}`, (adapter, id) => adapter.liveSource!(id, 'sub'));
      expect(source).toMatchObject({ kind: 'http', format: 'hls' });
      expect(log.lines.filter((l) => l.message === 'session expired; signing in again')).toHaveLength(1);
      expect(service.list()[0]!.status).toBe('signed-in');
    } finally {
      await service.dispose();
    }
  });

  it('gives a fresh HLS live link on every call that ffprobe reads; an old link stops at expired_at', async () => {
    const { adapter } = await signedIn();
    const id = String(site.cameras[0]!.id);
    const main = await adapter.liveSource(id, 'main');
    expect(main).toMatchObject({ kind: 'http', format: 'hls', headers: {} });
    const url = (main as { url: string }).url;
    expect((await ffprobe(url)).streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    const sub = (await adapter.liveSource(id, 'sub')) as { url: string };
    expect(sub.url).not.toBe(url);
    expect((await ffprobe(sub.url)).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640 });
    // The client API's links live 300 s in the simulator (the real lifetime is not published).
    skewMs += 301_000;
    try {
      expect((await fetch(url)).status).toBe(403);
      const fresh = (await adapter.liveSource(id, 'main')) as { url: string };
      expect((await fetch(fresh.url)).status).toBe(200);
    } finally {
      skewMs -= 301_000;
    }
  });

  it('names the site in server errors, dropped connections and timeouts', async () => {
    const { adapter, http } = await signedIn(site.url, { timeoutMs: 800 });
    await admin('/faults', { errorRate: 1 });
    const five = await failure(adapter.listCameras());
    expect(['bad-response', 'unreachable']).toContain(five.error.code);
    expect(five.error.message).toMatch(/HTTP 50[03]/);
    expectClean(five, http);
    await admin('/faults', { errorRate: 0, dropRate: 1 });
    const dropped = await failure(adapter.listCameras());
    expect(dropped.error.code).toBe('unreachable');
    expectClean(dropped, http);
    await admin('/faults', { dropRate: 0, latencyMs: 2000 });
    const slow = await failure(adapter.liveSource(String(site.cameras[0]!.id), 'main'));
    expect(slow.error).toMatchObject({ code: 'timeout' });
    expectClean(slow, http);
  });
});

describe('tessera CLI with an AIPIX site', () => {
  const adHoc = () => ['--kind', 'aipix', '--url', site.url, '--user', site.username, '--password-stdin', '--data-dir', scratch];

  it('lists cameras as JSON', async () => {
    const t = cliIo(site.password);
    expect(await runCli(['cameras', ...adHoc(), '--json'], t.io)).toBe(0);
    const host = new URL(site.url).host;
    expect(JSON.parse(t.out())).toEqual(site.cameras.map((c) => ({ id: String(c.id), name: c.name, status: 'online', site: host })));
  });

  it('writes a snapshot JPEG', async () => {
    const t = cliIo(site.password);
    const file = join(scratch, 'snap.jpg');
    expect(await runCli(['snapshot', ...adHoc(), '--camera', String(site.cameras[1]!.id), '-o', file], t.io)).toBe(0);
    expect(isJpeg(await readFile(file))).toBe(true);
  });

  it('exits 1 with one stderr line naming the site on a bad password', async () => {
    const t = cliIo('wrong');
    expect(await runCli(['cameras', ...adHoc(), '--json'], t.io)).toBe(1);
    const lines = t.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(new URL(site.url).host);
    expect(lines[0]).toMatch(/user name or password was not accepted/);
  });
});

describe('AIPIX adapter against misbehaving servers', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
  const routes = new Map<string, Handler>();
  let server: Server;
  let base: string;
  const secret = '7|s3cr3tT0kenValue';
  const json = (body: unknown, status = 200): Handler => (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const camera = (id: number, extra: Record<string, unknown> = {}) => ({ id, name: `Cam ${id}`, status: 'active', streams: [{ id: id * 10 + 1, type: 'high', width: 1920, height: 1080 }], ...extra });
  const page = (data: unknown[], current = 1, last = 1) => ({ data, meta: { current_page: current, last_page: last, total: data.length } });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const handler = routes.get(url.pathname);
      if (handler) handler(req, res, url);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
    base = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  });
  afterAll(() => void server.close());

  function serve(cameras: Handler | undefined, token: Handler = json({ user: { access_token_id: 'abc' }, access_token: `Bearer ${secret}` })) {
    routes.clear();
    routes.set('/api/v1/token', token);
    if (cameras) routes.set('/api/v1/cameras', cameras);
  }

  async function badList(cameras: Handler, timeoutMs = 2000): Promise<{ err: AppFailure; http: SpyHttp }> {
    serve(cameras);
    const { adapter, http } = adapterFor(base, { name: 'Bad AIPIX', timeoutMs });
    await adapter.signIn({ username: 'u', password: 'p' });
    return { err: await failure(adapter.listCameras()), http };
  }

  it.each<[string, Handler, string, RegExp]>([
    ['malformed JSON', json('{"data": [{"id": 1, "na'), 'bad-response', /page 1 of the camera list but got malformed or truncated JSON/],
    ['wrong types', json({ data: [camera(1, { status: 7 })] }), 'bad-response', /not in the expected shape \(data\.0\.status:/],
    ['missing data', json({ meta: { current_page: 1, last_page: 1 } }), 'bad-response', /not in the expected shape \(data:/],
    ['a huge page', json(page(Array.from({ length: 1001 }, (_, i) => camera(i + 1)))), 'bad-response', /\(data: .*1000/],
    ['pages without end', (_q, r, url) => json(page([camera(Number(url.searchParams.get('page')))], Number(url.searchParams.get('page')), 10_000))(_q, r, url), 'bad-response', /goes on past 50 pages/],
    ['a web page', (_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html>Login</html>'), 'bad-response', /expected page 1 of the camera list but got a web page/],
    ['HTTP 500', (_q, r) => r.writeHead(500).end('boom'), 'bad-response', /server failed while reading the camera list \(HTTP 500\)/],
    ['a 422 refusal', json({ message: 'The per page must be between 1 and 50.', errors: { per_page: ['The per page must be between 1 and 50.'] } }, 422), 'bad-request', /refused reading the camera list \(The per page must be between 1 and 50\.\)/],
  ])('gives a specific failure for %s', async (_label, handler, code, message) => {
    const { err, http } = await badList(handler);
    expect(err.error.code).toBe(code);
    expect(err.error.message).toMatch(message);
    expectClean(err, http, 'Bad AIPIX');
    expect(http.secrets.has(secret)).toBe(true);
  });

  it('follows pages, stops on a page that repeats, and times out on a silent server', async () => {
    serve((_q, r, url) => json(page([camera(Number(url.searchParams.get('page')) > 1 ? 2 : 1)], Number(url.searchParams.get('page')), 3))(_q, r, url));
    const { adapter } = adapterFor(base, { name: 'Bad AIPIX' });
    await adapter.signIn({ username: 'u', password: 'p' });
    expect((await adapter.listCameras()).map((c) => c.id)).toEqual(['1', '2']);
    const { err, http } = await badList(() => undefined, 500);
    expect(err.error).toMatchObject({ code: 'timeout', message: expect.stringMatching(/^Bad AIPIX: 127\.0\.0\.1:\d+ did not answer within 0\.5 s\.$/) });
    expectClean(err, http, 'Bad AIPIX');
  });

  it('says "too many sessions" on a 419 that lists none, and sends no doubled Bearer', async () => {
    let seen: string | undefined;
    serve(
      (req, res) => {
        seen = req.headers.authorization;
        json(page([camera(1)]))(req, res, new URL('http://x'));
      },
      json({ message: 'The number of sessions has been exceeded.' }, 419),
    );
    const { adapter } = adapterFor(base, { name: 'Bad AIPIX' });
    const err = await failure(adapter.signIn({ username: 'u', password: 'p' }));
    expect(err.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^Bad AIPIX: too many sessions are open for this user \(HTTP 419/) });
    serve(routes.get('/api/v1/cameras'), json({ access_token: secret }));
    await adapter.signIn({ username: 'u', password: 'p' });
    await adapter.listCameras();
    expect(seen).toBe(`Bearer ${secret}`);
  });

  it('refuses a token answer without a token, and names other sign-in refusals', async () => {
    serve(undefined, json({ user: {} }));
    const { adapter } = adapterFor(base, { name: 'Bad AIPIX' });
    expect((await failure(adapter.signIn({ username: 'u', password: 'p' }))).error.message).toMatch(/^Bad AIPIX: the sign-in answer is not in the expected shape \(access_token:/);
    serve(undefined, json({ message: 'Captcha required', errors: { captcha: ['The captcha field is required.'] } }, 422));
    expect((await failure(adapter.signIn({ username: 'u', password: 'p' }))).error).toMatchObject({ code: 'unauthorized', message: 'Bad AIPIX: the server refused the sign-in (The captcha field is required.).' });
  });

  it('uses the integration JPEG preview where cameras carry a UUID, and RTSP where HLS is refused', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
    let previewBody: { cameras: { uuid: string; date?: string }[]; source: string } | undefined;
    serve(json(page([camera(5, { uuid: '00000000-0000-4000-8000-00000000abcd' })])));
    routes.set('/api/v1/cameras/preview', (req, res) => {
      let text = '';
      req.on('data', (d) => (text += String(d)));
      req.on('end', () => {
        previewBody = JSON.parse(text) as typeof previewBody;
        json([{ url: `${base}/media/preview.jpg?token=linktoken123`, expired_at: '2030-01-01T00:00:00.000000Z' }])(req, res, new URL('http://x'));
      });
    });
    routes.set('/media/preview.jpg', (_q, r) => r.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
    routes.set('/api/v1/cameras/5/streams', (_q, r, url) =>
      url.searchParams.get('source') === 'hls'
        ? json({ message: 'The selected source is invalid.', errors: { source: ['The selected source is invalid.'] } }, 422)(_q, r, url)
        : json({ url: 'rtsp://127.0.0.1:8554/cam5?token=rtsptoken', fallback_url: null })(_q, r, url),
    );
    const { adapter } = adapterFor(base, { name: 'Bad AIPIX' });
    await adapter.signIn({ username: 'u', password: 'p' });
    await adapter.listCameras();
    const live = await adapter.still('5');
    expect(live.jpeg.equals(jpeg)).toBe(true);
    expect(previewBody).toMatchObject({ cameras: [{ uuid: '00000000-0000-4000-8000-00000000abcd' }], source: 'jpg' });
    expect(previewBody!.cameras[0]!.date).toBeUndefined();
    const recorded = await adapter.recorded!.still('5', Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(recorded.timestampMs).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(previewBody!.cameras[0]!.date).toBe('2026-01-02T03:04:05.678Z');
    expect(await adapter.liveSource('5', 'main')).toEqual({ kind: 'rtsp', url: 'rtsp://127.0.0.1:8554/cam5?token=rtsptoken' });
  });
});
