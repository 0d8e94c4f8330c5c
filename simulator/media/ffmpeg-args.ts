/**
 * ffmpeg command lines of the simulator, as pure functions (tests assert them exactly).
 * Nothing here spawns; the caller passes the result to spawn() without a shell, so the only
 * escaping is ffmpeg's own filtergraph escaping.
 *
 * CPU budget (2 cores shared with Chromium and the tests): every encoder is x264 ultrafast with
 * one thread; recordings run at 10 fps; the live encoder is single-slice (LAB-NOTES §1: several
 * slices per frame came out corrupt through the gst relay).
 */
import type { CameraScene } from './catalogue.js';
import type { StreamProfile } from '../types.js';
import { timecodeFilter, type TimecodeClock } from './timecode.js';

export const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
/** Length of the pre-encoded live loop, seconds (a multiple of both GOPs). */
export const LOOP_SECONDS = 32;
/**
 * Audio of every camera with sound: a sine tone, AAC mono. 32 kHz makes 4 s exactly 125 AAC
 * frames of 1024 samples, so recording chunks (multiples of 4 s) join without drift.
 */
const AUDIO_RATE = 32_000;
const AUDIO_KBPS = 32;
/** Recording bitrates at 10 fps, kb/s: small files, fast copies. */
export const RECORDING_KBPS = { main: 600, sub: 250 } as const;

const quiet = ['-hide_banner', '-loglevel', 'error', '-nostdin'];

/** What the burned-in clock line shows. */
export type ClockKind =
  /** Recordings (and rendered stills): UTC time of the frame = startSec + pts. */
  | { kind: 'recording'; startSec: number }
  /** Live encoder: the real wall clock when the frame is made, plus offsetSec (injected clock − Date.now). */
  | { kind: 'wall'; offsetSec: number }
  /** Loops: the honest position inside the loop, not a time of day. */
  | { kind: 'loop' };

export interface OverlayOptions {
  name: string;
  esn: string;
  scene: CameraScene;
  width: number;
  height: number;
  clock: ClockKind;
  /** Motion windows relative to the start of the output, seconds: a moving MOTION tag is drawn. */
  motion?: readonly { fromSec: number; toSec: number }[];
}

