import { describe, expect, it } from 'vitest';
import { dueAfterBurstMs, FlvPacer } from '../../../simulator/media/flv-pacer.js';

/** A minimal FLV: header + video tags at 10 fps, a key frame every `gop` frames. */
function flv(frames: number, gop: number, size = 100): Buffer {
  const parts = [Buffer.from([0x46, 0x4c, 0x56, 1, 1, 0, 0, 0, 9, 0, 0, 0, 0])];
  for (let n = 0; n < frames; n += 1) {
    const data = Buffer.alloc(size, 0);
    data[0] = n % gop === 0 ? 0x17 : 0x27;
    const tag = Buffer.alloc(11 + size + 4);
    tag[0] = 9;
    tag.writeUIntBE(size, 1, 3);
    tag.writeUIntBE(n * 100, 4, 3);
    data.copy(tag, 11);
    tag.writeUInt32BE(11 + size, 11 + size);
    parts.push(tag);
  }
  return Buffer.concat(parts);
}

describe('FLV pacer', () => {
  it('schedules tags after the first GOP at (timestamp − second key frame) / speed', () => {
    expect(dueAfterBurstMs(500, null, 1)).toBe(0);
    expect(dueAfterBurstMs(1000, 1000, 1)).toBe(0);
    expect(dueAfterBurstMs(3000, 1000, 1)).toBe(2000);
    expect(dueAfterBurstMs(3000, 1000, 4)).toBe(500);
    expect(() => new FlvPacer({ speed: 0 })).toThrow(/speed must be > 0/);
  });

  it('lets the first GOP through at once and the rest in real time', async () => {
    const pacer = new FlvPacer();
    const arrivals: number[] = [];
    const started = Date.now();
    pacer.on('data', () => arrivals.push(Date.now() - started));
    const done = new Promise((resolve) => pacer.on('end', resolve));
    pacer.end(flv(8, 5)); // key frames at 0 and 500 ms; last frame at 700 ms
    await done;
    expect(arrivals).toHaveLength(9); // header + 8 tags
    expect(Math.max(...arrivals.slice(0, 7))).toBeLessThan(60); // header, frames 0–4 and the second key frame
    expect(arrivals[8]!).toBeGreaterThanOrEqual(190); // 700 − 500 ms after the burst
    expect(arrivals[8]!).toBeLessThan(600);
  });

  it('holds the source while nobody reads (back-pressure), then delivers every byte', async () => {
    const pacer = new FlvPacer({ speed: 1e6 }); // timing out of the way: only flow control is left
    const big = flv(400, 10, 2_000); // ~800 kB, far over the stream's buffers
    pacer.write(big.subarray(0, 400_000));
    pacer.write(big.subarray(400_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nobody reads: the second chunk waits on the writable side instead of piling up as output.
    expect(pacer.writableLength).toBeGreaterThan(0);
    const out: Buffer[] = [];
    pacer.on('data', (chunk: Buffer) => out.push(chunk));
    const done = new Promise((resolve) => pacer.on('end', resolve));
    pacer.end();
    await done;
    expect(Buffer.concat(out).equals(big)).toBe(true);
  });
});
