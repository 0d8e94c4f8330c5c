/**
 * What ffmpeg's stderr tells the broker, as pure functions:
 * - the input dump ("Stream #0:0: Video: hevc (Main), yuv420p, 1920x1080 …"), printed once before
 *   any output: it is the probe that decides whether video is copied or re-encoded;
 * - why a process ended, in words an operator understands ("connection refused", "sign-in
 *   expired", "camera offline"…).
 */
import { redactString } from '../logging/redact.js';
import type { MediaPlan } from './ffmpeg-args.js';

export interface InputStream {
  index: number;
  type: 'video' | 'audio' | 'other';
  /** ffmpeg codec name: h264, hevc, aac, pcm_mulaw, … */
  codec: string;
  /** The rest of the line (profile, pixel format, size). */
  detail: string;
}

const streamLine = /^\s*Stream #0:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Data|Subtitle): ([A-Za-z0-9_]+)(.*)$/;

/**
 * Collects the input dump from stderr lines: the streams listed under "Input #0" until
 * "Output #0" or "Stream mapping:". `complete` turns true at the end of the dump.
 */
export class InputDumpReader {
  readonly streams: InputStream[] = [];
  private inInput = false;
  complete = false;

  /** Feeds one line; returns true when this line completed the dump. */
  line(text: string): boolean {
    if (this.complete) return false;
    if (/^Input #0/.test(text)) {
      this.inInput = true;
      return false;
    }
    if (/^Output #0|^Stream mapping:/.test(text)) {
      if (!this.inInput) return false;
      this.complete = true;
      return true;
    }
    if (!this.inInput) return false;
    const match = streamLine.exec(text);
    if (match) {
      const kind = match[2]!;
      this.streams.push({ index: Number(match[1]), type: kind === 'Video' ? 'video' : kind === 'Audio' ? 'audio' : 'other', codec: match[3]!, detail: match[4]!.trim() });
    }
    return false;
  }
}

const codecNames: Record<string, string> = {
  hevc: 'H.265 (HEVC)',
  h265: 'H.265 (HEVC)',
  mjpeg: 'Motion JPEG',
  mpeg4: 'MPEG-4 Part 2',
  av1: 'AV1',
  vp8: 'VP8',
  vp9: 'VP9',
  mpeg2video: 'MPEG-2',
};

export function codecLabel(codec: string): string {
  return codecNames[codec] ?? codec.toUpperCase();
}

/**
 * The plan for what the camera sends. Chromium plays 8-bit 4:2:0 H.264 everywhere; HEVC only
 * with platform decoders, which main cannot ask about, so everything else is re-encoded.
 * Audio other than AAC (G.711 and friends) is dropped: tiles of a wall are muted.
 */
export function planFor(streams: readonly InputStream[], current: MediaPlan): MediaPlan {
  const video = streams.find((s) => s.type === 'video');
  const audio = streams.find((s) => s.type === 'audio');
  let plan: MediaPlan = { ...current };
  if (video && current.video === 'copy') {
    if (video.codec !== 'h264') {
      plan = { ...plan, video: 'h264', transcodeReason: `the camera sends ${codecLabel(video.codec)}, which the player cannot decode; Tessera converts it to H.264` };
    } else if (/yuv4(22|44)|yuvj4(22|44)|10le|10be|12le|High 10|High 4:[24]/.test(video.detail)) {
      plan = { ...plan, video: 'h264', transcodeReason: 'the camera sends 10-bit or 4:2:2/4:4:4 H.264, which the player cannot decode; Tessera converts it to 8-bit H.264' };
    }
  }
  if (current.audio === 'copy' && audio && audio.codec !== 'aac') plan = { ...plan, audio: 'none' };
  return plan;
}

export function samePlan(a: MediaPlan, b: MediaPlan): boolean {
  return a.video === b.video && a.audio === b.audio && (a.probe ?? 'fast') === (b.probe ?? 'fast') && (a.hls ?? 'follow') === (b.hls ?? 'follow');
}

export interface ExitFacts {
  /** The last lines of stderr. */
  stderr: string;
  code: number | null;
  signal: string | null;
  /** The process could not be started at all (ENOENT…). */
  spawnError?: string;
}

export interface FailureWords {
  reason: string;
  /** The source answered that the session is not valid: the next attempt must sign in again. */
  auth?: boolean;
  /** Trying again cannot help (ffmpeg missing). */
  permanent?: boolean;
  /** The probe ended before the stream's parameters were known: probe longer next time. */
  probe?: boolean;
}

/** Why a process ended, from its exit and the last lines it printed (checked in this order). */
export function failureFromExit(facts: ExitFacts): FailureWords {
  if (facts.spawnError) return { reason: `the video tool (ffmpeg) could not be started: ${facts.spawnError}; set FFMPEG_BIN`, permanent: true };
  const text = facts.stderr;
  const rules: [RegExp, FailureWords][] = [
    [/401 Unauthorized|Server returned 401|403 Forbidden|Server returned 403|authorization failed/i, { reason: 'sign-in expired', auth: true }],
    [/404 Not Found|Server returned 404|410 Gone/i, { reason: 'camera offline (the server has no video for it)' }],
    [/Server returned 5(\d\d|XX)|5\d\d (Internal Server Error|Service Unavailable|Bad Gateway)/i, { reason: 'the video server reported an error' }],
    [/Server returned 4(\d\d|XX)|400 Bad Request/i, { reason: 'the video server refused the request' }],
    [/Connection refused/i, { reason: 'connection refused' }],
    [/No route to host|Network is unreachable|Name or service not known|Temporary failure in name resolution|Cannot assign requested address/i, { reason: 'network unreachable' }],
    [/timed out|Connection timeout|timeout/i, { reason: 'the camera did not answer in time' }],
    [/Connection reset by peer|Broken pipe|End of file|I\/O error/i, { reason: 'connection lost' }],
    [/Stream map '0:v:0' matches no streams|does not contain any stream/i, { reason: 'the source sends no video' }],
    [/Could not find tag for codec|not currently supported in container|Unknown encoder|Decoder .* not found/i, { reason: 'codec not supported' }],
    [/could not find codec parameters|unspecified size|dimensions not set/i, { reason: 'the picture size could not be read from the stream', probe: true }],
    // ffmpeg's words when an RTSP server leaves DESCRIBE unanswered until -timeout (or answers
    // garbage): before any video, so it is the camera or its relay, not the video, that failed.
    [/^rtsps?:\/\/\S*: Invalid data found when processing input/m, { reason: 'the camera did not answer the request for its video (RTSP) in time' }],
    [/Invalid data found|moov atom not found|Invalid NAL/i, { reason: 'the source sent something that is not playable video' }],
  ];
  for (const [pattern, words] of rules) if (pattern.test(text)) return words;
  if (facts.code === 0) return { reason: 'the camera ended the stream' };
  if (facts.signal) return { reason: `the video process stopped unexpectedly (${facts.signal})` };
  // ffmpeg prefixes input errors with the whole URL (query and token included): the error is the part that says something.
  const last = redactString(text.trim().split('\n').pop()?.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/\S*: /i, '') ?? '');
  return { reason: last ? `the video process failed (${last.slice(0, 120)})` : `the video process failed (exit ${facts.code ?? '?'})` };
}

/** Keeps the last `max` characters of a text stream, cut at a line start. */
export function tail(previous: string, added: string, max = 4096): string {
  const text = previous + added;
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const newline = cut.indexOf('\n');
  return newline >= 0 ? cut.slice(newline + 1) : cut;
}
