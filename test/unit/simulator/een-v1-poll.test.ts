import { describe, expect, it } from 'vitest';
import {
  deviceDelta,
  eventsBetween,
  initialValues,
  parseSubscription,
  timelineState,
  type CameraTimeline,
  type Delivered,
} from '../../../simulator/een-v1/poll.js';
import { formatEen } from '../../../simulator/een-v1/timestamps.js';

const S = 1000;
const T0 = Date.UTC(2018, 9, 1, 0, 0, 0);
const known = (esn: string): boolean => esn.startsWith('1000');

describe('poll subscriptions', () => {
  it('parses resources and events; over HTTP events need the event resource', () => {
    const body = {
      cameras: {
        '1000a000': { resource: ['pre', 'status', 'event'], event: ['MRBX'] },
        '1000a001': { resource: ['status'], event: ['EMES'] },
      },
    };
    const { subscription, problems, malformed } = parseSubscription(body, 'http', known);
    expect(malformed).toBe(false);
    expect(problems).toEqual([]);
    // pre implies PRFR events once "event" is subscribed (the seed's GET samples carry PRFR).
    expect([...subscription.get('1000a000')!.events].sort()).toEqual(['MRBX', 'PRFR']);
    expect(subscription.get('1000a001')!.events.size).toBe(0);
  });

  it('over WebSocket an event list alone subscribes (official thumbnail sample)', () => {
    const { subscription } = parseSubscription({ cameras: { '1000a000': { resource: ['event'], event: ['PRTH'] } } }, 'ws', known);
    expect([...subscription.get('1000a000')!.events]).toEqual(['PRTH']);
    const listOnly = parseSubscription({ cameras: { '1000a000': { event: ['PRTH'] } } }, 'ws', known);
    expect(listOnly.problems).toEqual([]);
    expect([...listOnly.subscription.get('1000a000')!.events]).toEqual(['PRTH']);
  });

  it('reports invalid resources (400) and devices out of reach (401), and rejects bodies without cameras', () => {
    const parsed = parseSubscription({ cameras: { '1000a000': { resource: ['pre', 'bogus'] }, ffffffff: { resource: ['pre'] } } }, 'http', known);
    expect(parsed.problems).toEqual([
      { esn: '1000a000', status: 400, message: 'Invalid resource' },
      { esn: 'ffffffff', status: 401, message: 'Access denied' },
    ]);
    expect(parseSubscription({ cameras: { '1000a000': { resource: ['status_hex'] } } }, 'http', known).problems[0]?.status).toBe(400);
    expect(parseSubscription({ cameras: { '1000a000': { resource: ['status_hex'] } } }, 'ws', known).problems).toEqual([]);
    expect(parseSubscription([], 'http', known).malformed).toBe(true);
    expect(parseSubscription({ devices: {} }, 'http', known).malformed).toBe(true);
  });
});

describe('poll answers', () => {
  const sub = { resources: new Set(['pre', 'thumb', 'status', 'event'] as const), events: new Set(['PRFR']) };
  const state = { status: 1441847, status64: 0x17 * 2 ** 32 + 1441847, pre: T0 + 5 * S, thumb: null, video: null };

  it('POST answers status alone when status is subscribed ("takes precedence")', () => {
    const delivered: Delivered = new Map();
    expect(initialValues(sub, state, delivered)).toEqual({ status: 1441847 });
    const noStatus = { resources: new Set(['pre'] as const), events: new Set<string>() };
    expect(initialValues(noStatus, state, new Map())).toEqual({ pre: formatEen(T0 + 5 * S) });
  });

  it('GET answers only what changed since the last answer', () => {
    const delivered: Delivered = new Map();
    initialValues(sub, state, delivered);
    expect(deviceDelta(sub, state, delivered, {})).toEqual({ pre: formatEen(T0 + 5 * S) });
    expect(deviceDelta(sub, state, delivered, {})).toBeNull();
    const later = { ...state, pre: T0 + 6 * S, status: 1966143 };
    const event = { PRFR: { timestamp: formatEen(T0 + 6 * S), cameraid: '1000a000' } };
    expect(deviceDelta(sub, later, delivered, event)).toEqual({ pre: formatEen(T0 + 6 * S), status: 1966143, event });
    // Newer-docs quirk: GET omits status when other resources are subscribed too.
    expect(deviceDelta(sub, { ...later, status: 1441847, pre: T0 + 7 * S }, delivered, {}, true)).toEqual({ pre: formatEen(T0 + 7 * S) });
  });
});

