import { describe, expect, it } from 'vitest';
import { Viewer, type InitSegment, type LiveFragment } from '../../../main/media/viewer.js';
import { FakeSink } from './fake-sink.js';
import { splitFixture } from './fixture.js';

const fixture = splitFixture();
const init: InitSegment = { bytes: fixture.init, info: fixture.initInfo };

/** Fake fragments drawn as a string: K = keyframe, p = other frame; each carries its label. */
function frames(picture: string, start = 0): LiveFragment[] {
  return [...picture].map((c, i) => ({
    bytes: Buffer.from(`${c}${start + i}`),
    keyframe: c === 'K',
    info: { sequence: start + i, runs: [], keyframe: c === 'K', videoSamples: 1, videoDurationMs: 40 },
  }));
}

/** What the sink received after the init: the labels. */
function received(sink: FakeSink): string[] {
  return sink.chunks.filter((c) => c !== init.bytes).map((c) => c.toString());
}

describe('Viewer', () => {
  it('a joiner without cache gets the init at once and fragments from the next keyframe', () => {
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const sink = new FakeSink();
    viewer.attach(sink, { init, gop: [] });
    expect(sink.contentType).toBe('video/mp4; codecs="avc1.42c00a,mp4a.40.2"');
    expect(sink.chunks[0]).toBe(init.bytes);
    for (const f of frames('ppKpp')) viewer.offer(f);
    expect(received(sink)).toEqual(['K2', 'p3', 'p4']);
    expect(viewer.stats).toMatchObject({ fragmentsSent: 3, fragmentsDropped: 0, initsSent: 1 });
  });

  it('a joiner of a running upstream gets init + the cached GOP in one burst, then live', () => {
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const sink = new FakeSink();
    viewer.attach(sink, { init, gop: frames('Kppp') });
    viewer.offer(frames('p', 4)[0]!);
    expect(received(sink)).toEqual(['K0', 'p1', 'p2', 'p3', 'p4']);
    expect(viewer.stats).toMatchObject({ cachedFragmentsSent: 4, fragmentsSent: 5 });
  });

  it('does not open the response before an init segment exists (the codecs are not known yet)', () => {
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const sink = new FakeSink();
    viewer.attach(sink, { init: null, gop: [] });
    for (const f of frames('Kp')) viewer.offer(f);
    expect(sink.contentType).toBeNull();
    viewer.sendInit(init);
    for (const f of frames('pKp', 2)) viewer.offer(f);
    expect(sink.contentType).not.toBeNull();
    expect(received(sink)).toEqual(['K3', 'p4']);
  });

  it('drops while the consumer is not draining, then resumes at the next keyframe (drops counted)', () => {
    //   offered   K0 p1 p2 p3 p4 K5 p6 p7 K8 p9
    //   sink           full─────────drained
    //   sent      K0 p1 ·  ·  ·  ·  ·  ·  K8 p9
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const sink = new FakeSink();
    viewer.attach(sink, { init, gop: [] });
    const all = frames('KppppKppKp');
    viewer.offer(all[0]!);
    sink.full = true;
    viewer.offer(all[1]!); // accepted by write(), which now says "full"
    expect(sink.waitingForDrain).toBe(true);
    for (const f of all.slice(2, 6)) viewer.offer(f); // dropped, K5 included
    sink.drain();
    for (const f of all.slice(6)) viewer.offer(f); // p6 p7 skipped: no keyframe yet
    expect(received(sink)).toEqual(['K0', 'p1', 'K8', 'p9']);
    expect(viewer.stats).toMatchObject({ fragmentsSent: 4, fragmentsDropped: 6, congestions: 1 });
  });

  it('does not skip when nothing was dropped while full (a big keyframe filled the queue for a moment)', () => {
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const sink = new FakeSink();
    viewer.attach(sink, { init, gop: [] });
    sink.full = true;
    const all = frames('Kpp');
    viewer.offer(all[0]!);
    sink.drain();
    viewer.offer(all[1]!);
    viewer.offer(all[2]!);
    expect(received(sink)).toEqual(['K0', 'p1', 'p2']);
    expect(viewer.stats.fragmentsDropped).toBe(0);
  });

  it('a new init (upstream restarted) goes into the same response; fragments resume at its first keyframe', () => {
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const sink = new FakeSink();
    viewer.attach(sink, { init, gop: frames('Kp') });
    const restarted: InitSegment = { bytes: Buffer.from(init.bytes), info: init.info };
    viewer.sendInit(restarted);
    for (const f of frames('pKp', 10)) viewer.offer(f);
    expect(sink.chunks.map((c) => (c === init.bytes ? 'init' : c === restarted.bytes ? 'init2' : c.toString()))).toEqual(['init', 'K0', 'p1', 'init2', 'K11', 'p12']);
    expect(viewer.stats.initsSent).toBe(2);
  });

  it('a second fetch replaces the first (its response ends); end() ends the current one', () => {
    const viewer = new Viewer('s1', 'site/cam', 'sub');
    const first = new FakeSink();
    const second = new FakeSink();
    viewer.attach(first, { init, gop: [] });
    viewer.attach(second, { init, gop: frames('K') });
    expect(first.ended).toBe(true);
    expect(viewer.isCurrent(first)).toBe(false);
    expect(viewer.isCurrent(second)).toBe(true);
    expect(received(second)).toEqual(['K0']);
    viewer.end();
    expect(second.ended).toBe(true);
    expect(viewer.attached).toBe(false);
  });
});
