import { flvVideoFrames } from '../media/flv-tags.js';

/**
 * Where recorded video of an Eagle Eye clip can start exactly. Eagle Eye (v1 and v3) cuts a
 * recording "at the nearest key frame"; a clip begins with a keyframe and a camera keeps a fixed
 * keyframe spacing, so the keyframes of a clip lie on a grid from its start. Asking for a time ON
 * that grid makes the first frame known to the millisecond, whichever way the server snaps.
 *
 *   clip start                 atMs
 *   |K-------K-------K-------K---x---K-------   gop = spacing of K
 *                            ^ keyframeAtOrBefore(clipStart, gop, atMs)
 *
 * Pure. Without a known spacing the only sure keyframe is the clip start itself.
 */
export function keyframeAtOrBefore(clipStartMs: number, gopMs: number | undefined, atMs: number): number {
  if (gopMs === undefined || gopMs <= 0 || atMs <= clipStartMs) return clipStartMs;
  return clipStartMs + Math.floor((atMs - clipStartMs) / gopMs) * gopMs;
}

/**
 * Enough of a keyframe probe: two keyframes give the spacing. A service sends recorded FLV in
 * real time after its first GOP, so reading the probe's whole span would cost its length in
 * waiting (measured on the simulator: ~8 s before the first piece of every camera and stream).
 */
export function holdsTwoKeyframes(bytes: Buffer): boolean {
  let keys = 0;
  for (const frame of flvVideoFrames(bytes) ?? []) if (frame.keyframe && ++keys === 2) return true;
  return false;
}

/** Above this speed a recorded source is asked for the small stream (fewer bytes per second of video). */
export const subStreamAboveRate = 4;

/**
 * Keyframe spacings learned per camera and stream (a probe costs one short request), bounded so
 * that a site with thousands of cameras keeps only the recent ones.
 */
export class GopMemory {
  private readonly known = new Map<string, number>();

  constructor(private readonly limit = 512) {}

  get(key: string): number | undefined {
    return this.known.get(key);
  }

  set(key: string, gopMs: number): void {
    this.known.delete(key);
    this.known.set(key, gopMs);
    for (const oldest of this.known.keys()) {
      if (this.known.size <= this.limit) break;
      this.known.delete(oldest);
    }
  }
}
