/**
 * `/pngspan/{type}.png`: a one-pixel-high coverage strip `width` pixels wide for
 * [start_timestamp, end_timestamp), foreground where the span is active. Clients scale it
 * vertically and tile it along a timeline. Pure.
 */
import { encodePng } from './png.js';
import type { Span } from './previews.js';

/** 32-bit ARGB from `0xAARRGGBB`, `#AARRGGBB`, `#RRGGBB` (opaque) or a decimal string; null when unreadable. */
export function parseArgb(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  let m = /^(?:0x|#)([0-9a-fA-F]{8})$/.exec(t);
  if (m) return parseInt(m[1]!, 16) >>> 0;
  m = /^#([0-9a-fA-F]{6})$/.exec(t);
  if (m) return (0xff000000 | parseInt(m[1]!, 16)) >>> 0;
  if (/^\d{1,10}$/.test(t) && Number(t) <= 0xffffffff) return Number(t) >>> 0;
  return null;
}

/**
 * Which pixels a set of spans covers. Pixel i covers [start + i·w, start + (i+1)·w) with
 * w = (end − start)/width; every span that touches the range fills at least one pixel
 * ("At least one pixel will be filled for a span, independent of scale").
 */
export function coveredPixels(spans: readonly Span[], startMs: number, endMs: number, width: number): boolean[] {
  const out = new Array<boolean>(width).fill(false);
  const perPixel = (endMs - startMs) / width;
  for (const span of spans) {
    const a = Math.max(span.startMs, startMs);
    const b = Math.min(span.endMs, endMs);
    if (b <= a && !(span.startMs === span.endMs && a >= startMs && a < endMs)) continue;
    const first = Math.min(width - 1, Math.floor((a - startMs) / perPixel));
    const last = Math.max(first, Math.min(width - 1, Math.ceil((b - startMs) / perPixel) - 1));
    for (let i = first; i <= last; i += 1) out[i] = true;
  }
  return out;
}

/** Points (events) → one pixel each. */
export function pointPixels(points: readonly number[], startMs: number, endMs: number, width: number): boolean[] {
  return coveredPixels(
    points.map((t) => ({ startMs: t, endMs: t })),
    startMs,
    endMs,
    width,
  );
}

export function renderStrip(active: readonly boolean[], foreground: number, background: number): Buffer {
  // "If both fg and bg have 0 for alpha, assumed fully opaque (0xff)."
  let fg = foreground >>> 0;
  let bg = background >>> 0;
  if (fg >>> 24 === 0 && bg >>> 24 === 0) {
    fg = (fg | 0xff000000) >>> 0;
    bg = (bg | 0xff000000) >>> 0;
  }
  const rgba = new Uint8Array(active.length * 4);
  active.forEach((on, i) => {
    const c = on ? fg : bg;
    rgba[i * 4] = (c >>> 16) & 0xff;
    rgba[i * 4 + 1] = (c >>> 8) & 0xff;
    rgba[i * 4 + 2] = c & 0xff;
    rgba[i * 4 + 3] = c >>> 24;
  });
  return encodePng(active.length, 1, rgba);
}
