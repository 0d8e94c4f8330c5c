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
  /** cache.live() that must ask the VMS anew; the VMS answers at once with a picture taken at `timestampMs`. */
  const fromVms = async (cameraId: string, width: number, timestampMs: number): Promise<LiveStill> => {
    const before = asked.length;
    const answer = cache.live(cameraId, width);
    expect(asked, `a new VMS request for ${cameraId}`).toHaveLength(before + 1);
    asked.at(-1)!.resolve(still(timestampMs));
    return answer;
  };
  return { cache, asked, still, fromVms, advance: (ms: number) => (now += ms) };
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
    const { cache, asked, fromVms, advance } = harness({ freshMs: 500 });
    expect((await fromVms('cam', 320, 1000)).timestampMs).toBe(1000);
    advance(499);
    expect((await cache.live('cam', 320)).timestampMs).toBe(1000);
    expect(asked).toHaveLength(1);
    advance(1);
    expect((await fromVms('cam', 320, 1500)).timestampMs).toBe(1500);
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
    const { cache, asked, fromVms } = harness();
    const failing = cache.live('cam', 320);
    asked[0]!.reject(new Error('camera offline'));
    await expect(failing).rejects.toThrow('camera offline');
    expect((await fromVms('cam', 320, 3)).timestampMs).toBe(3);
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
    const { cache, asked, fromVms } = harness({ maxCameras: 2 });
    for (const id of ['a', 'b', 'c']) await fromVms(id, 320, 1);
    expect(cache.size).toBe(2);
    await cache.live('c', 320);
    expect(asked).toHaveLength(3);
    void cache.live('a', 320);
    expect(asked).toHaveLength(4);
  });
});
