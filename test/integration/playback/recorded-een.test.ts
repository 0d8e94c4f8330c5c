// Recorded playback end to end in main (main/playback) against the simulator's Eagle Eye v1
// recordings with real ffmpeg: the stream's media time maps to the wall time of its frames (the
// simulator's timecode of each frame, test/support/timecode.ts), a reader that stops
// pauses ffmpeg with memory bounded and nothing dropped, the end is a state, a seek restarts with
// a new init on the same mapping. The RecordedSource is built here from the simulator's URL
// (/asset/play/video.flv with time_offset), so these hold whatever the adapter decides;
// serve-playback.test.ts goes through the adapter.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fmp4Splitter, parseInit } from '../../../common/mp4/index.js';
import type { RecordedSource } from '../../../main/media/sources.js';
import { decodeTimeOf } from '../../../main/playback/decode-times.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodesOfVideo } from '../../support/timecode.js';
import { waitUntil } from '../../support/wait-until.js';
import { FakeSink } from '../../unit/media/fake-sink.js';

const camIndex = 1;

function een(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').replace('Z', '');
}

async function authKey(site: SiteDescription): Promise<string> {
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const { token } = (await (await fetch(`${site.url}/g/aaa/authenticate`, form({ username: site.username, password: site.password }))).json()) as { token: string };
  const auth = await fetch(`${site.url}/g/aaa/authorize`, form({ token }));
  const cookie = auth.headers.getSetCookie().map((c) => /^auth_key=([^;]*)/.exec(c)?.[1]).find(Boolean);
  if (!cookie) throw new Error('no auth_key from the simulator');
  return cookie;
}

/** The sink's bytes as init segments and fragments with their wall time under originMs. */
function split(sink: FakeSink, originMs: number): { inits: number; walls: number[] } {
  const segments = new Fmp4Splitter().push(Buffer.concat(sink.chunks));
  let init = null as ReturnType<typeof parseInit> | null;
  let inits = 0;
  const walls: number[] = [];
  for (const s of segments) {
    if (s.kind === 'init') {
      init = parseInit(s.bytes);
      inits += 1;
    } else if (init?.video) {
      walls.push(originMs + (decodeTimeOf(s.bytes, init.video.id) * 1000) / init.video.timescale);
    }
  }
  return { inits, walls };
}

