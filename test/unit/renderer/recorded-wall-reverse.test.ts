/**
 * The recorded wall backwards: setRate(−2) goes to every tile's session, the group runs back,
 * each tile shows the newest frame it holds at or before the group's position; a tile stepping
 * keyframes asks main for the stretch before the position when it runs short; a camera that
 * cannot reverse says so and holds, and the others go on.
 */
import { describe, expect, it } from 'vitest';
import { flush, origin, setup, T } from './recorded-wall-fakes.js';

/** Every frame from `fromMs` to `toMs` (wall ms, 100 ms apart) arrives at the tile's driver. */
function feed(players: ReturnType<typeof setup>['players'], fromMs: number, toMs: number): void {
  for (const p of players) for (let at = fromMs; at <= toMs; at += 100) p.driver.fragment({ keyframe: (at - fromMs) % 1000 === 0, videoStartMs: at - origin }, Uint8Array.of(0), 0, { queuedBytes: 0, append: () => {}, dropMedia: () => 0 });
}

/** Where the tile's element would be sent on its next player tick (wall ms), or undefined. */
function seekOf(p: ReturnType<typeof setup>['players'][number]): number | undefined {
  const to = p.driver.steer({ nowMs: 0, currentTime: p.currentTime, ranges: [[0, 1e6]], playingForMs: 0, droppedFrames: 0 }).seekTo;
  return to === undefined ? undefined : Math.round(origin + to * 1000);
}

async function playing(s: ReturnType<typeof setup>): Promise<void> {
  s.wall.release(T);
  await flush();
  feed(s.players, T - 20_000, T + 2000);
  for (const p of s.players) p.show(T);
  s.wall.tick();
  expect(s.wall.position().status).toBe('playing');
}

describe('RecordedWall backwards', () => {
  it('setRate(−2): main is told, the clock runs back and each tile goes to the newest frame at or before the position', async () => {
    const s = setup({}, { exacq: 'server' });
    await playing(s);
    expect(s.wall.canReverse()).toBe(true);
    s.wall.setRate(-2);
    await flush();
    expect(s.api.log.filter((l) => l.startsWith('speed'))).toEqual(['speed p1 -2', 'speed p2 -2']);
    // The server's playhead turns round near the group (3 s × 2 ahead going back: its new search
    // takes a while), not where main's flow control left it.
    expect(s.api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p2 -6000']);
    s.advance(1000);
    s.wall.tick();
    expect(s.wall.position()).toMatchObject({ positionMs: T - 2000, rate: -2, status: 'playing' });
    expect(s.views.map((v) => v.status.kind)).toEqual(['playing', 'playing']);
    // 1 ms into the frame that starts at the position: the element is paused, and seeks.
    expect(s.players.map(seekOf)).toEqual([T - 2000 + 1, T - 2000 + 1]);
    s.advance(150);
    s.wall.tick();
    expect(s.players.map(seekOf)).toEqual([T - 2300 + 1, T - 2300 + 1]);
  });

  it('stepping keyframes, a tile running short asks main once for the stretch before the position; a server reverse asks nothing more', async () => {
    const s = setup({}, { exacq: 'server' });
    await playing(s);
    s.wall.setRate(-2);
    await flush();
    const media = (ms: number): number => (ms - origin) / 1000;
    s.buffered.een = [[media(T - 3000), media(T + 2000)]];
    s.buffered.exacq = [[media(T - 3000), media(T + 2000)]];
    s.advance(500);
    s.wall.tick();
    expect(s.api.log.filter((l) => l.startsWith('seek p1'))).toEqual([]);
    // At T − 2 s nothing is held 1 s × 2 before the position: short.
    s.advance(500);
    s.wall.tick();
    s.advance(100);
    s.wall.tick();
    await flush();
    // One keyframe step, 3 s × 2 before the position; not again while it is on its way.
    expect(s.api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p2 -6000', 'seek p1 -8000']);
  });

  it('a camera that cannot reverse says so and holds its frame; the other plays back; none that can: no reverse offered', async () => {
    const s = setup({}, { exacq: 'none' });
    await playing(s);
    s.wall.setRate(-2);
    await flush();
    s.advance(1000);
    s.wall.tick();
    expect(s.views.map((v) => [v.status.kind, v.status.text])).toEqual([
      ['playing', ''],
      ['no-reverse', 'This camera cannot play backwards'],
    ]);
    // Its session is not asked to reverse, and its element stays on its frame.
    expect(s.api.log.filter((l) => l.startsWith('speed'))).toEqual(['speed p1 -2']);
    expect(seekOf(s.players[1]!)).toBeUndefined();
    expect(s.players[1]!.driver.steer({ nowMs: 0, currentTime: s.players[1]!.currentTime, ranges: [[0, 1e6]], playingForMs: 0, droppedFrames: 0 }).paused).toBe(true);

    const none = setup({}, { een: 'none', exacq: 'none' });
    await playing(none);
    expect(none.wall.canReverse()).toBe(false);
  });
});
