/**
 * A stand-in VMS for export tests: a real HTTP server (127.0.0.1) that cuts clips of a real MP4
 * made by ffmpeg, and a ServerExport that asks it for them, as a vendor's serverExport does.
 * Knobs: stall the next N downloads (half the bytes, then silence), throttle the bytes, and a
 * log of requests and finish() calls, so tests see what was fetched again and what was released.
 */
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppFailure } from '../../preload/contract/index.js';
import type { ServerExport } from '../../main/vms/adapter.js';

const run = promisify(execFile);
export const ffmpegBin = process.env.FFMPEG_BIN ?? 'ffmpeg';
export const ffprobeBin = process.env.FFPROBE_BIN ?? 'ffprobe';

/** GOP of the source clip: one keyframe a second (10 frames at 10 fps). */
export const SOURCE_GOP_S = 1;

/** A recording of `seconds` at 10 fps, 160x90, keyframe each second, AAC mono: what a camera recorded. */
export async function makeRecording(dir: string, seconds: number, size = '160x90'): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `recording-${seconds}s-${size}.mp4`);
  if (existsSync(file)) return file;
  await run(ffmpegBin, [
    '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=10`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000',
    '-t', String(seconds), '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-keyint_min', '10', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '16k', '-ac', '1', '-movflags', '+faststart', file,
  ]);
  return file;
}

export interface ClipServerOptions {
  /** Wall time of the recording's first frame. */
  originMs: number;
  /** Bytes per second sent to a download (default: as fast as possible). */
  bytesPerSecond?: number;
  /** Send no Content-Length (chunked): the client learns the size only by writing it all. */
  noLength?: boolean;
}

export class ClipServer {
  readonly requests: { path: string; range?: string }[] = [];
  finished = 0;
  prepared = 0;
  /** The next this-many downloads send half their bytes and then nothing. */
  stallNext = 0;
  /** The next this-many server jobs stall (prepare fails as a vendor's stalled job does). */
  stallPrepareNext = 0;
  /** The next this-many server jobs come back as two files (as Eagle Eye v3 does around a gap). */
  splitNext = 0;
  private readonly sockets = new Set<Socket>();
  private readonly cutting = new Map<string, Promise<string>>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly source: string,
    private readonly workDir: string,
    private readonly options: ClipServerOptions,
  ) {}

  static async start(source: string, workDir: string, options: ClipServerOptions): Promise<ClipServer> {
    mkdirSync(workDir, { recursive: true });
    const holder: { self?: ClipServer } = {};
    const server = createServer((req, res) => void holder.self!.handle(req.url ?? '/', req.headers, res));
    server.on('connection', (s) => {
      holder.self!.sockets.add(s);
      s.on('close', () => holder.self!.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new ClipServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, source, workDir, options);
    return holder.self;
  }

  /** The server export a vendor adapter would have, with this server behind it. */
  exporter(maxRangeMs: number): ServerExport {
    const inner = clipExporter(this.url, this.options.originMs, maxRangeMs, {
      prepared: () => void (this.prepared += 1),
      finished: () => void (this.finished += 1),
    });
    return {
      maxRangeMs,
      prepare: async (cameraId, fromMs, toMs, o) => {
        if (this.stallPrepareNext > 0) {
          this.stallPrepareNext -= 1;
          throw new AppFailure('timeout', 'The test server made no progress on the clip.', { stalled: true });
        }
        const file = await inner.prepare(cameraId, fromMs, toMs, o);
        if (this.splitNext <= 0) return file;
        this.splitNext -= 1;
        const mid = fromMs + Math.round((toMs - fromMs) / 2000) * 1000;
        return { ...file, url: `${this.url}/clip/${fromMs}-${mid}.mp4`, more: [{ ...file, url: `${this.url}/clip/${mid}-${toMs}.mp4` }] };
      },
    };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(path: string, headers: NodeJS.Dict<string | string[]>, res: ServerResponse): Promise<void> {
    this.requests.push({ path, ...(typeof headers.range === 'string' ? { range: headers.range } : {}) });
    const m = /^\/clip\/(\d+)-(\d+)\.mp4$/.exec(path);
    if (!m || headers.authorization !== 'Bearer export-test') return void res.writeHead(m ? 401 : 404).end();
    const file = await this.cut(Number(m[1]), Number(m[2]));
    const size = statSync(file).size;
    const range = typeof headers.range === 'string' ? /^bytes=(\d+)-$/.exec(headers.range) : null;
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, { 'content-type': 'video/mp4',  ...(this.options.noLength ? {} : { 'content-length': String(size - start) }), 'accept-ranges': 'bytes', ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}) });
    const stall = this.stallNext > 0;
    if (stall) this.stallNext -= 1;
    const end = stall ? start + Math.floor((size - start) / 2) : size - 1;
    const stream = createReadStream(file, { start, end, highWaterMark: 16 * 1024 });
    const rate = this.options.bytesPerSecond;
    stream.on('data', (chunk) => {
      res.write(chunk);
      if (rate) {
        stream.pause();
        setTimeout(() => stream.resume(), (chunk.length / rate) * 1000);
      }
    });
    stream.on('end', () => {
      if (!stall) res.end(); // a stalled download keeps the socket open with nothing more on it
    });
  }

  /** [fromMs, toMs) of the recording, cut by stream copy (starting at the keyframe before). */
  private cut(fromMs: number, toMs: number): Promise<string> {
    const key = `${fromMs}-${toMs}`;
    let pending = this.cutting.get(key);
    if (!pending) {
      const out = join(this.workDir, `clip-${key}.mp4`);
      const offset = Math.max(0, fromMs - this.options.originMs) / 1000;
      const first = this.options.originMs + Math.floor(offset / SOURCE_GOP_S) * SOURCE_GOP_S * 1000;
      pending = run(ffmpegBin, ['-nostdin', '-loglevel', 'error', '-y', '-ss', String(offset), '-i', this.source, '-t', String((toMs - fromMs) / 1000), '-c', 'copy', '-movflags', '+faststart', '-metadata', `creation_time=${new Date(first).toISOString()}`, out]).then(() => out);
      this.cutting.set(key, pending);
    }
    return pending;
  }
}

/** A ServerExport asking a ClipServer at `baseUrl` (also from another process: the SIGKILL test's child). */
export function clipExporter(baseUrl: string, originMs: number, maxRangeMs: number, count: { prepared(): void; finished(): void } = { prepared: () => undefined, finished: () => undefined }): ServerExport {
  return {
    maxRangeMs,
    prepare: async (cameraId, fromMs, toMs, o) => {
      if (o.signal.aborted) throw o.signal.reason;
      count.prepared();
      o.onProgress(0.5, 'The server is preparing the clip');
      if (toMs <= originMs) throw new AppFailure('no-recording', `${cameraId} recorded nothing then.`);
      return { url: `${baseUrl}/clip/${fromMs}-${toMs}.mp4`, headers: { authorization: 'Bearer export-test' }, format: 'mp4', resumable: true, finish: async () => count.finished() };
    },
  };
}

/** Top-level MP4 box types in order (moov before mdat means +faststart). */
export function topLevelBoxes(data: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at + 8 <= data.length; ) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(data.readBigUInt64BE(at + 8));
    if (size < 8) break;
    types.push(type);
    at += size;
  }
  return types;
}

export async function probeDuration(file: string): Promise<number> {
  const { stdout } = await run(ffprobeBin, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}
