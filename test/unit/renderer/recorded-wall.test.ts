/**
 * The recorded wall driven end to end with fakes: a fake `tessera.playback`, fake players whose
 * frames the test "shows" through the tile's driver, a fake still fetch, a manual clock. What is
 * asserted is what the tiles' views would render and what main was asked.
 */
import { describe, expect, it } from 'vitest';
import { flush, origin, setup, T } from './recorded-wall-fakes.js';

describe('RecordedWall', () => {
  it('scrubbing shows each tile the still nearest the playhead; release opens one session per tile at that time', async () => {
    const { wall, api, views, players, stillsAsked } = setup();
    wall.scrub(T, -1);
    await flush();
    expect(stillsAsked).toEqual([
      ['een', T],
      ['exacq', T],
    ]);
    expect(views.map((v) => [v.active, v.picture, v.stillSrc, v.status.kind])).toEqual([
      [true, 'still', `blob:een@${T}`, 'scrubbing'],
      [true, 'still', `blob:exacq@${T}`, 'scrubbing'],
    ]);
    wall.release(T);
    await flush();
    expect(api.log).toEqual(['open een 0', 'open exacq 0']);
    expect(players.map((p) => p.started)).toEqual([['media/playback/p1'], ['media/playback/p2']]);
    expect(wall.mode).toBe('recorded');
  });

  it('starts the group clock when every tile shows a frame, and writes each frame time', async () => {
    const { wall, views, players, frameTimes, advance } = setup();
    wall.release(T);
    await flush();
    wall.tick();
    expect(wall.position().status).toBe('starting');
    players[0]!.show(T);
    wall.tick();
    expect(wall.position().status).toBe('starting');
    players[1]!.show(T + 100);
    wall.tick();
    expect(wall.position().status).toBe('playing');
    expect(frameTimes).toEqual([[T], [T + 100]]);
    advance(1000);
    players[0]!.show(T + 1000);
    players[1]!.show(T + 1400);
    wall.tick();
    // The second tile is 400 ms ahead: it holds; the first plays at the group rate.
    expect(views.map((v) => [v.status.kind, v.syncOffsetMs])).toEqual([
      ['playing', 0],
      ['holding', 400],
    ]);
    expect(players[1]!.driver.steer({ nowMs: 0, currentTime: 61.4, ranges: [[0, 100]], playingForMs: 0, droppedFrames: 0 }).paused).toBe(true);
  });

  it('a tile that opened late aims its first re-seek 1.5 × its own open time ahead', async () => {
    const { wall, api, players, buffered, advance } = setup();
    wall.release(T);
    await flush();
    players[1]!.show(T);
    // The group starts without the Eagle Eye tile (4 s wait); its first frame comes 7.1 s after the open, at T.
    for (let i = 0; i < 40; i++) {
      advance(100);
      wall.tick();
    }
    expect(wall.position().status).toBe('playing');
    advance(3100);
    buffered.een = [[60, 61]];
    players[0]!.show(T);
    wall.tick();
    await flush();
    // Group at T + 3.1 s, the tile seconds behind: at once, 1.5 × 7.1 s ahead, capped at 4 s (not the default 1.5 s).
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p1 7100']);
  });

  it('a tile far behind asks main to seek ahead of the group once, not on every tick', async () => {
    const { wall, api, players, buffered, advance } = setup();
    wall.remove('tile-exacq');
    wall.release(T);
    await flush();
    // The open took 1 s: re-seeks aim 1.5 s ahead.
    advance(1000);
    players[0]!.show(T);
    wall.tick();
    advance(4000);
    // Nothing of the group's position is buffered on this tile.
    buffered.een = [[60, 61]];
    for (let i = 0; i < 20; i++) {
      advance(100);
      wall.tick();
    }
    await flush();
    // Seconds behind: one seek at once, 1.5 s ahead of where the group was then (4.1 s in).
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p1 5600']);
    advance(5000);
    wall.tick();
    await flush();
    expect(api.log.filter((l) => l.startsWith('seek'))).toHaveLength(2);
  });

  it('a tile a little behind with the data not coming asks main to seek ahead, by 1.5 × its own measured restart time', async () => {
    const { wall, api, views, players, buffered, advance } = setup();
    wall.release(T);
    await flush();
    // The open took 1 s: re-seeks aim 1.5 s ahead.
    advance(1000);
    players[0]!.show(T);
    players[1]!.show(T);
    wall.tick();
    expect(wall.position().status).toBe('playing');
    // Two seconds on, the Eagle Eye tile shows T + 1.4 s and holds only up to T + 1.5 s: a source
    // sending in real time keeps it 600 ms behind whatever rate it plays at.
    advance(2000);
    buffered.een = [[60, 61.5]];
    players[0]!.show(T + 1400);
    players[1]!.show(T + 2000);
    for (let i = 0; i <= 10; i++) {
      if (i > 0) advance(100);
      wall.tick();
    }
    await flush();
    // Behind for a restart's time (1 s): main restarts it 1.5 s ahead of the group.
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p1 4500']);
    // The new position's first frame came 2 s after asking: the next re-seek aims 3 s ahead.
    advance(2000);
    buffered.een = [[65, 66]];
    players[0]!.show(T + 5600);
    players[1]!.show(T + 5000);
    wall.tick();
    expect(views[0]!.status.kind).toBe('holding');
    // Four seconds later no more data came: 3.4 s behind, it restarts at once, 3 s ahead.
    advance(4000);
    for (let i = 0; i <= 20; i++) {
      if (i > 0) advance(100);
      wall.tick();
    }
    await flush();
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p1 4500', 'seek p1 12000']);
  });

  it('a tile 150 ms behind whose data comes just in time (a server that paces) restarts ahead; one with the data buffered plays faster instead', async () => {
    const { wall, api, players, buffered, advance } = setup();
    wall.release(T);
    await flush();
    // The open took 1 s: re-seeks aim 1.5 s ahead.
    advance(1000);
    players[0]!.show(T);
    players[1]!.show(T);
    wall.tick();
    // Each tick the exacq tile shows the frame 150 ms behind the group and holds nothing after it;
    // the Eagle Eye tile is as far behind but holds the next seconds.
    for (let i = 1; i <= 12; i++) {
      advance(100);
      const at = wall.position().positionMs;
      buffered.exacq = [[60, (at - 150 - origin) / 1000 + 0.05]];
      buffered.een = [[60, (at - origin) / 1000 + 3]];
      players[0]!.show(at - 150);
      players[1]!.show(at - 150);
      wall.tick();
    }
    await flush();
    // Behind from 0.1 s, for 1 s (the restart time assumed before one is measured): 1.5 s ahead of the group at 1.1 s.
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual(['seek p2 2600']);
    expect(players[0]!.driver.steer({ nowMs: 0, currentTime: 61.05, ranges: [[60, 64]], playingForMs: 0, droppedFrames: 0 }).rate).toBeGreaterThan(1);
  });

  it('paused on the group frame from the buffer, then an older restart lands and replaces the buffer: main is asked for the paused frame', async () => {
    const { wall, api, players, buffered, advance } = setup();
    wall.remove('tile-exacq');
    wall.release(T);
    await flush();
    players[0]!.show(T);
    wall.tick();
    advance(1000);
    players[0]!.show(T + 1000);
    wall.tick();
    wall.togglePlay();
    const at = wall.position().positionMs;
    // Just past the paused position: sought in what the tile holds, main is not asked.
    players[0]!.show(at + 12);
    wall.tick();
    await flush();
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual([]);
    // A restart asked before the pause (2 s ahead) lands: the buffer holds only its stretch.
    buffered.een = [[(at + 2000 - origin) / 1000, (at + 5000 - origin) / 1000]];
    players[0]!.show(at + 2000);
    wall.tick();
    await flush();
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual([`seek p1 ${at - T}`]);
  });

  it('paused a little behind with nothing buffered there: main is asked for the group frame at once, once', async () => {
    const { wall, api, players, buffered, advance } = setup();
    wall.remove('tile-exacq');
    wall.release(T);
    await flush();
    players[0]!.show(T);
    wall.tick();
    advance(1000);
    players[0]!.show(T + 1000);
    wall.tick();
    wall.togglePlay();
    const at = wall.position().positionMs;
    buffered.een = [[60, 60.5]];
    players[0]!.show(T + 500);
    for (let i = 0; i < 5; i++) {
      advance(100);
      wall.tick();
    }
    await flush();
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual([`seek p1 ${at - T}`]);
    // The restart's data comes, and its key frame (before the position) is on screen: the tile
    // moves the player to the group's frame in what it now holds, without asking main again.
    buffered.een = [[60.3, 62]];
    players[0]!.show(T + 300);
    wall.tick();
    const steer = players[0]!.driver.steer({ nowMs: 0, currentTime: 60.3, ranges: [[60.3, 62]], playingForMs: 0, droppedFrames: 0 });
    expect(steer.seekTo).toBeCloseTo((at + 1 - origin) / 1000, 6);
    expect(api.log.filter((l) => l.startsWith('seek'))).toHaveLength(1);
  });

  it('a paused tile whose buffer no longer holds the group position (main restarted it ahead) asks main to seek there', async () => {
    const { wall, api, players, buffered, advance } = setup();
    wall.remove('tile-exacq');
    wall.release(T);
    await flush();
    players[0]!.show(T);
    wall.tick();
    advance(500);
    // Main restarted the stream 3 s ahead (a speed change): the buffer holds only that.
    buffered.een = [[63, 70]];
    players[0]!.show(T + 3000);
    wall.togglePlay();
    wall.tick();
    await flush();
    expect(api.log.filter((l) => l.startsWith('seek'))).toEqual([`seek p1 ${wall.position().positionMs - T}`]);
  });

  it('when every tile is in a gap the group skips to where the first recording goes on', async () => {
    const { wall, players } = setup({ een: [{ fromMs: T + 40_000, toMs: T + 90_000 }], exacq: [{ fromMs: T + 30_000, toMs: T + 90_000 }] });
    wall.release(T);
    await flush();
    players[0]!.show(T + 40_000);
    players[1]!.show(T + 30_000);
    wall.tick();
    wall.tick();
    expect(wall.position().positionMs).toBe(T + 30_000);
  });

  it('a tile in a gap says so and where the recording starts again', async () => {
    const { wall, views, players } = setup({ exacq: [{ fromMs: T + 30_000, toMs: T + 90_000 }] });
    wall.release(T);
    await flush();
    players[0]!.show(T);
    wall.tick();
    wall.tick();
    expect(views[1]!.status).toEqual({ kind: 'gap', text: 'No recording at 02:00:00; it starts again at 02:00:30' });
    expect(wall.position().status).toBe('playing');
  });

  it('a still refused inside a known gap is the gap, in words; elsewhere the refusal itself', async () => {
    const { wall, views, scrubberFails } = setup({ exacq: [{ fromMs: T + 30_000, toMs: T + 90_000 }] });
    scrubberFails.add('exacq');
    scrubberFails.add('een');
    wall.scrub(T, 0);
    await flush();
    expect(views.map((v) => v.status)).toEqual([
      { kind: 'failed', text: 'no picture here' },
      { kind: 'gap', text: 'No recording at 02:00:00; it starts again at 02:00:30' },
    ]);
  });

  it('a still refused after another was shown: the refusal, over no picture (not the other moment’s); the next still brings the picture back', async () => {
    const { wall, views, scrubberFails } = setup();
    wall.scrub(T, 1);
    await flush();
    expect(views[0]!.picture).toBe('still');
    scrubberFails.add('een');
    wall.scrub(T + 20_000, 1);
    await flush();
    expect(views.map((v) => [v.picture, v.status])).toEqual([
      ['none', { kind: 'failed', text: 'no picture here' }],
      ['still', { kind: 'scrubbing', text: '' }],
    ]);
    scrubberFails.delete('een');
    wall.scrub(T + 40_000, 1);
    await flush();
    expect(views.map((v) => [v.picture, v.stillTimeMs, v.status.kind])).toEqual([
      ['still', T + 40_000, 'scrubbing'],
      ['still', T + 40_000, 'scrubbing'],
    ]);
  });

  it('scrubbed into a gap while playing: the gap in words over no picture, though the paused video shows its last frame again; playing brings video back', async () => {
    const { wall, views, players, scrubberFails } = setup({ een: [{ fromMs: T - 60_000, toMs: T + 30_000 }, { fromMs: T + 90_000, toMs: T + 200_000 }] });
    wall.release(T);
    await flush();
    players[0]!.show(T);
    players[1]!.show(T);
    wall.tick();
    expect(views[0]!.picture).toBe('video');
    scrubberFails.add('een');
    wall.scrub(T + 60_000, 1);
    await flush();
    // The paused <video> reports the frame it holds (a seek, a frame callback): it is of T, not of the playhead.
    players[0]!.show(T);
    wall.tick();
    expect([views[0]!.picture, views[0]!.status]).toEqual(['none', { kind: 'gap', text: 'No recording at 02:01:00; it starts again at 02:01:30' }]);
    wall.release(T + 100_000);
    await flush();
    players[0]!.show(T + 100_000);
    expect(views[0]!.picture).toBe('video');
  });

  it('let go at the present (nothing recorded there yet): back to live, no session opened; 10 s back it plays', async () => {
    const { wall, api, views } = setup();
    // The fake clock's now is T + 600 s.
    wall.scrub(T + 600_000, 1);
    await flush();
    wall.release(T + 599_000);
    await flush();
    expect(wall.mode).toBe('live');
    expect(api.log).toEqual([]);
    expect(views.map((v) => v.active)).toEqual([false, false]);
    wall.release(T + 590_000);
    await flush();
    expect(wall.mode).toBe('recorded');
    expect(api.log).toEqual(['open een 590000', 'open exacq 590000']);
  });

  it('a stream that stalls before its first frame fails in words; a stall after it (paused, in a gap) is no failure', async () => {
    const { wall, views, players } = setup();
    wall.release(T);
    await flush();
    expect(views[0]!.status.kind).toBe('opening');
    players[0]!.emit('stalled', { reason: 'no-data', words: 'no video data for 6 s' });
    expect(views[0]!.status).toEqual({ kind: 'failed', text: 'the recorded video did not start: no video data for 6 s' });
    players[1]!.show(T);
    wall.togglePlay();
    wall.tick();
    players[1]!.emit('stalled', { reason: 'no-data', words: 'no video data for 6 s' });
    expect(views[1]!.status.kind).toBe('paused');
  });

  it('says in words why a tile cannot play, and the others play on', async () => {
    const { wall, api, views, players } = setup();
    api.failFor.set('exacq', 'No recording of this camera at 02:00:00 (before its retention).');
    wall.release(T);
    await flush();
    players[0]!.show(T);
    wall.tick();
    expect(views[1]!.status).toEqual({ kind: 'failed', text: 'No recording of this camera at 02:00:00 (before its retention).' });
    expect(wall.position().status).toBe('playing');
    api.push({ playbackId: 'p1', cameraId: 'een', status: 'failed', rate: 1, reason: 'the site answered with an HTML page' });
    expect(views[0]!.status).toEqual({ kind: 'failed', text: 'the site answered with an HTML page' });
  });

  it('speed goes to main, a step moves the paused group one frame, Live closes every session', async () => {
    const { wall, api, views, players } = setup();
    wall.release(T);
    await flush();
    players[0]!.show(T);
    players[1]!.show(T);
    wall.tick();
    wall.setRate(4);
    wall.togglePlay();
    expect(wall.position()).toMatchObject({ status: 'paused', rate: 4 });
    const before = wall.position().positionMs;
    wall.step(1);
    expect(wall.position().positionMs).toBe(before + 100);
    // Each tile seeks 1 ms into the frame that starts at the new position (the next frame).
    wall.tick();
    const steer = players[0]!.driver.steer({ nowMs: 0, currentTime: 0, ranges: [[0, 1000]], playingForMs: 0, droppedFrames: 0 });
    expect(steer).toMatchObject({ paused: true });
    expect(steer.seekTo! * 1000).toBeCloseTo(before + 100 + 1 - origin, 6);
    wall.live();
    expect(api.log.filter((l) => !l.startsWith('open'))).toEqual(['speed p1 4', 'speed p2 4', 'pause p1 true', 'pause p2 true', 'close p1', 'close p2']);
    expect(views.map((v) => v.active)).toEqual([false, false]);
    expect(wall.mode).toBe('live');
  });

  it('paused on a server playhead, stepping on past what the tile holds asks the server for one frame, not a new search; a keyframe source restarts', async () => {
    const { wall, api, players, buffered, advance } = setup({}, { exacq: 'server' });
    wall.release(T);
    await flush();
    players[0]!.show(T);
    players[1]!.show(T);
    wall.tick();
    wall.togglePlay();
    const at = wall.position().positionMs;
    // Both hold up to the frame after the paused one (its end is two frames on).
    const held = (at - origin + 200) / 1000;
    buffered.een = [[(T - origin) / 1000, held]];
    buffered.exacq = [[(T - origin) / 1000, held]];
    const mainAsks = (): string[] => api.log.filter((l) => l.startsWith('seek') || l.startsWith('step'));
    wall.step(1);
    wall.tick();
    await flush();
    expect(mainAsks()).toEqual([]);
    // The next step is past the end of what they hold: exacq's server steps one frame; Eagle Eye
    // (keyframe stepping, a URL source) restarts there.
    wall.step(1);
    for (let i = 0; i < 3; i++) {
      advance(100);
      wall.tick();
    }
    await flush();
    expect(mainAsks()).toEqual([`seek p1 ${at + 200 - T}`, 'step p2 1']);
    // The step's frame never comes: after 1.5 s the exacq tile restarts there instead.
    for (let i = 0; i < 15; i++) {
      advance(100);
      wall.tick();
    }
    await flush();
    expect(mainAsks()).toEqual([`seek p1 ${at + 200 - T}`, 'step p2 1', `seek p2 ${at + 200 - T}`]);
  });

  it('main pauses each session once when the group pauses and plays it once when the group plays; holding, a gap or backwards leave it playing', async () => {
    const { wall, api, views, players, advance } = setup({ exacq: [{ fromMs: T - 60_000, toMs: T + 2_000 }] });
    const pauses = (): string[] => api.log.filter((l) => l.startsWith('pause'));
    const run = async (ms: number): Promise<void> => {
      for (let i = 0; i < ms / 100; i++) {
        advance(100);
        wall.tick();
      }
      await flush();
    };
    wall.release(T);
    await flush();
    players[0]!.show(T);
    // The second tile is ahead: it holds while the group plays.
    players[1]!.show(T + 1_000);
    await run(500);
    expect(views[1]!.status.kind).toBe('holding');
    expect(pauses()).toEqual([]);
    wall.togglePlay();
    await run(1_000);
    expect(pauses()).toEqual(['pause p1 true', 'pause p2 true']);
    wall.togglePlay();
    await run(3_000);
    // The second tile is now in a gap (its recording ended at T + 2 s): main goes on for it.
    expect(views[1]!.status.kind).toBe('gap');
    expect(pauses()).toEqual(['pause p1 true', 'pause p2 true', 'pause p1 false', 'pause p2 false']);
    // Backwards the elements stay paused but the group plays: main plays too.
    wall.setRate(-2);
    await run(1_000);
    expect(pauses()).toHaveLength(4);
    // A step pauses the group: main is told at once, before any tick.
    wall.step(-1);
    await flush();
    expect(pauses().slice(4)).toEqual(['pause p1 true', 'pause p2 true']);
  });

  it('with Sync off the timeline acts on the focused tile only', async () => {
    const { wall, api } = setup();
    wall.setSync(false);
    wall.focusedId = 'tile-exacq';
    wall.release(T);
    await flush();
    expect(api.log).toEqual(['open exacq 0']);
  });
});
