// Looking back through a real serve bridge against the simulator's Eagle Eye v1 site (its
// recorded.ts, the timecode of every simulated frame): recordings:coverage, playback:open whose
// stream's first frame shows exactly the wall time its media time maps to, playback:state events,
// the recorded still GET on the media socket with its frameTimeMs, and clear refusals (unknown
// camera, an RTSP camera without recordings, the future, a malformed still query).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Fmp4Splitter, parseInit, type InitInfo } from '../../../common/mp4/index.js';
import { compose, type Services } from '../../../main/compose.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { decodeTimeOf } from '../../../main/playback/decode-times.js';
import { createServeShell } from '../../../main/serve/serve-shell.js';
import { startServeServer, type ServeHandle } from '../../../main/serve/server.js';
import { recordedStillPath, type Coverage, type MediaSocketHead, type PlaybackSession, type PlaybackState } from '../../../preload/contract/index.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { BridgeSession } from '../../support/bridge-session.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodeOfJpeg, timecodesOfVideo } from '../../support/timecode.js';
import { waitUntil } from '../../support/wait-until.js';

const token = 'playback-test-token';
let sim: SimulatorHandle;
let services: Services;
let serve: ServeHandle;
let bridge: BridgeSession;
let scratch: string;
let cameraId: string;
let rtspCameraId: string;
const camIndex = 1;

interface Reading {
  head: Promise<MediaSocketHead>;
  bytes: Buffer[];
  closed: Promise<number>;
  close(): void;
}

/** A media socket as the page opens it: the head, then binary messages. */
function openSocket(path: string): Reading {
  const socket = new WebSocket(`ws://127.0.0.1:${serve.port}/${path}${path.includes('?') ? '&' : '?'}token=${token}`, { headers: { origin: `http://127.0.0.1:${serve.port}` } });
  const bytes: Buffer[] = [];
  let headSeen: (head: MediaSocketHead) => void;
  const head = new Promise<MediaSocketHead>((resolve) => (headSeen = resolve));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (binary) bytes.push(data);
    else headSeen(JSON.parse(String(data)) as MediaSocketHead);
  });
  return { head, bytes, closed, close: () => socket.close(1000) };
}

/** Wall times of the fragments received, by the session's mapping. */
function wallTimes(bytes: Buffer[], originMs: number): { init: InitInfo | null; walls: number[] } {
  let init: InitInfo | null = null;
  const walls: number[] = [];
  for (const s of new Fmp4Splitter().push(Buffer.concat(bytes))) {
    if (s.kind === 'init') init = parseInit(s.bytes);
    else if (init?.video) walls.push(originMs + (decodeTimeOf(s.bytes, init.video.id) * 1000) / init.video.timescale);
  }
  return { init, walls };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-serve-playback-'));
  sim = await startTestSimulator([eagleEyeV1Module], { cameras: 3 });
  services = await compose({ dataDir: join(scratch, 'data'), shell: createServeShell(1), log: memoryLogger(), credentials: sessionOnlyStore() });
  const een = sim.sites['eagleeye-v1'] as SiteDescription;
  const site = await services.sites.add({ name: 'Sim EEN', kind: 'eagleeye-v1', url: een.url, username: een.username, password: een.password, savePassword: false });
  expect(site.status).toBe('signed-in');
  const esn = sim.context.media.cameras[camIndex]!.esn;
  cameraId = services.sites.cameras().find((c) => c.id.endsWith(`/${esn}`))!.id;
  // Nothing listens on port 9: the RTSP camera is known, and has no recordings.
  await services.sites.add({ name: 'Gate', kind: 'rtsp', url: '', username: '', password: '', savePassword: false, rtspCameras: [{ name: 'Gate', url: 'rtsp://127.0.0.1:9/none' }] });
  rtspCameraId = services.sites.cameras().find((c) => c.siteName === 'Gate')!.id;
  serve = await startServeServer({ host: '127.0.0.1', port: 0, rendererDir: scratch, services, log: memoryLogger(), token });
  bridge = await BridgeSession.connect({ url: `http://127.0.0.1:${serve.port}/?token=${token}`, token });
}, 180_000);

