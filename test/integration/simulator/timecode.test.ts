/**
 * The machine-readable timecode through real encoders: x264 at the recording bitrates, MJPEG
 * stills at the sub-stream size and scaled to 320 px, and the live (RTCTIME) path. Each decoded
 * value must be the frame's exact epoch ms.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegBin } from '../../../simulator/media/binaries.js';
import { catalogueEntry } from '../../../simulator/media/catalogue.js';
import { liveEncodeArgs, overlayFilter, recordingArgs, renderStillArgs, stillFromFileArgs } from '../../../simulator/media/ffmpeg-args.js';
import { timecodeOfJpeg, timecodeOfVideo, timecodesOfVideo } from '../../support/timecode.js';

const run = promisify(execFile);
/** A start with a non-round second, so every field of the code is exercised. */
const START_MS = Date.UTC(2026, 10, 22, 2, 14, 3);
let dir: string;

async function encode(cameraIndex: number, profile: 'main' | 'sub', seconds: number): Promise<string> {
  const { camera, scene } = catalogueEntry(cameraIndex);
  const out = join(dir, `rec-${cameraIndex}-${profile}.mp4`);
  await run('nice', ['-n', '5', ffmpegBin(), ...recordingArgs({
    scene, name: camera.name, esn: camera.esn, profile: camera.profiles[profile], gopSeconds: camera.gopSeconds,
    audio: camera.audio, fps: 10, startMs: START_MS, durationMs: seconds * 1000, motion: [{ startMs: START_MS + 1000, endMs: START_MS + 3000 }], out,
  })], { timeout: 60_000 });
  return out;
}

async function still(file: string, offsetSec: number, width?: number): Promise<Buffer> {
  const { stdout } = await run(ffmpegBin(), stillFromFileArgs(file, offsetSec, width, 640), { encoding: 'buffer', timeout: 30_000 });
  return stdout as unknown as Buffer;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-timecode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('timecode', () => {
  it('decodes frames 0, 1 and 37 of a 360p recording at 250 kb/s to the exact ms', async () => {
    const file = await encode(1, 'sub', 5);
    expect(await timecodeOfVideo(file)).toBe(START_MS);
    expect(await timecodeOfVideo(file, { skipFrames: 1 })).toBe(START_MS + 100);
    expect(await timecodeOfVideo(file, { skipFrames: 37 })).toBe(START_MS + 3_700);
    expect(await timecodeOfVideo(file, { atSec: 2.5 })).toBe(START_MS + 2_500);
    // Every frame, not just a few: the code must hold through P-frames and the motion tag.
    const all = await timecodesOfVideo(file, { count: 50 });
    expect(all).toEqual(Array.from({ length: 50 }, (_, n) => START_MS + n * 100));
    expect(await timecodesOfVideo(file, { fromEndSec: 0.3, count: 10 })).toEqual([START_MS + 4_700, START_MS + 4_800, START_MS + 4_900]);
  });

  it('decodes 720p recordings of a busy scene (testsrc2, 600 kb/s)', async () => {
    const file = await encode(0, 'main', 3);
    expect(await timecodesOfVideo(file, { count: 30 })).toEqual(Array.from({ length: 30 }, (_, n) => START_MS + n * 100));
  });

  it('decodes JPEG stills at 360p and scaled to 320 px wide (every scene)', async () => {
    for (const cameraIndex of [1, 7]) {
      const file = await encode(cameraIndex, 'sub', 2);
      expect(await timecodeOfJpeg(await still(file, 1.2))).toBe(START_MS + 1_200);
      expect(await timecodeOfJpeg(await still(file, 0.4, 320))).toBe(START_MS + 400);
    }
  });

  it('stamps a live still with exactly the instant it was asked for', async () => {
    const { camera, scene } = catalogueEntry(0);
    const atMs = START_MS + 123;
    const { stdout } = await run(ffmpegBin(), renderStillArgs({
      scene, name: camera.name, esn: camera.esn, profile: camera.profiles.sub, gopSeconds: 1, atMs,
    }, 320), { encoding: 'buffer', timeout: 30_000 });
    expect(await timecodeOfJpeg(stdout as unknown as Buffer)).toBe(atMs);
  });

  it('stamps the live encoder\'s frames with the wall clock plus the injected offset', async () => {
    const { camera, scene } = catalogueEntry(0);
    const offsetSec = -86_400.25;
    const args = liveEncodeArgs({
      scene, name: camera.name, esn: camera.esn, profile: camera.profiles.sub, gopSeconds: 1, audio: false,
      clockOffsetSec: offsetSec, rtpPort: null,
    });
    // Five frames to a file instead of the endless pipe: same filters, same clock.
    const out = join(dir, 'live.ts');
    const before = Date.now();
    await run(ffmpegBin(), [...args.slice(0, -1).filter((a) => a !== '-re'), '-frames:v', '5', out], { timeout: 30_000 });
    const after = Date.now();
    const codes = await timecodesOfVideo(out, { count: 5 });
    expect(codes.every((c) => c !== null)).toBe(true);
    for (const c of codes) {
      expect(c!).toBeGreaterThanOrEqual(before + offsetSec * 1000 - 1);
      expect(c!).toBeLessThanOrEqual(after + offsetSec * 1000 + 1);
    }
    expect(codes).toEqual([...codes].sort((a, b) => a! - b!));
  });

  it('finds no code where there is none', async () => {
    const { stdout } = await run(ffmpegBin(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'], { encoding: 'buffer' });
    expect(await timecodeOfJpeg(stdout as unknown as Buffer)).toBeNull();
    // A loop's frames have no wall time: its band has the clock's place but no code.
    const { camera, scene } = catalogueEntry(1);
    const loopVf = overlayFilter({ name: camera.name, esn: camera.esn, scene, width: 640, height: 360, clock: { kind: 'loop' } });
    const loop = await run(ffmpegBin(), ['-v', 'error', '-f', 'lavfi', '-i', 'smptebars=size=640x360', '-vf', loopVf, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'], { encoding: 'buffer' });
    expect(await timecodeOfJpeg(loop.stdout as unknown as Buffer)).toBeNull();
  });
});