describe('recorded playback of Eagle Eye v1 clips (simulator, real ffmpeg)', { timeout: 240_000 }, () => {
  let sim: SimulatorHandle;
  let site: SiteDescription;
  let cookie: string;
  let esn: string;
  let segment: Segment;
  let scratch: string;

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV1Module]);
    site = sim.sites['eagleeye-v1'] as SiteDescription;
    cookie = await authKey(site);
    esn = sim.context.media.cameras[camIndex]!.esn;
    segment = longestFinishedSegment(sim.context.media, camIndex, Date.now());
    scratch = await mkdtemp(join(tmpdir(), 'tessera-playback-'));
  });

  afterAll(async () => {
    await sim?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** The RecordedSource the v1 adapter will make: the clip holding atMs, from the key frame at or before it. */
  function source(atMs: number): RecordedSource {
    const media = sim.context.media;
    const clip = media.segments(camIndex, atMs - 1, atMs + 1).find((s) => s.startMs <= atMs && atMs < s.endMs);
    if (!clip) throw new Error('no clip there');
    const keyframe = media.clipStartMs!(camIndex, atMs, clip.endMs)!;
    const url = `${site.url}/asset/play/video.flv?id=${esn}&start_timestamp=${een(clip.startMs)}&end_timestamp=${een(clip.endMs)}&time_offset=${atMs - clip.startMs}&quality=low`;
    return { kind: 'pieces', first: { format: 'flv', url, headers: { Cookie: `auth_key=${cookie}` }, startMs: keyframe }, next: async () => null };
  }

  function service(o: { leadMs?: number; periods?: { fromMs: number; toMs: number }[] } = {}): PlaybackService {
    return new PlaybackService({
      resolve: async (_id, atMs) => source(atMs),
      reverse: async () => 'keyframes',
      coverage: async () => o.periods ?? [],
      log: memoryLogger(),
      leadMs: o.leadMs ?? 600_000,
    });
  }

  it('every fragment’s media time is the wall time of its frame (the timecode in the picture)', async () => {
    const playback = service();
    try {
      const at = segment.startMs + 30_500;
      const keyframe = sim.context.media.clipStartMs!(camIndex, at, segment.endMs)!;
      const opened = await playback.open({ cameraId: 'een/1', atMs: at, rate: 1, profile: 'sub' }, 'test');
      const sink = new FakeSink();
      playback.attach(opened.playbackId, sink);
      // The simulator encodes a recorded minute on first use (tens of seconds on a busy machine).
      const { walls } = await waitUntil('20 fragments', 150_000, () => {
        const got = split(sink, opened.originMs);
        return got.walls.length >= 20 ? got : undefined;
      });
      expect(sink.contentType).toMatch(/^video\/mp4; codecs="avc1\./);
      expect(walls[0]).toBe(keyframe);
      // 10 fps, 100 ms fragments: strictly increasing by whole frames.
      for (let i = 1; i < walls.length; i += 1) expect(walls[i]! - walls[i - 1]!).toBeGreaterThan(0);
      expect((walls[19]! - walls[0]!) % 100).toBeCloseTo(0, 6);
      expect(playback.states()[0]).toMatchObject({ status: 'playing', rate: 1 });

      const file = join(scratch, 'first.mp4');
      await writeFile(file, Buffer.concat(sink.chunks));
      // The simulator's timecode of each frame is the wall time the stream maps it to.
      const codes = await timecodesOfVideo(file, { count: 20 });
      expect(codes).toEqual(walls.slice(0, 20).map((w) => Math.round(w)));
    } finally {
      await playback.dispose();
    }
  });

  it('a reader that stops taking bytes pauses ffmpeg: a bounded amount waits in main, nothing is dropped, then it ends', async () => {
    const playback = service();
    try {
      const at = segment.endMs - 40_000;
      const opened = await playback.open({ cameraId: 'een/1', atMs: at, rate: 1, profile: 'sub' }, 'test');
      const session = playback.session(opened.playbackId)!;
      const sink = new FakeSink();
      playback.attach(opened.playbackId, sink);
      await waitUntil('the first fragments', 150_000, () => split(sink, opened.originMs).walls.length >= 3 || undefined);
      sink.full = true;
      const sentBefore = await waitUntil('the sink to be full', 10_000, () => (sink.waitingForDrain ? split(sink, opened.originMs).walls.length : undefined));
      // Something waits in main, and it stops growing: ffmpeg is blocked on its stdout.
      let held = await waitUntil('fragments held', 10_000, () => session.heldCount || undefined);
      for (let i = 0; i < 10; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        // One stdout chunk or so (~40–50 fragments of this 360p clip), not the 400 of the clip.
        expect(session.heldCount).toBeLessThan(150);
        held = Math.max(held, session.heldCount);
      }
      expect(session.heldCount).toBe(held);
      expect(split(sink, opened.originMs).walls.length).toBe(sentBefore);
      expect(session.status).toBe('playing');
      sink.drain();
      await waitUntil('ended', 150_000, () => session.status === 'ended' || undefined);
      const { walls } = split(sink, opened.originMs);
      // Every frame from the key frame to the clip's end, none dropped: ~40 s at 10 fps.
      expect(walls.at(-1)! - walls[0]!).toBeGreaterThan(39_000);
      expect(walls.length).toBeGreaterThanOrEqual(Math.floor((walls.at(-1)! - walls[0]!) / 100) * 0.99);
      console.info(`[playback] paused with ${held} fragments held in main; ${walls.length} fragments in all, ${Math.round((walls.at(-1)! - walls[0]!) / 1000)} s`);
    } finally {
      await playback.dispose();
    }
  });

  it('a seek restarts with a new init segment on the same origin; a seek into the future is refused', async () => {
    const playback = service();
    try {
      const opened = await playback.open({ cameraId: 'een/1', atMs: segment.startMs + 10_000, rate: 1, profile: 'sub' }, 'test');
      const sink = new FakeSink();
      playback.attach(opened.playbackId, sink);
      await waitUntil('fragments', 150_000, () => split(sink, opened.originMs).walls.length >= 3 || undefined);
      const target = segment.startMs + 90_000;
      await playback.seek(opened.playbackId, target);
      const keyframe = sim.context.media.clipStartMs!(camIndex, target, segment.endMs)!;
      const got = await waitUntil('fragments after the seek', 150_000, () => {
        const s = split(sink, opened.originMs);
        return s.inits === 2 && s.walls.includes(keyframe) ? s : undefined;
      });
      expect(got.walls.filter((w) => w >= keyframe)[0]).toBe(keyframe);
      const refused = await playback.seek(opened.playbackId, Date.now() + 3_600_000).catch((err: unknown) => err);
      expect(refused).toMatchObject({ error: { code: 'no-recording' } });
    } finally {
      await playback.dispose();
    }
  });
});
