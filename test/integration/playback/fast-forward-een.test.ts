// Fast forward from Eagle Eye (v1 and v3) through the playback service with each adapter's
// recorded part and real ffmpeg, against the simulator with its recorded FLV paced in real time as
// the services send it: at 4× the media time delivered advances at least 3× as fast as the wall
// clock (the MP4 pieces of main/vms/fast-pieces.ts; the FLV gives ~1×), and the first frame's
// timecode is its mapped wall time, within 1 s of the asked position.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { Fmp4Splitter } from '../../../common/mp4/index.js';
import type { RecordedPiece } from '../../../main/media/sources.js';
import { playbackArgs } from '../../../main/playback/playback-args.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import type { RecordedMedia, VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV1AdapterFactory } from '../../../main/vms/eagle-eye-v1/adapter.js';
import { eagleEyeV3AdapterFactory } from '../../../main/vms/eagle-eye-v3/adapter.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { timecodeOfVideo } from '../../support/timecode.js';
import { checkFastForward } from './playback-check.js';

interface V3Site {
  url: string;
  username: string;
  clientId: string;
  clientSecret: string;
}

const run = promisify(execFile);

/** ffprobe's count of the video packets of a recorded piece (reads it whole). */
async function videoPacketCount(url: string, headers: Record<string, string>): Promise<number> {
  const headerText = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const { stdout } = await run('ffprobe', ['-v', 'error', '-headers', headerText, '-select_streams', 'v', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', url], { timeout: 120_000 });
  return Number(stdout.trim().replace(/,$/, ''));
}

/** The init segment of the playback pipeline's run of a piece (its real argv, real ffmpeg). */
async function initOfRun(piece: RecordedPiece): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', [...playbackArgs(piece).slice(0, -1), '-frames:v', '20', 'pipe:1'], { encoding: 'buffer', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const init = new Fmp4Splitter().push(stdout).find((s) => s.kind === 'init');
  if (!init) throw new Error('no init segment');
  return Buffer.from(init.bytes);
}

/** 4×, read for 8 s of wall time: at least 3× must arrive (real-time FLV gives about 1×). */
const rate = 4;
const minSpeed = 3;
const wallMs = 8_000;

describe('Eagle Eye fast forward keeps up (simulator pacing FLV in real time, real ffmpeg)', { timeout: 400_000 }, () => {
  let sim: SimulatorHandle;
  let scratch: string;
  const adapters: VmsAdapter[] = [];

  /** Where each camera is played: fixed once, so the recording warmed is the one played. */
  const positions = new Map<number, number>();
  let v1: RecordedMedia;
  let v3: RecordedMedia;

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV1Module, createEagleEyeV3Module()], { cameras: 3, rtsp: false });
    scratch = await mkdtemp(join(tmpdir(), 'tessera-ff-'));
    v1 = await signInV1();
    v3 = await signInV3();
    // The simulator encodes a recorded minute on first use (up to ~15 s of 720p on a busy
    // machine): encoded here, so the test measures delivery, not the simulator's encoder.
    for (const camIndex of [1, 2]) {
      const at = position(camIndex);
      positions.set(camIndex, at);
      for await (const chunk of await sim.context.media.recordedClip(camIndex, 'main', at - 10_000, at + 300_000, 'flv')) void chunk;
    }
  }, 400_000);

  afterAll(async () => {
    for (const adapter of adapters) await adapter.dispose();
    await sim?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** 700 ms after a keyframe of a finished recording, half a minute in: the first frame is that keyframe. */
  function position(camIndex: number): number {
    const media = sim.context.media;
    const segment = longestFinishedSegment(media, camIndex, sim.context.now());
    return media.clipStartMs!(camIndex, segment.startMs + 30_000, segment.endMs)! + 700;
  }

  async function fastForward(recorded: RecordedMedia, camIndex: number, vendor: string): Promise<void> {
    const esn = sim.context.media.cameras[camIndex]!.esn;
    const resolveTimes: number[] = [];
    const playback = new PlaybackService({
      resolve: async (_id, atMs, o) => {
        const asked = Date.now();
        const source = await recorded.video(esn, atMs, o);
        resolveTimes.push(Date.now() - asked);
        return source;
      },
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(esn, from, to),
      log: memoryLogger(),
      // A short lead: what is measured is the sustained speed, not the first burst.
      leadMs: 1_000,
    });
    try {
      const n = await checkFastForward(playback, { cameraId: `${vendor}/cam`, at: positions.get(camIndex)!, rate, minSpeed, wallMs, scratch });
      console.info(`[playback] ${vendor} at ${rate}×: first fragment ${n.openToFirstMs} ms after open (the source chosen in ${resolveTimes[0]} ms); ${Math.round(n.mediaMs / 100) / 10} s of recording in ${Math.round(n.wallMs / 100) / 10} s (${n.speed.toFixed(1)}×)`);
    } finally {
      await playback.dispose();
    }
  }

  async function signInV1(): Promise<RecordedMedia> {
    const site = sim.sites['eagleeye-v1'] as SiteDescription;
    const config: SiteConfig = { id: 'ffv1', name: 'HQ Eagle Eye', kind: 'eagleeye-v1', url: site.url, username: site.username };
    const adapter = eagleEyeV1AdapterFactory.create({ site: config, http: new HttpClient({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }), log: memoryLogger(), now: () => sim.context.now() });
    adapters.push(adapter);
    await adapter.signIn({ username: site.username, password: site.password });
    return adapter.recorded!;
  }

  async function signInV3(): Promise<RecordedMedia> {
    const site = sim.sites['eagleeye-v3'] as unknown as V3Site;
    const config: SiteConfig = { id: 'ffv3', name: 'Harbour EEN', kind: 'eagleeye-v3', url: site.url, username: site.username, oauthClientId: site.clientId };
    const adapter = eagleEyeV3AdapterFactory.create({ site: config, http: new HttpClient({ baseUrl: site.url, siteName: config.name, timeoutMs: 30_000 }), log: memoryLogger(), now: Date.now });
    adapters.push(adapter);
    const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
    if (outcome.kind !== 'browser') throw new Error(`expected the browser step, got ${outcome.kind}`);
    await fetch(outcome.authorizationUrl);
    await outcome.completion;
    return adapter.recorded!;
  }

  /**
   * At 2× the source gives MP4 pieces of 120 s on the keyframe grid; the next one starts where the
   * first was planned to end although the run reached a frame short of it, and neither repeats nor
   * skips a frame: the first holds exactly its span's frames (10 fps), the next begins with the
   * frame at its start (its timecode).
   */
  async function joins(recorded: RecordedMedia, camIndex: number): Promise<void> {
    const esn = sim.context.media.cameras[camIndex]!.esn;
    const source = await recorded.video(esn, positions.get(camIndex)!, { rate: 2, profile: 'main' });
    if (source.kind !== 'pieces') throw new Error('expected pieces');
    const { first } = source;
    expect(source.rates).toEqual({ above: 1, upTo: 4 });
    expect(first).toMatchObject({ format: 'mp4', startMs: positions.get(camIndex)! - 700 });
    expect(first.endMs! - first.startMs).toBe(120_000);
    expect(await timecodeOfVideo(first.url, { headers: first.headers })).toBe(first.startMs);
    expect(await videoPacketCount(first.url, first.headers)).toBe((first.endMs! - first.startMs) / 100);
    const next = await source.next(first.endMs! - 100);
    expect(next).toMatchObject({ format: 'mp4', startMs: first.endMs });
    expect(await timecodeOfVideo(next!.url, { headers: next!.headers })).toBe(next!.startMs);
    // The pieces' runs write the same init segment: the player continues under it instead of
    // taking the join for a restart (a new init resets its buffer).
    const [a, b] = await Promise.all([initOfRun(first), initOfRun(next!)]);
    expect(b.equals(a)).toBe(true);
  }

  it('Eagle Eye v1 at 4×: MP4 pieces (the job polled until ready) arrive at ≥ 3× wall time, the first frame at the asked position', async () => {
    await fastForward(v1, 1, 'v1');
  });

  it('Eagle Eye v3 at 4×: pieces of the interval’s mp4Url arrive at ≥ 3× wall time, the first frame at the asked position', async () => {
    await fastForward(v3, 2, 'v3');
  });

  it('Eagle Eye v1 at 2×: 120 s MP4 pieces that join without a frame repeated or lost', async () => {
    await joins(v1, 1);
  });

  it('Eagle Eye v3 at 2×: 120 s MP4 pieces that join without a frame repeated or lost', async () => {
    await joins(v3, 2);
  });
});
