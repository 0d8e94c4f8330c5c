/**
 * Reads the simulator's machine-readable timecode (simulator/media/timecode.ts) back out of a
 * picture: a JPEG buffer, or a frame of a video file or URL. ffmpeg scales the frame to a
 * canonical 640×360 gray picture (the code's geometry is in fractions of the frame, so any size
 * or scaled copy lands on the same blocks), then each block's centre is averaged and thresholded
 * against the row's own white and black start blocks.
 *
 * null means "no valid code here": a loop camera, a foreign picture, or a frame damaged beyond
 * what the markers and the check bits accept. Never a guess.
 */
import { execFile } from 'node:child_process';
import { ffmpegBin } from '../../simulator/media/binaries.js';
import {
  TIMECODE_BLOCKS, TIMECODE_END, TIMECODE_START, timecodeBlock, timecodeFromBits,
} from '../../simulator/media/timecode.js';

/** The canonical decoding size. */
export const CANON_WIDTH = 640;
export const CANON_HEIGHT = 360;
const FRAME_BYTES = CANON_WIDTH * CANON_HEIGHT;
/** White minus black must be at least this (0–255) for the row to count as a code at all. */
const MIN_CONTRAST = 80;
/** Every block must be this far (fraction of the contrast) from the threshold: no coin flips. */
const MIN_MARGIN = 0.2;

/** Mean gray of the central half (in both directions) of block i. */
function blockMean(gray: Uint8Array, width: number, height: number, i: number): number {
  const r = timecodeBlock(i, width, height);
  const x0 = Math.round(r.x + r.w / 4);
  const x1 = Math.max(x0 + 1, Math.round(r.x + (3 * r.w) / 4));
  const y0 = Math.round(r.y + r.h / 4);
  const y1 = Math.max(y0 + 1, Math.round(r.y + (3 * r.h) / 4));
  let sum = 0;
  for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) sum += gray[y * width + x]!;
  return sum / ((x1 - x0) * (y1 - y0));
}

/** Pure decoding of one 8-bit gray frame (width × height, row-major): epoch ms or null. */
export function decodeTimecodeGray(gray: Uint8Array, width: number, height: number): number | null {
  if (gray.length < width * height) throw new RangeError(`gray frame of ${gray.length} bytes is smaller than ${width}×${height}`);
  const means = Array.from({ length: TIMECODE_BLOCKS }, (_, i) => blockMean(gray, width, height, i));
  const end = TIMECODE_BLOCKS - TIMECODE_END.length;
  const refs = [
    ...TIMECODE_START.map((b, i) => ({ b, v: means[i]! })),
    ...TIMECODE_END.map((b, i) => ({ b, v: means[end + i]! })),
  ];
  const level = (bit: number): number => {
    const vs = refs.filter((r) => r.b === bit).map((r) => r.v);
    return vs.reduce((a, v) => a + v, 0) / vs.length;
  };
  const white = level(1);
  const black = level(0);
  if (white - black < MIN_CONTRAST) return null;
  const threshold = (white + black) / 2;
  const margin = MIN_MARGIN * (white - black);
  if (means.some((v) => Math.abs(v - threshold) < margin)) return null;
  return timecodeFromBits(means.map((v) => (v > threshold ? 1 : 0)));
}

function runFfmpeg(args: readonly string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      ffmpegBin(), ['-hide_banner', '-loglevel', 'error', ...args],
      { encoding: 'buffer', maxBuffer: 512 * FRAME_BYTES, timeout: 60_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`ffmpeg ${args.join(' ')} failed: ${stderr.toString().trim() || err.message}`));
        else resolve(stdout);
      },
    );
    if (input) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

const toCanonGray = `scale=${CANON_WIDTH}:${CANON_HEIGHT}:flags=bilinear,format=gray`;
const rawOut = ['-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'];

function frames(raw: Buffer): (number | null)[] {
  const out: (number | null)[] = [];
  for (let off = 0; off + FRAME_BYTES <= raw.length; off += FRAME_BYTES) {
    out.push(decodeTimecodeGray(raw.subarray(off, off + FRAME_BYTES), CANON_WIDTH, CANON_HEIGHT));
  }
  return out;
}

/** The timecode of a JPEG still, or null. */
export async function timecodeOfJpeg(jpeg: Buffer): Promise<number | null> {
  const raw = await runFfmpeg(['-f', 'jpeg_pipe', '-i', 'pipe:0', '-frames:v', '1', '-vf', toCanonGray, ...rawOut], jpeg);
  return frames(raw)[0] ?? null;
}

export interface VideoQuery {
  /** Accurate seek to this media time (s) before reading. */
  atSec?: number;
  /** Read the last seconds of the input instead (ffmpeg -sseof); with `count` large, ends at the last frame. */
  fromEndSec?: number;
  /** Skip this many decoded frames (after any seek) before the first one returned. */
  skipFrames?: number;
  /** How many frames to decode (default 1, at most 512). */
  count?: number;
  /** Extra HTTP headers (e.g. a cookie or Authorization) for a URL source. */
  headers?: Record<string, string>;
}

/** Timecodes of consecutive frames of a video file or URL (null per frame without a valid code). */
export async function timecodesOfVideo(source: string, q: VideoQuery = {}): Promise<(number | null)[]> {
  const count = Math.min(q.count ?? 1, 512);
  const headers = q.headers
    ? ['-headers', Object.entries(q.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')]
    : [];
  const seek = q.fromEndSec !== undefined ? ['-sseof', `-${q.fromEndSec}`] : q.atSec !== undefined ? ['-ss', q.atSec.toFixed(3)] : [];
  const select = q.skipFrames ? `select='gte(n\\,${q.skipFrames})',` : '';
  const raw = await runFfmpeg([...headers, ...seek, '-i', source, '-an', '-frames:v', String(count), '-vf', `${select}${toCanonGray}`, ...rawOut]);
  return frames(raw);
}

/** The timecode of one frame of a video (see VideoQuery), or null. */
export async function timecodeOfVideo(source: string, q: Omit<VideoQuery, 'count'> = {}): Promise<number | null> {
  return (await timecodesOfVideo(source, { ...q, count: 1 }))[0] ?? null;
}
