/**
 * Every ffmpeg run of an export goes through here, and only here, on fluent-ffmpeg (the design
 * card's choice), so it can be swapped without touching the queue. The live pipeline keeps its
 * exact-argv spawn (main/media/ffmpeg-process.ts).
 *
 * Where fluent-ffmpeg falls short, and what is done about it:
 * - A `progress` listener makes it ffprobe the input first (for its `percent`), and that percent
 *   is wrong for a concat list or a stream: progress here is computed from its `timemark` (copy)
 *   or `frames` (transcode) against the duration Tessera expects.
 * - The first run per process also spawns `ffmpeg -formats/-codecs/-encoders/-filters` to check
 *   capabilities; neither those nor `ffprobe()` expose a process to abort or register.
 * - The child is reachable only as the undocumented `ffmpegProc` after `start`: it is registered
 *   with the child reaper there, so a SIGKILLed Tessera leaves no ffmpeg running.
 * - Failures are an Error whose message ends in ffmpeg's last stderr lines: "disk full" is read
 *   from that text (ENOSPC has no code here).
 * - The project is archived upstream (May 2025); the surface used here is small on purpose.
 */
import ffmpeg from 'fluent-ffmpeg';
import { writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { AppFailure } from '../../preload/contract/index.js';
import { ffmpegPath, ffprobePath } from '../media/ffmpeg-binary.js';
import { watchChild } from '../processes/child-reaper.js';

export interface ProbedStream {
  type: string;
  codec: string;
  profile?: string;
  width?: number;
  height?: number;
  sampleRate?: number;
  /** Frames per second (video). */
  fps?: number;
}

export interface Probe {
  durationS: number;
  /** First presentation time in the file, s. */
  startS: number;
  /** The container's creation_time, where the writer set it (ms). */
  creationMs?: number;
  streams: ProbedStream[];
}

function command(input?: string): ffmpeg.FfmpegCommand {
  const cmd = input === undefined ? ffmpeg() : ffmpeg(input);
  return cmd.setFfmpegPath(ffmpegPath()).setFfprobePath(ffprobePath());
}

function rate(text: string | undefined): number | undefined {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n && d ? n / d : undefined;
}

export function probe(file: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    ffmpeg.setFfprobePath(ffprobePath());
    ffmpeg.ffprobe(file, (err, data) => {
      if (err) {
        reject(new AppFailure('bad-response', `ffprobe could not read ${file}: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`));
        return;
      }
      const created = Date.parse(String(data.format.tags?.creation_time ?? ''));
      resolve({
        durationS: Number(data.format.duration) || 0,
        startS: Number(data.format.start_time) || 0,
        ...(Number.isFinite(created) ? { creationMs: created } : {}),
        streams: data.streams
          .filter((s) => s.codec_type === 'video' || s.codec_type === 'audio')
          .map((s) => ({
            type: s.codec_type ?? 'unknown',
            codec: s.codec_name ?? 'unknown',
            ...(s.profile !== undefined ? { profile: String(s.profile) } : {}),
            ...(s.width ? { width: s.width } : {}),
            ...(s.height ? { height: s.height } : {}),
            ...(s.sample_rate ? { sampleRate: Number(s.sample_rate) } : {}),
            ...(s.codec_type === 'video' && rate(s.avg_frame_rate) ? { fps: rate(s.avg_frame_rate)! } : {}),
          })),
      });
    });
  });
}

export interface RunOptions {
  signal: AbortSignal;
  /** 0–1 of this run. */
  onProgress?(fraction: number): void;
  /** What the output should last (s), to turn ffmpeg's time mark into a fraction. */
  expectedS?: number;
  /** Transcodes: frames expected, to count progress in frames. */
  expectedFrames?: number;
  /** Called every ~second while ffmpeg writes; throwing (disk full) stops it. */
  watch?(): void;
}

