/**
 * The simulator's media layer against real ffmpeg, ffprobe and the gst RTSP relay. Media is cached
 * in .cache/sim-media, so only the first run on a machine pays for loops and segment encodes.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimMedia } from '../../../simulator/media/index.js';
import { catalogueEntry } from '../../../simulator/media/catalogue.js';
import { recordingArgs } from '../../../simulator/media/ffmpeg-args.js';
import { SimOffline, type Segment, type SimMedia } from '../../../simulator/types.js';
import { simCacheDir } from '../../support/simulator.js';
import { timecodeOfJpeg, timecodeOfVideo, timecodesOfVideo } from '../../support/timecode.js';

const run = promisify(execFile);
const ffprobe = process.env.FFPROBE_BIN ?? 'ffprobe';
const ffmpeg = process.env.FFMPEG_BIN ?? 'ffmpeg';

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { format_name: string; duration?: string };
}

async function probe(input: string, extra: string[] = []): Promise<Probe> {
  const { stdout } = await run(ffprobe, ['-v', 'error', ...extra, '-show_entries', 'stream=codec_type,codec_name,width,height:format=format_name,duration', '-of', 'json', input], { timeout: 30_000 });
  return JSON.parse(stdout) as Probe;
}

/** pts (s) of the first video frame of a file. */
async function firstVideoPts(file: string): Promise<number> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-read_intervals', '%+#1', '-of', 'csv=p=0', file]);
  return Number(stdout.trim().split('\n')[0]);
}

