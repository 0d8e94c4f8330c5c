/**
 * A long recorded FLV starts before the whole clip is encoded: from an empty cache, the first
 * bytes of a 5-minute Eagle Eye v1 clip arrive while its later 1-minute chunks do not exist yet,
 * the picture and the FLV timestamps go on across a chunk join, and the streamed bytes are the
 * ones one ffmpeg over the whole chunk list writes (what the simulator sent before it streamed).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { formatEen } from '../../../simulator/een-v1/timestamps.js';
import { ffmpegBin } from '../../../simulator/media/binaries.js';
import { clipArgs, concatList } from '../../../simulator/media/ffmpeg-args.js';
import { FlvReader, VIDEO_TAG } from '../../../simulator/media/flv-tags.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { eenV1AuthKey } from '../../support/een-v1-login.js';
import { startTestSimulator } from '../../support/simulator.js';
import { timecodesOfVideo } from '../../support/timecode.js';

/** Camera 1: 1 s GOP, with audio (its AAC track crosses the joins too). */
const CAMERA = 1;
/** Into the clip: its first piece is the last 5 s of the first chunk, so a join comes 5 s in. */
const OFFSET_MS = 55_000;
const JOIN_MS = 60_000 - OFFSET_MS;

/** "20261122T021500Z", as the cache names chunk files. */
const compact = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

describe('a long recorded clip is streamed while its chunks are encoded', () => {
  let sim: SimulatorHandle;
  let cacheDir: string;
  let work: string;
  let segment: Segment;
  let esn: string;
  let url: string;
  let cookie: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'tessera-sim-cold-'));
    work = await mkdtemp(join(tmpdir(), 'tessera-streaming-'));
    sim = await startTestSimulator([eagleEyeV1Module], { cameras: 2, rtsp: false, cacheDir });
    const now = Date.now();
    const media = sim.context.media;
    const whole = media.segments(CAMERA, media.historyStartMs, now).filter((s) => s.endMs - s.startMs === 300_000 && s.endMs < now - 60_000);
    if (!whole.length) throw new Error('the simulator planned no finished 5-minute recording in the last hour');
    segment = whole.at(-1)!;
    esn = media.cameras[CAMERA]!.esn;
    const site = sim.sites['eagleeye-v1'] as SiteDescription;
    url = `${site.url}/asset/play/video.flv`;
    cookie = `auth_key=${await eenV1AuthKey(site)}`;
  }, 60_000);

  afterAll(async () => {
    await sim?.stop();
    for (const dir of [cacheDir, work]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  function query(endMs: number): string {
    const q = new URLSearchParams({ id: esn, start_timestamp: formatEen(segment.startMs), end_timestamp: formatEen(endMs), time_offset: String(OFFSET_MS), quality: 'low' });
    return `${url}?${q.toString()}`;
  }

  /** Sub-stream chunk files of the segment already in the cache (finished ones, not temp files). */
  async function chunksInCache(): Promise<number[]> {
    const names = await readdir(join(cacheDir, 'recordings', esn)).catch(() => [] as string[]);
    const starts = [0, 1, 2, 3, 4].map((i) => segment.startMs + i * 60_000);
    return starts.filter((t) => names.some((n) => n.startsWith(`sub-${compact(t)}-60s-`) && !n.includes('.tmp-')));
  }

  it('sends the first tags before the later chunks exist, and goes on across the join', async () => {
    sim.context.paceRecorded = true;
    const res = await fetch(query(segment.endMs), { headers: { cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const flv = new FlvReader();
    const bytes: Buffer[] = [];
    let lastVideoMs = -1;
    let cacheAtFirstBytes: number[] | null = null;
    // Paced: the join (5 s of media in) arrives about 4 s after the first GOP; read 2 s past it.
    while (lastVideoMs < JOIN_MS + 2_000) {
      const part = await reader.read();
      if (part.done) break;
      cacheAtFirstBytes ??= await chunksInCache();
      const chunk = Buffer.from(part.value);
      bytes.push(chunk);
      for (const tag of flv.push(chunk)) if (tag.type === VIDEO_TAG) lastVideoMs = tag.timestampMs;
    }
    await reader.cancel();
    // The first chunk is there, the next one may be (it is encoded ahead of playback); the last three are not.
    expect(cacheAtFirstBytes).toContain(segment.startMs);
    expect(cacheAtFirstBytes!.filter((t) => t >= segment.startMs + 120_000)).toEqual([]);

    // FLV timestamps go on at 10 fps across the join, without restarting (ffmpeg starts the
    // pictures a few ms in when an AAC frame comes first).
    const check = new FlvReader();
    const video = check.push(Buffer.concat(bytes)).filter((t) => t.type === VIDEO_TAG && t.bytes[12] === 1).map((t) => t.timestampMs);
    expect(video[0]).toBeLessThan(100);
    expect(video.slice(0, 70)).toEqual(Array.from({ length: 70 }, (_, i) => video[0]! + i * 100));

    // The picture says the same: frames either side of the join show their own instants.
    const file = join(work, 'streamed.flv');
    await writeFile(file, Buffer.concat(bytes));
    const first = segment.startMs + OFFSET_MS;
    const around = await timecodesOfVideo(file, { skipFrames: JOIN_MS / 100 - 3, count: 6 });
    expect(around).toEqual([-3, -2, -1, 0, 1, 2].map((i) => first + JOIN_MS + i * 100));
  }, 180_000);

  it('sends the bytes one ffmpeg over the whole chunk list writes', async () => {
    sim.context.paceRecorded = false;
    const endMs = segment.startMs + 70_000;
    const res = await fetch(query(endMs), { headers: { cookie } });
    expect(res.status).toBe(200);
    const streamed = Buffer.from(await res.arrayBuffer());

    const names = await readdir(join(cacheDir, 'recordings', esn));
    const fileOf = (t: number): string => join(cacheDir, 'recordings', esn, names.find((n) => n.startsWith(`sub-${compact(t)}-60s-`) && !n.includes('.tmp-'))!);
    const list = join(work, 'whole.ffconcat');
    await writeFile(list, concatList([
      { file: fileOf(segment.startMs), inSec: OFFSET_MS / 1000, outSec: 60 },
      { file: fileOf(segment.startMs + 60_000), inSec: 0, outSec: 10 },
    ]));
    const { stdout } = await promisify(execFile)(ffmpegBin(), clipArgs(list, 'flv', null), { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    expect(streamed.length).toBe(stdout.length);
    expect(streamed.equals(stdout)).toBe(true);
  }, 120_000);
});
