/**
 * Live video through the broker with REAL ffmpeg against the REAL simulator: RTSP, Eagle Eye
 * live FLV, exacq native H.264 and AIPIX HLS are remuxed to fMP4 and the output is decoded.
 * Sub streams (640x360) of cameras 1–3 only: camera 0 runs a live x264 encoder in the simulator
 * and the machine has 2 cores. Measured numbers are printed (console.info) for the report.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaBroker } from '../../../main/media/media-broker.js';
import type { Upstream } from '../../../main/media/upstream.js';
import { aipixModule } from '../../../simulator/aipix/index.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import type { LiveSource } from '../../../main/media/sources.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { aipixLiveHls, cpuPercent, decode, eenLiveFlv, eenLogin, eenSessionValid, exacqLogin, RecordingSink, waitForState } from './helpers.js';

let sim: SimulatorHandle;
/** Serves an HEVC camera stream (MPEG-TS over HTTP) made with libx265 in beforeAll. */
let hevcServer: Server;
let scratch: string;
let broker: MediaBroker;
let een: SiteDescription;
let eenSession: { authKey: string; userId: string };
let eenLogins = 0;
const log = memoryLogger();
/** cameraId → how the "adapter" finds its live source. */
const sources = new Map<string, () => Promise<LiveSource>>();

function rtspSub(index: number): () => Promise<LiveSource> {
  return async () => ({ kind: 'rtsp', url: sim.context.media.rtspUrl(index, 'sub')! });
}

/** Opens a viewer and fetches it at once, as a tile does. */
function watch(cameraId: string): { streamId: string; sink: RecordingSink; openedAtMs: number } {
  const openedAtMs = Date.now();
  const { streamId } = broker.open(cameraId, 'sub');
  const sink = new RecordingSink();
  expect(broker.attach(streamId, sink)).not.toBeNull();
  return { streamId, sink, openedAtMs };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-media-'));
  sim = await startTestSimulator([eagleEyeV1Module, exacqModule, aipixModule], { cameras: 4 });
  een = sim.sites['eagleeye-v1'] as SiteDescription;
  eenSession = await eenLogin(een);
  eenLogins = 1;
  const exacq = sim.sites.exacq as SiteDescription;
  const exacqSession = await exacqLogin(exacq);
  const exacqCameras = exacq.cameraIds as number[];
  sources.set('rtsp/1', rtspSub(1));
  sources.set('rtsp/2', rtspSub(2));
  sources.set('rtsp/3', rtspSub(3));
  // Like the Eagle Eye adapter: check the session, sign in again when it expired.
  sources.set('een/1', async () => {
    if (!(await eenSessionValid(een, eenSession.authKey))) {
      eenSession = await eenLogin(een);
      eenLogins += 1;
    }
    return eenLiveFlv(een, eenSession, sim.context.media.cameras[1]!.esn, 'sub');
  });
  // exacq lists each sub stream as camera id + 1 (showAll).
  sources.set('exacq/3', async () => ({ kind: 'http', format: 'h264', url: `${exacq.url}/v1/video.web?s=${exacqSession}&camera=${exacqCameras[3]! + 1}&format=5`, headers: {} }));
  sources.set('aipix/1', () => aipixLiveHls(sim.sites.aipix as SiteDescription, 2));
  // An H.265 camera: 6 s of 320x180 (cheap to re-encode), served as MPEG-TS over HTTP.
  const hevcFile = join(scratch, 'hevc.ts');
  await promisify(execFile)(process.env.FFMPEG_BIN ?? 'ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '6', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-g', '25', '-f', 'mpegts', hevcFile], { timeout: 60_000 });
  hevcServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    createReadStream(hevcFile).pipe(res);
  });
  await new Promise<void>((resolve) => hevcServer.listen(0, '127.0.0.1', resolve));
  sources.set('hevc/1', async () => ({ kind: 'http', format: 'mpegts', url: `http://127.0.0.1:${(hevcServer.address() as AddressInfo).port}/live.ts`, headers: {} }));
  broker = new MediaBroker({
    resolve: (cameraId) => {
      const source = sources.get(cameraId);
      return source ? source() : Promise.reject(new Error(`no camera ${cameraId}`));
    },
    log,
    lingerMs: 2_000,
  });
});

