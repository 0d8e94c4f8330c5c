// AIPIX recorded playback through the playback service (main/playback) with the adapter's
// recorded part (archive HLS, VOD, PROGRAM-DATE-TIME) and real ffmpeg, against the simulator:
// the stream opened at T starts on the keyframe at or before T and every frame's timecode is
// the wall time its media time maps to; the same after a seek.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import { AipixAdapter } from '../../../main/vms/aipix/adapter.js';
import { createAipixModule } from '../../../simulator/aipix/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { checkAcrossGap, checkOpenAndSeek, segmentsAroundGap } from './playback-check.js';

type AipixSite = SiteDescription & { cameras: { id: number; uuid: string; name: string }[] };
/** 4-second GOPs: the first frame is not the asked instant. */
const camIndex = 2;

describe('AIPIX recorded playback through main/playback (simulator, real ffmpeg)', { timeout: 400_000 }, () => {
  let sim: SimulatorHandle;
  let site: AipixSite;
  let adapter: AipixAdapter;
  let scratch: string;

  beforeAll(async () => {
    sim = await startTestSimulator([createAipixModule({ maxSessions: 100 })], { cameras: 4, rtsp: false });
    site = sim.sites.aipix as AipixSite;
    scratch = await mkdtemp(join(tmpdir(), 'tessera-aipix-playback-'));
    const config: SiteConfig = { id: 'plaza', name: 'Plaza AIPIX', kind: 'aipix', url: site.url, username: site.username };
    adapter = new AipixAdapter({ site: config, http: new HttpClient({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }), log: memoryLogger(), now: () => sim.context.now() });
    await adapter.signIn({ username: site.username, password: site.password });
  }, 120_000);

  afterAll(async () => {
    await adapter?.dispose();
    await sim?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('open at T and a seek: first frame at the keyframe at or before T, every frame’s timecode its mapped wall time', async () => {
    const media = sim.context.media;
    const recorded = adapter.recorded;
    const id = String(site.cameras[camIndex]!.id);
    const segment = longestFinishedSegment(media, camIndex, sim.context.now());
    const playback = new PlaybackService({
      resolve: (_id, atMs, o) => recorded.video(id, atMs, o),
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(id, from, to),
      log: memoryLogger(),
    });
    try {
      await checkOpenAndSeek(playback, { cameraId: 'aipix/cam', at: segment.startMs + 30_700, seekTo: segment.startMs + 90_300, gopMs: media.cameras[camIndex]!.gopSeconds * 1000, frameMs: 100, scratch });
    } finally {
      await playback.dispose();
    }
  });

  it('across a gap: the frames up to the end, then the next recording from its start, on the one mapping', async () => {
    const media = sim.context.media;
    const recorded = adapter.recorded;
    const id = String(site.cameras[camIndex]!.id);
    const { before, after } = segmentsAroundGap(media.segments(camIndex, media.historyStartMs, sim.context.now()), sim.context.now());
    const playback = new PlaybackService({
      resolve: (_id, atMs, o) => recorded.video(id, atMs, o),
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(id, from, to),
      log: memoryLogger(),
      // Longer than the gap: the recording after it is sent at once.
      leadMs: 600_000,
    });
    try {
      await checkAcrossGap(playback, { cameraId: 'aipix/cam', before, after, gopMs: media.cameras[camIndex]!.gopSeconds * 1000, scratch });
    } finally {
      await playback.dispose();
    }
  });
});
