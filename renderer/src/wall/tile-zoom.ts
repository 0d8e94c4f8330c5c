/**
 * Digital zoom and pan inside one tile, pure. The picture is scaled about the tile's top-left
 * corner and moved by (x, y), in fractions of the tile's size (so the numbers survive a resize):
 * CSS `translate(x·100 %, y·100 %) scale(s)` with transform-origin 0 0. Clamped so the picture
 * always covers the whole tile: no zooming out below 1, no panning past an edge.
 */
export interface Zoom {
  scale: number;
  x: number;
  y: number;
}

export const noZoom: Zoom = { scale: 1, x: 0, y: 0 };
/** Beyond 8× a sub-stream picture is a few blurred pixels per tile. */
export const MAX_SCALE = 8;
/** One wheel notch or one + / - key press. */
export const ZOOM_STEP = 1.25;
/** One arrow key press pans by this fraction of the tile. */
export const PAN_STEP = 0.1;

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

/** The nearest zoom that keeps the tile covered. */
export function clampZoom(zoom: Zoom): Zoom {
  const scale = clamp(zoom.scale, 1, MAX_SCALE);
  // Scaled by s, the picture is s tiles wide: its left edge may go from 0 to −(s − 1).
  return { scale, x: clamp(zoom.x, 1 - scale, 0), y: clamp(zoom.y, 1 - scale, 0) };
}

/**
 * Zooms by `factor` keeping the picture point under (px, py) in place — the mouse pointer, or
 * the centre (0.5, 0.5) for keys. px, py are fractions of the tile.
 */
export function zoomAt(zoom: Zoom, factor: number, px = 0.5, py = 0.5): Zoom {
  const scale = clamp(zoom.scale * factor, 1, MAX_SCALE);
  const pictureX = (px - zoom.x) / zoom.scale;
  const pictureY = (py - zoom.y) / zoom.scale;
  return clampZoom({ scale, x: px - pictureX * scale, y: py - pictureY * scale });
}

/** Moves the picture by (dx, dy) fractions of the tile (a drag moves it with the pointer). */
export function panBy(zoom: Zoom, dx: number, dy: number): Zoom {
  return clampZoom({ ...zoom, x: zoom.x + dx, y: zoom.y + dy });
}

export function isZoomed(zoom: Zoom): boolean {
  return zoom.scale > 1;
}

export function zoomTransform(zoom: Zoom): string {
  return isZoomed(zoom) ? `translate(${(zoom.x * 100).toFixed(3)}%, ${(zoom.y * 100).toFixed(3)}%) scale(${zoom.scale.toFixed(4)})` : 'none';
}
