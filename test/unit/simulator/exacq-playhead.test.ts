import { describe, expect, it } from 'vitest';
import { PlayHead, Timeline, frameCount, isValidSpeed, paceDelayMs } from '../../../simulator/exacq/playhead.js';

// wall (s)  0    10        40        55
//           |clipA|...gap...|--clipB--|
// pos (s)   0    10         10        25
const s = (n: number): number => n * 1000;
const timeline = new Timeline([
  { startMs: s(0), endMs: s(10) },
  { startMs: s(40), endMs: s(55) },
]);

describe('exacq Timeline', () => {
  it('squeezes gaps out of recorded time', () => {
    expect(timeline.totalMs).toBe(s(25));
    expect(timeline.toWall(s(5))).toBe(s(5));
    expect(timeline.toWall(s(10))).toBe(s(40));
    expect(timeline.toWall(s(12))).toBe(s(42));
    expect(timeline.toWall(s(25))).toBe(s(55));
    expect(timeline.toWall(s(99))).toBe(s(55));
  });

  it('maps a time in a gap to the start of the next clip', () => {
    expect(timeline.toPos(s(20))).toBe(s(10));
    expect(timeline.toPos(s(41))).toBe(s(11));
    expect(timeline.toPos(s(60))).toBe(s(25));
    expect(timeline.toPos(-5)).toBe(0);
  });
});

describe('exacq PlayHead', () => {
  it('moves at the play speed (100 = 1x) and clamps to the timeline', () => {
    const head = new PlayHead(timeline, 1_000_000);
    expect(head.position(1_000_000 + s(3))).toBe(s(3));
    head.setSpeed(200, 1_000_000 + s(3));
    expect(head.position(1_000_000 + s(5))).toBe(s(7));
    expect(head.time(1_000_000 + s(5))).toBe(s(7));
    expect(head.time(1_000_000 + s(7))).toBe(s(41)); // crossed the gap
    expect(head.position(1_000_000 + s(100))).toBe(s(25));
  });

  it('stands still when paused and runs backwards at negative speed', () => {
    const head = new PlayHead(timeline, 0, 0);
    expect(head.position(s(60))).toBe(0);
    head.seek(s(20), 0);
    head.setSpeed(-50, 0);
    expect(head.position(s(4))).toBe(s(18));
    expect(head.position(s(1000))).toBe(0);
  });

  it('steps whole frames and reports the frame number', () => {
    const head = new PlayHead(timeline, 0, 0);
    expect(head.step(25, 25, 0)).toBe(25);
    expect(head.position(0)).toBe(s(1));
    expect(head.step(-30, 25, 0)).toBe(0);
    expect(head.step(10_000, 25, 0)).toBe(frameCount(timeline, 25));
    expect(frameCount(timeline, 25)).toBe(625);
  });
});

describe('exacq playspeed range', () => {
  it.each([
    ['100', true],
    ['-12800', true],
    ['12800', true],
    ['12801', false],
    ['1.5', false],
    ['+100', false],
    ['fast', false],
  ])('%s valid: %s', (text, valid) => expect(isValidSpeed(text)).toBe(valid));
});

describe('exacq frame pacing', () => {
  const base = { totalMs: s(25), frameIntervalMs: 1000, maxWaitMs: 2000 };
  it('answers the first frame and paused searches at once', () => {
    expect(paceDelayMs({ ...base, lastServedPos: undefined, pos: 0, speed: 100 })).toBe(0);
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(3), speed: 0 })).toBe(0);
  });

  it('waits until the play head is one frame past the last one served', () => {
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(3), speed: 100 })).toBe(1000);
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(3.4), speed: 100 })).toBe(600);
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(3), speed: 400 })).toBe(250);
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(5), speed: 100 })).toBe(0);
  });

  it('paces reverse play and stops waiting at the ends', () => {
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(3), speed: -100 })).toBe(1000);
    expect(paceDelayMs({ ...base, lastServedPos: s(25), pos: s(25), speed: 100 })).toBe(0);
    expect(paceDelayMs({ ...base, lastServedPos: 0, pos: 0, speed: -100 })).toBe(0);
  });

  it('never waits longer than maxWaitMs', () => {
    expect(paceDelayMs({ ...base, lastServedPos: s(3), pos: s(3), speed: 10 })).toBe(2000);
  });
});
