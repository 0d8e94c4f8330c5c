import { describe, expect, it } from 'vitest';
import { AppFailure, type StreamState } from '../../../preload/contract/index.js';
import { MediaBroker, STATE_PUBLISH_MIN_MS } from '../../../main/media/media-broker.js';
import { StreamSlots } from '../../../main/media/stream-slots.js';
import type { UpstreamLike, UpstreamSnapshot, UpstreamSpec } from '../../../main/media/upstream-types.js';
import type { JoinData, Viewer } from '../../../main/media/viewer.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { FakeSink } from './fake-sink.js';
import { settle } from '../../support/fake-runner.js';
import { splitFixture } from './fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

const fixture = splitFixture();

class FakeUpstream implements UpstreamLike {
  starts = 0;
  stopped = false;
  readonly viewers = new Set<Viewer>();
  snap: UpstreamSnapshot = { status: 'connecting', info: { transcoded: false } };
  joinData: JoinData = { init: null, gop: [] };
  constructor(
    readonly spec: UpstreamSpec,
    readonly onChange: (kind: 'status' | 'stats') => void,
  ) {}
  start(): void {
    this.starts += 1;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  snapshot(): UpstreamSnapshot {
    return this.snap;
  }
  join(): JoinData {
    return this.joinData;
  }
  addViewer(viewer: Viewer): void {
    this.viewers.add(viewer);
  }
  removeViewer(viewer: Viewer): void {
    this.viewers.delete(viewer);
  }
}

function setup(extra: { cameraKnown?: (cameraId: string) => boolean; slots?: StreamSlots } = {}) {
  const clock = new ManualClock();
  const created: FakeUpstream[] = [];
  const published: StreamState[][] = [];
  const log = memoryLogger();
  const broker = new MediaBroker({
    resolve: () => Promise.reject(new Error('not used by fakes')),
    log,
    clock,
    ...extra,
    lingerMs: 5_000,
    unclaimedMs: 30_000,
    createUpstream: (spec, onChange) => {
      const upstream = new FakeUpstream(spec, onChange);
      created.push(upstream);
      return upstream;
    },
  });
  broker.onStates((states) => published.push(states));
  return { clock, created, published, broker, log };
}

describe('MediaBroker', () => {
  it('shares one upstream per camera × profile between viewers', () => {
    const { broker, created } = setup();
    const a = broker.open('site/cam1', 'sub');
    const b = broker.open('site/cam1', 'sub');
    const c = broker.open('site/cam1', 'main');
    const d = broker.open('site/cam2', 'sub');
    expect(created.map((u) => u.spec.key)).toEqual(['site/cam1|sub', 'site/cam1|main', 'site/cam2|sub']);
    expect(created[0]!.viewers.size).toBe(2);
    expect(new Set([a.streamId, b.streamId, c.streamId, d.streamId]).size).toBe(4);
    expect(a).toEqual({ streamId: a.streamId, cameraId: 'site/cam1', profile: 'sub', path: `media/stream/${a.streamId}` });
    expect(a.streamId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stops an upstream LINGER after its last viewer left, not before; a viewer in between keeps it', () => {
    //  t(s)      0 open a,b   1 close a   2 close b          6 open c          20 close c   25
    //  upstream  ●──────────────────────────── lingering ──●───────────────────── lingering ─✕
    const { broker, created, clock } = setup();
    const a = broker.open('site/cam1', 'sub');
    const b = broker.open('site/cam1', 'sub');
    clock.advance(1_000);
    broker.close(a.streamId);
    clock.advance(1_000);
    broker.close(b.streamId);
    expect(broker.upstreamKeys()).toEqual(['site/cam1|sub']);
    clock.advance(4_000);
    const c = broker.open('site/cam1', 'sub');
    clock.advance(10_000);
    expect(created.length).toBe(1);
    expect(created[0]!.stopped).toBe(false);
    expect(created[0]!.starts).toBe(3); // start() on every open is a no-op while running
    clock.advance(4_000);
    broker.close(c.streamId);
    clock.advance(4_999);
    expect(created[0]!.stopped).toBe(false);
    clock.advance(1);
    expect(created[0]!.stopped).toBe(true);
    expect(broker.upstreamKeys()).toEqual([]);
    broker.open('site/cam1', 'sub');
    expect(created.length).toBe(2);
  });

  it('closing twice or an unknown id is harmless', () => {
    const { broker } = setup();
    const a = broker.open('site/cam1', 'sub');
    expect(broker.close(a.streamId)).toBe(true);
    expect(broker.close(a.streamId)).toBe(false);
    expect(broker.close('nope')).toBe(false);
  });

  it('closes a viewer whose player never fetched its path after 30 s; a fetch keeps it', () => {
    const { broker, clock, created } = setup();
    const never = broker.open('site/cam1', 'sub');
    const fetched = broker.open('site/cam1', 'sub');
    broker.attach(fetched.streamId, new FakeSink());
    clock.advance(30_000);
    expect(broker.states().map((s) => s.streamId)).toEqual([fetched.streamId]);
    expect(broker.close(never.streamId)).toBe(false);
    expect(created[0]!.viewers.size).toBe(1);
  });

  it('attach: init and cached GOP at once; the fetch going away closes the viewer like media:close', () => {
    const { broker, created, clock } = setup();
    const a = broker.open('site/cam1', 'sub');
    const upstream = created[0]!;
    upstream.joinData = {
      init: { bytes: fixture.init, info: fixture.initInfo },
      gop: fixture.fragments.slice(0, 3).map((f) => ({ bytes: f.bytes, keyframe: f.info.keyframe, info: f.info })),
    };
    const sink = new FakeSink();
    const gone = broker.attach(a.streamId, sink)!;
    expect(sink.contentType).toBe('video/mp4; codecs="avc1.42c00a,mp4a.40.2"');
    expect(sink.chunks.length).toBe(4);
    expect(broker.viewerStats(a.streamId)).toMatchObject({ cachedFragmentsSent: 3 });
    gone();
    expect(broker.states()).toEqual([]);
    expect(upstream.viewers.size).toBe(0);
    clock.advance(5_000);
    expect(upstream.stopped).toBe(true);
  });

  it('a newer fetch of the same stream takes over; the old one going away does not close it', () => {
    const { broker } = setup();
    const a = broker.open('site/cam1', 'sub');
    const first = new FakeSink();
    const goneFirst = broker.attach(a.streamId, first)!;
    const second = new FakeSink();
    broker.attach(a.streamId, second);
    expect(first.ended).toBe(true);
    goneFirst();
    expect(broker.states().length).toBe(1);
    broker.close(a.streamId);
    expect(second.ended).toBe(true);
  });

  it('attach to an unknown stream answers null (404)', () => {
    expect(setup().broker.attach('nope', new FakeSink())).toBeNull();
  });

  it('publishes whole snapshots, one per tick, on open, close and upstream changes', async () => {
    const { broker, created, published, clock } = setup();
    const a = broker.open('site/cam1', 'sub');
    const b = broker.open('site/cam1', 'sub');
    await settle();
    expect(published.length).toBe(1);
    expect(published[0]!.map((s) => s.streamId)).toEqual([a.streamId, b.streamId]);
    clock.advance(STATE_PUBLISH_MIN_MS);
    created[0]!.snap = { status: 'retrying', reason: 'camera offline', retryAtMs: 123, info: { transcoded: false } };
    created[0]!.onChange('status');
    created[0]!.onChange('status');
    await settle();
    expect(published.length).toBe(2);
    expect(published[1]).toEqual([
      { streamId: a.streamId, cameraId: 'site/cam1', profile: 'sub', status: 'retrying', reason: 'camera offline', retryAtMs: 123, info: { transcoded: false } },
      { streamId: b.streamId, cameraId: 'site/cam1', profile: 'sub', status: 'retrying', reason: 'camera offline', retryAtMs: 123, info: { transcoded: false } },
    ]);
    broker.close(a.streamId);
    clock.advance(STATE_PUBLISH_MIN_MS);
    await settle();
    expect(published[2]!.map((s) => s.streamId)).toEqual([b.streamId]);
  });

  it('merges a burst of changes into one snapshot per interval, carrying the latest state of every stream', async () => {
    //  t(ms)      0        100       200       300       400
    //  changes    ▲▲▲ ▲▲▲  ▲▲▲ ▲▲▲  ▲▲▲ ▲▲▲  ▲▲▲ ▲▲▲  (one stream opened and a status flip every 10 ms)
    //  published  ●                 ●                   ●
    const { broker, created, published, clock } = setup();
    const first = broker.open('site/cam1', 'sub');
    await settle();
    expect(published.length).toBe(1);
    for (let step = 0; step < 40; step += 1) {
      broker.open(`site/cam${2 + step}`, 'sub');
      created[0]!.snap = { status: step % 2 ? 'playing' : 'retrying', info: { transcoded: false } };
      created[0]!.onChange('status');
      clock.advance(10);
      await settle();
    }
    clock.advance(STATE_PUBLISH_MIN_MS);
    await settle();
    // 400 ms of changes: the first at once, then one per interval, never more.
    expect(published.length).toBe(1 + Math.ceil(400 / STATE_PUBLISH_MIN_MS));
    const last = published[published.length - 1]!;
    expect(last.length).toBe(41);
    expect(last.find((s) => s.streamId === first.streamId)?.status).toBe('playing');
  });

  it('refuses a camera no site knows at open, before taking a slot or starting an upstream', () => {
    const { broker, created } = setup({ cameraKnown: (id) => id.startsWith('site/') });
    expect(() => broker.open('nowhere/cam1', 'sub')).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'not-found' }) }));
    expect(created).toEqual([]);
    expect(broker.states()).toEqual([]);
    expect(broker.open('site/cam1', 'sub').cameraId).toBe('site/cam1');
  });

  it('counts slots per window: one window at its cap is refused while another still opens; closing gives the slot back', () => {
    const { broker, log } = setup({ slots: new StreamSlots({ total: 5, perWindow: 3 }) });
    const mine = [1, 2, 3].map(() => broker.open('site/cam1', 'sub', 'ws client 1'));
    expect(() => broker.open('site/cam1', 'sub', 'ws client 1')).toThrow(/This window already has 3 live streams/);
    expect(broker.open('site/cam1', 'sub', 'ws client 2').streamId).toBeTruthy();
    broker.close(mine[0]!.streamId);
    expect(broker.open('site/cam2', 'sub', 'ws client 1').streamId).toBeTruthy();
    // All windows together: 5.
    broker.open('site/cam1', 'sub', 'ws client 2');
    expect(() => broker.open('site/cam1', 'sub', 'ws client 3')).toThrow(/At most 5 live streams/);
    expect(log.lines.filter((l) => l.message === 'refused a stream: slot limit reached').map((l) => l.fields?.caller)).toEqual(['ws client 1', 'ws client 3']);
  });

  it('gives back the slot of a stream its player never fetched', () => {
    const { broker, clock } = setup({ slots: new StreamSlots({ total: 10, perWindow: 1 }) });
    broker.open('site/cam1', 'sub', 'w');
    expect(() => broker.open('site/cam1', 'sub', 'w')).toThrow(/already has 1/);
    clock.advance(30_000);
    expect(broker.open('site/cam1', 'sub', 'w').streamId).toBeTruthy();
  });

  it('publishes stats-only changes at most every 2 s, whatever the number of upstreams', async () => {
    const { broker, created, published, clock } = setup();
    broker.open('site/cam1', 'sub');
    broker.open('site/cam2', 'sub');
    await settle();
    const before = published.length;
    for (let i = 0; i < 10; i += 1) {
      created[0]!.onChange('stats');
      created[1]!.onChange('stats');
      clock.advance(200);
    }
    await settle();
    expect(published.length - before).toBe(1);
  });

  it('dispose closes every viewer and stops every upstream, lingering ones too', async () => {
    const { broker, created } = setup();
    const a = broker.open('site/cam1', 'sub');
    broker.open('site/cam2', 'sub');
    const sink = new FakeSink();
    broker.attach(a.streamId, sink);
    broker.close(broker.open('site/cam3', 'sub').streamId);
    await broker.dispose();
    expect(created.every((u) => u.stopped)).toBe(true);
    expect(sink.ended).toBe(true);
    expect(() => broker.open('site/cam1', 'sub')).toThrow(AppFailure);
  });
});
