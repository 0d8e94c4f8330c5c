/**
 * What a tile says while it looks back (RecordedTile writes the words into its RecordedView,
 * CameraTile renders them): the time of the picture on screen, and why it is not playing. Pure.
 */
import { clockText, type TimeZoneSpec } from '../domain/time-scale.js';
import type { RecordedView } from './recorded-view.js';

export const noReverseWords = 'This camera cannot play backwards';

/** "No recording at 02:14:03; it starts again at 02:20:00". */
export function gapWords(zone: TimeZoneSpec, atMs: number, nextMs: number | undefined): string {
  return `No recording at ${clockText(zone, atMs)}${nextMs === undefined ? '' : `; it starts again at ${clockText(zone, nextMs)}`}`;
}

/**
 * The time of the picture on screen: the video frame's, or the still's; none when the tile shows
 * no picture (a gap, a refused still), so the time of a picture no longer shown is not presented
 * as the playhead's.
 */
export function shownTimeMs(view: Pick<RecordedView, 'picture' | 'frameTimeMs' | 'stillTimeMs'>): number | undefined {
  if (view.picture === 'video') return view.frameTimeMs;
  if (view.picture === 'still') return view.stillTimeMs;
  return undefined;
}

/** Why the tile is not playing, over its picture ('' while it plays, scrubs, holds or is paused). */
export function recordedStatusWords(view: Pick<RecordedView, 'picture' | 'status'>): string {
  const { kind, text } = view.status;
  if (kind === 'failed') return `Failed: ${text}`;
  if (kind === 'gap' || kind === 'ended' || kind === 'no-reverse') return text;
  if (kind === 'opening' && view.picture !== 'video') return 'Opening the recording…';
  return '';
}
