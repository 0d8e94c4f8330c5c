import { describe, expect, it } from 'vitest';
import { TsGopCache, TS_PACKET, VIDEO_PID } from '../../../simulator/media/ts-gop-cache.js';

/** A TS packet: pid, payload_unit_start, optional random_access_indicator, filled with `fill`. */
function packet(pid: number, options: { start?: boolean; key?: boolean; fill?: number } = {}): Buffer {
  const p = Buffer.alloc(TS_PACKET, options.fill ?? 0xff);
  p[0] = 0x47;
  p[1] = (options.start ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  p[2] = pid & 0xff;
  if (options.key) {
    p[3] = 0x30; // adaptation field + payload
    p[4] = 7;
    p[5] = 0x40; // random_access_indicator
  } else p[3] = 0x10;
  return p;
}

describe('TS GOP cache', () => {
  const pat = packet(0, { start: true, fill: 1 });
  const pmt = packet(0x1000, { start: true, fill: 2 });
  const key = packet(VIDEO_PID, { start: true, key: true, fill: 3 });
  const p1 = packet(VIDEO_PID, { fill: 4 });
  const audio = packet(0x101, { start: true, fill: 5 });

  it('returns nothing to a joiner before the first keyframe', () => {
    const cache = new TsGopCache();
    cache.push(Buffer.concat([pat, pmt, p1]));
    expect(cache.ready).toBe(false);
    expect(cache.snapshot().length).toBe(0);
  });

  it('gives a joiner PAT, PMT and the GOP since the last keyframe', () => {
    const cache = new TsGopCache();
    cache.push(Buffer.concat([pat, pmt, key, p1, audio]));
    const key2 = packet(VIDEO_PID, { start: true, key: true, fill: 6 });
    cache.push(Buffer.concat([p1, key2, audio]));
    expect(cache.snapshot()).toEqual(Buffer.concat([pat, pmt, key2, audio]));
  });

  it('reassembles packets split across chunks and forwards whole packets only', () => {
    const cache = new TsGopCache();
    const all = Buffer.concat([pat, pmt, key, p1]);
    const a = cache.push(all.subarray(0, 300));
    const b = cache.push(all.subarray(300));
    expect(a.length).toBe(TS_PACKET);
    expect(Buffer.concat([a, b])).toEqual(all);
    expect(cache.snapshot()).toEqual(Buffer.concat([pat, pmt, key, p1]));
  });
});
