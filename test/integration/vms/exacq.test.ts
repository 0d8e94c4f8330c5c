// The exacqVision adapter against the real simulator over real HTTP (three servers, one per way
// a dead session shows up), through the SiteService and the CLI, and against hand-written
// misbehaving servers: every failure is a specific AppFailure naming the site, never the session.
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
import { createExacqModule, exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { exacqAdapterFactory } from '../../../main/vms/exacq/adapter.js';
import { adapterFactory } from '../../../main/vms/registry.js';
import { isSessionExpired } from '../../../main/vms/session-errors.js';
import { cliIo, expectClean, failure, isJpeg, secretWires, simAdmin, SpyHttp } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { ffprobe, jpegSize } from '../simulator/exacq-helpers.js';

type ExacqSite = SiteDescription & { cameraIds: number[]; timezoneHours: number };

let sim: SimulatorHandle;
let site: ExacqSite;
let scratch: string;
let segment: Segment;

function adapterFor(url: string, opts: { name?: string; timeoutMs?: number } = {}): { adapter: VmsAdapter; http: SpyHttp; log: ReturnType<typeof memoryLogger> } {
  const config: SiteConfig = { id: 'depot', name: opts.name ?? 'Depot exacq', kind: 'exacq', url, username: site.username };
  const http = new SpyHttp({ baseUrl: url, siteName: config.name, timeoutMs: opts.timeoutMs ?? 10_000 }, secretWires.exacq);
  const log = memoryLogger();
  return { adapter: exacqAdapterFactory.create({ site: config, http, log, now: () => sim.context.now() }), http, log };
}

async function signedIn(url = site.url, opts: { name?: string; timeoutMs?: number } = {}) {
  const made = adapterFor(url, opts);
  await made.adapter.signIn({ username: site.username, password: site.password });
  return made;
}

const admin = simAdmin(() => sim.adminUrl);

beforeAll(async () => {
  sim = await startTestSimulator(
    [
      exacqModule,
      createExacqModule({ expiryMode: 'status401', sessionIdField: 'sessionId' }, { kind: 'exacq-401', port: 'exacq-401' }),
      createExacqModule({ expiryMode: 'successFalse' }, { kind: 'exacq-false', port: 'exacq-false' }),
    ],
    { cameras: 4, rtsp: false },
  );
  site = sim.sites.exacq as ExacqSite;
  scratch = await mkdtemp(join(tmpdir(), 'tessera-exacq-'));
  const { media } = sim.context;
  segment = longestFinishedSegment(media, 0, sim.context.now());
  // Recorded stills are cut from encoded segments: pay the encoding here, not in a timed test.
  await media.recordedStill(0, segment.startMs + 20_000);
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await admin('/faults', { errorRate: 0, latencyMs: 0, dropRate: 0 });
});

describe('exacq adapter against the simulator', () => {
  it('is registered for the exacq kind (capabilities: test/unit/vms/capabilities.test.ts)', () => {
    expect(adapterFactory('exacq')).toBe(exacqAdapterFactory);
  });

  it('signs in and lists the cameras with status, sub stream sizes, codec and the site’s own UTC offset', async () => {
    const { adapter } = await signedIn();
    const cameras = await adapter.listCameras();
    expect(cameras.map((c) => c.id)).toEqual(site.cameraIds.map(String));
    expect(cameras.map((c) => c.name)).toEqual(sim.context.media.cameras.map((c) => c.name));
    for (const cam of cameras) {
      expect(cam.state).toBe('online');
      // The simulator's config.web says timezone -4 (the seed's sample).
      expect(cam.utcOffsetMinutes).toBe(-240);
      expect(cam.profiles).toEqual([
        { name: 'main', codec: 'h264' },
        { name: 'sub', width: 640, height: 360, codec: 'h264' },
      ]);
    }
    await adapter.signOut();
  });

  it('reads sessionId as well as sessionID from the login answer', async () => {
    const { adapter } = await signedIn((sim.sites['exacq-401'] as SiteDescription).url);
    expect(await adapter.listCameras()).toHaveLength(4);
  });

  it('signing in again ends the previous session on the server', async () => {
    const url = (sim.sites['exacq-401'] as SiteDescription).url;
    const { adapter, http } = await signedIn(url);
    await adapter.listCameras();
    const [first] = [...http.secrets];
    await adapter.signIn({ username: site.username, password: site.password });
    await adapter.listCameras();
    const second = [...http.secrets].find((s) => s !== first);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const configWith = (session: string) => fetch(`${url.replace(/\/+$/, '')}/v1/config.web?s=${session}&output=json`);
    expect((await configWith(first!)).status).toBe(401);
    expect((await configWith(second!)).status).toBe(200);
    await adapter.signOut();
  });

  it('shows a camera that went offline on the next list, and back online after', async () => {
    const { adapter } = await signedIn();
    await admin('/cameras/1/offline');
    try {
      const cameras = await adapter.listCameras();
      expect(cameras[1]).toMatchObject({ state: 'offline', stateDetail: expect.stringContaining('no video') });
      expect(cameras[0]!.state).toBe('online');
      const err = await failure(adapter.still(cameras[1]!.id));
      expect(err.error.code).toBe('unreachable');
      expect(err.error.message).toMatch(/^Depot exacq: .*HTTP 503/);
    } finally {
      await admin('/cameras/1/online');
    }
    expect((await adapter.listCameras())[1]!.state).toBe('online');
  });

  it('takes a live still as JPEG at the asked width', async () => {
    const { adapter } = await signedIn();
    const id = String(site.cameraIds[0]);
    const before = sim.context.now();
    const still = await adapter.still(id, 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(jpegSize(still.jpeg).width).toBe(320);
    expect(still.timestampMs).toBeGreaterThanOrEqual(before);
  });

  it('takes a recorded still inside a recorded segment, and says when there is no recording', async () => {
    const { adapter, http } = await signedIn();
    const id = String(site.cameraIds[0]);
    const at = segment.startMs + 20_500;
    const still = await adapter.recorded!.still(id, at, 320);
    expect(isJpeg(still.jpeg)).toBe(true);
    expect(still.timestampMs).toBe(Math.floor(at / 1000) * 1000);
    const early = await failure(adapter.recorded!.still(id, sim.context.media.historyStartMs - 3_600_000));
    expect(early.error.code).toBe('no-recording');
    expect(early.error.message).toMatch(/^Depot exacq: camera ".*" has no recording at \d{4}-/);
    expectClean(early, http);
  });

  it('refuses a wrong password with the wrong-credentials message', async () => {
    const { adapter } = adapterFor(site.url);
    const err = await failure(adapter.signIn({ username: site.username, password: 'not-it' }));
    expect(err.error).toMatchObject({ code: 'unauthorized', message: 'Depot exacq: the user name or password was not accepted.' });
    expect(isSessionExpired(err)).toBe(false);
  });

  it.each([
    ['HTML login page (200)', 'exacq'],
    ['HTTP 401', 'exacq-401'],
    ['success:false (200)', 'exacq-false'],
  ])('turns an expired session into sessionExpired: %s', async (_label, kind) => {
    const { adapter, http } = await signedIn((sim.sites[kind] as SiteDescription).url);
    await adapter.listCameras();
    await admin('/sessions/expire');
    for (const call of [() => adapter.listCameras(), () => adapter.still(String(site.cameraIds[0])), () => adapter.serverLayouts!()]) {
      const err = await failure(call());
      expect(isSessionExpired(err)).toBe(true);
      expectClean(err, http);
    }
    // A new sign-in works again.
    await adapter.signIn({ username: site.username, password: site.password });
    expect(await adapter.listCameras()).toHaveLength(4);
  });

  it('reads views and tours as server layouts with global camera ids', async () => {
    const { adapter } = await signedIn();
    const { layouts, tours } = await adapter.serverLayouts!();
    const ids = site.cameraIds.map((id) => `depot/${id}`);
    expect(layouts.map((l) => l.name)).toEqual(['All Cameras', 'Quad 1']);
    expect(layouts[0]).toMatchObject({ siteId: 'depot', columns: 2, rows: 2 });
    expect(layouts[0]!.tiles).toEqual([
      { x: 0, y: 0, width: 1, height: 1, cameraIds: [ids[0]] },
      { x: 1, y: 0, width: 1, height: 1, cameraIds: [ids[1]] },
      { x: 0, y: 1, width: 1, height: 1, cameraIds: [ids[2]] },
      { x: 1, y: 1, width: 1, height: 1, cameraIds: [ids[3]] },
    ]);
    expect(tours).toEqual([{ id: '1', siteId: 'depot', name: 'Quads', steps: [{ layoutId: layouts[1]!.id, cameraIds: ids, dwellMs: 10_000 }] }]);
  });

  it('gives a native H.264 live source that ffprobe reads, main and sub', async () => {
    const { adapter } = await signedIn();
    const id = String(site.cameraIds[0]);
    const main = await adapter.liveSource!(id, 'main');
    expect(main).toMatchObject({ kind: 'http', format: 'h264', headers: {} });
    const url = (main as { url: string }).url;
    expect(url).toContain(`camera=${id}`);
    expect(url).toContain('format=5');
    const probe = await ffprobe(url, ['-f', 'h264', '-analyzeduration', '1000000']);
    expect(probe.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'h264', width: 1280, height: 720 });
    const sub = (await adapter.liveSource!(id, 'sub')) as { url: string };
    expect(sub.url).toContain(`camera=${Number(id) + 1}`);
    expect((await ffprobe(sub.url, ['-f', 'h264', '-analyzeduration', '1000000'])).streams[0]).toMatchObject({ codec_name: 'h264', width: 640 });
  });

  it('re-signs in once through the SiteService when the session expires mid-use', async () => {
    const log = memoryLogger();
    const service = new SiteService({ repository: new SiteRepository(join(scratch, 'sites.json')), credentials: sessionOnlyStore(), log, refreshMs: 0, httpTimeoutMs: 10_000 });
    try {
      const state = await service.addTransient({ id: 'depot', name: 'Depot exacq', kind: 'exacq', url: site.url, username: site.username }, site.password);
      expect(state).toMatchObject({ status: 'signed-in', cameraCount: 4 });
      await admin('/sessions/expire');
      const still = await service.withCamera(`depot/${site.cameraIds[2]}`, (adapter, id) => adapter.still(id));
      expect(isJpeg(still.jpeg)).toBe(true);
      expect(log.lines.filter((l) => l.message === 'session expired; signing in again')).toHaveLength(1);
      await admin('/sessions/expire');
      const { layouts } = await service.withSite('depot', (adapter) => adapter.serverLayouts!());
      expect(layouts).toHaveLength(2);
      expect(service.list()[0]!.status).toBe('signed-in');
    } finally {
      await service.dispose();
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
    const dropped = await failure(adapter.still(String(site.cameraIds[0])));
    expect(dropped.error.code).toBe('unreachable');
    expectClean(dropped, http);
    await admin('/faults', { dropRate: 0, latencyMs: 2000 });
    const slow = await failure(adapter.listCameras());
    expect(slow.error).toMatchObject({ code: 'timeout' });
    expectClean(slow, http);
  });
});

describe('tessera CLI with an exacq site', () => {
  const adHoc = () => ['--kind', 'exacq', '--url', site.url, '--user', site.username, '--password-stdin', '--data-dir', scratch];

  it('lists cameras as JSON', async () => {
    const t = cliIo(site.password);
    expect(await runCli(['cameras', ...adHoc(), '--json'], t.io)).toBe(0);
    const rows = JSON.parse(t.out()) as { id: string; name: string; status: string; site: string }[];
    const host = new URL(site.url).host;
    expect(rows).toEqual(site.cameraIds.map((id, i) => ({ id: String(id), name: sim.context.media.cameras[i]!.name, status: 'online', site: host })));
  });

  it('writes a snapshot JPEG', async () => {
    const t = cliIo(site.password);
    const file = join(scratch, 'snap.jpg');
    expect(await runCli(['snapshot', ...adHoc(), '--camera', String(site.cameraIds[1]), '-o', file], t.io)).toBe(0);
    expect(isJpeg(await readFile(file))).toBe(true);
  });

  it('exits 1 with one stderr line naming the site on a bad password', async () => {
    const t = cliIo('wrong');
    expect(await runCli(['cameras', ...adHoc(), '--json'], t.io)).toBe(1);
    const lines = t.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(new URL(site.url).host);
    expect(lines[0]).toMatch(/user name or password was not accepted/);
    expect(t.out()).toBe('');
  });
});

describe('exacq adapter against misbehaving servers', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const routes = new Map<string, Handler>();
  let server: Server;
  let base: string;
  const sessionId = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
  const json = (body: unknown, status = 200): Handler => (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const camera = (id: number) => ({ id, name: `Cam ${id}`, state: 0, disabled: 0, formats: [5, 6] });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const handler = routes.get(new URL(req.url!, 'http://x').pathname);
      if (handler) handler(req, res);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"success":false,"error":"no such endpoint"}');
    });
    base = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  });
  afterAll(() => void server.close());

  function bad(config: Handler | undefined, login: Handler = json({ success: true, sessionId })) {
    routes.clear();
    routes.set('/v1/login.web', login);
    if (config) routes.set('/v1/config.web', config);
  }

  async function badList(config: Handler, timeoutMs = 2000): Promise<{ err: AppFailure; http: SpyHttp }> {
    bad(config);
    const { adapter, http } = adapterFor(base, { name: 'Bad exacq', timeoutMs });
    await adapter.signIn({ username: 'u', password: 'p' });
    return { err: await failure(adapter.listCameras()), http };
  }

  it.each<[string, Handler, string, RegExp]>([
    ['malformed JSON', json('{"timezone": -4, "Cameras": [{"id": 1, "na'), 'bad-response', /camera list \(config\.web\) but got malformed or truncated JSON/],
    ['an empty answer', json(''), 'bad-response', /got an empty answer/],
    ['wrong types', json({ timezone: 'minus four', Cameras: [camera(1)] }), 'bad-response', /not in the expected shape \(timezone:/],
    ['a camera without an id', json({ timezone: -4, Cameras: [{ name: 'No id' }] }), 'bad-response', /a camera has no id/],
    ['no camera list', json({ timezone: -4, name: 'x' }), 'bad-response', /no Cameras list/],
    ['a huge list', json({ timezone: -4, Cameras: Array.from({ length: 5001 }, (_, i) => camera(i)) }), 'bad-response', /Cameras: .*5000/],
    ['HTTP 500', (_q, r) => r.writeHead(500, { 'content-type': 'text/plain' }).end('boom'), 'bad-response', /server failed while reading the camera list \(HTTP 500\)/],
    ['a 400 refusal', json({ success: false, error: 'Invalid Request' }, 400), 'bad-response', /refused reading the camera list \(HTTP 400: Invalid Request\)/],
  ])('gives a specific failure for %s', async (_label, handler, code, message) => {
    const { err, http } = await badList(handler);
    expect(err.error.code).toBe(code);
    expect(err.error.message).toMatch(message);
    expectClean(err, http, 'Bad exacq');
    expect(http.secrets.has(sessionId)).toBe(true);
  });

  it('times out on a server that never answers', async () => {
    const { err, http } = await badList(() => undefined, 500);
    expect(err.error).toMatchObject({ code: 'timeout', message: expect.stringMatching(/^Bad exacq: 127\.0\.0\.1:\d+ did not answer within 0\.5 s\.$/) });
    expectClean(err, http, 'Bad exacq');
  });

  it('says the address is wrong when a web page answers the login', async () => {
    bad(undefined, (_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html>exacqVision Web Client</html>'));
    const { adapter } = adapterFor(base, { name: 'Bad exacq' });
    const err = await failure(adapter.signIn({ username: 'u', password: 'p' }));
    expect(err.error).toMatchObject({ code: 'bad-response', message: expect.stringMatching(/^Bad exacq: no exacqVision Web Service answers at this address/) });
  });

  it('refuses a login answer without a session id, and a JPEG endpoint that sends something else', async () => {
    bad(json({ timezone: 0, Cameras: [camera(7)] }), json({ success: true }));
    const first = adapterFor(base, { name: 'Bad exacq' });
    expect((await failure(first.adapter.signIn({ username: 'u', password: 'p' }))).error.message).toBe('Bad exacq: the sign-in answer has no session id.');
    bad(json({ timezone: 0, Cameras: [camera(7)] }));
    routes.set('/v1/video.web', (_q, r) => r.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from('not a jpeg')));
    const { adapter, http } = adapterFor(base, { name: 'Bad exacq' });
    await adapter.signIn({ username: 'u', password: 'p' });
    const err = await failure(adapter.still('7'));
    expect(err.error.message).toMatch(/^Bad exacq: expected the live picture of camera 7 as a JPEG but got application\/octet-stream, 10 bytes/);
    expectClean(err, http, 'Bad exacq');
  });
});
