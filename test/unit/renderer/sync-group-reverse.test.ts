/**
 * The sync group backwards: the clock runs back, "ahead" is earlier, a frame up to a keyframe
 * span before the position is in step, and a gap ahead ends where the previous recording did.
 */
import { describe, expect, it } from 'vitest';
import { defaultSync, previousRecordingEnd, steerTile, SyncGroup, type GroupPosition, type TileSample } from '../../../renderer/src/domain/sync-group.js';

const T = Date.UTC(2026, 11, 7, 2, 0, 0);
const back = (positionMs: number, rate = -2): GroupPosition => ({ positionMs, rate, status: 'playing' });
const tile = (frameTimeMs: number | undefined, extra: Partial<TileSample> = {}): TileSample => ({ frameTimeMs, holding: false, frameMs: 100, ...extra });

describe('sync group backwards', () => {
  it('its clock runs back at the rate, pauses and turns round where it is', () => {
    let now = 0;
    const group = new SyncGroup(() => now, T);
    group.setRate(-2);
    group.play(T);
    group.tick(true);
    now += 1000;
    expect(group.positionMs()).toBe(T - 2000);
    group.setRate(-16);
    now += 500;
    expect(group.positionMs()).toBe(T - 10_000);
    group.pause();
    now += 1000;
    expect(group.positionMs()).toBe(T - 10_000);
    group.play();
    group.tick(true);
    group.setRate(1);
    now += 1000;
    expect(group.positionMs()).toBe(T - 9000);
  });

  it('drift signs flip: later than the group is behind (jump), earlier is ahead (hold), a keyframe span before is in step', () => {
    const span = defaultSync.reverseSpanMs;
    // The newest keyframe at or before the position, 3 s before it (a 4 s GOP): in step, at the group's rate.
    expect(steerTile(back(T), tile(T - 3000))).toEqual({ kind: 'play', rate: -2, driftMs: -3000 });
    expect(steerTile(back(T), tile(T))).toEqual({ kind: 'play', rate: -2, driftMs: 0 });
    // Far earlier than the group: ahead going back, so it holds until the group comes to it.
    expect(steerTile(back(T), tile(T - span - 1))).toEqual({ kind: 'hold', driftMs: -span - 1 });
    // Later than the group by more than the span: behind going back, it jumps.
    expect(steerTile(back(T), tile(T + span + 1))).toEqual({ kind: 'seek', toMs: T, driftMs: span + 1 });
    // Forward the same tile would be far ahead (hold), and the earlier one far behind (seek).
    expect(steerTile({ ...back(T), rate: 2 }, tile(T + span + 1)).kind).toBe('hold');
    expect(steerTile({ ...back(T), rate: 2 }, tile(T - span - 1)).kind).toBe('seek');
  });

  it('a paused group with a negative rate is paused: the tile is on the frame that holds the position', () => {
    expect(steerTile({ positionMs: T, rate: -4, status: 'paused' }, tile(T - 50))).toEqual({ kind: 'paused', driftMs: -50 });
  });

  it('in a gap going back, the recording resumes where the previous period ended', () => {
    const coverage = [
      { fromMs: T - 60_000, toMs: T - 30_000 },
      { fromMs: T, toMs: T + 60_000 },
    ];
    expect(steerTile(back(T - 10_000), tile(T, { coverage }))).toEqual({ kind: 'gap', atMs: T - 10_000, nextMs: T - 30_001 });
    expect(steerTile({ ...back(T - 10_000), rate: 1 }, tile(T, { coverage }))).toEqual({ kind: 'gap', atMs: T - 10_000, nextMs: T });
    expect(previousRecordingEnd(coverage, T - 60_000)).toBeUndefined();
  });
});
