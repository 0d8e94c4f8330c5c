/** Thumbnail search slots: one thumbnail per `interval` slot that holds recording. */
import type { SimMedia } from '../types.js';
import type { Clip } from './playhead.js';
import { recordedClips } from './searches.js';

/** Safety cap: a scrubbing strip never needs more thumbnails than this. */
export const maxThumbnails = 500;

/**
 * For each slot [start + k·interval, +interval) the first recorded instant in it, skipping
 * slots that fall entirely in a gap:
 *
 *   slots   |....|....|....|....|
 *   clips      |==|        |=====
 *   result     ^  ^        ^    ^   (slot 2 is empty)
 */
export function slotTimes(clips: readonly Clip[], startMs: number, endMs: number, intervalMs: number): number[] {
  const times: number[] = [];
  for (let slot = startMs; slot < endMs && times.length < maxThumbnails; slot += intervalMs) {
    const slotEnd = Math.min(slot + intervalMs, endMs);
    const clip = clips.find((c) => c.endMs > slot && c.startMs < slotEnd);
    if (clip) times.push(Math.max(clip.startMs, slot));
  }
  return times;
}

export function thumbnailSlots(media: SimMedia, cameraIndex: number, startMs: number, endMs: number, intervalMs: number): number[] {
  return slotTimes(recordedClips(media, cameraIndex, startMs, endMs), startMs, endMs, intervalMs);
}
