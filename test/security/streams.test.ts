// Issue 13, item 5: one window must not be able to take every live-stream slot, flood every
// window with media:state events or grow the log without bound. Against a real
// `tessera serve --demo` (the simulator's cameras, real ffmpeg), attacks from attacks/streams.ts.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VIEWERS_PER_WINDOW, STATE_PUBLISH_MIN_MS } from '../../main/media/media-broker.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { waitUntil } from '../support/wait-until.js';
import { BridgeSession } from '../support/bridge-session.js';
import { churnStreams, hoardRealCameras, listCameraIds, maxPerSecond, openUnknownCameras } from './attacks/streams.js';

let serve: ServeProcess;
let cameras: string[];

function logBytes(): number {
  try {
    return statSync(join(serve.dataDir, 'logs', 'tessera.log')).size;
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  serve = await startServeProcess(['--demo'], undefined, 170_000);
  // The demo's HTTP sites have 8 cameras each; the RTSP site may be missing on a machine without GStreamer.
  cameras = await listCameraIds(serve, 8);
}, 180_000);
afterAll(async () => {
  await serve?.stop();
});

describe('stream slots', () => {
  it('refuses 512 opens of unknown cameras at once with not-found, and another display still opens a real camera', async () => {
    const flood = await openUnknownCameras(serve, { count: 512, displayId: 'browser-1' });
    try {
      expect(flood.opened).toHaveLength(0);
      expect(flood.refused).toEqual({ 'not-found': 512 });
      expect(flood.samples['not-found']?.message).toMatch(/no camera/i);
      expect(flood.elapsedMs).toBeLessThan(10_000);

      const other = await BridgeSession.connect(serve, 'browser-2');
      const opened = await other.call('media:open', { cameraId: cameras[0], profile: 'sub' });
      expect(opened).toMatchObject({ ok: true });
      await other.call('media:close', { streamId: (opened.value as { streamId: string }).streamId });
      other.close();
    } finally {
      await flood.release();
    }
  });

  it('stops one window hoarding real cameras at its own cap while another window still gets every stream it asks for', async () => {
    const hoard = await hoardRealCameras(serve, cameras, { count: 512, displayId: 'browser-1' });
    try {
      expect(hoard.opened).toHaveLength(MAX_VIEWERS_PER_WINDOW);
      expect(hoard.refused).toEqual({ conflict: 512 - MAX_VIEWERS_PER_WINDOW });
      expect(hoard.samples.conflict?.message).toMatch(/this window/i);

      // A real 8×8 wall on another display: 64 tiles.
      const wall = await hoardRealCameras(serve, cameras, { count: 64, displayId: 'browser-2' });
      expect(wall.refused).toEqual({});
      expect(wall.opened).toHaveLength(64);
      await wall.release();
    } finally {
      await hoard.release();
    }
  });

  it('coalesces media:state: a window churning streams sends every other window a bounded number of events per second', async () => {
    const observer = await BridgeSession.connect(serve, 'browser-2');
    const since = Date.now();
    const churn = await churnStreams(serve, cameras, { rounds: 20, batch: 16, displayId: 'browser-1' });
    // The last change is published at most one interval after it happened.
    await new Promise((resolve) => setTimeout(resolve, STATE_PUBLISH_MIN_MS * 2));
    const states = observer.eventsOf('media:state', since);
    observer.close();
    console.log(`churn: ${churn.requests} requests in ${churn.elapsedMs} ms → ${states.length} media:state events, at most ${maxPerSecond(states.map((s) => s.atMs))} in one second`);
    expect(churn.requests).toBeGreaterThanOrEqual(400);
    expect(states.length).toBeGreaterThan(0);
    expect(maxPerSecond(states.map((s) => s.atMs))).toBeLessThanOrEqual(Math.ceil(1000 / STATE_PUBLISH_MIN_MS) + 1);
  });

  it('keeps the log small while one window floods it with unknown cameras and hoarded opens', async () => {
    const before = logBytes();
    const started = Date.now();
    for (let round = 0; round < 3; round += 1) {
      const flood = await openUnknownCameras(serve, { count: 512 });
      await flood.release();
      const hoard = await hoardRealCameras(serve, cameras, { count: 400 });
      await hoard.release();
    }
    // What the attack set going (retries of failing streams) has a few seconds to show in the log.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const grown = logBytes() - before;
    const seconds = (Date.now() - started) / 1000;
    console.log(`log grew ${grown} bytes in ${seconds.toFixed(1)} s (${Math.round(grown / seconds)} B/s)`);
    expect(grown).toBeLessThan(10_000);
    // The server still answers.
    const check = await BridgeSession.connect(serve);
    expect(await check.call('app:info')).toMatchObject({ ok: true });
    check.close();
    await waitUntil('the server to still list cameras', 5000, async () => ((await listCameraIds(serve, 1)).length > 0 ? true : undefined));
  });
});