/** Text safe inside drawtext text='…': quotes, colons, backslashes and % are dropped. */
export function drawtextSafe(text: string): string {
  return text.replace(/['\\:%,;[\]]/g, '');
}

/** strftime format with ffmpeg's escaping for a colon inside a %{…} argument inside quotes. */
const HMS = '%H\\\\\\:%M\\\\\\:%S';

function clockText(clock: ClockKind): string {
  switch (clock.kind) {
    case 'recording':
      return `%{pts\\:gmtime\\:${Math.trunc(clock.startSec)}\\:%Y-%m-%d ${HMS}} UTC`;
    case 'wall':
      return `%{pts\\:gmtime\\:${clock.offsetSec.toFixed(3)}\\:%Y-%m-%d ${HMS}} UTC`;
    case 'loop':
      return 'LIVE LOOP%{pts\\:hms}';
  }
}

/** The machine-readable code of a clock, or null for loops (their frames have no wall time). */
function timecodeClock(clock: ClockKind): TimecodeClock | null {
  switch (clock.kind) {
    case 'recording':
      return { kind: 'recording', startMs: Math.round(clock.startSec * 1000) };
    case 'wall':
      return clock;
    case 'loop':
      return null;
  }
}

/** Name band + clock + ESN + timecode row (./timecode.ts), scaled to the picture height. */
export function overlayFilter(o: OverlayOptions): string {
  const size = Math.round(o.height * 0.06);
  // Two text lines, then the timecode row in the band's bottom 6.5 %.
  const band = Math.round(o.height * 0.23);
  const pad = Math.round(o.height * 0.03);
  const text = (t: string, x: string, y: number, extra = ''): string =>
    `drawtext=fontfile=${FONT_FILE}:text='${t}':x=${x}:y=${y}:fontsize=${size}:fontcolor=white${extra}`;
  const parts = [
    // testsrc2 draws its own stream-time counter top left; hide it so the only clock is ours.
    ...(o.scene.source === 'testsrc2' ? [`drawbox=x=0:y=0:w=${Math.round(o.width * 0.17)}:h=${Math.round(o.height * 0.11)}:color=${o.scene.accent}:t=fill`] : []),
    `drawbox=x=0:y=${o.height - band}:w=${o.width}:h=${band}:color=black@0.65:t=fill`,
    `drawbox=x=0:y=${o.height - band}:w=${Math.round(pad / 2)}:h=${band}:color=${o.scene.accent}:t=fill`,
    text(drawtextSafe(o.name), String(pad), o.height - band + pad / 2),
    text(o.esn, `w-tw-${pad}`, o.height - band + pad / 2, ':fontcolor=0xBBBBBB'),
    text(clockText(o.clock), String(pad), o.height - band + pad / 2 + size + Math.round(pad / 2)),
  ];
  const code = timecodeClock(o.clock);
  if (code) parts.push(timecodeFilter(o.width, o.height, code));
  for (const m of o.motion ?? []) {
    // A tag that slides across the picture while the planned motion event lasts.
    parts.push(
      `drawtext=fontfile=${FONT_FILE}:text='MOTION':fontsize=${size}:fontcolor=black:box=1:boxcolor=yellow:boxborderw=${Math.round(size / 4)}` +
        `:x='mod((t-${m.fromSec})*${Math.round(o.width / 8)}\\,w-tw)':y=${pad * 2}:enable='between(t\\,${m.fromSec}\\,${m.toSec})'`,
    );
  }
  return parts.join(',');
}

/** The lavfi picture source of a scene. */
export function sceneSource(scene: CameraScene, width: number, height: number, fps: number): string {
  const base = `${scene.source}=size=${width}x${height}:rate=${fps}`;
  // cellauto is random unless seeded; a fixed seed keeps loops and recordings reproducible.
  return scene.source === 'cellauto' ? `${base}:seed=42:random_fill_ratio=0.5` : base;
}

function audioSource(scene: CameraScene): string {
  return `sine=frequency=${scene.toneHz}:sample_rate=${AUDIO_RATE}`;
}

function x264(gopFrames: number, kbps: number): string[] {
  return [
    '-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '1', '-bf', '0',
    '-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`, '-pix_fmt', 'yuv420p',
  ];
}

const aac = ['-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '1'];

export interface RecordingArgs {
  scene: CameraScene;
  name: string;
  esn: string;
  profile: StreamProfile;
  gopSeconds: number;
  audio: boolean;
  fps: number;
  /** Absolute start of the recording, ms (whole seconds). */
  startMs: number;
  durationMs: number;
  motion: readonly { startMs: number; endMs: number }[];
  out: string;
}

/** A whole recorded segment: faststart MP4, keyframes every GOP from the start, clock = start + pts. */
export function recordingArgs(a: RecordingArgs): string[] {
  const { width, height } = a.profile;
  const vf = overlayFilter({
    name: a.name, esn: a.esn, scene: a.scene, width, height,
    clock: { kind: 'recording', startSec: a.startMs / 1000 },
    motion: a.motion.map((m) => ({ fromSec: (m.startMs - a.startMs) / 1000, toSec: (m.endMs - a.startMs) / 1000 })),
  });
  const kbps = RECORDING_KBPS[a.profile.name];
  return [
    ...quiet, '-y', '-filter_threads', '1',
    '-f', 'lavfi', '-i', sceneSource(a.scene, width, height, a.fps),
    ...(a.audio ? ['-f', 'lavfi', '-i', audioSource(a.scene)] : []),
    '-t', (a.durationMs / 1000).toFixed(3),
    '-vf', vf, '-map', '0:v', ...(a.audio ? ['-map', '1:a'] : []),
    ...x264(a.gopSeconds * a.fps, kbps), ...(a.audio ? aac : []),
    '-metadata', `creation_time=${new Date(a.startMs).toISOString()}`,
    '-movflags', '+faststart', '-f', 'mp4', a.out,
  ];
}

export interface LoopArgs {
  scene: CameraScene;
  name: string;
  esn: string;
  profile: StreamProfile;
  gopSeconds: number;
  audio: boolean;
  out: string;
}

/** The pre-encoded live loop: MPEG-TS (loops cleanly with -stream_loop, LAB-NOTES §1). */
export function loopArgs(a: LoopArgs): string[] {
  const { width, height, fps, bitrateKbps } = a.profile;
  const vf = overlayFilter({ name: a.name, esn: a.esn, scene: a.scene, width, height, clock: { kind: 'loop' } });
  return [
    ...quiet, '-y', '-filter_threads', '1',
    '-f', 'lavfi', '-i', sceneSource(a.scene, width, height, fps),
    ...(a.audio ? ['-f', 'lavfi', '-i', audioSource(a.scene)] : []),
    '-t', String(LOOP_SECONDS),
    '-vf', vf, '-map', '0:v', ...(a.audio ? ['-map', '1:a'] : []),
    ...x264(a.gopSeconds * fps, bitrateKbps), ...(a.audio ? aac : []),
    '-f', 'mpegts', a.out,
  ];
}

/**
 * Where a live source sends its media. Always MPEG-TS on stdout (video PID 0x100 first, then
 * audio: the Node fan-out relies on that order); with rtpPort also RTP/H.264 to the RTSP relay.
 */
function liveOutputs(audioMap: string | null, rtpPort: number | null): string[] {
  const maps = ['-map', '0:v', ...(audioMap ? ['-map', audioMap] : [])];
  if (rtpPort === null) return [...maps, '-f', 'mpegts', 'pipe:1'];
  // dump_extra repeats SPS/PPS in-band so a reader joining late can start at the next keyframe.
  return [...maps, '-f', 'tee', `[f=mpegts]pipe:1|[select=v:f=rtp:bsfs/v=dump_extra]rtp://127.0.0.1:${rtpPort}`];
}

/** Live source of a loop camera: the loop in real time with stream copy (~1 % of a core). */
export function loopSourceArgs(loopFile: string, audio: boolean, rtpPort: number | null): string[] {
  return [...quiet, '-re', '-stream_loop', '-1', '-i', loopFile, '-c', 'copy', ...liveOutputs(audio ? '0:a' : null, rtpPort)];
}

export interface LiveEncodeArgs {
  scene: CameraScene;
  name: string;
  esn: string;
  profile: StreamProfile;
  gopSeconds: number;
  audio: boolean;
  /** Injected clock − Date.now(), seconds, so the burned clock agrees with the simulator's now(). */
  clockOffsetSec: number;
  rtpPort: number | null;
}

/** Live source of an "encode" camera: x264 burning the real wall clock (~27 % of a core at 720p25). */
export function liveEncodeArgs(a: LiveEncodeArgs): string[] {
  const { width, height, fps, bitrateKbps } = a.profile;
  const overlay = overlayFilter({
    name: a.name, esn: a.esn, scene: a.scene, width, height, clock: { kind: 'wall', offsetSec: a.clockOffsetSec },
  });
  // pts := wall clock (µs) while drawing the clock, then back to a frame count for the encoder.
  const vf = `settb=AVTB,setpts=RTCTIME,${overlay},setpts=N/(${fps}*TB)`;
  return [
    ...quiet, '-filter_threads', '1',
    '-re', '-f', 'lavfi', '-i', sceneSource(a.scene, width, height, fps),
    ...(a.audio ? ['-re', '-f', 'lavfi', '-i', audioSource(a.scene)] : []),
    '-vf', vf,
    ...x264(a.gopSeconds * fps, bitrateKbps), '-tune', 'zerolatency', '-x264-params', 'sliced-threads=0:threads=1',
    ...(a.audio ? aac : []),
    ...liveOutputs(a.audio ? '1:a' : null, a.rtpPort),
  ];
}

/**
 * One JPEG of a live "encode" camera (same picture as its live encoder) showing the instant atMs:
 * the single frame has pts 0 on a clock starting at atMs, so its burned clock and timecode are
 * exactly the timestamp the simulator reports with it.
 */
export function renderStillArgs(a: Omit<LiveEncodeArgs, 'rtpPort' | 'audio' | 'clockOffsetSec'> & { atMs: number }, width: number | undefined): string[] {
  const { width: w, height: h } = a.profile;
  const overlay = overlayFilter({ name: a.name, esn: a.esn, scene: a.scene, width: w, height: h, clock: { kind: 'recording', startSec: a.atMs / 1000 } });
  const scale = width && width !== w ? `,scale=${width}:-2` : '';
  return [
    ...quiet, '-f', 'lavfi', '-i', sceneSource(a.scene, w, h, a.profile.fps),
    '-vf', `${overlay}${scale}`, '-frames:v', '1',
    '-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe', 'pipe:1',
  ];
}

/**
 * One JPEG from a file at offsetSec (accurate seek: the frame whose pts is offsetSec). With
 * inputSeekSec the demuxer seeks there and the rest is decoded: ffmpeg 5.1's MPEG-TS seek finds no
 * frame when asked for a point inside a file's last GOP, so loops seek one GOP early.
 */
export function stillFromFileArgs(file: string, offsetSec: number, width: number | undefined, nativeWidth: number, inputSeekSec?: number): string[] {
  const seek = inputSeekSec === undefined
    ? ['-ss', offsetSec.toFixed(3), '-i', file]
    : ['-ss', inputSeekSec.toFixed(3), '-i', file, '-ss', (offsetSec - inputSeekSec).toFixed(3)];
  return [
    ...quiet, ...seek, '-frames:v', '1',
    ...(width && width !== nativeWidth ? ['-vf', `scale=${width}:-2`] : []),
    '-c:v', 'mjpeg', '-q:v', '4', '-f', 'image2pipe', 'pipe:1',
  ];
}

/** ffconcat list: each piece with inpoint/outpoint relative to its file (gaps simply vanish). */
export function concatList(pieces: readonly { file: string; inSec: number; outSec: number }[]): string {
  const lines = ['ffconcat version 1.0'];
  for (const p of pieces) {
    lines.push(`file '${p.file.replace(/'/g, "'\\''")}'`);
    if (p.inSec > 0) lines.push(`inpoint ${p.inSec.toFixed(3)}`);
    lines.push(`outpoint ${p.outSec.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Recorded clip from an ffconcat list; mp4 goes to a file (faststart needs seeking), flv/ts to
 * stdout. The concat demuxer drops the pieces' own metadata, so an MP4 is given creation_time =
 * the wall time of its first frame (firstFrameMs) again: exports carry when they were recorded.
 */
export function clipArgs(listFile: string, format: 'mp4' | 'flv' | 'ts', out: string | null, firstFrameMs?: number): string[] {
  const head = [...quiet, '-y', '-f', 'concat', '-safe', '0', '-i', listFile, '-map', '0', '-c', 'copy'];
  if (format === 'mp4') {
    const created = firstFrameMs === undefined ? [] : ['-metadata', `creation_time=${new Date(firstFrameMs).toISOString()}`];
    return [...head, ...created, '-movflags', '+faststart', '-f', 'mp4', out ?? 'pipe:1'];
  }
  return [...head, '-f', format === 'ts' ? 'mpegts' : 'flv', 'pipe:1'];
}

/** Input side of every consumer of a live source: MPEG-TS on stdin, starting at a cached keyframe. */
const liveInput = [...quiet, '-probesize', '500000', '-analyzeduration', '500000', '-f', 'mpegts', '-i', 'pipe:0'];

/** Live remux to an endless FLV or MPEG-TS stream on stdout. */
export function liveRemuxArgs(format: 'flv' | 'ts'): string[] {
  return [...liveInput, '-map', '0', '-c', 'copy', '-f', format === 'ts' ? 'mpegts' : 'flv', 'pipe:1'];
}

/** Live HLS: a short rolling window of stream-copied segments (cut at keyframes, so ≥ 1 GOP each). */
export function liveHlsArgs(dir: string, segmentSeconds: number, listSize: number): string[] {
  return [
    ...liveInput, '-map', '0', '-c', 'copy', '-f', 'hls',
    '-hls_time', String(segmentSeconds), '-hls_list_size', String(listSize),
    '-hls_flags', 'delete_segments+omit_endlist+temp_file+program_date_time',
    '-hls_segment_filename', `${dir}/seg_%05d.ts`, `${dir}/index.m3u8`,
  ];
}

/** Live JPEG frames at fps (decode + MJPEG: run on the sub stream, it is 4× cheaper). */
export function liveJpegArgs(fps: number, width: number | undefined, nativeWidth: number): string[] {
  const scale = width && width !== nativeWidth ? `,scale=${width}:-2` : '';
  return [...liveInput, '-an', '-vf', `fps=${fps}${scale}`, '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2pipe', 'pipe:1'];
}
