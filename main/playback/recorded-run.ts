/**
 * One ffmpeg run of a session (a piece, or a server playhead's stream) and how its output lands on
 * the session's mapping, media time = (wall − originMs) / 1000:
 *
 * - URL pieces: the run's first fragment is the piece's first frame (`startMs`, as the VMS says),
 *   later ones keep their distance in the run's own ticks (RunTimeline);
 * - a server playhead: every fragment is the wall time its frame's part stated (PlayheadFeed's
 *   stamps, one per access unit in order), since the server may jump between any two frames.
 */
import { Fmp4Splitter, parseFragment, parseInit, type InitInfo } from '../../common/mp4/index.js';
import type { PipelineHandle } from '../media/ffmpeg-process.js';
import type { RecordedPiece } from '../media/sources.js';
import { decodeTimeOf, RunTimeline, withDecodeTime } from './decode-times.js';
import type { PlayheadFeed } from './playhead-feed.js';

export interface Run {
  handle: PipelineHandle | null;
  piece: RecordedPiece;
  splitter: Fmp4Splitter;
  init: InitInfo | null;
  timeline: RunTimeline | null;
  /** Wall time where the last fragment produced ends. */
  reachedMs: number | null;
  /** A server playhead's input: its frames' wall times stamp the fragments (not the run's own ticks). */
  feed: PlayheadFeed | null;
  stderr: string;
  exited: boolean;
}

export function newRun(piece: RecordedPiece): Run {
  return { handle: null, piece, splitter: new Fmp4Splitter(), init: null, timeline: null, reachedMs: null, feed: null, stderr: '', exited: false };
}

/** The run's init segment: its mapping starts here. Throws when it holds no video. */
export function runInit(run: Run, bytes: Buffer, originMs: number): InitInfo {
  const info = parseInit(bytes);
  if (!info.video) throw new Error('the recording holds no video');
  run.init = info;
  run.timeline = new RunTimeline(originMs, run.piece.startMs, info.video.timescale);
  return info;
}

/** A fragment on the session's mapping (its tfdt rewritten), or null when it carries no picture. */
export function runFragment(run: Run, bytes: Buffer, originMs: number): { bytes: Buffer; wallMs: number } | null {
  if (!run.init?.video || !run.timeline) return null;
  const trackId = run.init.video.id;
  const info = parseFragment(bytes, run.init);
  // Video only (the args drop audio); a source's stray non-video fragment carries no picture.
  if (info.videoSamples === 0) return null;
  let wallMs: number;
  let sessionTicks: number;
  if (run.feed) {
    // Stamped by the server: the fragment's first frame is the oldest frame not yet matched.
    const stamps = run.feed.stamps.splice(0, info.videoSamples);
    if (stamps.length === 0) throw new Error('ffmpeg wrote a frame the server never sent');
    wallMs = stamps[0]!;
    sessionTicks = Math.round(((wallMs - originMs) * run.init.video.timescale) / 1000);
  } else {
    const ticks = decodeTimeOf(bytes, trackId);
    wallMs = run.timeline.wallMs(ticks);
    sessionTicks = run.timeline.sessionTicks(ticks);
  }
  run.reachedMs = Math.max(run.reachedMs ?? wallMs, wallMs + info.videoDurationMs);
  return { bytes: withDecodeTime(bytes, trackId, sessionTicks), wallMs };
}