describe('poll events', () => {
  // recorded: [0 ---------- 60s)[60s ------ running → now = 75.5s
  // motion:         [10s – 20s)
  // offline at 30s, online at 31s
  const timeline: CameraTimeline = {
    esn: '1000a000',
    grid: { intervalMs: 1000, jitterMs: 0, seed: 1 },
    imageSpans: [{ startMs: T0, endMs: T0 + 75_501 }],
    thumbs: [T0 + 10 * S],
    recorded: [
      { cameraIndex: 0, startMs: T0, endMs: T0 + 60 * S },
      { cameraIndex: 0, startMs: T0 + 60 * S, endMs: T0 + 75 * S },
    ],
    runningStartMs: T0 + 60 * S,
    motion: [{ cameraIndex: 0, startMs: T0 + 10 * S, endMs: T0 + 20 * S }],
    statusChanges: [
      { tMs: T0 + 30 * S, online: false },
      { tMs: T0 + 31 * S, online: true },
    ],
    gopMs: 4000,
    nowMs: T0 + 75_500,
  };
  const all = new Set(['PRFR', 'PRTH', 'MRBX', 'EMES', 'EMEE', 'VRES', 'VREE', 'RCON', 'RCOF', 'ECOF']);

  it('gives the latest event of each kind in (from, to]', () => {
    const ev = eventsBetween(timeline, T0 + 5 * S, T0 + 15 * S, all, 2);
    expect(Object.keys(ev).sort()).toEqual(['EMES', 'MRBX', 'PRFR', 'PRTH']);
    expect(ev.PRFR!.timestamp).toBe(formatEen(T0 + 15 * S));
    expect(ev.MRBX!.timestamp).toBe(formatEen(T0 + 15 * S));
    expect(ev.EMES!.cameraid).toBe('1000a000');
    const box = (ev.MRBX!.boxes as { x: number; y: number; w: number; h: number }[])[0]!;
    for (const v of Object.values(box)) expect(v).toBeLessThanOrEqual(0xffff);
  });

  it('reports clip start/end, but never the end of the clip still recording', () => {
    const ev = eventsBetween(timeline, T0 + 50 * S, T0 + 75_500, all, 2);
    expect(ev.VREE!.timestamp).toBe(formatEen(T0 + 60 * S));
    expect(ev.VRES!.timestamp).toBe(formatEen(T0 + 60 * S));
    expect(eventsBetween(timeline, T0 + 61 * S, T0 + 75_500, all, 2).VREE).toBeUndefined();
  });

  it('takes motion, thumbnail and clip events after the last one delivered, not after the last answer', () => {
    // The motion start at 10 s became known only at 11 s, after an answer at 10.5 s: still due.
    const sent: Record<string, number> = {};
    const since = { EMES: T0, PRTH: T0, EMEE: T0 };
    const ev = eventsBetween(timeline, T0 + 10_500, T0 + 11 * S, new Set(['EMES', 'PRTH', 'EMEE']), 2, since, sent);
    expect(ev.EMES!.timestamp).toBe(formatEen(T0 + 10 * S));
    expect(ev.PRTH!.timestamp).toBe(formatEen(T0 + 10 * S));
    expect(sent).toEqual({ EMES: T0 + 10 * S, PRTH: T0 + 10 * S });
    // Delivered once: the next answer has neither.
    expect(eventsBetween(timeline, T0 + 11 * S, T0 + 12 * S, new Set(['EMES', 'PRTH']), 2, { ...since, ...sent })).toEqual({});
  });

  it('never ends a motion event that is still going on', () => {
    const during: CameraTimeline = { ...timeline, nowMs: T0 + 15 * S, motion: [{ cameraIndex: 0, startMs: T0 + 10 * S, endMs: T0 + 15 * S, ongoing: true }] };
    const ev = eventsBetween(during, T0 + 9 * S, T0 + 15 * S, new Set(['EMES', 'EMEE']), 2);
    expect(Object.keys(ev)).toEqual(['EMES']);
  });

  it('reports offline/online changes as RCOF/RCON (and deprecated ECOF)', () => {
    const ev = eventsBetween(timeline, T0 + 29 * S, T0 + 32 * S, all, 0);
    expect(ev.RCOF!.timestamp).toBe(formatEen(T0 + 30 * S));
    expect(ev.ECOF!.timestamp).toBe(formatEen(T0 + 30 * S));
    expect(ev.RCON!.timestamp).toBe(formatEen(T0 + 31 * S));
    expect(eventsBetween(timeline, T0 + 29 * S, T0 + 32 * S, new Set(), 0)).toEqual({});
    // By position: a change recorded in the very millisecond of the last answer is still new,
    // and one already reported is not reported again.
    expect(eventsBetween(timeline, T0 + 30 * S, T0 + 30 * S + 1, all, 0).RCOF).toBeDefined();
    // Even when this answer comes in the same millisecond as the last one (an empty time window):
    // the long poll wakes on the knob at once, so the change and both answers can share a millisecond.
    const sameMs = eventsBetween(timeline, T0 + 30 * S, T0 + 30 * S, all, 0);
    expect(Object.keys(sameMs).sort()).toEqual(['ECOF', 'RCOF']);
    expect(eventsBetween(timeline, T0 + 29 * S, T0 + 32 * S, all, 1).RCOF).toBeUndefined();
  });

  it('tracks the running clip end per key frame, and the newest preview', () => {
    const state = timelineState(timeline, 1966143, 0);
    // 15.5 s into the running clip with a 4 s GOP: the last key frame is at 12 s.
    expect(state.video).toEqual([T0 + 60 * S, T0 + 72 * S]);
    expect(state.pre).toBe(T0 + 75 * S);
    expect(state.thumb).toBe(T0 + 10 * S);
  });
});
