import { describe, expect, it } from 'vitest';
import { PublishThrottle } from '../../../main/media/publish-throttle.js';
import { settle } from '../../support/fake-runner.js';
import { ManualClock } from '../../support/manual-clock.js';

function setup(minMs = 200) {
  const clock = new ManualClock();
  const flushedAt: number[] = [];
  const throttle = new PublishThrottle(clock, minMs, () => flushedAt.push(clock.now() - 1_000_000));
  return { clock, flushedAt, throttle };
}

describe('PublishThrottle', () => {
  it('flushes the first request at once (next microtask), merging the same tick', async () => {
    const { flushedAt, throttle } = setup();
    throttle.request();
    throttle.request();
    expect(flushedAt).toEqual([]);
    await settle();
    expect(flushedAt).toEqual([0]);
  });

  it('a steady stream of requests (every 10 ms for 1 s) flushes at most once per interval', async () => {
    //  t(ms)     0    200   400   600   800  1000
    //  flushes   ●     ●     ●     ●     ●     ●
    const { clock, flushedAt, throttle } = setup();
    for (let t = 0; t < 1000; t += 10) {
      throttle.request();
      await settle();
      clock.advance(10);
    }
    clock.advance(200);
    await settle();
    expect(flushedAt).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  it('after a quiet interval the next request flushes at once again', async () => {
    const { clock, flushedAt, throttle } = setup();
    throttle.request();
    await settle();
    clock.advance(50);
    throttle.request();
    clock.advance(149);
    expect(flushedAt).toEqual([0]);
    clock.advance(1);
    expect(flushedAt).toEqual([0, 200]);
    clock.advance(5_000);
    throttle.request();
    await settle();
    expect(flushedAt).toEqual([0, 200, 5200]);
  });

  it('never flushes after dispose', async () => {
    const { clock, flushedAt, throttle } = setup();
    throttle.request();
    await settle();
    throttle.request();
    throttle.dispose();
    clock.advance(1_000);
    throttle.request();
    await settle();
    expect(flushedAt).toEqual([0]);
  });
});
