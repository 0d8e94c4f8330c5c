/**
 * The sync group: the group clock under a manual clock, and each tile's correction. The last
 * test simulates four tiles with different start delays and rate errors and checks that they
 * end within 40 ms of the group, as the e2e then checks in a browser.
 */
import { describe, expect, it } from 'vitest';
import { defaultSync, steerTile, SyncGroup, type GroupPosition, type TileSample } from '../../../renderer/src/domain/sync-group.js';

const T = Date.UTC(2026, 11, 7, 2, 0, 0);

function manual(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const playing = (positionMs: number, rate = 1): GroupPosition => ({ positionMs, rate, status: 'playing' });
const tile = (frameTimeMs: number | undefined, extra: Partial<TileSample> = {}): TileSample => ({ frameTimeMs, holding: false, frameMs: 100, ...extra });

describe('group clock', () => {
  it('waits for the tiles, then runs at its rate; pause and step are exact', () => {
    const clock = manual();
    const group = new SyncGroup(clock.now, T);
    group.play(T);
    clock.advance(500);
    group.tick(false);
    expect(group.status).toBe('starting');
    expect(group.positionMs()).toBe(T);
    group.tick(true);
    clock.advance(1000);
    expect(group.positionMs()).toBe(T + 1000);
    group.setRate(4);
    clock.advance(1000);
    expect(group.positionMs()).toBe(T + 5000);
    group.pause();
    clock.advance(1000);
    expect(group.positionMs()).toBe(T + 5000);
    group.step(1, 100);
    expect(group.positionMs()).toBe(T + 5100);
    group.step(-1, 100);
    group.step(-1, 100);
    expect(group.positionMs()).toBe(T + 4900);
  });

  it('starts anyway after startWaitMs when a tile never shows a frame', () => {
    const clock = manual();
    const group = new SyncGroup(clock.now, T);
    group.play();
    clock.advance(defaultSync.startWaitMs);
    group.tick(false);
    expect(group.status).toBe('playing');
  });
});

describe('steering a tile', () => {
  it('plays at the group rate within the deadband', () => {
    // The frame on screen started 40 ms ago (frames of 100 ms): its middle is 10 ms ahead.
    expect(steerTile(playing(T, 4), tile(T - 40))).toEqual({ kind: 'play', rate: 4, driftMs: 10 });
  });

  it('corrects a frame or two by rate, within ±10 %', () => {
    const behind = steerTile(playing(T), tile(T - 100));
    expect(behind).toEqual({ kind: 'play', rate: 1.05, driftMs: -50 });
    const ahead = steerTile(playing(T, 2), tile(T + 150));
    expect(ahead).toEqual({ kind: 'play', rate: 2 * 0.9, driftMs: 200 });
  });

  it('jumps when more than 250 ms behind, holds when ahead until the group is there', () => {
    expect(steerTile(playing(T), tile(T - 350))).toEqual({ kind: 'seek', toMs: T, driftMs: -300 });
    expect(steerTile(playing(T), tile(T + 250))).toEqual({ kind: 'hold', driftMs: 300 });
    expect(steerTile(playing(T), tile(T + 50, { holding: true }))).toEqual({ kind: 'hold', driftMs: 100 });
    expect(steerTile(playing(T), tile(T - 40, { holding: true }))).toMatchObject({ kind: 'play' });
  });

  it('stands on the group frame while paused', () => {
    const paused: GroupPosition = { positionMs: T, rate: 1, status: 'paused' };
    // The frame that holds T: it starts at or before T, less than a frame interval before.
    expect(steerTile(paused, tile(T - 60))).toEqual({ kind: 'paused', driftMs: -60 });
    expect(steerTile(paused, tile(T + 1))).toEqual({ kind: 'paused', driftMs: 1 });
    expect(steerTile(paused, tile(T + 40))).toEqual({ kind: 'seek', toMs: T, driftMs: 40 });
    expect(steerTile(paused, tile(T - 100))).toEqual({ kind: 'seek', toMs: T, driftMs: -100 });
  });

  it('waits in a gap and says where the recording starts again', () => {
    const coverage = [
      { fromMs: T - 60_000, toMs: T - 1000 },
      { fromMs: T + 30_000, toMs: T + 90_000 },
    ];
    expect(steerTile(playing(T), tile(T - 1000, { coverage }))).toEqual({ kind: 'gap', atMs: T, nextMs: T + 30_000 });
    // The stream resumed after the gap, ahead of the group: it holds until the group gets there.
    expect(steerTile(playing(T + 29_000), tile(T + 30_000, { coverage }))).toEqual({ kind: 'gap', atMs: T + 29_000, nextMs: T + 30_000 });
    expect(steerTile(playing(T + 30_050), tile(T + 30_000, { coverage }))).toMatchObject({ kind: 'play' });
    expect(steerTile(playing(T), tile(undefined))).toEqual({ kind: 'loading' });
  });

  it('brings four tiles with different starts and clock errors within 40 ms of the group', () => {
    const clock = manual();
    const group = new SyncGroup(clock.now, T);
    // Each tile: when its first frame appears (ms after play), its decoder's rate error. Its
    // playhead moves continuously; it reports that and the 100 ms frame on screen.
    const tiles = [
      { readyAt: 200, error: 1.0 },
      { readyAt: 900, error: 1.02 },
      { readyAt: 1500, error: 0.97 },
      { readyAt: 2500, error: 1.01 },
    ].map((t) => ({ ...t, playheadMs: undefined as number | undefined, holding: false, rate: 1 }));
    const frameOf = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : T + Math.floor((ms - T) / 100) * 100);
    group.play(T);
    for (let ms = 0; ms < 10_000; ms += 50) {
      group.tick(tiles.every((t) => t.playheadMs !== undefined));
      for (const t of tiles) {
        if (t.playheadMs === undefined && ms >= t.readyAt) t.playheadMs = T;
        const steer = steerTile(group.snapshot(), { frameTimeMs: frameOf(t.playheadMs), ...(t.playheadMs === undefined ? {} : { playheadMs: t.playheadMs }), holding: t.holding, frameMs: 100 });
        t.holding = steer.kind === 'hold';
        if (steer.kind === 'seek') t.playheadMs = steer.toMs + 1;
        t.rate = steer.kind === 'play' ? steer.rate : 0;
      }
      clock.advance(50);
      for (const t of tiles) if (t.playheadMs !== undefined && group.status === 'playing') t.playheadMs += 50 * t.rate * t.error;
    }
    const drifts = tiles.map((t) => Math.abs(t.playheadMs! - group.positionMs()));
    expect(Math.max(...drifts)).toBeLessThanOrEqual(40);
    // The clock waited for the slowest tile (ready at 2.5 s, seen on the next tick), then ran.
    expect(group.positionMs()).toBe(T + 7450);
  });
});
