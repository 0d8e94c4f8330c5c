/**
 * The whole main-process path in serve mode: compose() with a real RTSP site on the simulator,
 * media:open over the WebSocket bridge, the stream's own WebSocket (media/stream/<id>, token
 * cookie), decoded frames, the GOP cache for a second tile, media:state events, close = media:close,
 * linger, more streams at once than a browser's 6 HTTP connections per host, and back-pressure
 * against a reader that does not read (Electron Response; the socket's in test/unit/media/ws-stream.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { MediaSocketHead, StreamState } from '../../../preload/contract/index.js';
import { compose, type Services } from '../../../main/compose.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { Fmp4Splitter, parseFragment, parseInit, type InitInfo } from '../../../common/mp4/index.js';
import { mediaResponse } from '../../../main/media/http-stream.js';
import { createServeShell } from '../../../main/serve/serve-shell.js';
import { startServeServer, type ServeHandle } from '../../../main/serve/server.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { decode } from './helpers.js';

const token = 'media-test-token';
let sim: SimulatorHandle;
let services: Services;
let serve: ServeHandle;
let scratch: string;
let cameraId: string;
let ws: WebSocket;
let nextId = 1;
const states: StreamState[][] = [];
const log = memoryLogger();

function call<T>(channel: string, input?: unknown): Promise<{ ok: boolean; value?: T; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${channel} in 10 s`)), 10_000);
    const onMessage = (raw: Buffer): void => {
      const message = JSON.parse(String(raw)) as { id?: number; result?: never };
      if (message.id !== id) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(message.result!);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, input }));
  });
}

/** Waits (bounded) for a media:state event over the bridge that satisfies `ok`. */
function stateEvent(ok: (states: StreamState[]) => boolean, timeoutMs: number, what: string): Promise<StreamState[]> {
  const seen = states.find(ok);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no media:state with ${what} within ${timeoutMs} ms; last: ${JSON.stringify(states.at(-1))}`)), timeoutMs);
    const onMessage = (raw: Buffer): void => {
      const message = JSON.parse(String(raw)) as { event?: string; payload?: StreamState[] };
      if (message.event === 'media:state' && ok(message.payload!)) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(message.payload!);
      }
    };
    ws.on('message', onMessage);
  });
}

interface Reading {
  status: number;
  contentType: string | null;
  headersAtMs: number;
  firstFragmentAtMs: number | null;
  initInfo: InitInfo | null;
  keyframes: boolean[];
  bytes: Buffer[];
  done: Promise<void>;
  abort(): void;
  /** The socket's close code, once closed. */
  closeCode: Promise<number>;
}

/** Opens a stream's WebSocket like the player in serve mode, parsing what arrives; resolves at the head. */
async function readStream(path: string): Promise<Reading> {
  const socket = new WebSocket(`ws://127.0.0.1:${serve.port}/${path}?token=${token}`, { headers: { origin: `http://127.0.0.1:${serve.port}` } });
  const splitter = new Fmp4Splitter();
  let headSeen: (head: MediaSocketHead) => void;
  const head = new Promise<MediaSocketHead>((resolve) => (headSeen = resolve));
  const closeCode = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const reading: Reading = {
    status: 0,
    contentType: null,
    headersAtMs: 0,
    firstFragmentAtMs: null,
    initInfo: null,
    keyframes: [],
    bytes: [],
    done: closeCode.then(() => undefined),
    abort: () => socket.close(1000),
    closeCode,
  };
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (!binary) return headSeen(JSON.parse(String(data)) as MediaSocketHead);
    reading.bytes.push(data);
    for (const segment of splitter.push(data)) {
      if (segment.kind === 'init') reading.initInfo = parseInit(segment.bytes);
      else {
        reading.firstFragmentAtMs ??= Date.now();
        reading.keyframes.push(parseFragment(segment.bytes, reading.initInfo!).keyframe);
      }
    }
  });
  const first = await Promise.race([head, closeCode.then((code) => ({ status: -code }))]);
  reading.status = first.status;
  reading.contentType = 'contentType' in first ? (first.contentType ?? null) : null;
  reading.headersAtMs = Date.now();
  return reading;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-serve-media-'));
  sim = await startTestSimulator([], { cameras: 4 });
  services = await compose({ dataDir: join(scratch, 'data'), shell: createServeShell(1), log, credentials: sessionOnlyStore() });
  // A plain RTSP site with one camera (the sub stream of camera 2: 4 s GOP), with credentials the relay ignores.
  const site = await services.sites.add({
    name: 'Sim RTSP',
    kind: 'rtsp',
    url: '',
    username: 'operator',
    password: 'secret-pw',
    savePassword: false,
    rtspCameras: [{ name: 'Parking South', url: sim.context.media.rtspUrl(2, 'sub')! }],
  });
  expect(site.status).toBe('signed-in');
  cameraId = services.sites.cameras()[0]!.id;
  serve = await startServeServer({ host: '127.0.0.1', port: 0, rendererDir: scratch, services, log, token });
  ws = new WebSocket(`ws://127.0.0.1:${serve.port}/bridge?token=${token}`, { headers: { origin: `http://127.0.0.1:${serve.port}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { event?: string; payload?: StreamState[] };
    if (message.event === 'media:state') states.push(message.payload!);
  });
});

afterAll(async () => {
  ws?.close();
  await serve?.close();
  await services?.dispose();
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('live video in serve mode', () => {
  it('media:open over the bridge, the stream socket with the token: head once the codecs are known, decodable fMP4', async () => {
    const openedAt = Date.now();
    const opened = await call<{ streamId: string; cameraId: string; profile: string; path: string }>('media:open', { cameraId, profile: 'sub' });
    expect(opened.ok).toBe(true);
    const stream = opened.value!;
    expect(stream.path).toBe(`media/stream/${stream.streamId}`);
    const first = await readStream(stream.path);
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
    await until(() => first.keyframes.length >= 50, 30_000, '50 fragments');
    expect(first.keyframes[0]).toBe(true);
    const decoded = await decode(Buffer.concat(first.bytes), scratch, 'serve-first');
    expect(decoded).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(decoded.frames).toBeGreaterThanOrEqual(40);
    const playing = await stateEvent((s) => s.some((x) => x.streamId === stream.streamId && x.status === 'playing'), 10_000, 'playing');
    expect(playing.find((x) => x.streamId === stream.streamId)).toMatchObject({ cameraId, profile: 'sub', info: { width: 640, height: 360, transcoded: false } });

    // A second tile of the same camera: from the GOP cache, well under the 4 s GOP.
    const secondAt = Date.now();
    const second = await call<{ streamId: string; path: string }>('media:open', { cameraId, profile: 'sub' });
    const secondReading = await readStream(second.value!.path);
    await until(() => secondReading.firstFragmentAtMs !== null, 5_000, 'a first fragment for the second tile');
    const secondMs = secondReading.firstFragmentAtMs! - secondAt;
    expect(secondMs).toBeLessThan(1_000);
    expect(secondReading.keyframes[0]).toBe(true);
    expect(services.media.upstreamKeys()).toEqual([`${cameraId}|sub`]);
    console.info(`[media] serve mode: first tile headers ${first.headersAtMs - openedAt} ms, first fragment ${first.firstFragmentAtMs! - openedAt} ms; second tile first fragment ${secondMs} ms (invoke + socket + GOP cache, GOP 4 s)`);

    // Closing the socket (tile closed, page reloaded) closes that viewer like media:close.
    first.abort();
    await stateEvent((s) => !s.some((x) => x.streamId === stream.streamId) && s.some((x) => x.streamId === second.value!.streamId), 5_000, 'the aborted tile gone');
    // media:close ends the other stream with a normal close; the upstream stops after the linger.
    expect(await call('media:close', { streamId: second.value!.streamId })).toEqual({ ok: true, value: null });
    expect(await secondReading.closeCode).toBe(1000);
    await until(() => services.media.upstreamKeys().length === 0, 10_000, 'the upstream stopping after its linger');
    expect(JSON.stringify(log.lines)).not.toContain('secret-pw');
  });

  it('guards the route: 401 without the token (before any upgrade), 404 for an unknown or closed stream, 426 for plain HTTP; open validates its input', async () => {
    const opened = await call<{ streamId: string; path: string }>('media:open', { cameraId, profile: 'sub' });
    const refused = new WebSocket(`ws://127.0.0.1:${serve.port}/${opened.value!.path}`, { headers: { origin: `http://127.0.0.1:${serve.port}` } });
    await expect(new Promise((_, reject) => refused.once('error', reject))).rejects.toThrow(/Unexpected server response: 401/);
    expect((await fetch(`http://127.0.0.1:${serve.port}/${opened.value!.path}`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${serve.port}/${opened.value!.path}?token=${token}`)).status).toBe(426);
    await call('media:close', { streamId: opened.value!.streamId });
    const closed = await readStream(opened.value!.path);
    expect(closed.status).toBe(404);
    expect(await closed.closeCode).toBe(1000);
    expect((await readStream('media/stream/not-a-stream')).status).toBe(404);
    expect(await call('media:open', { cameraId, profile: 'ultra' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await call('media:close', { streamId: 'never-opened' })).toEqual({ ok: true, value: null });
  });

  it('nine tiles at once, each on its own socket (a browser has 6 HTTP connections per host), each get fragments', async () => {
    const readings: { streamId: string; reading: Reading }[] = [];
    for (let i = 0; i < 9; i++) {
      const opened = await call<{ streamId: string; path: string }>('media:open', { cameraId, profile: 'sub' });
      readings.push({ streamId: opened.value!.streamId, reading: await readStream(opened.value!.path) });
    }
    await until(() => readings.every(({ reading }) => reading.keyframes.length >= 5), 20_000, 'five fragments on each of nine sockets');
    expect(readings.every(({ reading }) => reading.status === 200 && reading.keyframes[0] === true)).toBe(true);
    for (const { streamId, reading } of readings) {
      await call('media:close', { streamId });
      expect(await reading.closeCode).toBe(1000);
    }
  });

  it('an Electron Response nobody reads: main holds at most the budget, drops (counted), then resumes at a keyframe', async () => {
    const budget = 64 * 1024;
    const { streamId } = services.media.open(cameraId, 'sub');
    const res = await mediaResponse(services.media, streamId, undefined, budget);
    expect(res.status).toBe(200);
    await until(() => (services.media.viewerStats(streamId)?.fragmentsDropped ?? 0) >= 10, 30_000, 'dropped fragments while nobody reads');
    const stats = { ...services.media.viewerStats(streamId)! };
    expect(stats.congestions).toBe(1);
    // Everything queued so far was written before the budget was hit: budget + the last fragment at most.
    expect(stats.bytesSent).toBeLessThan(budget + 256 * 1024);
    const splitter = new Fmp4Splitter();
    let init: InitInfo | null = null;
    const keyframes: boolean[] = [];
    const reader = res.body!.getReader();
    while (keyframes.length < stats.fragmentsSent + 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      for (const segment of splitter.push(Buffer.from(value))) {
        if (segment.kind === 'init') init = parseInit(segment.bytes);
        else keyframes.push(parseFragment(segment.bytes, init!).keyframe);
      }
    }
    // The first fragment after the hole starts a GOP.
    expect(keyframes[stats.fragmentsSent]).toBe(true);
    expect(services.media.viewerStats(streamId)!.fragmentsDropped).toBeGreaterThanOrEqual(stats.fragmentsDropped);
    console.info(`[media] back-pressure: ${stats.bytesSent} bytes queued (budget ${budget}), ${services.media.viewerStats(streamId)!.fragmentsDropped} fragments dropped, resumed on a keyframe`);
    await reader.cancel();
    expect(services.media.states().some((s) => s.streamId === streamId)).toBe(false);
  });
});
