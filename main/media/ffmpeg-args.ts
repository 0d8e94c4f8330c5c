/**
 * Every ffmpeg command line of live video, as pure functions with exact-argv table tests
 * (test/unit/media/ffmpeg-args.test.ts). One process per upstream reads the camera's stream
 * and writes fragmented MP4 to stdout:
 *
 *   <quiet> <input options per kind> -i <url> -map 0:v:0 [-map 0:a:0?] <codecs> <fMP4 output> pipe:1
 *
 * Why these options (measured in LAB-NOTES on the 2-core machine):
 * - `-probesize 32 -analyzeduration 0` for RTSP: the SDP carries the parameter sets, so probing
 *   adds nothing but 0.6–1 s. FLV, HLS and MPEG-TS carry them in-band and must see the first
 *   keyframe (`dimensions not set` otherwise): 256 KB bound, 0.5 s of media, no frame-rate
 *   probing. Raw H.264 starts with its SPS and has no rate to find: 32 KB (a 256 KB probe cost
 *   up to a second more on exacq's 400 kb/s sub stream).
 * - `-frag_duration 40000` with frag_keyframe+empty_moov+default_base_moof: every frame is its
 *   own fragment (+1 frame of latency); keyframe-only fragments add a whole GOP and are never used.
 * - Stream copy costs ~0.45 % of a core per stream; libx264 ultrafast 14–16 % at 720p, so video is
 *   re-encoded only when Chromium cannot play the camera's codec (see MediaPlan).
 * - `-loglevel info` without stats: the input dump (codecs of the camera) is the probe that
 *   decides the plan; it is printed once, before any output.
 */
import type { LiveSource } from './sources.js';
import { REDACTED, redactString } from '../logging/redact.js';

/** What the process does with each track. */
export interface MediaPlan {
  /** copy: remux as is (H.264); h264: re-encode (camera codec not playable). */
  video: 'copy' | 'h264';
  /** copy: AAC as is; none: drop the track (not AAC, or the source has none). */
  audio: 'copy' | 'none';
  /** Why video is re-encoded, in words (shown in the info overlay). */
  transcodeReason?: string;
  /**
   * thorough: probe far longer. Set after a fast probe found no picture size (a camera whose SDP
   * lacks sprop-parameter-sets, or a relay that has not seen its feed's SPS yet).
   */
  probe?: 'fast' | 'thorough';
  /**
   * Live HLS: follow (default) = Tessera follows the playlist (hls-follower.ts) and pipes the
   * MPEG-TS segments in; demuxer = ffmpeg reads the playlist itself, for fMP4 segments.
   */
  hls?: 'follow' | 'demuxer';
}

export const defaultPlan: MediaPlan = { video: 'copy', audio: 'copy' };

export interface LiveArgsOptions {
  plan: MediaPlan;
  /** Maximum fragment duration, µs (default 40000: one frame at 25 fps). */
  fragmentUs?: number;
  /**
   * Raw H.264 (Annex-B) carries no timestamps: frames are stamped at this rate (default 25).
   * A wrong rate makes the player drift; adapters that know the camera's rate should pass it.
   */
  rawFrameRate?: number;
  /** Keyframe interval of re-encoded video, frames (default 50: 2 s at 25 fps). */
  transcodeGop?: number;
}

/** I/O timeout of every input, µs: a silent camera fails the read after this long. */
export const IO_TIMEOUT_US = 5_000_000;

export const quiet = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
const httpProbe = ['-probesize', '262144', '-analyzeduration', '500000', '-fpsprobesize', '0'];
const rawProbe = ['-probesize', '32768', '-analyzeduration', '0', '-fpsprobesize', '0'];
/** Up to 2 MB / 2 s: enough to meet a keyframe with its parameter sets at any bitrate a camera sends. */
const thoroughProbe = ['-probesize', '2000000', '-analyzeduration', '2000000'];

/** `-headers` for an HTTP input (each line CRLF-terminated, as ffmpeg wants). */
export function headerArgs(headers: Record<string, string>): string[] {
  const entries = Object.entries(headers);
  if (!entries.length) return [];
  return ['-headers', entries.map(([name, value]) => `${name}: ${value}\r\n`).join('')];
}

