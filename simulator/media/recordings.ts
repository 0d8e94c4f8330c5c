/**
 * Recorded media: planned segments become MP4 files the first time someone asks for them, then
 * live in the cache dir for every later run. Stills and clips are cut from those files.
 *
 * Encoding happens in 1-minute chunks (CHUNK_MS): a still or a short clip costs one chunk
 * (~1–2 s at 360p, ~4–8 s at 720p on a quiet machine) instead of a whole 5-minute segment. A
 * segment file is its chunks joined with stream copy. Chunks start on the absolute keyframe grid,
 * so joins and cuts stay on keyframes; the synthetic test pattern restarts every minute.
 *
 * A chunk always covers planned time, even the part of the current minute that has not happened
 * yet (a synthetic picture of the future is as easy to make as one of the past); what is served
 * never goes past now: the segment being recorded is a cut of its chunks up to now.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { ffmpegBin } from './binaries.js';
import { cacheKey, Dedupe, exists, Limiter, produceAtomically } from './cache.js';
import type { CatalogueEntry } from './catalogue.js';
import { clipArgs, concatList, recordingArgs, stillFromFileArgs } from './ffmpeg-args.js';
import { FlvConcat } from './flv-concat.js';
import { chunksOf, clipPieces, plannedSegmentAt, segmentAt, type Chunk, type PlannedSegment, type PlanWindow } from './plan.js';
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

/** A part of one planned segment, absolute ms; fromMs is on a keyframe. */
interface Range {
  planned: PlannedSegment;
  fromMs: number;
  toMs: number;
}

/** The part [inSec, outSec) of one chunk's file that a clip uses (s from the chunk's start). */
interface ChunkPiece {
  planned: PlannedSegment;
  chunk: Chunk;
  inSec: number;
  outSec: number;
}

export class RecordingStore {
  private readonly dedupe = new Dedupe();
  /** One encoder per profile at a time: at most 2 x264 threads, and a 720p encode never blocks sub stills. */
  private readonly encoders: Record<ProfileName, Limiter> = { main: new Limiter(1), sub: new Limiter(1) };
  /** Chunks queued as work ahead, by path: calling one moves it up to the chunks wanted now. */
  private readonly promoters = new Map<string, () => void>();

  constructor(private readonly o: RecordingStoreOptions) {}

  private entry(cameraIndex: number): CatalogueEntry {
    const entry = this.o.entries[cameraIndex];
    if (!entry) throw new SimNotFound(`no camera ${cameraIndex}`);
    return entry;
  }

  private chunkArgs(planned: PlannedSegment, chunk: Chunk, profile: ProfileName, out: string): string[] {
    const { camera, scene } = this.entry(planned.cameraIndex);
    return recordingArgs({
      scene, name: camera.name, esn: camera.esn, profile: camera.profiles[profile], gopSeconds: camera.gopSeconds,
      audio: camera.audio, fps: camera.recordingFps ?? 10, startMs: chunk.startMs, durationMs: chunk.endMs - chunk.startMs,
      motion: planned.motion.filter((m) => m.startMs < chunk.endMs && m.endMs > chunk.startMs), out,
    });
  }

  /** Cache path of a chunk, keyed by its whole ffmpeg command line (any change re-encodes). */
  private chunkPath(planned: PlannedSegment, chunk: Chunk, profile: ProfileName): string {
    const { camera } = this.entry(planned.cameraIndex);
    const key = cacheKey(this.chunkArgs(planned, chunk, profile, 'OUT'));
    const seconds = (chunk.endMs - chunk.startMs) / 1000;
    return join(this.o.cacheDir, 'recordings', camera.esn, `${profile}-${compactTime(chunk.startMs)}-${seconds}s-${key}.mp4`);
  }

  /**
   * One encoded chunk; made once, then reused. `ahead`: wanted later (the next chunk of a clip
   * being played), so it waits behind chunks wanted now, and moves up when it is wanted now too.
   */
  private chunkFile(planned: PlannedSegment, chunk: Chunk, profile: ProfileName, ahead = false): Promise<string> {
    const path = this.chunkPath(planned, chunk, profile);
    if (!ahead) this.promoters.get(path)?.();
    return this.dedupe.run(path, () =>
      produceAtomically(path, (temp) =>
        this.encoders[profile].run(async () => {
          this.promoters.delete(path);
          const started = Date.now();
          await this.o.procs.run(ffmpegBin(), this.chunkArgs(planned, chunk, profile, temp));
          const { camera } = this.entry(planned.cameraIndex);
          this.o.onProgress?.(
            `media: recorded ${camera.name} ${profile} ${new Date(chunk.startMs).toISOString()} ` +
              `(${(chunk.endMs - chunk.startMs) / 1000} s) in ${Date.now() - started} ms`,
          );
        }, { background: ahead, onQueued: (promote) => this.promoters.set(path, promote) }),
      ).finally(() => this.promoters.delete(path)),
    );
  }

