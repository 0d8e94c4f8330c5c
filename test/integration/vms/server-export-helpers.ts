/**
 * What the per-vendor server-export tests share: download what prepare() handed back with its own
 * URL and headers (as the export manager will), probe it with the real ffprobe, record the
 * progress steps, and a range inside a finished recording of the simulator.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { ServerExportDownload, ServerExportFile } from '../../../main/vms/adapter.js';
import type { SimMedia } from '../../../simulator/types.js';
import { longestFinishedSegment } from '../../support/simulator.js';
import { timecodeOfVideo, timecodesOfVideo } from '../../support/timecode.js';
import { ffprobe } from '../simulator/exacq-helpers.js';

/** Downloads one file of a server export to dir/name; the answer must be a 200. */
export async function download(file: ServerExportDownload, dir: string, name: string): Promise<string> {
  const response = await fetch(file.url, { headers: file.headers, signal: AbortSignal.timeout(60_000) });
  if (response.status !== 200 || !response.body) throw new Error(`download answered ${response.status}: ${await response.text()}`);
  const path = join(dir, name);
  await pipeline(Readable.fromWeb(response.body as ReadableStream), createWriteStream(path));
  return path;
}

/** Downloads the file and any further parts; the paths in time order. */
export async function downloadAll(file: ServerExportFile, dir: string, stem: string): Promise<string[]> {
  const parts = [file, ...(file.more ?? [])];
  const paths: string[] = [];
  for (const [i, part] of parts.entries()) paths.push(await download(part, dir, `${stem}-${i}.mp4`));
  return paths;
}

/** Duration (s) and the video codec of an MP4, from ffprobe. */
export async function probe(path: string): Promise<{ durationS: number; videoCodec: string | undefined; formatName: string }> {
  const result = await ffprobe(path);
  return {
    durationS: Number(result.format.duration ?? NaN),
    videoCodec: result.streams.find((s) => s.codec_type === 'video')?.codec_name,
    formatName: result.format.format_name,
  };
}

/** The simulator's machine-readable time of the first and the last frame of a file. */
export async function firstAndLastFrame(path: string): Promise<{ firstMs: number | null; lastMs: number | null }> {
  const firstMs = await timecodeOfVideo(path);
  const tail = await timecodesOfVideo(path, { fromEndSec: 2, count: 512 });
  return { firstMs, lastMs: tail.filter((t): t is number => t !== null).at(-1) ?? null };
}

/** Collects the progress prepare() reports. */
export function progressLog(): { steps: { fraction: number; step: string }[]; onProgress(fraction: number, step: string): void } {
  const steps: { fraction: number; step: string }[] = [];
  return { steps, onProgress: (fraction, step) => steps.push({ fraction, step }) };
}

/**
 * A 2-minute range 30 s into the longest finished recording of a camera (so it starts inside a
 * video, not on its first frame), the camera's GOP in seconds and its recorded frame spacing.
 */
export function twoMinutesOf(media: SimMedia, cameraIndex: number, nowMs: number): { fromMs: number; toMs: number; gopS: number; frameMs: number } {
  const segment = longestFinishedSegment(media, cameraIndex, nowMs);
  const fromMs = segment.startMs + 30_000;
  if (segment.endMs < fromMs + 120_000) throw new Error(`the longest finished recording of camera ${cameraIndex} is too short for a 2-minute export`);
  const camera = media.cameras[cameraIndex]!;
  return { fromMs, toMs: fromMs + 120_000, gopS: camera.gopSeconds, frameMs: 1000 / (camera.recordingFps ?? 10) };
}
