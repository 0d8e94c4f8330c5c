/**
 * Live previews the way a VMS keeps them: a camera's recent pictures are already in memory, so a
 * live still costs a lookup, not an ffmpeg run. (A per-request ffmpeg costs ~0.1 s idle and
 * 0.7 s and more on a loaded 2-core machine, which made a 48-tile JPEG wall refresh every ~10 s —
 * a simulator artefact: Eagle Eye, exacqVision and AIPIX answer previews from memory.)
 *
 * A loop camera's picture repeats with its loop, so its sub-stream loop is decoded once into
 * PREVIEW_FPS JPEGs (cached next to the loop file, ~10 kB each) and the picture now is the one at
 * the loop's current position. Frames of other sizes still go through ffmpeg (LiveService).
 */
import { readFile } from 'node:fs/promises';
import { ffmpegBin } from './binaries.js';
import { Dedupe, produceAtomically } from './cache.js';
import { JpegSplitter } from './jpeg-splitter.js';
import type { ProcessGroup } from './processes.js';

/** Preview pictures per second of loop time (Eagle Eye previews come at about 1–2 per second). */
export const PREVIEW_FPS = 2;

/** ffmpeg arguments: every 1/PREVIEW_FPS s of a loop file as one JPEG, concatenated. */
export function loopPreviewArgs(loopFile: string, out: string): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', loopFile, '-an', '-vf', `fps=${PREVIEW_FPS}`, '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2pipe', out];
}

/** Where a loop's previews are cached: next to the loop, whose name already keys its content. */
export function loopPreviewPath(loopFile: string): string {
  return `${loopFile.replace(/\.ts$/, '')}.previews-${PREVIEW_FPS}fps.mjpeg`;
}

/** Index of the preview showing at `positionSec` into a loop of `count` previews. */
export function previewIndex(positionSec: number, count: number): number {
  return ((Math.floor(positionSec * PREVIEW_FPS) % count) + count) % count;
}

export class LoopPreviews {
  private readonly tables = new Map<string, Buffer[]>();
  private readonly dedupe = new Dedupe();

  constructor(private readonly procs: ProcessGroup) {}

  /** The loop's previews, oldest first (made on first use, then from the cache file and memory). */
  frames(loopFile: string): Promise<Buffer[]> {
    const known = this.tables.get(loopFile);
    if (known) return Promise.resolve(known);
    return this.dedupe.run(loopFile, async () => {
      const path = loopPreviewPath(loopFile);
      await produceAtomically(path, (temp) => this.procs.run(ffmpegBin(), loopPreviewArgs(loopFile, temp)).then(() => undefined));
      const frames = new JpegSplitter().push(await readFile(path));
      if (frames.length === 0) throw new Error(`no previews in ${path}`);
      this.tables.set(loopFile, frames);
      return frames;
    });
  }
}
