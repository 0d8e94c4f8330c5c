/**
 * The JPEG part of a 64-tile wall, end to end without a page: 48 tiles in the renderer's JPEG
 * rotation (the real JpegRotation), each still fetched through the `cameras:still` handler, the
 * SiteService and the Eagle Eye v3 adapter from the real simulator (24 cameras, two tiles each, real HTTP, real
 * ffmpeg behind the simulator's previews). Measures what the operator sees: request → first
 * picture per tile, and how often each tile gets a new picture. The numbers are printed for the
 * bench report; the assertions are generous bounds that a broken path still fails.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, Still } from '../../../preload/contract/index.js';
import { AppFailure } from '../../../preload/contract/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { sitesHandlers } from '../../../main/ipc/handlers/sites-handlers.js';
import { StillCache } from '../../../main/media/still-cache.js';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { demoSites } from '../../../main/demo/demo-sites.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import { fetchingOpener } from '../../../main/vms/browser-opener.js';
import { JpegRotation } from '../../../renderer/src/player/jpeg-player.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';

const TILES = 48;
/**
 * Two tiles per camera, as in the bench's 64-tile wall (64 tiles over 32 cameras): half the
 * simulator loops to make on a fresh machine (each camera's loop costs seconds of ffmpeg once).
 */
const CAMERAS = 24;
const WINDOW_MS = 15_000;

let sim: SimulatorHandle;
let sites: SiteService;
let cameraIds: string[];

beforeAll(async () => {
  sim = await startTestSimulator([createEagleEyeV3Module()], { cameras: CAMERAS, rtsp: false });
  sites = new SiteService({ repository: new SiteRepository(join(mkdtempSync(join(tmpdir(), 'tessera-stills-')), 'sites.json')), credentials: sessionOnlyStore(), log: memoryLogger(), refreshMs: 0 });
  const demo = demoSites(sim.sites).find((d) => d.config.kind === 'eagleeye-v3')!;
  await sites.addTransient(demo.config, demo.password, { browserOpener: fetchingOpener });
  cameraIds = sites.cameras().filter((c) => c.state === 'online').map((c) => c.id);
  // Real cameras have been sending for a long time: every simulated camera's loop must exist
  // before the clock starts (made once per machine, in the cache), so warm them one at a time.
  for (const id of cameraIds) await sites.withCamera(id, (adapter, siteCameraId) => adapter.still(siteCameraId));
}, 600_000);

afterAll(async () => {
  await sites?.dispose();
  await sim?.stop();
});

/** What the renderer's bridge does with the handler's answer; each call's time goes to `took`. */
function fetcher(took: number[]): (cameraId: string, width: number) => Promise<Result<Still>> {
  const handler = sitesHandlers(sites, new StillCache({ fetch: (cameraId, width) => sites.withCamera(cameraId, (adapter, id) => adapter.still(id, width)) }))['cameras:still'];
  return async (cameraId, width) => {
    const startMs = Date.now();
    try {
      return { ok: true, value: await handler({ cameraId, width }, { trusted: true, caller: 'still-wall test' }) };
    } catch (err) {
      const error = err instanceof AppFailure ? err.error : { code: 'internal' as const, message: String(err), retryable: true };
      return { ok: false, error };
    } finally {
      took.push(Date.now() - startMs);
    }
  };
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

describe('48 JPEG tiles through cameras:still', () => {
  it('every tile gets its first picture, then a new one about every second', async () => {
    expect(cameraIds.length).toBeGreaterThanOrEqual(CAMERAS / 2);
    const tiles = Array.from({ length: TILES }, (_, i) => cameraIds[i % cameraIds.length]!);
    const took: number[] = [];
    const rotation = new JpegRotation(fetcher(took));
    const startMs = Date.now();
    const firstMs: number[] = [];
    const arrivals: number[][] = [];
    const errors: string[] = [];
    const handles = tiles.map((cameraId) => {
      const seen: number[] = [];
      arrivals.push(seen);
      let lastTimestamp = -Infinity;
      return rotation.add({
        cameraId,
        width: 240,
        intervalMs: 1000,
        urgent: true,
        onFrame: (frame) => {
          if (seen.length === 0) firstMs.push(Date.now() - startMs);
          // A new picture: the same bytes again would not move the tile.
          if (frame.timestampMs > lastTimestamp) seen.push(Date.now());
          lastTimestamp = frame.timestampMs;
        },
        onError: (words) => errors.push(words),
      });
    });
    // Settle (first pictures), then measure over a fixed window.
    const settleUntil = Date.now() + 10_000;
    while (firstMs.length < tiles.length && Date.now() < settleUntil) await new Promise((r) => setTimeout(r, 50));
    const windowStart = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const windowEnd = Date.now();
    for (const h of handles) h.close();

    const gaps: number[] = [];
    const intervals: number[] = [];
    for (const seen of arrivals) {
      const inWindow = seen.filter((t) => t >= windowStart && t <= windowEnd);
      const edges = [windowStart, ...inWindow, windowEnd];
      gaps.push(Math.max(...edges.slice(1).map((t, i) => t - edges[i]!)));
      intervals.push(inWindow.length > 0 ? (windowEnd - windowStart) / inWindow.length : Infinity);
    }
    const report = {
      tiles: tiles.length,
      cameras: cameraIds.length,
      firstPictureMs: { median: quantile(firstMs, 0.5), p90: quantile(firstMs, 0.9), max: Math.max(...firstMs), got: firstMs.length },
      refreshIntervalMs: { median: Math.round(quantile(intervals, 0.5)), max: Math.round(Math.max(...intervals)) },
      maxGapMs: { median: quantile(gaps, 0.5), max: Math.max(...gaps) },
      stillMs: { median: quantile(took, 0.5), p99: quantile(took, 0.99), max: Math.max(...took), count: took.length },
      errors: errors.length,
    };
    console.log(`still wall: ${JSON.stringify(report)}`);
    expect(errors).toEqual([]);
    expect(firstMs.length).toBe(tiles.length);
    // Generous bounds (the targets — first picture under 300 ms, every tile at least once a
    // second — are the bench's to report): the ffmpeg-per-still simulator and the 3-request pool
    // gave a 6 s median first picture and a new picture every 7.5 s on this machine.
    expect(report.firstPictureMs.median).toBeLessThan(1500);
    expect(report.maxGapMs.median).toBeLessThan(2000);
    expect(report.maxGapMs.max).toBeLessThan(4000);
  }, 120_000);

  it('two tiles of one camera (and a second display) cost one VMS request', async () => {
    let vmsRequests = 0;
    const stills = new StillCache({ fetch: (cameraId, width) => (vmsRequests++, sites.withCamera(cameraId, (adapter, id) => adapter.still(id, width))) });
    const handler = sitesHandlers(sites, stills)['cameras:still'];
    const ctx = { trusted: true, caller: 'still-wall test' };
    const [a, b, c] = await Promise.all([handler({ cameraId: cameraIds[1]!, width: 320 }, ctx), handler({ cameraId: cameraIds[1]!, width: 240 }, ctx), handler({ cameraId: cameraIds[1]!, width: 320 }, ctx)]);
    expect(vmsRequests).toBe(1);
    expect(b.base64).toBe(a.base64);
    expect(c.timestampMs).toBe(a.timestampMs);
  });
});
