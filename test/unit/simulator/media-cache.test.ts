import { describe, expect, it } from 'vitest';
import { cacheKey, Dedupe, Limiter } from '../../../simulator/media/cache.js';

describe('media cache helpers', () => {
  it('keys are stable and change with the parameters', () => {
    expect(cacheKey(['a', 1])).toBe(cacheKey(['a', 1]));
    expect(cacheKey(['a', 1])).not.toBe(cacheKey(['a', 2]));
    expect(cacheKey('x')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('dedupes concurrent work with the same key', async () => {
    const dedupe = new Dedupe();
    let runs = 0;
    const work = async (): Promise<number> => {
      runs += 1;
      await Promise.resolve();
      return runs;
    };
    const [a, b] = await Promise.all([dedupe.run('k', work), dedupe.run('k', work)]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    expect(await dedupe.run('k', work)).toBe(2);
  });

  it('limits concurrency and keeps FIFO order', async () => {
    const limiter = new Limiter(1);
    const order: string[] = [];
    let active = 0;
    let maxActive = 0;
    const task = (name: string) => async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      order.push(name);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
    };
    await Promise.all(['a', 'b', 'c'].map((n) => limiter.run(task(n))));
    expect(order).toEqual(['a', 'b', 'c']);
    expect(maxActive).toBe(1);
  });

  it('runs background work after the work wanted now, unless it is promoted', async () => {
    const limiter = new Limiter(1);
    const order: string[] = [];
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const task = (name: string) => async () => void order.push(name);
    let promote!: () => void;
    const queued = [
      limiter.run(task('ahead-1'), { background: true }),
      limiter.run(task('ahead-2'), { background: true, onQueued: (p) => (promote = p) }),
      limiter.run(task('now-1')),
      limiter.run(task('now-2')),
    ];
    promote(); // ahead-2 is wanted now too: it goes behind now-1 and now-2, before ahead-1
    release();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['now-1', 'now-2', 'ahead-2', 'ahead-1']);
  });
});
