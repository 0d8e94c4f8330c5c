import { describe, expect, it } from 'vitest';
import { downloadLimit, STALL_AFTER_BYTES } from '../../../simulator/downloads.js';

describe('download fault knobs', () => {
  it('sends the whole body when no knob is set', () => {
    expect(downloadLimit(1_000_000, 0, false)).toBeNull();
  });

  it('cuts after the share, never at 0 bytes nor at the whole body', () => {
    expect(downloadLimit(1_000_000, 0.5, false)).toBe(500_000);
    expect(downloadLimit(10, 0.01, false)).toBe(1);
    expect(downloadLimit(10, 0.99, false)).toBe(9);
    expect(downloadLimit(1, 0.5, false)).toBeNull(); // nothing to cut
  });

  it('stalls after the first 64 KiB (or half a small file); a cut wins over a stall', () => {
    expect(downloadLimit(10_000_000, 0, true)).toBe(STALL_AFTER_BYTES);
    expect(downloadLimit(1_000, 0, true)).toBe(500);
    expect(downloadLimit(10_000_000, 0.25, true)).toBe(2_500_000);
  });
});
