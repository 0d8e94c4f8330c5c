// Eagle Eye v3 recorded playback through the playback service (main/playback) with the adapter's
// recorded part and real ffmpeg, against the simulator: the stream opened at T starts on the
// keyframe at or before T and every frame's timecode is the wall time its media time maps to;
// the same after a seek.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV3AdapterFactory } from '../../../main/vms/eagle-eye-v3/adapter.js';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { checkAcrossGap, checkOpenAndSeek, segmentsAroundGap } from './playback-check.js';

interface V3Site {
  url: string;
  username: string;
  clientId: string;
  clientSecret: string;
}

/** 4-second GOPs: the first frame is not the asked instant. */
const camIndex = 2;

describe('Eagle Eye v3 recorded playback through main/playback (simulator, real ffmpeg)', { timeout: 400_000 }, () => {
  let sim: SimulatorHandle;
  let adapter: VmsAdapter;
  let scratch: string;

  beforeAll(async () => {
    sim = await startTestSimulator([createEagleEyeV3Module()], { cameras: 3, rtsp: false });
    const site = sim.sites['eagleeye-v3'] as unknown as V3Site;
    scratch = await mkdtemp(join(tmpdir(), 'tessera-v3-playback-'));
    const config: SiteConfig = { id: 'v3play', name: 'Harbour EEN', kind: 'eagleeye-v3', url: site.url, username: site.username, oauthClientId: site.clientId };
    adapter = eagleEyeV3AdapterFactory.create({ site: config, http: new HttpClient({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }), log: memoryLogger(), now: Date.now });
    const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
    if (outcome.kind !== 'browser') throw new Error(`expected the browser step, got ${outcome.kind}`);
    await fetch(outcome.authorizationUrl);
    await outcome.completion;
  }, 120_000);

  afterAll(async () => {
    await adapter?.dispose();
    await sim?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('open at T and a seek: first frame at the keyframe at or before T, every frame’s timecode its mapped wall time', async () => {
    const media = sim.context.media;
    const recorded = adapter.recorded!;
    const esn = media.cameras[camIndex]!.esn;
    const segment = longestFinishedSegment(media, camIndex, sim.context.now());
    const playback = new PlaybackService({
      resolve: (_id, atMs, o) => recorded.video(esn, atMs, o),
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(esn, from, to),
      log: memoryLogger(),
    });
    try {
      await checkOpenAndSeek(playback, { cameraId: 'v3/cam', at: segment.startMs + 30_700, seekTo: segment.startMs + 90_300, gopMs: media.cameras[camIndex]!.gopSeconds * 1000, frameMs: 100, scratch });
    } finally {
      await playback.dispose();
    }
  });

  it('across a gap: the frames up to the end, then the next recording from its start, on the one mapping', async () => {
    const media = sim.context.media;
    const recorded = adapter.recorded!;
    const esn = media.cameras[camIndex]!.esn;
    const { before, after } = segmentsAroundGap(media.segments(camIndex, media.historyStartMs, sim.context.now()), sim.context.now());
    const playback = new PlaybackService({
      resolve: (_id, atMs, o) => recorded.video(esn, atMs, o),
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(esn, from, to),
      log: memoryLogger(),
      // Longer than the gap: the recording after it is sent at once.
      leadMs: 600_000,
    });
    try {
      await checkAcrossGap(playback, { cameraId: 'v3/cam', before, after, gopMs: media.cameras[camIndex]!.gopSeconds * 1000, scratch });
    } finally {
      await playback.dispose();
    }
  });
});