/** Input options and the input itself, per kind of live source. */
export function inputArgs(source: LiveSource, options: Pick<LiveArgsOptions, 'rawFrameRate'> & Pick<MediaPlan, 'probe' | 'hls'> = {}): string[] {
  const thorough = options.probe === 'thorough';
  if (source.kind === 'rtsp') {
    return ['-rtsp_transport', 'tcp', '-timeout', String(IO_TIMEOUT_US), ...(thorough ? thoroughProbe : ['-probesize', '32', '-analyzeduration', '0']), '-i', source.url];
  }
  const probe = thorough ? thoroughProbe : source.format === 'h264' ? rawProbe : httpProbe;
  // `-re`: the segments come a whole one (1–4 s of frames) at a time; read at the media's own
  // rate, they leave as frames at 25 fps instead of a burst the player would jump over and starve.
  if (source.format === 'hls' && options.hls !== 'demuxer') return [...probe, '-re', '-f', 'mpegts', '-i', 'pipe:0'];
  const common = ['-rw_timeout', String(IO_TIMEOUT_US), ...headerArgs(source.headers), ...probe];
  switch (source.format) {
    case 'flv':
      return [...common, '-f', 'flv', '-i', source.url];
    case 'mpegts':
      return [...common, '-f', 'mpegts', '-i', source.url];
    case 'hls':
      // fMP4 segments only (see MediaPlan.hls). Start at the newest segment: the default (3
      // from the end) starts 3 segments behind live.
      return [...common, '-re', '-live_start_index', '-1', '-f', 'hls', '-i', source.url];
    case 'h264':
      return [...common, '-framerate', String(options.rawFrameRate ?? 25), '-f', 'h264', '-i', source.url];
  }
}

function videoArgs(plan: MediaPlan, gop: number): string[] {
  if (plan.video === 'copy') return ['-c:v', 'copy'];
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'];
}

function audioArgs(source: LiveSource, plan: MediaPlan): string[] {
  if (plan.audio === 'none') return ['-an'];
  // AAC in MPEG-TS (HLS) is ADTS-framed; MP4 needs the raw AudioSpecificConfig form.
  const adts = source.kind === 'http' && (source.format === 'hls' || source.format === 'mpegts');
  return ['-c:a', 'copy', ...(adts ? ['-bsf:a', 'aac_adtstoasc'] : [])];
}

/**
 * `delayMoov`: write the init segment with the first fragment, not at start. Needed when audio is
 * copied from a source that carries its AAC config in-band: ADTS AAC (HLS, MPEG-TS) gets its
 * AudioSpecificConfig from the first packet, through aac_adtstoasc, and an init written before it
 * has an esds without it ("mp4a.40", which MSE refuses); FLV's comes in its first audio tag. It
 * holds the init back until the first keyframe (up to a GOP), so it is not used where the
 * config is known at start (see needsDelayedMoov).
 */
export function fmp4OutputArgs(fragmentUs = 40_000, delayMoov = false): string[] {
  const flags = `frag_keyframe+empty_moov+default_base_moof${delayMoov ? '+delay_moov' : ''}`;
  return ['-f', 'mp4', '-movflags', flags, '-frag_duration', String(fragmentUs), 'pipe:1'];
}

/**
 * Whether the init segment must wait for the first fragment (see fmp4OutputArgs). Not for RTSP:
 * the SDP's fmtp `config` is the AudioSpecificConfig, known when ffmpeg writes its header, so the
 * init goes out at once and the player sets up its SourceBuffer while ffmpeg waits for the first
 * keyframe (as the bare pipeline does); not for raw H.264 (no audio), nor when audio is dropped.
 */
export function needsDelayedMoov(source: LiveSource, plan: MediaPlan): boolean {
  if (plan.audio !== 'copy') return false;
  return source.kind === 'http' && source.format !== 'h264';
}

/** The whole command line of one live upstream. */
export function liveArgs(source: LiveSource, options: LiveArgsOptions): string[] {
  const { plan } = options;
  // The video map is mandatory (no video is an error); the audio map is optional ("?").
  const maps = ['-map', '0:v:0', ...(plan.audio === 'copy' ? ['-map', '0:a:0?'] : [])];
  return [
    ...quiet,
    ...inputArgs(source, { ...options, ...(plan.probe ? { probe: plan.probe } : {}), ...(plan.hls ? { hls: plan.hls } : {}) }),
    ...maps,
    ...videoArgs(plan, options.transcodeGop ?? 50),
    ...audioArgs(source, plan),
    ...fmp4OutputArgs(options.fragmentUs, needsDelayedMoov(source, plan)),
  ];
}

/** A command line fit for a log: header values (cookies, tokens) hidden, URLs scrubbed. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => (args[i - 1] === '-headers' ? REDACTED : redactString(arg)));
}
