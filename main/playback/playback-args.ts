/**
 * The ffmpeg command line of one recorded piece, pure (exact-argv tests in
 * test/unit/playback/playback-args.test.ts):
 *
 *   <quiet> <input per format> -map 0:v:0 -an -c:v copy -b:v 0 <fMP4, 90 kHz> pipe:1
 *
 * Unlike live: no `-re` and no live HLS start (a recording is read as fast as the reader takes
 * it: flow control paces it, see playback-session.ts); every run writes the same 90 kHz video
 * timescale, so the fragments of consecutive pieces continue under one init segment and the
 * decode times can be rewritten to the session's wall-time mapping (decode-times.ts) in the same
 * units (a frame at 10, 25 or 30 fps and a millisecond are whole numbers of 90 kHz ticks). Audio
 * is left out: playback runs at 0.25–16×, where the player mutes it anyway.
 *
 * Fast forward asks the adapter for a source that keeps up (the rate hint of RecordedMedia.video:
 * Eagle Eye's MP4 pieces above 1×, the sub-stream above 4×), not for keyframes only: `-bsf:v noise=drop=not(key)` drops the frames, but each keyframe then lasts one
 * frame and MSE sees a hole of a GOP after it (the player stalls); measured with ffmpeg 5.1.
 */
import { headerArgs, quiet } from '../media/ffmpeg-args.js';
import type { RecordedPiece } from '../media/sources.js';

/** Video timescale of every run (ticks per second). */
export const PLAYBACK_TIMESCALE = 90_000;
/** Fragment length, µs: short enough that the first picture after a seek leaves at once. */
export const PLAYBACK_FRAGMENT_US = 100_000;
/**
 * I/O timeout of a recorded input, µs. Longer than live's 5 s: an archive may take seconds to
 * start a clip from cold storage (the simulator encodes it then). It does not fire while flow
 * control holds ffmpeg: a blocked ffmpeg is not reading.
 */
export const RECORDED_IO_TIMEOUT_US = 30_000_000;
/** Frame rate of raw H.264 when the piece does not say (the container has none). */
export const DEFAULT_RAW_FPS = 25;

const probe = ['-probesize', '262144', '-analyzeduration', '500000', '-fpsprobesize', '0'];

export function pieceInputArgs(piece: RecordedPiece): string[] {
  const common = ['-rw_timeout', String(RECORDED_IO_TIMEOUT_US), ...headerArgs(piece.headers)];
  switch (piece.format) {
    case 'flv':
      return [...common, ...probe, '-f', 'flv', '-i', piece.url];
    case 'mpegts':
      return [...common, ...probe, '-f', 'mpegts', '-i', piece.url];
    case 'mp4':
      // A recorded MP4 may keep its index at the end: ffmpeg reads it with range requests.
      return [...common, '-f', 'mov', '-i', piece.url];
    case 'hls':
      // VOD: from the first segment (the live default starts 3 from the end).
      return [...common, ...probe, '-live_start_index', '0', '-f', 'hls', '-i', piece.url];
    case 'h264':
      return [...common, '-probesize', '32768', '-analyzeduration', '0', '-fpsprobesize', '0', '-framerate', String(piece.fps ?? DEFAULT_RAW_FPS), '-f', 'h264', '-i', piece.url];
  }
}

export function playbackArgs(piece: RecordedPiece): string[] {
  return [...quiet, ...pieceInputArgs(piece), ...fmp4Out('frag_keyframe+empty_moov+default_base_moof')];
}

/**
 * A server playhead's frames (raw H.264 access units on stdin, see playhead-feed.ts): one
 * fragment per frame, so each fragment is stamped with its own frame's wall time (the server may
 * jump between any two frames). The frame rate only sets the durations ffmpeg writes.
 */
export function playheadArgs(fps: number | undefined): string[] {
  return [
    ...quiet,
    ...['-probesize', '32768', '-analyzeduration', '0', '-fpsprobesize', '0', '-framerate', String(fps ?? DEFAULT_RAW_FPS), '-f', 'h264', '-i', 'pipe:0'],
    ...fmp4Out('frag_keyframe+frag_every_frame+empty_moov+default_base_moof'),
  ];
}

function fmp4Out(movflags: string): string[] {
  return [
    '-map',
    '0:v:0',
    '-an',
    '-c:v',
    'copy',
    // No bitrate in the sample entry (btrt): MP4 inputs state their own, which differs from
    // piece to piece and would make every piece's init segment new (a restart for the player).
    '-b:v',
    '0',
    '-video_track_timescale',
    String(PLAYBACK_TIMESCALE),
    '-f',
    'mp4',
    '-movflags',
    movflags,
    '-frag_duration',
    String(PLAYBACK_FRAGMENT_US),
    'pipe:1',
  ];
}