  /** The chunks covering [fromMs, toMs) of each range, with the part of each chunk file to use. */
  private chunkPieces(ranges: readonly Range[]): ChunkPiece[] {
    const out: ChunkPiece[] = [];
    for (const range of ranges) {
      for (const chunk of chunksOf(range.planned)) {
        if (chunk.endMs <= range.fromMs || chunk.startMs >= range.toMs) continue;
        out.push({
          planned: range.planned, chunk,
          inSec: (Math.max(range.fromMs, chunk.startMs) - chunk.startMs) / 1000,
          outSec: (Math.min(range.toMs, chunk.endMs) - chunk.startMs) / 1000,
        });
      }
    }
    return out;
  }

  /** Chunks covering the ranges, encoded, as ffconcat pieces. */
  private async pieces(ranges: readonly Range[], profile: ProfileName): Promise<{ file: string; inSec: number; outSec: number }[]> {
    const out: { file: string; inSec: number; outSec: number }[] = [];
    for (const p of this.chunkPieces(ranges)) out.push({ file: await this.chunkFile(p.planned, p.chunk, profile), inSec: p.inSec, outSec: p.outSec });
    return out;
  }

  /** Joins ranges into one faststart MP4 at `out` (stream copy). */
  private async join(ranges: readonly Range[], profile: ProfileName, out: string): Promise<void> {
    const pieces = await this.pieces(ranges, profile);
    const listFile = `${out}.ffconcat`;
    await writeFile(listFile, concatList(pieces));
    try {
      await this.o.procs.run(ffmpegBin(), clipArgs(listFile, 'mp4', out, ranges[0]?.fromMs));
    } finally {
      await rm(listFile, { force: true });
    }
  }

  async segmentFile(segment: Segment, profile: ProfileName): Promise<string> {
    const planned = plannedSegmentAt(segment.cameraIndex, segment.startMs);
    if (!planned || segment.endMs > planned.endMs || segment.endMs <= segment.startMs) {
      throw new SimNotFound(`camera ${segment.cameraIndex} recorded nothing at ${new Date(segment.startMs).toISOString()}`);
    }
    const { camera } = this.entry(segment.cameraIndex);
    const whole = segment.startMs === planned.startMs && segment.endMs === planned.endMs;
    // Keyed by the chunks and the join's command line: a change to either makes a new file.
    const key = cacheKey([chunksOf(planned).map((chunk) => this.chunkPath(planned, chunk, profile)), clipArgs('LIST', 'mp4', 'OUT', segment.startMs)]);
    // A whole segment is kept; a part (the one still recording, or the first after history
    // start) lives in the run dir because its end moves with now.
    const path = whole
      ? join(this.o.cacheDir, 'recordings', camera.esn, `${profile}-${compactTime(planned.startMs)}-segment-${(planned.endMs - planned.startMs) / 1000}s-${key}.mp4`)
      : join(this.o.runDir, 'cuts', `${camera.esn}-${profile}-${segment.startMs}-${segment.endMs}-${key}.mp4`);
    return this.dedupe.run(path, () =>
      produceAtomically(path, (temp) => this.join([{ planned, fromMs: segment.startMs, toMs: segment.endMs }], profile, temp)),
    );
  }