afterAll(async () => {
  await broker?.dispose();
  await sim?.stop();
  await new Promise((resolve) => (hevcServer ? hevcServer.close(resolve) : resolve(undefined)));
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('live video through the broker (real ffmpeg, real simulator)', () => {
  it('RTSP: remuxes the sub stream; the output decodes at 640x360; a second viewer starts at once from the GOP cache', async () => {
    // Camera 2 has a 4 s GOP: without the cache a second viewer would wait up to 4 s.
    const first = watch('rtsp/2');
    await first.sink.fragments(60, 30_000);
    const ttfbMs = first.sink.openedAtMs! - first.openedAtMs;
    const ttffMs = first.sink.firstFragmentAtMs! - first.openedAtMs;
    expect(first.sink.contentType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
    const decoded = await decode(first.sink.lastSession(), scratch, 'rtsp');
    expect(decoded).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(decoded.frames).toBeGreaterThanOrEqual(50);
    const state = await waitForState(broker, first.streamId, (s) => s.status === 'playing' && s.info.fps !== undefined, 10_000, 'playing with stats');
    expect(state.info).toMatchObject({ width: 640, height: 360, transcoded: false });

    const secondAt = Date.now();
    const second = watch('rtsp/2');
    const secondTtfbMs = second.sink.openedAtMs! - secondAt;
    const secondFirstFragmentMs = second.sink.firstFragmentAtMs! - secondAt;
    expect(secondFirstFragmentMs).toBeLessThan(250); // well under one GOP (4000 ms)
    expect(broker.viewerStats(second.streamId)!.cachedFragmentsSent).toBeGreaterThan(0);
    await second.sink.fragments(second.sink.fragmentCount + 25, 10_000);
    expect(second.sink.everySessionStartsOnKeyframe()).toBe(true);
    const secondDecoded = await decode(second.sink.lastSession(), scratch, 'rtsp-second');
    expect(secondDecoded.frames).toBeGreaterThan(20);
    expect(broker.upstreamKeys().filter((k) => k.startsWith('rtsp/2')).length).toBe(1);

    const gopMs = (await waitForState(broker, first.streamId, (s) => s.info.gopMs !== undefined, 15_000, 'a measured GOP')).info.gopMs;
    const pid = (broker.upstreamOf(first.streamId) as Upstream).pid!;
    const cpu = await cpuPercent(pid, 5_000);
    console.info(`[media] RTSP sub: first viewer headers ${ttfbMs} ms, first fragment ${ttffMs} ms; second viewer headers ${secondTtfbMs} ms, first fragment ${secondFirstFragmentMs} ms (GOP ${gopMs} ms); remux CPU ${cpu.toFixed(2)} % of a core`);
    expect(cpu).toBeLessThan(10);
    broker.close(first.streamId);
    broker.close(second.streamId);
  });

  it('Eagle Eye live FLV: H.264 + AAC remuxed, both tracks in the codecs string', async () => {
    const viewer = watch('een/1');
    await viewer.sink.fragments(60, 30_000);
    expect(viewer.sink.contentType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);
    const decoded = await decode(viewer.sink.lastSession(), scratch, 'flv');
    expect(decoded).toMatchObject({ codec: 'h264', width: 640, height: 360, audio: 'aac' });
    expect(decoded.frames).toBeGreaterThan(20);
    console.info(`[media] FLV: first fragment ${viewer.sink.firstFragmentAtMs! - viewer.openedAtMs} ms`);
    broker.close(viewer.streamId);
  });

  it('exacq native H.264 (raw Annex-B over HTTP)', async () => {
    const viewer = watch('exacq/3');
    await viewer.sink.fragments(50, 30_000);
    const decoded = await decode(viewer.sink.lastSession(), scratch, 'exacq');
    expect(decoded).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(decoded.frames).toBeGreaterThan(20);
    console.info(`[media] exacq H.264: first fragment ${viewer.sink.firstFragmentAtMs! - viewer.openedAtMs} ms`);
    broker.close(viewer.streamId);
  });

  it('AIPIX live HLS (MPEG-TS segments, ADTS AAC): the AAC config reaches the init segment', async () => {
    const viewer = watch('aipix/1');
    await viewer.sink.fragments(60, 40_000);
    // Without the AudioSpecificConfig in the esds the codecs say "mp4a.40", which MSE refuses.
    expect(viewer.sink.contentType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);
    const decoded = await decode(viewer.sink.lastSession(), scratch, 'hls');
    expect(decoded).toMatchObject({ codec: 'h264', width: 640, height: 360, audio: 'aac' });
    expect(decoded.frames).toBeGreaterThan(20);
    console.info(`[media] HLS: first fragment ${viewer.sink.firstFragmentAtMs! - viewer.openedAtMs} ms`);
    broker.close(viewer.streamId);
  });
});

describe('codecs the player cannot decode', () => {
  it('HEVC camera: re-encoded to H.264 (info says so and why); the output decodes', async () => {
    const viewer = watch('hevc/1');
    await viewer.sink.fragments(25, 30_000);
    expect(viewer.sink.contentType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
    const decoded = await decode(viewer.sink.lastSession(), scratch, 'hevc');
    expect(decoded).toMatchObject({ codec: 'h264', width: 320, height: 180 });
    expect(decoded.frames).toBeGreaterThanOrEqual(25);
    const state = broker.states().find((s) => s.streamId === viewer.streamId)!;
    expect(state.info).toMatchObject({ transcoded: true, transcodeReason: 'the camera sends H.265 (HEVC), which the player cannot decode; Tessera converts it to H.264' });
    broker.close(viewer.streamId);
  });
});

describe('recovery (real faults)', () => {
  it('ffmpeg killed → retrying with a reason → playing again by itself, with a new init segment', async () => {
    const viewer = watch('rtsp/3');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing');
    const upstream = broker.upstreamOf(viewer.streamId) as Upstream;
    const killedAt = Date.now();
    process.kill(upstream.pid!, 'SIGKILL');
    const retrying = await waitForState(broker, viewer.streamId, (s) => s.status === 'retrying', 10_000, 'retrying');
    expect(retrying.reason).toBe('the video process stopped unexpectedly (SIGKILL)');
    expect(retrying.retryAtMs).toBeGreaterThan(killedAt);
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing again');
    const recoveredMs = Date.now() - killedAt;
    const fragmentsBefore = viewer.sink.fragmentCount;
    await viewer.sink.fragments(fragmentsBefore + 25, 10_000);
    expect(viewer.sink.initCount).toBe(2);
    expect(viewer.sink.everySessionStartsOnKeyframe()).toBe(true);
    expect((await decode(viewer.sink.lastSession(), scratch, 'after-kill')).frames).toBeGreaterThan(10);
    console.info(`[media] recovery after SIGKILL of ffmpeg: ${recoveredMs} ms to playing`);
    broker.close(viewer.streamId);
  });

  it('camera offline (simulator admin) → retrying with the reason → online → playing', async () => {
    const viewer = watch('een/1');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing');
    const offlineAt = Date.now();
    expect((await fetch(`${sim.adminUrl}/cameras/1/offline`, { method: 'POST' })).status).toBe(200);
    try {
      const retrying = await waitForState(broker, viewer.streamId, (s) => s.status === 'retrying', 20_000, 'retrying');
      console.info(`[media] camera offline noticed after ${Date.now() - offlineAt} ms: "${retrying.reason}"`);
      // The live FLV ends when the camera drops; the next attempt is answered 404.
      await waitForState(broker, viewer.streamId, (s) => s.status === 'retrying' && s.reason === 'camera offline (the server has no video for it)', 20_000, 'the offline reason');
    } finally {
      await fetch(`${sim.adminUrl}/cameras/1/online`, { method: 'POST' });
    }
    const onlineAt = Date.now();
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 45_000, 'playing after the camera came back');
    console.info(`[media] camera back online → playing in ${Date.now() - onlineAt} ms (bounded by the backoff step, ≤ 30 s)`);
    const before = viewer.sink.fragmentCount;
    await viewer.sink.fragments(before + 25, 10_000);
    expect((await decode(viewer.sink.lastSession(), scratch, 'after-offline')).frames).toBeGreaterThan(10);
    broker.close(viewer.streamId);
  });

  it('RTSP camera offline: the stalled session is noticed by the watchdog', async () => {
    const viewer = watch('rtsp/1');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing');
    const offlineAt = Date.now();
    await fetch(`${sim.adminUrl}/cameras/1/offline`, { method: 'POST' });
    try {
      const retrying = await waitForState(broker, viewer.streamId, (s) => s.status === 'retrying', 20_000, 'retrying');
      // Whichever notices first: the watchdog, or ffmpeg's own read timeout (seen once on a loaded CI run).
      expect(retrying.reason).toMatch(/^stalled: no video for \d+ s$|^camera offline|^connection lost$|^the camera ended the stream$|^the camera did not answer in time$/);
      console.info(`[media] RTSP camera offline → retrying after ${Date.now() - offlineAt} ms: "${retrying.reason}"`);
    } finally {
      await fetch(`${sim.adminUrl}/cameras/1/online`, { method: 'POST' });
    }
    const onlineAt = Date.now();
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 45_000, 'playing after the camera came back');
    console.info(`[media] RTSP camera back online → playing in ${Date.now() - onlineAt} ms`);
    broker.close(viewer.streamId);
  });

  it('sessions expired at the VMS → the next attempt signs in again and plays', async () => {
    const viewer = watch('een/1');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing');
    const loginsBefore = eenLogins;
    expect((await fetch(`${sim.adminUrl}/sessions/expire`, { method: 'POST' })).status).toBe(200);
    expect(await eenSessionValid(een, eenSession.authKey)).toBe(false);
    // The open FLV connection survives the expiry; a reconnect must not (kill the process to force one).
    const expiredAt = Date.now();
    process.kill((broker.upstreamOf(viewer.streamId) as Upstream).pid!, 'SIGKILL');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'retrying', 10_000, 'retrying');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing with a new session');
    expect(eenLogins).toBe(loginsBefore + 1);
    console.info(`[media] session expired + reconnect → playing in ${Date.now() - expiredAt} ms`);
    broker.close(viewer.streamId);
  });

  it('a stale cookie is answered 401: "sign-in expired", then a new sign-in plays', async () => {
    // An adapter that does not check its session first: the media server says it.
    let session = await eenLogin(een);
    let fresh = false;
    sources.set('een-stale/1', async () => {
      if (fresh) session = await eenLogin(een);
      fresh = true;
      return eenLiveFlv(een, session, sim.context.media.cameras[1]!.esn, 'sub');
    });
    fresh = false;
    await fetch(`${sim.adminUrl}/sessions/expire`, { method: 'POST' });
    const viewer = watch('een-stale/1');
    const retrying = await waitForState(broker, viewer.streamId, (s) => s.status === 'retrying', 20_000, 'retrying');
    expect(retrying.reason).toBe('sign-in expired');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing after signing in again');
    broker.close(viewer.streamId);
  });
});

describe('linger and shutdown', () => {
  it('stops the upstream a little after its last viewer left', async () => {
    const viewer = watch('rtsp/3');
    await waitForState(broker, viewer.streamId, (s) => s.status === 'playing', 30_000, 'playing');
    const pid = (broker.upstreamOf(viewer.streamId) as Upstream).pid!;
    broker.close(viewer.streamId);
    expect(broker.upstreamKeys()).toContain('rtsp/3|sub');
    const deadline = Date.now() + 10_000;
    while (broker.upstreamKeys().includes('rtsp/3|sub') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(broker.upstreamKeys()).not.toContain('rtsp/3|sub');
    // The process is gone (SIGTERM, or SIGKILL after 2 s).
    const exitDeadline = Date.now() + 5_000;
    let alive = true;
    while (alive && Date.now() < exitDeadline) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });
});
