// The expected play position that paces a recording (main/playback/play-clock.ts).
import { describe, expect, it } from 'vitest';
import { PlayClock } from '../../../main/playback/play-clock.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('PlayClock', () => {
  it('lets anything through before the first frame, then paces by rate, pause and lead', () => {
    const clock = new ManualClock();
    const play = new PlayClock(clock);
    expect(play.waitMs(5_000_000, 1_000)).toBe(0);
    play.startAt(1_000_000);
    expect(play.waitMs(1_000_900, 1_000)).toBe(0);
    expect(play.waitMs(1_003_000, 1_000)).toBe(2_000);
    clock.advance(500);
    expect(play.positionMs()).toBe(1_000_500);
    play.setRate(4);
    clock.advance(500);
    expect(play.positionMs()).toBe(1_002_500);
    expect(play.waitMs(1_007_500, 1_000)).toBe(1_000);
    play.setPaused(true);
    clock.advance(10_000);
    expect(play.positionMs()).toBe(1_002_500);
    expect(play.waitMs(1_007_500, 1_000)).toBe(Number.POSITIVE_INFINITY);
    play.setPaused(false);
    clock.advance(250);
    expect(play.positionMs()).toBe(1_003_500);
    play.reset();
    expect(play.started).toBe(false);
    expect(play.waitMs(9_000_000, 0)).toBe(0);
  });
});
