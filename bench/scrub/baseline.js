// The bare harness of LAB-NOTES §5, in the same run: a 720p25 H.264 recording (GOP 50, veryfast,
// 300 kb/s, +faststart; made once and cached), `ffmpeg -ss X -i rec.mp4 -frames:v 1 -q:v 3 out.jpg`
// per position, and a 127.0.0.1 HTTP server with Range for the page's progressive <video> seek.
import { execFile } from 'node:child_process';
import { createReadStream, mkdirSync, renameSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { watchedChild } from './watched.js';

const ffmpegBin = process.env.FFMPEG_BIN || 'ffmpeg';

function ffmpeg(args) {
  return new Promise((resolve, reject) => {
    const child = execFile(ffmpegBin, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], (err, _out, stderr) => (err ? reject(new Error(`ffmpeg: ${stderr.trim() || err.message}`)) : resolve()));
    watchedChild(child);
  });
}

/** The recording of `minutes`, cached in dir (gen_rec.sh of the lab notes). */
export async function baselineRecording(dir, minutes) {
  const file = join(dir, `scrub-${minutes}min-720p25.mp4`);
  try {
    statSync(file);
    return file;
  } catch {
    process.stderr.write(`bench: making the baseline's ${minutes}-minute 720p25 recording (once; cached in ${dir})…\n`);
  }
  mkdirSync(dir, { recursive: true });
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-t', String(minutes * 60), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '300k', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', `${file}.tmp.mp4`]);
  renameSync(`${file}.tmp.mp4`, file);
  return file;
}

/** Frame-aligned random positions in 5 s … length − 5 s (seeded, so runs compare). */
export function positions(n, lengthS, seed = 7) {
  let s = seed;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => Math.round((5 + rnd() * Math.max(1, lengthS - 10)) * 25) / 25);
}

/** Wall ms of one `ffmpeg -ss X` still extraction per position (accurate seek, start-up included). */
export async function ffmpegSsTimes(file, xs, outDir) {
  const times = [];
  for (const x of xs) {
    const t0 = performance.now();
    await ffmpeg(['-ss', String(x), '-i', file, '-frames:v', '1', '-q:v', '3', join(outDir, 'baseline-still.jpg')]);
    times.push(performance.now() - t0);
  }
  return times;
}

/** Serves the recording with Range (and a blank page) on 127.0.0.1; resolves { url, close }. */
export function serveRecording(file) {
  const size = statSync(file).size;
  const server = createServer((req, res) => {
    if (req.url !== '/rec.mp4') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>baseline</title><body></body>');
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    res.writeHead(m ? 206 : 200, { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': end - start + 1, ...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
    createReadStream(file, { start, end }).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) });
    }),
  );
}
