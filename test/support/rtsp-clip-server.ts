/**
 * A real GStreamer RTSP server carrying what many cameras send and the simulator does not:
 * 720p25 H.264 High profile with B-frames, plus an AAC track (issue 17: the live bench's baseline
 * showed 0 fps on such a server while Tessera played it). ffmpeg encodes a 4 s clip (lavfi test
 * picture and tone, ~1 s of CPU) and repeats it by stream copy to `seconds`; the server plays it
 * to every client from the start, at its own rate. stop() ends the server (it also ends when this process does:
 * it exits when its stdin closes).
 */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegBin, systemPython } from '../../simulator/media/binaries.js';

const script = fileURLToPath(new URL('./rtsp-clip-server.py', import.meta.url));
const run = promisify(execFile);

export interface ClipServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Writes the clip into `dir` (clip.mp4) and returns its path. Its video starts 0.3 s after its
 * audio, so the first packets a client gets are audio, as from a camera whose audio leads: then
 * a 32-byte probe stops before the first video frame every time (with both starting together it
 * did in 5 of 6 tries, depending on which packet the server sent first).
 */
export async function encodeBframeAacClip(dir: string, seconds = 60): Promise<string> {
  const [piece, looped, clip] = ['piece.mp4', 'looped.mp4', 'clip.mp4'].map((name) => join(dir, name)) as [string, string, string];
  const quiet = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  await run('nice', ['-n', '5', ffmpegBin(), ...quiet, '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4',
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-shortest', piece], { timeout: 60_000 });
  await run(ffmpegBin(), [...quiet, '-stream_loop', String(Math.ceil(seconds / 4) - 1), '-i', piece, '-c', 'copy', looped], { timeout: 30_000 });
  await run(ffmpegBin(), [...quiet, '-itsoffset', '0.3', '-i', looped, '-i', looped, '-map', '0:v', '-map', '1:a', '-c', 'copy', clip], { timeout: 30_000 });
  return clip;
}

export async function startClipServer(clip: string, timeoutMs = 15_000): Promise<ClipServer> {
  const child = spawn(systemPython(), [script, clip], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the RTSP clip server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the RTSP clip server exited (${code}): ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('ready ')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line.slice(6)) as { port: number }).port);
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  return {
    url: `rtsp://127.0.0.1:${port}/clip`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