/** The bottom band (name + clock) of a JPEG as 8-bit gray pixels at 320x60. */
async function clockBand(jpegFile: string): Promise<Buffer> {
  const { stdout } = await run(
    ffmpeg,
    ['-v', 'error', '-i', jpegFile, '-vf', 'crop=iw:ih*0.17:0:ih*0.83,scale=320:60,format=gray', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer' },
  );
  return stdout as unknown as Buffer;
}

/** Pixels that differ by more than JPEG noise (a changed digit gives dozens). */
function changedPixels(a: Buffer, b: Buffer): number {
  let count = 0;
  for (let i = 0; i < a.length; i += 1) if (Math.abs(a[i]! - (b[i] ?? 0)) > 64) count += 1;
  return count;
}

/** Reads a stream until `bytes` arrived or `timeoutMs` passed, then destroys it. */
async function readSome(stream: NodeJS.ReadableStream & { destroy(): void }, bytes: number, timeoutMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => resolve(), timeoutMs);
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= bytes) {
        clearTimeout(timer);
        resolve();
      }
    });
    stream.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  stream.destroy();
  return Buffer.concat(chunks);
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Child processes of this test process, by command name. */
async function childCommands(): Promise<string[]> {
  const { stdout } = await run('ps', ['-o', 'comm=', '--ppid', String(process.pid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').map((s) => s.trim()).filter((s) => s && s !== 'ps');
}

/**
 * Clock band of a frame rendered independently for a camera at a whole second, using the same
 * recording command line: on cameras with static bars only the clock differs between seconds.
 */
async function referenceBand(dir: string, cameraIndex: number, ms: number): Promise<Buffer> {
  const { camera, scene } = catalogueEntry(cameraIndex);
  const out = join(dir, `ref-${cameraIndex}-${ms}.mp4`);
  const args = recordingArgs({
    scene, name: camera.name, esn: camera.esn, profile: camera.profiles.sub, gopSeconds: 1, audio: false, fps: 10,
    startMs: ms, durationMs: 100, motion: [], out,
  });
  await run(ffmpeg, args);
  const jpg = join(dir, `ref-${cameraIndex}-${ms}.jpg`);
  await run(ffmpeg, ['-v', 'error', '-i', out, '-frames:v', '1', '-q:v', '4', jpg]);
  return clockBand(jpg);
}

/** Asserts that a JPEG's burned clock shows `ms` (and not the next second). */
async function expectClock(dir: string, cameraIndex: number, jpegFile: string, ms: number): Promise<void> {
  const band = await clockBand(jpegFile);
  const same = changedPixels(band, await referenceBand(dir, cameraIndex, ms));
  const next = changedPixels(band, await referenceBand(dir, cameraIndex, ms + 1_000));
  expect(next).toBeGreaterThan(10);
  expect(same).toBeLessThan(next / 5);
}

const isJpeg = (b: Buffer): boolean => b[0] === 0xff && b[1] === 0xd8 && b.at(-2) === 0xff && b.at(-1) === 0xd9;

/**
 * The simulator's clock: a fixed day that advances in real time. The recorded history is then the
 * same on every run, so the segment files this test needs are encoded once per machine.
 */
const clockOrigin = Date.now();
const simNow = (): number => Date.UTC(2026, 0, 15, 12, 0, 30) + (Date.now() - clockOrigin);

describe('simulator media layer', () => {
  let media: SimMedia;
  let scratch: string;
  const progress: string[] = [];
  let startupMs = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sim-media-test-'));
    const started = Date.now();
    media = await createSimMedia({ cameras: 4, hours: 1, cacheDir: simCacheDir, rtsp: true, now: simNow, onProgress: (m) => progress.push(m) });
    startupMs = Date.now() - started;
  });

  afterAll(async () => {
    await media?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('starts with cameras, history and an RTSP URL per camera and profile', () => {
    expect(media.cameras).toHaveLength(4);
    expect(media.historyStartMs % 60_000).toBe(0);
    expect(media.rtspUrl(1, 'main')).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/cam\/1000a001\/main$/);
    expect(media.rtspUrl(1, 'sub')).toMatch(/\/cam\/1000a001\/sub$/);
    expect(progress.join('\n')).toMatch(/cameras ready/);
    console.info(`media startup ${startupMs} ms`);
  });

  it('serves RTSP over TCP: H.264 720p main (loop and live encoder) and 360p sub', async () => {
    const [loop, encoder, sub] = await Promise.all([
      probe(media.rtspUrl(1, 'main')!, ['-rtsp_transport', 'tcp']),
      probe(media.rtspUrl(0, 'main')!, ['-rtsp_transport', 'tcp']),
      probe(media.rtspUrl(2, 'sub')!, ['-rtsp_transport', 'tcp']),
    ]);
    expect(loop.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(encoder.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(sub.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
  });

  it('streams live FLV with H.264 (+AAC on cameras with audio)', async () => {
    const bytes = await readSome(media.liveStream(1, 'sub', 'flv'), 60_000, 8_000);
    expect(bytes.subarray(0, 3).toString('latin1')).toBe('FLV');
    const file = join(scratch, 'live.flv');
    await writeFile(file, bytes);
    const info = await probe(file);
    expect(info.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
  });

  describe('recordings', () => {
    let segments: Segment[];

    beforeAll(() => {
      segments = media.segments(1, media.historyStartMs, simNow());
    });

    it('lists segments with gaps-aware planning and motion inside them', () => {
      expect(segments.length).toBeGreaterThan(5);
      for (const s of segments) expect(s.endMs - s.startMs).toBeLessThanOrEqual(300_000);
      // Motion first, then the segments it must lie in (both are cut at "now", which moves on).
      const motion = media.motion(1, media.historyStartMs, simNow());
      const recorded = media.segments(1, media.historyStartMs, simNow());
      for (const e of motion) {
        expect(recorded.some((s) => s.startMs <= e.startMs && e.endMs <= s.endMs)).toBe(true);
      }
    });

    it('encodes a whole segment once: faststart MP4, H.264 360p + AAC, exact duration', async () => {
      const seg = segments.find((s) => s.endMs - s.startMs === 300_000)!;
      const started = Date.now();
      const file = await media.segmentFile(seg, 'sub');
      console.info(`segment sub 300 s: ${Date.now() - started} ms (0 when cached)`);
      const info = await probe(file);
      expect(info.format.format_name).toContain('mp4');
      expect(Number(info.format.duration)).toBeCloseTo(300, 0);
      expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
      expect(info.streams.some((s) => s.codec_name === 'aac')).toBe(true);
      // faststart: moov right after ftyp, before mdat.
      const head = (await readFile(file)).subarray(0, 256).toString('latin1');
      expect(head.indexOf('moov')).toBeGreaterThan(0);
      expect(head.indexOf('moov')).toBeLessThan(100);
      // Second request: the cached file, at once.
      const again = Date.now();
      expect(await media.segmentFile(seg, 'sub')).toBe(file);
      expect(Date.now() - again).toBeLessThan(1_000);
    });

    it('serves the segment still being recorded as a cut up to now', async () => {
      const last = media.segments(1, simNow() - 300_000, simNow()).at(-1)!;
      const file = await media.segmentFile(last, 'sub');
      const info = await probe(file);
      expect(Number(info.format.duration)).toBeCloseTo((last.endMs - last.startMs) / 1000, 0);
    });

    it('returns a recorded still whose burned clock shows the requested second', async () => {
      // Camera 1 shows static colour bars, so only the clock differs between two seconds:
      // compare the clock band with frames rendered independently at t and at t + 1 s.
      const seg = segments.find((s) => s.endMs - s.startMs === 300_000)!;
      const t = seg.startMs + 42_600;
      const still = await media.recordedStill(1, t);
      expect(still).not.toBeNull();
      expect(isJpeg(still!.jpeg)).toBe(true);
      expect(still!.timestampMs).toBe(seg.startMs + 42_000);
      const stillFile = join(scratch, 'still.jpg');
      await writeFile(stillFile, still!.jpeg);

      await expectClock(scratch, 1, stillFile, seg.startMs + 42_000);
      expect(await timecodeOfJpeg(still!.jpeg)).toBe(seg.startMs + 42_000);
      expect(await timecodeOfJpeg((await media.recordedStill(1, t, 320))!.jpeg)).toBe(seg.startMs + 42_000);
    });

    it('returns null inside a gap', async () => {
      expect(await media.recordedStill(1, media.historyStartMs - 10_000)).toBeNull();
    });

    it('cuts a clip that starts on the keyframe at or before the requested time (GOP 4 s camera)', async () => {
      const segs = media.segments(2, media.historyStartMs, simNow());
      const seg = segs.find((s) => s.endMs - s.startMs >= 60_000)!;
      const from = seg.startMs + 10_500;
      const to = seg.startMs + 20_000;
      expect(media.clipStartMs!(2, from, to)).toBe(seg.startMs + 8_000);
      const clip = await readSome(await media.recordedClip(2, 'sub', from, to, 'mp4'), Number.MAX_SAFE_INTEGER, 30_000);
      const file = join(scratch, 'clip.mp4');
      await writeFile(file, clip);
      const info = await probe(file);
      expect(info.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
      // Starts within one GOP before `from`: 12 s from the keyframe at +8 s to +20 s.
      expect(Number(info.format.duration)).toBeGreaterThan((to - from) / 1000);
      expect(Number(info.format.duration)).toBeLessThanOrEqual((to - from) / 1000 + 4 + 0.2);
      expect(await firstVideoPts(file)).toBeCloseTo(0, 1);
      // The first frame shows the keyframe's time (camera 2 shows static bars).
      const first = join(scratch, 'clip-first.jpg');
      await run(ffmpeg, ['-v', 'error', '-i', file, '-frames:v', '1', '-q:v', '4', first]);
      await expectClock(scratch, 2, first, seg.startMs + 8_000);
      expect(await timecodesOfVideo(file, { count: 3 })).toEqual([seg.startMs + 8_000, seg.startMs + 8_100, seg.startMs + 8_200]);
      expect(await timecodeOfVideo(file, { fromEndSec: 0.1 })).toBe(to - 100);
    });

    it('concatenates clips across segments and gaps, as FLV too', async () => {
      const segs = media.segments(3, media.historyStartMs, simNow());
      const i = segs.findIndex((s, k) => k > 0 && s.startMs > segs[k - 1]!.endMs); // first segment after a gap
      const pair = i > 0 ? [segs[i - 1]!, segs[i]!] : [segs[0]!, segs[1]!];
      const from = pair[0]!.endMs - 5_000;
      const to = pair[1]!.startMs + 5_000;
      const mp4 = await readSome(await media.recordedClip(3, 'sub', from, to, 'mp4'), Number.MAX_SAFE_INTEGER, 60_000);
      const file = join(scratch, 'across.mp4');
      await writeFile(file, mp4);
      expect(Number((await probe(file)).format.duration)).toBeCloseTo(10, 0);
      const flv = await readSome(await media.recordedClip(3, 'sub', from, to, 'flv'), Number.MAX_SAFE_INTEGER, 30_000);
      expect(flv.subarray(0, 3).toString('latin1')).toBe('FLV');
      // Across the gap the picture jumps from the first piece's time to the second's.
      const codes = await timecodesOfVideo(file, { skipFrames: 48, count: 4 });
      expect(codes).toEqual([from + 4_800, from + 4_900, pair[1]!.startMs, pair[1]!.startMs + 100]);
    });

    it('rejects a clip of nothing', async () => {
      await expect(media.recordedClip(1, 'sub', media.historyStartMs - 60_000, media.historyStartMs - 1, 'mp4')).rejects.toThrow(/recorded nothing/);
    });
  });

  describe('live', () => {
    it('renders live stills for the live encoder and a loop camera', async () => {
      for (const index of [0, 1]) {
        const before = simNow();
        const still = await media.liveStill(index, 320);
        expect(isJpeg(still.jpeg)).toBe(true);
        expect(Math.abs(still.timestampMs - before)).toBeLessThan(2_000);
        // The live encoder's camera carries the wall clock; a loop's frames have no wall time.
        const code = await timecodeOfJpeg(still.jpeg);
        if (index === 0) expect(code).toBe(still.timestampMs);
        else expect(code).toBeNull();
      }
    });

    it('delivers live JPEG frames until stopped', async () => {
      const frames: Buffer[] = [];
      const stop = media.liveJpegs(3, 5, 320, (jpeg) => frames.push(jpeg));
      await waitFor(() => frames.length >= 3, 15_000, '3 live JPEGs');
      stop();
      expect(frames.every(isJpeg)).toBe(true);
    });

    it('serves a rolling HLS window', async () => {
      const playlist = await media.hlsPlaylist(1, 'sub');
      expect(playlist).toMatch(/^#EXTM3U/);
      const name = playlist.split('\n').find((line) => line.endsWith('.ts'))!;
      const segment = await media.hlsSegment(1, 'sub', name);
      expect(segment?.[0]).toBe(0x47);
      expect(await media.hlsSegment(1, 'sub', '../../etc/passwd')).toBeNull();
    });

    it('takes a camera offline and back', async () => {
      media.setOnline(2, false);
      expect(media.isOnline(2)).toBe(false);
      await expect(media.liveStill(2)).rejects.toBeInstanceOf(SimOffline);
      expect(() => media.liveStream(2, 'main', 'flv')).toThrow(SimOffline);
      await expect(probe(media.rtspUrl(2, 'main')!, ['-rtsp_transport', 'tcp'])).rejects.toThrow(/404|Not Found/);
      media.setOnline(2, true);
      const info = await probe(media.rtspUrl(2, 'main')!, ['-rtsp_transport', 'tcp']);
      expect(info.streams[0]).toMatchObject({ codec_name: 'h264', width: 1280 });
    });
  });

  it('works without RTSP: null URLs, a message, live media over HTTP', async () => {
    const messages: string[] = [];
    const plain = await createSimMedia({ cameras: 2, hours: 1, cacheDir: simCacheDir, rtsp: false, now: simNow, onProgress: (m) => messages.push(m) });
    try {
      expect(plain.rtspUrl(1, 'main')).toBeNull();
      expect(messages.join('\n')).toMatch(/RTSP disabled/);
      const bytes = await readSome(plain.liveStream(1, 'sub', 'ts'), 50_000, 8_000);
      expect(bytes[0]).toBe(0x47);
    } finally {
      await plain.close();
    }
  });

  it('close() leaves no child process behind', async () => {
    expect((await childCommands()).length).toBeGreaterThan(0);
    await media.close();
    await waitFor(async () => (await childCommands()).length === 0, 5_000, 'children to exit');
  });
});
