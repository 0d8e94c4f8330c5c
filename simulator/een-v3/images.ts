/**
 * Which recorded image GET /media/recordedImage.jpeg returns (seed S002): one of five timestamp
 * operators, or a page token from a previous X-Een-NextToken / X-Een-PrevToken. Pure.
 *
 * Images exist only inside recordings, on a grid that starts at each recording's start:
 *
 *   recording A          gap         recording B
 *   |a0 a1 a2 a3 .. an|            |b0 b1 b2 ...
 *
 *   timestamp__gte=T   first image at or after T (jumps forward over gaps)
 *   timestamp__gt=T    first image strictly after T
 *   timestamp__lte=T   last image at or before T (jumps back over gaps)
 *   timestamp__lt=T    last image strictly before T
 *   timestamp=T        the image showing at T (404 inside a gap), or with "strict" matching
 *                      only an image whose own timestamp is T
 * Nothing is returned after "now" (the live edge): that is not recorded yet.
 */
import { createHash } from 'node:crypto';

export type ImageOperator = 'timestamp__lt' | 'timestamp__lte' | 'timestamp' | 'timestamp__gte' | 'timestamp__gt';
export const imageOperators: readonly ImageOperator[] = ['timestamp__lt', 'timestamp__lte', 'timestamp', 'timestamp__gte', 'timestamp__gt'];

export interface Span {
  startMs: number;
  endMs: number;
}

/** Last grid image of a span (the grid starts at span.startMs, step cadenceMs, strictly before endMs). */
function lastImage(span: Span, cadenceMs: number): number {
  return span.startMs + Math.floor((span.endMs - 1 - span.startMs) / cadenceMs) * cadenceMs;
}

/**
 * @param spans recordings, oldest first, non-overlapping
 * @returns the chosen image timestamp, or null (→ 404)
 */
export function selectImage(spans: readonly Span[], op: ImageOperator, tMs: number, cadenceMs: number, nowMs: number, exact: 'covering' | 'strict' = 'covering'): number | null {
  const visible = (ts: number) => ts <= nowMs;
  switch (op) {
    case 'timestamp__gte':
    case 'timestamp__gt': {
      for (const span of spans) {
        if (span.endMs <= tMs) continue;
        let k: number;
        if (tMs < span.startMs) k = 0;
        else if (op === 'timestamp__gte') k = Math.ceil((tMs - span.startMs) / cadenceMs);
        else k = Math.floor((tMs - span.startMs) / cadenceMs) + 1;
        const ts = span.startMs + k * cadenceMs;
        if (ts < span.endMs) return visible(ts) ? ts : null;
      }
      return null;
    }
    case 'timestamp__lte':
    case 'timestamp__lt': {
      const bound = Math.min(op === 'timestamp__lte' ? tMs : tMs - 1, nowMs);
      for (let i = spans.length - 1; i >= 0; i--) {
        const span = spans[i]!;
        if (span.startMs > bound) continue;
        const upper = Math.min(bound, lastImage(span, cadenceMs));
        return span.startMs + Math.floor((upper - span.startMs) / cadenceMs) * cadenceMs;
      }
      return null;
    }
    case 'timestamp': {
      if (!visible(tMs)) return null;
      const span = spans.find((s) => s.startMs <= tMs && tMs < s.endMs);
      if (!span) return null;
      const ts = span.startMs + Math.floor((tMs - span.startMs) / cadenceMs) * cadenceMs;
      if (exact === 'strict' && ts !== tMs) return null;
      return ts;
    }
  }
}

/** What a next/prev token carries: everything needed, since the other parameters are then ignored. */
export interface ImageCursor {
  deviceId: string;
  type: 'main' | 'preview';
  timestampMs: number;
  direction: 'next' | 'prev';
  width: number | null;
}

function sum(payload: string): string {
  return createHash('sha256').update(`een-v3-image:${payload}`).digest('base64url').slice(0, 8);
}

export function encodeImageToken(cursor: ImageCursor): string {
  const payload = Buffer.from(JSON.stringify([cursor.deviceId, cursor.type, cursor.timestampMs, cursor.direction, cursor.width])).toString('base64url');
  return `${payload}.${sum(payload)}`;
}

export function decodeImageToken(token: string): ImageCursor | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  if (sum(payload) !== token.slice(dot + 1)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 5) return null;
    const [deviceId, type, timestampMs, direction, width] = v as unknown[];
    if (typeof deviceId !== 'string' || (type !== 'main' && type !== 'preview') || !Number.isFinite(timestampMs)) return null;
    if ((direction !== 'next' && direction !== 'prev') || (width !== null && !Number.isInteger(width))) return null;
    return { deviceId, type, timestampMs: timestampMs as number, direction, width: width as number | null };
  } catch {
    return null;
  }
}

/** A token is followed as "strictly after" (next) or "strictly before" (prev) the image it came from. */
export function operatorOfCursor(cursor: ImageCursor): ImageOperator {
  return cursor.direction === 'next' ? 'timestamp__gt' : 'timestamp__lt';
}

/**
 * Width to ask the media layer for. The seed's targetWidth/targetHeight keep the aspect ratio when
 * only one is given; with both, the width wins (the media layer scales by width only).
 */
export function targetWidthFor(profile: { width: number; height: number }, targetWidth: number | undefined, targetHeight: number | undefined): number {
  if (targetWidth !== undefined) return targetWidth;
  if (targetHeight !== undefined) return Math.max(32, Math.round((targetHeight * profile.width) / profile.height / 2) * 2);
  return profile.width;
}