  /** JPEG of the recorded second containing tMs (previews are 1 per second), or null in a gap. */
  async still(cameraIndex: number, tMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number } | null> {
    const { camera } = this.entry(cameraIndex);
    const found = segmentAt(cameraIndex, tMs, this.o.window());
    if (!found) return null;
    const timestampMs = Math.max(found.segment.startMs, Math.floor(tMs / 1000) * 1000);
    const chunk = chunksOf(found.planned).find((c) => c.startMs <= timestampMs && timestampMs < c.endMs)!;
    // The 360p chunk is 4× cheaper to make: use the 720p one only when asked for more than 640 px
    // and it already exists (a scaled-up 360p frame is a fine preview).
    const wantsMain = width !== undefined && width > camera.profiles.sub.width;
    const profile: ProfileName = wantsMain && (await exists(this.chunkPath(found.planned, chunk, 'main'))) ? 'main' : 'sub';
    const source = await this.chunkFile(found.planned, chunk, profile);
    const key = cacheKey([source, timestampMs, width]);
    const path = join(this.o.cacheDir, 'stills', camera.esn, `${compactTime(timestampMs)}-${width ?? 'native'}-${key}.jpg`);
    const file = await this.dedupe.run(path, () =>
      produceAtomically(path, async (temp) => {
        const jpeg = await this.o.procs.run(
          ffmpegBin(),
          stillFromFileArgs(source, (timestampMs - chunk.startMs) / 1000, width, camera.profiles[profile].width),
        );
        if (jpeg.length === 0) throw new Error(`no frame at ${timestampMs} in ${source}`);
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
    const ranges = clipPieces(cameraIndex, camera.gopSeconds, startMs, endMs, this.o.window());
    if (ranges.length === 0) {
      throw new SimNotFound(`camera ${cameraIndex} recorded nothing in ${new Date(startMs).toISOString()}…${new Date(endMs).toISOString()}`);
    }
    const dir = join(this.o.runDir, 'clips');
    await mkdir(dir, { recursive: true });
    const base = join(dir, `${camera.esn}-${startMs}-${randomBytes(4).toString('hex')}`);
    if (format === 'flv') {
      const parts = this.chunkPieces(ranges);
      // The first chunk before the answer: a failure to encode it is the request's error.
      await this.chunkFile(parts[0]!.planned, parts[0]!.chunk, profile);
      return this.flvWhileEncoding(parts, profile, base);
    }
    if (format === 'ts') {
      const listFile = `${base}.ffconcat`;
      await writeFile(listFile, concatList(await this.pieces(ranges, profile)));
      const child = this.o.procs.spawn(ffmpegBin(), clipArgs(listFile, format, null));
      child.stdin?.end();
      return childOutput(child, () => void rm(listFile, { force: true }));
    }
    // A faststart MP4 needs a seekable output: write a file, stream it, delete it when read.
    const out = `${base}.mp4`;
    await this.join(ranges, profile, out);
    const stream = createReadStream(out);
    stream.once('close', () => void rm(out, { force: true }));
    return stream;
  }

  /**
   * Recorded FLV that starts as soon as its first chunk is encoded (a 5-minute clip would
   * otherwise wait 20–40 s for all five): each chunk's piece is remuxed by its own ffmpeg once the
   * chunk exists, and FlvConcat joins the pieces into the bytes one ffmpeg over the whole list
   * writes (timestamps go on across joins). ffmpeg's concat demuxer cannot do this itself: it
   * reads the whole list first and fails on a file that is not there yet.
   *
   * The next chunk is asked for when a piece starts, so it is encoded while this one plays
   * (a paced piece lasts up to a minute; a chunk takes seconds). One ahead only, and behind the
   * chunks wanted now: the profile's single encoder is shared with other tiles' stills and first
   * opens, and a clip nobody reads to its end should not hold it. Flow control is the consumer's: a piece is read only as fast as it is taken.
   */
  private flvWhileEncoding(parts: readonly ChunkPiece[], profile: ProfileName, base: string): Readable {
    const out = new PassThrough();
    let current: Readable | null = null;
    out.once('close', () => current?.destroy());
    const run = async (): Promise<void> => {
      const concat = new FlvConcat();
      let offsetMs = 0;
      for (const [i, part] of parts.entries()) {
        const file = await this.chunkFile(part.planned, part.chunk, profile);
        const next = parts[i + 1];
        if (next) this.chunkFile(next.planned, next.chunk, profile, true).catch(() => undefined); // its failure is met when it is reached
        if (out.destroyed) return;
        const listFile = `${base}-${i}.ffconcat`;
        await writeFile(listFile, concatList([{ file, inSec: part.inSec, outSec: part.outSec }]));
        const child = this.o.procs.spawn(ffmpegBin(), clipArgs(listFile, 'flv', null));
        child.stdin?.end();
        current = childOutput(child, () => void rm(listFile, { force: true }));
        concat.begin(offsetMs, i === parts.length - 1);
        for await (const data of current) {
          for (const bytes of concat.push(data as Buffer)) if (!out.write(bytes)) await drained(out);
          if (out.destroyed) return;
        }
        for (const bytes of concat.end()) if (!out.write(bytes)) await drained(out);
        // The concat demuxer's own rule: the next piece starts at the planned length of this one.
        offsetMs += Math.round(part.outSec * 1000) - Math.round(part.inSec * 1000);
      }
      out.end();
    };
    run().catch((err: unknown) => out.destroy(err as Error));
    return out;
  }
}

/** Resolves when a stream can take more bytes, or is gone. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}
