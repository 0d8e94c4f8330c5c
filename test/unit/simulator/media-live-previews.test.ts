/** Loop previews: which stored picture shows at a loop position, and where the pictures are kept. */
import { describe, expect, it } from 'vitest';
import { loopPreviewArgs, loopPreviewPath, PREVIEW_FPS, previewIndex } from '../../../simulator/media/live-previews.js';

describe('previewIndex', () => {
  it('the picture of the current 1/PREVIEW_FPS s slot, wrapping with the loop', () => {
    expect(PREVIEW_FPS).toBe(2);
    expect(previewIndex(0, 64)).toBe(0);
    expect(previewIndex(0.49, 64)).toBe(0);
    expect(previewIndex(0.5, 64)).toBe(1);
    expect(previewIndex(31.99, 64)).toBe(63);
    // A table one short (the fps filter's last frame) wraps instead of reading past the end.
    expect(previewIndex(31.99, 63)).toBe(0);
    expect(previewIndex(-0.2, 64)).toBe(63);
  });
});

describe('loop preview files', () => {
  it('sit next to the loop, named by it (the loop name already keys its content)', () => {
    expect(loopPreviewPath('/c/loops/1000a001-sub-abc.ts')).toBe('/c/loops/1000a001-sub-abc.previews-2fps.mjpeg');
    expect(loopPreviewArgs('/c/l.ts', '/c/out.mjpeg')).toEqual(expect.arrayContaining(['-i', '/c/l.ts', '-vf', 'fps=2', '/c/out.mjpeg']));
  });
});
