/**
 * Native H.264 for video.web: the media layer's MPEG-TS piped through `ffmpeg -c copy -f h264`
 * (stream copy, about half a percent of a core) and cut into access units.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { watchChild } from '../child-watch.js';
import { AnnexBSplitter, type AccessUnit } from './annexb.js';

export function ffmpegBin(): string {
  return process.env.FFMPEG_BIN ?? 'ffmpeg';
}

export interface H264Source {
  stop(): void;
}

/**
 * Reads MPEG-TS from `ts` and calls onUnit per access unit until stop() or the input ends
 * (then onEnd). The caller owns `ts` only until here: stop() destroys it.
 */
export function h264FromTs(
  ts: Readable,
  onUnit: (unit: AccessUnit) => void,
  onEnd: (error?: Error) => void,
  log: (message: string) => void = () => {},
): H264Source {
  const child = spawn(
    ffmpegBin(),
    // Small probe: the TS carries SPS/PPS in band, and a long probe would only delay the first frame.
    ['-hide_banner', '-loglevel', 'error', '-probesize', '65536', '-analyzeduration', '0', '-f', 'mpegts', '-i', 'pipe:0', '-map', '0:v:0', '-c:v', 'copy', '-f', 'h264', 'pipe:1'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  watchChild(child);
  const splitter = new AnnexBSplitter();
  let stopped = false;
  let stderr = '';

  ts.on('error', (err) => finish(err));
  child.stdin.on('error', () => {}); // EPIPE when ffmpeg exits first
  ts.pipe(child.stdin);
  child.stdout.on('data', (chunk: Buffer) => {
    if (stopped) return;
    for (const unit of splitter.push(chunk)) onUnit(unit);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  child.on('error', (err) => finish(err));
  child.on('close', (code) => {
    if (!stopped) for (const unit of splitter.flush()) onUnit(unit);
    finish(code && !stopped ? new Error(`ffmpeg exited ${code}: ${stderr.trim()}`) : undefined);
  });

  function finish(error?: Error): void {
    if (stopped) return;
    stopped = true;
    if (error) log(`exacq h264: ${error.message}`);
    ts.unpipe(child.stdin);
    ts.destroy();
    child.kill('SIGKILL');
    onEnd(error);
  }

  return { stop: () => finish() };
}