afterAll(async () => {
  bridge?.close();
  await serve?.close();
  await services?.dispose();
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('looking back in serve mode', { timeout: 240_000 }, () => {
  it('coverage over the bridge: the simulator’s recordings in the window', async () => {
    const segment = longestFinishedSegment(sim.context.media, camIndex, sim.context.now());
    const coverage = await bridge.value<Coverage>('recordings:coverage', { cameraId, fromMs: segment.startMs - 60_000, toMs: segment.endMs });
    expect(coverage.cameraId).toBe(cameraId);
    expect(coverage.periods.some((p) => p.fromMs <= segment.startMs + 1_000 && p.toMs >= segment.endMs - 1_000)).toBe(true);
  });

  it('playback:open at T: the first frame’s timecode is the wall time its media time maps to; state events say playing', async () => {
    const segment = longestFinishedSegment(sim.context.media, camIndex, sim.context.now());
    const at = segment.startMs + 42_300;
    const opened = await bridge.value<PlaybackSession>('playback:open', { cameraId, atMs: at, profile: 'sub' });
    expect(opened.path).toBe(`media/playback/${opened.playbackId}`);
    const reading = openSocket(opened.path);
    const failed = (): PlaybackState | undefined => services.playback.states().find((s) => s.status === 'failed');
    const { walls } = await waitUntil('30 fragments', 150_000, () => {
      if (failed()) throw new Error(`the playback failed: ${failed()!.reason}`);
      const got = wallTimes(reading.bytes, opened.originMs);
      return got.walls.length >= 30 ? got : undefined;
    });
    expect(await reading.head).toMatchObject({ status: 200, contentType: expect.stringMatching(/^video\/mp4; codecs="avc1\./) });
    // The stream starts at the keyframe at or before T, within one GOP.
    expect(walls[0]!).toBeLessThanOrEqual(at);
    expect(at - walls[0]!).toBeLessThan(sim.context.media.cameras[camIndex]!.gopSeconds * 1000);
    const file = join(scratch, 'playback.mp4');
    await writeFile(file, Buffer.concat(reading.bytes));
    const codes = await timecodesOfVideo(file, { count: 20 });
    console.info(`[playback] serve: first frame ${new Date(walls[0]!).toISOString()}, timecodes of the first 3: ${codes.slice(0, 3).join(', ')}`);
    expect(codes[0]).toBe(walls[0]);
    // Frame n of the stream shows wall time walls[0] + n × 100 ms (10 fps), by its picture.
    expect(codes[19]).toBe(walls[0]! + 1_900);
    await waitUntil('a playing state event', 10_000, () =>
      bridge.eventsOf('playback:state').some((e) => (e.payload as PlaybackState[]).some((s) => s.playbackId === opened.playbackId && s.status === 'playing')) || undefined,
    );
    expect(await bridge.value('playback:step', { playbackId: opened.playbackId, direction: 1 })).toEqual({ by: 'player', frameMs: 100 });
    expect(await bridge.value('playback:close', { playbackId: opened.playbackId })).toBeNull();
    expect(await reading.closed).toBe(1000);
  });

  it('a time in a planned gap opens in state gap naming where recording resumes, then plays from there', async () => {
    const media = sim.context.media;
    const now = sim.context.now();
    const segments = media.segments(camIndex, media.historyStartMs, now).sort((a, b) => a.startMs - b.startMs);
    const i = segments.findIndex((seg, k) => k + 1 < segments.length && segments[k + 1]!.startMs - seg.endMs > 20_000 && segments[k + 1]!.endMs < now - 60_000);
    if (i < 0) throw new Error('the simulator planned no gap in this camera’s recording');
    const resume = segments[i + 1]!.startMs;
    const opened = await bridge.value<PlaybackSession>('playback:open', { cameraId, atMs: segments[i]!.endMs + 10_000, profile: 'sub' });
    await waitUntil('state gap', 30_000, () => services.playback.states().find((s) => s.playbackId === opened.playbackId && s.status === 'gap') ?? undefined).then((state) =>
      expect(state.nextRecordingMs).toBe(resume),
    );
    const reading = openSocket(opened.path);
    const { walls } = await waitUntil('fragments after the gap', 150_000, () => {
      const got = wallTimes(reading.bytes, opened.originMs);
      return got.walls.length >= 5 ? got : undefined;
    });
    expect(walls[0]!).toBeGreaterThanOrEqual(resume);
    expect(walls[0]! - resume).toBeLessThan(media.cameras[camIndex]!.gopSeconds * 1000);
    await waitUntil('state playing', 10_000, () => services.playback.states().find((s) => s.playbackId === opened.playbackId && s.status === 'playing'));
    await bridge.value('playback:close', { playbackId: opened.playbackId });
  });

  it('the recorded still GET: the JPEG with the time it shows, which its timecode confirms', async () => {
    const segment = longestFinishedSegment(sim.context.media, camIndex, sim.context.now());
    const at = segment.startMs + 100_500;
    const reading = openSocket(recordedStillPath({ cameraId, atMs: at, width: 640 }));
    const head = await reading.head;
    expect(head).toMatchObject({ status: 200, contentType: 'image/jpeg', frameTimeMs: expect.any(Number) });
    expect(await reading.closed).toBe(1000);
    const jpeg = Buffer.concat(reading.bytes);
    // The picture showing at T (v1 previews come about once a second), stamped with its time.
    const shown = (await timecodeOfJpeg(jpeg))!;
    expect(shown).toBeLessThanOrEqual(at);
    expect(at - shown).toBeLessThan(1_000);
    expect(Math.abs(head.frameTimeMs! - shown)).toBeLessThan(1_000);
  });

  it('refuses clearly: unknown camera, a camera without recordings, the future, a malformed still query', async () => {
    const at = sim.context.now() - 600_000;
    expect(await bridge.call('playback:open', { cameraId: 'nowhere/1', atMs: at })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const rtsp = await bridge.call('playback:open', { cameraId: rtspCameraId, atMs: at });
    expect(rtsp).toMatchObject({ ok: false, error: { code: 'not-recorded', message: expect.stringContaining('Gate: this site has no recordings') } });
    expect(await bridge.call('recordings:coverage', { cameraId: rtspCameraId, fromMs: at, toMs: at + 60_000 })).toMatchObject({ ok: false, error: { code: 'not-recorded' } });
    const future = await bridge.call('playback:open', { cameraId, atMs: Date.now() + 3_600_000 });
    expect(future).toMatchObject({ ok: false, error: { code: 'no-recording', message: expect.stringContaining('in the future') } });
    const rtspStill = openSocket(recordedStillPath({ cameraId: rtspCameraId, atMs: at }));
    expect(await rtspStill.head).toMatchObject({ status: 404, code: 'not-recorded' });
    const bad = openSocket(`media/still?camera=${encodeURIComponent(cameraId)}&at=soon`);
    expect(await bad.head).toMatchObject({ status: 400, code: 'bad-request', text: expect.stringContaining('at ') });
    expect(await bad.closed).toBe(1000);
    // Nothing was left open by the refusals.
    expect(services.playback.states()).toEqual([]);
  });
});
