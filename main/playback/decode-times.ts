/**
 * One session, one clock: media time (s) = (wall time − originMs) / 1000 for every fragment, across
 * ffmpeg runs (pieces, seeks, restarts). Each run writes decode times from about 0; RunTimeline
 * moves them so the run's first fragment lands on the wall time of its piece's first frame, and
 * withDecodeTime writes the result into the fragment's tfdt. Pure: unit-tested with built boxes.
 */
import { child, children, childBoxes, Mp4FormatError, readU64, viewOf } from '../../common/mp4/boxes.js';

/** The video track's tfdt of a fragment (moof+mdat), in its timescale. */
export function decodeTimeOf(bytes: Uint8Array, trackId: number): number {
  const at = tfdtOf(bytes, trackId);
  const view = viewOf(bytes);
  return bytes[at] === 1 ? readU64(view, at + 4, 'tfdt') : view.getUint32(at + 4);
}

/** A copy of the fragment whose video tfdt is `ticks` (a version-0 tfdt takes at most 2^32 − 1). */
export function withDecodeTime(bytes: Uint8Array, trackId: number, ticks: number): Buffer {
  if (!Number.isSafeInteger(ticks) || ticks < 0) throw new Mp4FormatError(`decode time ${ticks} cannot be written`);
  const out = Buffer.from(bytes);
  const at = tfdtOf(out, trackId);
  const view = viewOf(out);
  if (out[at] === 1) {
    view.setUint32(at + 4, Math.floor(ticks / 2 ** 32));
    view.setUint32(at + 8, ticks % 2 ** 32);
  } else {
    if (ticks > 0xffffffff) throw new Mp4FormatError('decode time does not fit the fragment’s 32-bit tfdt');
    view.setUint32(at + 4, ticks);
  }
  return out;
}

/** Payload offset of the tfdt of `trackId`'s traf. */
function tfdtOf(bytes: Uint8Array, trackId: number): number {
  const moof = childBoxes(bytes).find((b) => b.type === 'moof');
  if (!moof) throw new Mp4FormatError('the fragment has no moof box');
  for (const traf of children(bytes, moof, 'traf')) {
    const tfhd = child(bytes, traf, 'tfhd');
    if (!tfhd || viewOf(bytes).getUint32(tfhd.payload + 4) !== trackId) continue;
    const tfdt = child(bytes, traf, 'tfdt');
    if (!tfdt) throw new Mp4FormatError('the fragment has no tfdt');
    return tfdt.payload;
  }
  throw new Mp4FormatError(`the fragment has no track ${trackId}`);
}

/**
 * The mapping of one ffmpeg run: its first fragment shows the piece's first frame (`startMs`, as
 * the VMS states it); later fragments keep their distance from it in the run's own ticks.
 */
export class RunTimeline {
  private firstTicks: number | null = null;

  constructor(
    private readonly originMs: number,
    private readonly startMs: number,
    private readonly timescale: number,
  ) {
    if (startMs < originMs) throw new Error('a run cannot start before the session’s origin');
  }

  /** Wall time (epoch ms) of a fragment with decode time `ticks` of this run. */
  wallMs(ticks: number): number {
    this.firstTicks ??= ticks;
    return this.startMs + ((ticks - this.firstTicks) * 1000) / this.timescale;
  }

  /** The session's decode time (ticks since originMs) of a fragment with `ticks` of this run. */
  sessionTicks(ticks: number): number {
    this.firstTicks ??= ticks;
    return Math.round(((this.startMs - this.originMs) * this.timescale) / 1000) + ticks - this.firstTicks;
  }
}
