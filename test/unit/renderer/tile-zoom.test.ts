import { describe, expect, it } from 'vitest';
import { clampZoom, isZoomed, MAX_SCALE, noZoom, panBy, zoomAt, zoomTransform, type Zoom } from '../../../renderer/src/wall/tile-zoom.js';

const near = (zoom: Zoom): Zoom => ({ scale: +zoom.scale.toFixed(6), x: +zoom.x.toFixed(6) + 0, y: +zoom.y.toFixed(6) + 0 });

describe('tile zoom', () => {
  it.each<[string, Zoom, Zoom]>([
    ['no zooming out below 1', { scale: 0.5, x: 0.2, y: -0.3 }, { scale: 1, x: 0, y: 0 }],
    ['no zooming in beyond the maximum', { scale: 20, x: -3, y: 0 }, { scale: MAX_SCALE, x: -3, y: 0 }],
    ['no panning past the left or top edge', { scale: 2, x: 0.4, y: 0.1 }, { scale: 2, x: 0, y: 0 }],
    ['no panning past the right or bottom edge', { scale: 2, x: -1.5, y: -1.2 }, { scale: 2, x: -1, y: -1 }],
    ['a zoom that covers the tile stays', { scale: 3, x: -1.2, y: -0.4 }, { scale: 3, x: -1.2, y: -0.4 }],
  ])('clamp: %s', (_, zoom, expected) => {
    expect(clampZoom(zoom)).toEqual(expected);
  });

  it('zooms about the pointer: the picture point under it stays put', () => {
    const zoomed = zoomAt(noZoom, 2, 0.25, 0.75);
    expect(near(zoomed)).toEqual({ scale: 2, x: -0.25, y: -0.75 });
    // The point under (0.25, 0.75) is still picture point (0.25, 0.75).
    expect((0.25 - zoomed.x) / zoomed.scale).toBeCloseTo(0.25);
    expect((0.75 - zoomed.y) / zoomed.scale).toBeCloseTo(0.75);
  });

  it('zooms about the centre for keys, and back out to no zoom', () => {
    const once = zoomAt(noZoom, 2);
    expect(near(once)).toEqual({ scale: 2, x: -0.5, y: -0.5 });
    expect(near(zoomAt(once, 0.5))).toEqual(noZoom);
    expect(isZoomed(zoomAt(once, 0.5))).toBe(false);
  });

  it('zooming out near an edge pulls the picture back over the tile', () => {
    const atCorner = { scale: 4, x: -3, y: -3 };
    expect(near(zoomAt(atCorner, 0.5, 0, 0))).toEqual({ scale: 2, x: -1, y: -1 });
  });

  it('pans within the picture', () => {
    const zoomed = { scale: 2, x: -0.5, y: -0.5 };
    expect(panBy(zoomed, 0.1, -0.2)).toEqual({ scale: 2, x: -0.4, y: -0.7 });
    expect(panBy(zoomed, 5, -5)).toEqual({ scale: 2, x: 0, y: -1 });
    expect(panBy(noZoom, -0.3, 0.3)).toEqual(noZoom);
  });

  it('draws as a CSS transform, none when not zoomed', () => {
    expect(zoomTransform(noZoom)).toBe('none');
    expect(zoomTransform({ scale: 2, x: -0.5, y: -0.25 })).toBe('translate(-50.000%, -25.000%) scale(2.0000)');
  });
});
