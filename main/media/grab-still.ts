/**
 * One JPEG from a live source (RTSP URL or HTTP stream) with ffmpeg: connect, wait for the
 * first decodable frame, scale, write it to stdout. Bounded by a timeout; the error says why.
 */
import { spawn } from 'node:child_process';
import { AppFailure } from '../../preload/contract/index.js';
import { redactString } from '../logging/redact.js';
import { watchChild } from '../processes/child-reaper.js';
import { ffmpegPath } from './ffmpeg-binary.js';

/**
 * `seekSeconds`: the frame that far into the input instead of the first (decoded up to there,
 * so it is exact: for a recording that starts on a keyframe before the wanted instant).
 */
export function stillGrabArgs(input: string, options: { width?: number; rtsp: boolean; headers?: Record<string, string>; seekSeconds?: number }): string[] {
  const headerArgs = options.headers && Object.keys(options.headers).length ? ['-headers', Object.entries(options.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')] : [];
  return [
    '-hide_banner',
    '-loglevel', 'error',
    '-nostdin',
    ...(options.rtsp ? ['-rtsp_transport', 'tcp', '-timeout', '5000000'] : ['-rw_timeout', '5000000']),
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

export function grabStill(input: string, options: { width?: number; rtsp: boolean; headers?: Record<string, string>; seekSeconds?: number; site: string; timeoutMs?: number }): Promise<Buffer> {
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
