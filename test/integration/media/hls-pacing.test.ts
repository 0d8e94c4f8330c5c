/**
 * Live HLS delivers video a segment at a time. Measured here: when each fMP4 fragment of an
 * AIPIX live HLS camera reaches a viewer of the broker (real ffmpeg, real simulator). Printed:
 * the most frames within 100 ms, the longest gap, and how far media time and wall time drift
 * apart (the buffer a player needs to play it without stalling).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFragment, parseInit, type InitInfo } from '../../../main/media/fmp4.js';
import { MediaBroker } from '../../../main/media/media-broker.js';
import { aipixModule } from '../../../main/simulator/aipix/index.js';
import type { SimulatorHandle } from '../../../main/simulator/server.js';
import type { SiteDescription } from '../../../main/simulator/types.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { aipixLiveHls, RecordingSink } from './helpers.js';

let sim: SimulatorHandle;
let broker: MediaBroker;

beforeAll(async () => {
  sim = await startTestSimulator([aipixModule], { cameras: 4 });
  broker = new MediaBroker({ resolve: () => aipixLiveHls(sim.sites.aipix as SiteDescription, 2), log: memoryLogger(), lingerMs: 1_000 });
});

afterAll(async () => {
  await broker?.dispose();
  await sim?.stop();
});

interface Arrival {
  atMs: number;
  mediaMs: number;
  frames: number;
}

function arrivals(sink: RecordingSink): Arrival[] {
  let init: InitInfo | null = null;
  const out: Arrival[] = [];
  for (const s of sink.segments) {
    if (s.kind === 'init') init = parseInit(s.bytes);
    else if (init) {
      const f = parseFragment(s.bytes, init);
      if (f.videoSamples > 0 && f.videoStartMs !== undefined) out.push({ atMs: s.atMs, mediaMs: f.videoStartMs, frames: f.videoSamples });
    }
  }
  return out;
}

describe('AIPIX live HLS through the broker', () => {
  it('fragments arrive paced to real time, not a segment at a time', async () => {
    const { streamId } = broker.open('aipix/2', 'sub');
    const sink = new RecordingSink();
    broker.attach(streamId, sink);
    await sink.fragments(25 * 12, 40_000);
    broker.close(streamId);
    const all = arrivals(sink);
    const t0 = all[0]!.atMs;
    // Skip the first second: the start-up (the newest segment) may come at once.
    const steady = all.filter((a) => a.atMs - t0 >= 1_000);
    let maxIn100 = 0;
    let maxGap = 0;
    for (let i = 0; i < steady.length; i++) {
      let n = 0;
      for (let j = i; j < steady.length && steady[j]!.atMs - steady[i]!.atMs < 100; j++) n += steady[j]!.frames;
      maxIn100 = Math.max(maxIn100, n);
      if (i > 0) maxGap = Math.max(maxGap, steady[i]!.atMs - steady[i - 1]!.atMs);
    }
    // How far the wall clock and the media clock drift apart within the steady part.
    const lead = steady.map((a) => a.mediaMs - steady[0]!.mediaMs - (a.atMs - steady[0]!.atMs));
    const spread = Math.max(...lead) - Math.min(...lead);
    console.info(`[media] HLS pacing: ${steady.length} fragments after 1 s; most frames within 100 ms ${maxIn100}; longest gap ${maxGap} ms; media-vs-wall spread ${Math.round(spread)} ms`);
    // Read as fast as the demuxer hands it over, a 2 s segment came as 50 frames at once, then
    // nothing for 2 s. Paced, the interleaved audio still clumps video a little (~10 frames every
    // ~300 ms, ffmpeg's -re waits for whichever track is ahead); the player's buffer takes that.
    expect(maxIn100).toBeLessThanOrEqual(12);
    expect(maxGap).toBeLessThan(600);
  });
});
