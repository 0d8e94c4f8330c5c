/**
 * One JPEG from a live source (RTSP URL or HTTP stream) with ffmpeg: connect, wait for the
 * first decodable frame, scale, write it to stdout. Bounded by a timeout; the error says why.
 */
import { spawn } from 'node:child_process';
import { AppFailure } from '../../preload/contract/index.js';
import { redactString } from '../logging/redact.js';
import { watchChild } from '../processes/child-reaper.js';
import { ffmpegPath } from './ffmpeg-binary.js';

/** How long one read of an HTTP input may stall, ms: a live source that stops is gone. */
const liveReadTimeoutMs = 5000;

export interface StillGrabOptions {
  width?: number;
  rtsp: boolean;
  headers?: Record<string, string>;
  /**
   * The frame that far into the input instead of the first (decoded up to there, so it is exact:
   * for a recording that starts on a keyframe before the wanted instant).
   */
  seekSeconds?: number;
  /**
   * How long one read of an HTTP input may stall, ms (default 5 s). A recording server may cut
   * an archive segment only when it is asked for and answer after several seconds (the AIPIX
   * simulator encodes cold minutes in 4–9 s): 5 s made ffmpeg drop every segment and fail with
   * "Invalid data found" on the playlist.
   */
  readTimeoutMs?: number;
}

export function stillGrabArgs(input: string, options: StillGrabOptions): string[] {
  const headerArgs = options.headers && Object.keys(options.headers).length ? ['-headers', Object.entries(options.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')] : [];
  return [
    '-hide_banner',
    '-loglevel', 'error',
    '-nostdin',
    ...(options.rtsp ? ['-rtsp_transport', 'tcp', '-timeout', '5000000'] : ['-rw_timeout', String((options.readTimeoutMs ?? liveReadTimeoutMs) * 1000)]),
    ...headerArgs,
    '-i', input,
    ...(options.seekSeconds ? ['-ss', options.seekSeconds.toFixed(3)] : []),
    '-an',
    '-frames:v', '1',
    ...(options.width ? ['-vf', `scale=${options.width}:-2`] : []),
    '-q:v', '4',
    '-f', 'image2pipe',
    '-c:v', 'mjpeg',
    'pipe:1',
  ];
}

export function grabStill(input: string, options: StillGrabOptions & { site: string; timeoutMs?: number }): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), stillGrabArgs(input, options), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    watchChild(child);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AppFailure('timeout', `${options.site}: no picture arrived within ${Math.round(timeoutMs / 1000)} s.`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new AppFailure('internal', `ffmpeg could not be started (${err.message}); set FFMPEG_BIN to an ffmpeg binary.`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(chunks);
      if (code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) return resolve(jpeg);
      reject(stillFailure(options.site, redactString(stderr)));
    });
  });
}

function stillFailure(site: string, stderr: string): AppFailure {
  if (/401|Unauthorized/i.test(stderr)) return new AppFailure('unauthorized', `${site}: the camera refused the user name or password.`);
  if (/404|Not Found/i.test(stderr)) return new AppFailure('not-found', `${site}: the camera address does not exist on the server.`);
  if (/Connection refused|No route|timed out|Network is unreachable/i.test(stderr)) return new AppFailure('unreachable', `${site}: the camera could not be reached.`);
  return new AppFailure('bad-response', `${site}: no picture could be decoded (${stderr.trim().split('\n').pop() ?? 'ffmpeg failed'}).`);
}
