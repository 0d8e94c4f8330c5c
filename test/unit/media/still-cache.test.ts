/** The live-still cache: fresh pictures from memory, one VMS request per camera at a time, nothing stale. */
import { describe, expect, it } from 'vitest';
import { StillCache, widthServes, type LiveStill } from '../../../main/media/still-cache.js';

function harness(options: { freshMs?: number; maxCameras?: number } = {}) {
  let now = 0;
  const asked: { cameraId: string; width: number | undefined; resolve: (s: LiveStill) => void; reject: (e: Error) => void }[] = [];
  const cache = new StillCache({
    ...options,
    now: () => now,
    fetch: (cameraId, width) => new Promise((resolve, reject) => asked.push({ cameraId, width, resolve, reject })),
  });
  const still = (timestampMs: number): LiveStill => ({ jpeg: Buffer.from([timestampMs & 0xff]), timestampMs });
  return { cache, asked, still, advance: (ms: number) => (now += ms) };
}

describe('widthServes', () => {
  it.each([
    [undefined, 320, true],
    [undefined, undefined, true],
    [640, 320, true],
    [320, 320, true],
    [320, 640, false],
    [320, undefined, false],
  ])('kept at %s serves a request at %s: %s', (had, wants, serves) => expect(widthServes(had, wants)).toBe(serves));
});

describe('StillCache', () => {
  it('answers from memory while the picture is fresh, then asks the VMS again', async () => {
    const { cache, asked, still, advance } = harness({ freshMs: 500 });
    const first = cache.live('cam', 320);
    asked[0]!.resolve(still(1000));
    expect((await first).timestampMs).toBe(1000);
    advance(499);
    expect((await cache.live('cam', 320)).timestampMs).toBe(1000);
    expect(asked).toHaveLength(1);
    advance(1);
    const again = cache.live('cam', 320);
    expect(asked).toHaveLength(2);
    asked[1]!.resolve(still(1500));
    expect((await again).timestampMs).toBe(1500);
  });

  it('requests while a fetch is under way join it (two tiles of one camera cost one request)', async () => {
    const { cache, asked, still } = harness();
    const a = cache.live('cam', 320);
    const b = cache.live('cam', 240);
    const other = cache.live('other', 320);
    expect(asked.map((r) => r.cameraId)).toEqual(['cam', 'other']);
    asked[0]!.resolve(still(7));
    asked[1]!.resolve(still(8));
    expect(await a).toBe(await b);
    expect((await other).timestampMs).toBe(8);
  });

  it('a narrower picture does not serve a wider tile', async () => {
    const { cache, asked, still } = harness();
    const small = cache.live('cam', 240);
    const large = cache.live('cam', 640);
    expect(asked.map((r) => r.width)).toEqual([240, 640]);
    asked[0]!.resolve(still(1));
    asked[1]!.resolve(still(2));
    await Promise.all([small, large]);
    // The wide one is kept and serves the narrow tile now.
    expect((await cache.live('cam', 240)).timestampMs).toBe(2);
    expect(asked).toHaveLength(2);
  });

  it('keeps no failure: the next request asks again', async () => {
    const { cache, asked, still } = harness();
    const failing = cache.live('cam', 320);
    asked[0]!.reject(new Error('camera offline'));
    await expect(failing).rejects.toThrow('camera offline');
    const next = cache.live('cam', 320);
    expect(asked).toHaveLength(2);
    asked[1]!.resolve(still(3));
    expect((await next).timestampMs).toBe(3);
  });

  it('an older answer arriving late never replaces a newer picture', async () => {
    const { cache, asked, still } = harness();
    const narrow = cache.live('cam', 240);
    const wide = cache.live('cam', 640);
    asked[1]!.resolve(still(20));
    await wide;
    asked[0]!.resolve(still(10));
    await narrow;
    expect((await cache.live('cam', 240)).timestampMs).toBe(20);
    expect(asked).toHaveLength(2);
  });

  it('keeps at most maxCameras pictures, dropping the least recently refreshed', async () => {
    const { cache, asked, still } = harness({ maxCameras: 2 });
    for (const id of ['a', 'b', 'c']) {
      const p = cache.live(id, 320);
      asked.at(-1)!.resolve(still(1));
      await p;
    }
    expect(cache.size).toBe(2);
    await cache.live('c', 320);
    expect(asked).toHaveLength(3);
    void cache.live('a', 320);
    expect(asked).toHaveLength(4);
  });
});
