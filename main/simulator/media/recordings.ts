/**
 * Recorded media: planned segments become MP4 files the first time someone asks for them, then
 * live in the cache dir for every later run. Stills and clips are cut from those files.
 *
 * The file of a segment always covers its whole *planned* recording (the synthetic picture of a
 * minute that has not happened yet is as easy to make as a past one), so the segment still being
 * recorded is encoded once and served as a cheap stream-copy cut up to now.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ffmpegBin } from './binaries.js';
import { cacheKey, Dedupe, Limiter, produceAtomically } from './cache.js';
import type { CatalogueEntry } from './catalogue.js';
import { clipArgs, concatList, cutArgs, recordingArgs, stillFromFileArgs } from './ffmpeg-args.js';
import { clipPieces, plannedSegmentAt, segmentAt, type PlannedSegment, type PlanWindow } from './plan.js';
import { childOutput, type ProcessGroup } from './processes.js';
import { SimNotFound, type ProfileName, type Segment } from '../types.js';

export interface RecordingStoreOptions {
  entries: readonly CatalogueEntry[];
  /** Persistent cache (survives restarts). */
  cacheDir: string;
  /** Scratch dir of this run (removed by close). */
  runDir: string;
  procs: ProcessGroup;
  window: () => PlanWindow;
  onProgress?: (message: string) => void;
}