const timemarkSeconds = (mark: string | undefined): number => {
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(mark ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
};

/** "No space left on device" in any spelling ffmpeg uses → 'disk-full'; anything else as it came. */
export function describeFfmpegError(err: unknown, what: string): AppFailure {
  const text = err instanceof Error ? err.message : String(err);
  if (/No space left on device|ENOSPC/i.test(text)) return new AppFailure('disk-full', `The destination is full: ${what} could not be written.`);
  const last = text.split('\n').filter((l) => l.trim()).slice(-2).join(' ').slice(0, 300);
  return new AppFailure('bad-response', `ffmpeg could not ${what}: ${last}`);
}

function run(cmd: ffmpeg.FfmpegCommand, output: string, what: string, o: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let watchTimer: NodeJS.Timeout | undefined;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearInterval(watchTimer);
      o.signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const kill = () => {
      try {
        cmd.kill('SIGKILL');
      } catch {
        // not started yet or already gone
      }
    };
    const onAbort = () => {
      kill();
      finish(o.signal.reason instanceof Error ? o.signal.reason : new AppFailure('conflict', 'The export was cancelled.'));
    };
    if (o.signal.aborted) return onAbort();
    o.signal.addEventListener('abort', onAbort);
    cmd
      .on('start', () => {
        const child = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
        if (child) watchChild(child);
        if (o.watch) {
          watchTimer = setInterval(() => {
            try {
              o.watch!();
            } catch (err) {
              kill();
              finish(err);
            }
          }, 1000);
        }
      })
      .on('progress', (p: { frames?: number; timemark?: string }) => {
        if (!o.onProgress) return;
        const fraction = o.expectedFrames && p.frames ? p.frames / o.expectedFrames : o.expectedS ? timemarkSeconds(p.timemark) / o.expectedS : 0;
        o.onProgress(Math.max(0, Math.min(1, fraction)));
      })
      .on('error', (err: Error) => finish(describeFfmpegError(err, what)))
      .on('end', () => {
        o.onProgress?.(1);
        finish();
      })
      .save(output);
  });
}

/** One downloaded part (MP4, FLV, MPEG-TS) or an HLS address as an MP4 segment, by stream copy. */
export function remuxPart(input: string, output: string, o: RunOptions & { headers?: Record<string, string>; format: 'mp4' | 'flv' | 'mpegts' | 'hls' }): Promise<void> {
  const cmd = command(input).inputOptions(['-nostdin', '-hide_banner']);
  if (o.format === 'hls') {
    const headers = Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    cmd.inputOptions(['-protocol_whitelist', 'file,http,https,tcp,tls,crypto', ...(headers ? ['-headers', headers] : [])]);
  }
  // -map alone drops the container's tags: -map_metadata keeps creation_time (the recording's time).
  cmd.outputOptions(['-map', '0:v:0', '-map', '0:a:0?', '-map_metadata', '0', '-c', 'copy', '-f', 'mp4']);
  return run(cmd, output, 'copy a recorded part', o);
}

export interface WriteOptions extends RunOptions {
  /** Burn this text and the recording time into the picture (a transcode). */
  burn?: { label: string; startMs: number };
  /** Wall time of the first frame, written as the file's creation_time. */
  creationMs: number;
}

/** The drawtext filter for a burned-in label and UTC time counted from startMs. */
export function burnFilter(label: string, startMs: number): string {
  // The name goes through two parsers (filtergraph, then drawtext's %{…} expansion) where quotes,
  // colons, backslashes and % mean something: only plain marks are kept, the rest become spaces.
  const text = label.replace(/[^\p{L}\p{N} ._()#+-]/gu, ' ').trim().slice(0, 60) || 'camera';
  const seconds = (startMs / 1000).toFixed(3);
  return `drawtext=text='${text}  %{pts\\:gmtime\\:${seconds}\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} UTC':x=8:y=8:fontsize=h/24:fontcolor=white:box=1:boxcolor=black@0.5:boxborderw=4`;
}

/**
 * The MP4 segments joined in order (concat demuxer) into the final file, moov first
 * (+faststart); stream copy, or a transcode with the burned-in label.
 */
export function writeMp4(segments: string[], listFile: string, output: string, o: WriteOptions): Promise<void> {
  // The concat list quotes each path; a ' inside one is written as '\'' (concat's own rule).
  writeFileSync(listFile, segments.map((s) => `file '${s.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
  const cmd = command(listFile).inputOptions(['-nostdin', '-hide_banner', '-f', 'concat', '-safe', '0']);
  const common = ['-map', '0:v:0', '-map', '0:a:0?', '-metadata', `creation_time=${new Date(o.creationMs).toISOString()}`, '-movflags', '+faststart', '-f', 'mp4'];
  if (o.burn) cmd.outputOptions([...common, '-vf', burnFilter(o.burn.label, o.burn.startMs), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'copy']);
  else cmd.outputOptions([...common, '-c', 'copy']);
  return run(cmd, output, o.burn ? 'burn in the camera name and time' : 'write the MP4', o);
}