/** "20261122T021500Z": sortable, readable file names. */
function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class RecordingStore {
  private readonly dedupe = new Dedupe();
  /** One encoder per profile at a time: at most 2 x264 threads, and a 720p encode never blocks sub stills. */
  private readonly encoders: Record<ProfileName, Limiter> = { main: new Limiter(1), sub: new Limiter(1) };

  constructor(private readonly o: RecordingStoreOptions) {}

  private entry(cameraIndex: number): CatalogueEntry {
    const entry = this.o.entries[cameraIndex];
    if (!entry) throw new SimNotFound(`no camera ${cameraIndex}`);
    return entry;
  }

  private encodeArgs(planned: PlannedSegment, profile: ProfileName, out: string): string[] {
    const { camera, scene } = this.entry(planned.cameraIndex);
    return recordingArgs({
      scene, name: camera.name, esn: camera.esn, profile: camera.profiles[profile], gopSeconds: camera.gopSeconds,
      audio: camera.audio, fps: camera.recordingFps ?? 10, startMs: planned.startMs,
      durationMs: planned.endMs - planned.startMs, motion: planned.motion, out,
    });
  }

  /** Cache key of a planned segment's file: its whole ffmpeg command line (any change re-encodes). */
  private fileKey(planned: PlannedSegment, profile: ProfileName): string {
    return cacheKey(this.encodeArgs(planned, profile, 'OUT'));
  }

  /** The MP4 of a whole planned segment; encoded once (per profile), then reused. */
  plannedFile(planned: PlannedSegment, profile: ProfileName): Promise<string> {
    const { camera } = this.entry(planned.cameraIndex);
    const key = this.fileKey(planned, profile);
    const path = join(
      this.o.cacheDir, 'recordings', camera.esn,
      `${profile}-${compactTime(planned.startMs)}-${(planned.endMs - planned.startMs) / 1000}s-${key}.mp4`,
    );
    return this.dedupe.run(path, () =>
      produceAtomically(path, (temp) =>
        this.encoders[profile].run(async () => {
          const started = Date.now();
          await this.o.procs.run(ffmpegBin(), this.encodeArgs(planned, profile, temp));
          this.o.onProgress?.(
            `media: recorded ${camera.name} ${profile} ${new Date(planned.startMs).toISOString()} ` +
              `(${(planned.endMs - planned.startMs) / 1000} s) in ${Date.now() - started} ms`,
          );
        }),
      ),
    );
  }

  async segmentFile(segment: Segment, profile: ProfileName): Promise<string> {
    const planned = plannedSegmentAt(segment.cameraIndex, segment.startMs);
    if (!planned || segment.endMs > planned.endMs || segment.endMs <= segment.startMs) {
      throw new SimNotFound(`camera ${segment.cameraIndex} recorded nothing at ${new Date(segment.startMs).toISOString()}`);
    }
    const whole = await this.plannedFile(planned, profile);
    if (segment.startMs === planned.startMs && segment.endMs === planned.endMs) return whole;
    // Part of a planned segment (the one still recording, or the first one after history start):
    // a stream-copy cut (~0.1 s), kept in the run dir because its end moves with now.
    const path = join(this.o.runDir, 'cuts', `${this.fileKey(planned, profile)}-${segment.startMs}-${segment.endMs}.mp4`);
    return this.dedupe.run(path, () =>
      produceAtomically(path, (temp) =>
        this.o.procs.run(ffmpegBin(), cutArgs(whole, (segment.startMs - planned.startMs) / 1000, (segment.endMs - segment.startMs) / 1000, temp)).then(() => undefined),
      ),
    );
  }

  /** JPEG of the recorded second containing tMs (previews are 1 per second), or null in a gap. */
  async still(cameraIndex: number, tMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number } | null> {
    const { camera } = this.entry(cameraIndex);
    const found = segmentAt(cameraIndex, tMs, this.o.window());
    if (!found) return null;
    const timestampMs = Math.max(found.segment.startMs, Math.floor(tMs / 1000) * 1000);
    // The sub file is 4× cheaper to make; use it unless the caller wants more than its width.
    const profile: ProfileName = width && width > camera.profiles.sub.width ? 'main' : 'sub';
    const whole = await this.plannedFile(found.planned, profile);
    const key = this.fileKey(found.planned, profile);
    const path = join(this.o.cacheDir, 'stills', camera.esn, `${compactTime(timestampMs)}-${width ?? 'native'}-${key}.jpg`);
    const file = await this.dedupe.run(path, () =>
      produceAtomically(path, async (temp) => {
        const jpeg = await this.o.procs.run(
          ffmpegBin(),
          stillFromFileArgs(whole, (timestampMs - found.planned.startMs) / 1000, width, camera.profiles[profile].width),
        );
        if (jpeg.length === 0) throw new Error(`no frame at ${timestampMs} in ${whole}`);
        await writeFile(temp, jpeg);
      }),
    );
    return { jpeg: await readFile(file), timestampMs };
  }

  /** Time of the first frame recordedClip would return for a clip from startMs, or null. */
  clipStartMs(cameraIndex: number, startMs: number, endMs: number): number | null {
    const { camera } = this.entry(cameraIndex);
    return clipPieces(cameraIndex, camera.gopSeconds, startMs, endMs, this.o.window())[0]?.fromMs ?? null;
  }

  async clip(cameraIndex: number, profile: ProfileName, startMs: number, endMs: number, format: 'mp4' | 'flv' | 'ts'): Promise<Readable> {
    const { camera } = this.entry(cameraIndex);
    const pieces = clipPieces(cameraIndex, camera.gopSeconds, startMs, endMs, this.o.window());
    if (pieces.length === 0) {
      throw new SimNotFound(`camera ${cameraIndex} recorded nothing in ${new Date(startMs).toISOString()}…${new Date(endMs).toISOString()}`);
    }
    const files: string[] = [];
    for (const piece of pieces) files.push(await this.plannedFile(piece.planned, profile));
    const list = concatList(pieces.map((piece, i) => ({
      file: files[i]!,
      inSec: (piece.fromMs - piece.planned.startMs) / 1000,
      outSec: (piece.toMs - piece.planned.startMs) / 1000,
    })));
    const dir = join(this.o.runDir, 'clips');
    await mkdir(dir, { recursive: true });
    const base = join(dir, `${camera.esn}-${startMs}-${randomBytes(4).toString('hex')}`);
    const listFile = `${base}.ffconcat`;
    await writeFile(listFile, list);
    if (format !== 'mp4') {
      const child = this.o.procs.spawn(ffmpegBin(), clipArgs(listFile, format, null));
      child.stdin?.end();
      return childOutput(child, () => void rm(listFile, { force: true }));
    }
    // A faststart MP4 needs a seekable output: write a file, stream it, delete it when read.
    const out = `${base}.mp4`;
    try {
      await this.o.procs.run(ffmpegBin(), clipArgs(listFile, 'mp4', out));
    } finally {
      await rm(listFile, { force: true });
    }
    const stream = createReadStream(out);
    stream.once('close', () => void rm(out, { force: true }));
    return stream;
  }
}
