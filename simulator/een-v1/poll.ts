/**
 * Poll subscriptions, per-device state, events and the "only what changed" diff shared by the HTTP
 * long poll (`/poll`) and the WebSocket poll. Pure: the caller passes facts and clock values.
 *
 * Subscription body (both transports):
 *   {"cameras":{"<esn>":{"resource":["pre","thumb","video","status","event"],"event":["MRBX",…]}}}
 * Resource values: pre/thumb = EEN timestamp of the latest image; video = [start, end] of the
 * current clip (end advances with each key frame); status = decimal bitmask; status64; and, over
 * WebSocket only, status_hex/status_hex64. Events are `{FourCC: {timestamp, cameraid, …}}`, the
 * latest of each kind since the previous answer.
 */
import type { MotionEvent, Segment } from '../types.js';
import { hex32, hex64 } from './devices.js';
import { frameAtOrBefore, framesIn, type FrameGrid, type Span } from './previews.js';
import { videoId } from './recordings.js';
import { formatEen } from './timestamps.js';
import type { StatusChange } from './world.js';

export const RESOURCES = ['pre', 'thumb', 'video', 'status', 'status64', 'status_hex', 'status_hex64', 'event'] as const;
export type Resource = (typeof RESOURCES)[number];
const WS_ONLY: ReadonlySet<Resource> = new Set(['status_hex', 'status_hex64']);

export type Transport = 'http' | 'ws';

export interface DeviceSubscription {
  resources: Set<Resource>;
  /** FourCCs delivered in `event`. */
  events: Set<string>;
}

export type Subscription = Map<string, DeviceSubscription>;

export interface SubscriptionProblem {
  esn: string;
  status: 400 | 401;
  message: string;
}

export interface ParsedSubscription {
  subscription: Subscription;
  problems: SubscriptionProblem[];
  /** Not an object with a `cameras` object at all. */
  malformed: boolean;
}

/** Events a resource subscribes to implicitly (seed: "Resources that are video, pre, and thumbnail automatically register …"). */
const IMPLIED_EVENTS: Partial<Record<Resource, string[]>> = { pre: ['PRFR'], thumb: ['PRTH'], video: ['VRES', 'VREE'] };

export function parseSubscription(json: unknown, transport: Transport, isKnown: (esn: string) => boolean): ParsedSubscription {
  const subscription: Subscription = new Map();
  const problems: SubscriptionProblem[] = [];
  const cameras = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).cameras : undefined;
  if (typeof cameras !== 'object' || cameras === null || Array.isArray(cameras)) return { subscription, problems, malformed: true };
  for (const [esn, entry] of Object.entries(cameras)) {
    if (!isKnown(esn)) {
      problems.push({ esn, status: 401, message: 'Access denied' });
      continue;
    }
    const obj = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const resources = new Set<Resource>();
    let bad = !Array.isArray(obj.resource) && !(transport === 'ws' && Array.isArray(obj.event));
    for (const r of Array.isArray(obj.resource) ? obj.resource : []) {
      if (typeof r === 'string' && (RESOURCES as readonly string[]).includes(r) && (transport === 'ws' || !WS_ONLY.has(r as Resource))) {
        resources.add(r as Resource);
      } else {
        bad = true;
      }
    }
    const listed = Array.isArray(obj.event) ? obj.event.filter((e): e is string => typeof e === 'string' && /^[A-Z0-9]{4}$/.test(e)) : [];
    // Over HTTP an event list only counts with the "event" resource; over WebSocket the list alone is enough.
    const eventsOn = resources.has('event') || (transport === 'ws' && listed.length > 0);
    const events = new Set<string>();
    if (eventsOn) {
      for (const e of listed) events.add(e);
      for (const r of resources) for (const e of IMPLIED_EVENTS[r] ?? []) events.add(e);
    }
    if (bad) problems.push({ esn, status: 400, message: 'Invalid resource' });
    if (resources.size > 0 || events.size > 0) subscription.set(esn, { resources, events });
  }
  return { subscription, problems, malformed: false };
}

export interface DeviceState {
  status: number;
  status64: number;
  pre: number | null;
  thumb: number | null;
  video: [number, number] | null;
}

/** Resource values as they go on the wire (events excluded). */
export function renderResources(sub: DeviceSubscription, state: DeviceState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of sub.resources) {
    switch (r) {
      case 'pre':
        if (state.pre !== null) out.pre = formatEen(state.pre);
        break;
      case 'thumb':
        if (state.thumb !== null) out.thumb = formatEen(state.thumb);
        break;
      case 'video':
        if (state.video) out.video = [formatEen(state.video[0]), formatEen(state.video[1])];
        break;
      case 'status':
        out.status = state.status;
        break;
      case 'status64':
        out.status64 = state.status64;
        break;
      case 'status_hex':
        out.status_hex = hex32(state.status);
        break;
      case 'status_hex64':
        out.status_hex64 = hex64(state.status64);
        break;
      case 'event':
        break;
    }
  }
  return out;
}

/** What a poll session last delivered per resource, as JSON text. */
export type Delivered = Map<string, string>;

/**
 * The answer for one device: resources whose value differs from what was delivered, plus the
 * events. Returns null when nothing changed. `omitStatus` drops status keys (newer-docs quirk of
 * GET /poll when other resources are subscribed too).
 */
export function deviceDelta(
  sub: DeviceSubscription,
  state: DeviceState,
  delivered: Delivered,
  events: Record<string, Record<string, unknown>>,
  omitStatus = false,
): Record<string, unknown> | null {
  const values = renderResources(sub, state);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (omitStatus && key.startsWith('status') && Object.keys(values).length > 1) continue;
    const text = JSON.stringify(value);
    if (delivered.get(key) === text) continue;
    delivered.set(key, text);
    out[key] = value;
  }
  if (Object.keys(events).length > 0) out.event = events;
  return Object.keys(out).length > 0 ? out : null;
}

/** The POST /poll answer for a device: status alone when subscribed ("takes precedence … others suppressed"). */
export function initialValues(sub: DeviceSubscription, state: DeviceState, delivered: Delivered): Record<string, unknown> {
  const values = renderResources(sub, state);
  const statusKeys = Object.keys(values).filter((k) => k.startsWith('status'));
  const keys = statusKeys.length > 0 ? statusKeys : Object.keys(values);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    out[key] = values[key];
    delivered.set(key, JSON.stringify(values[key]));
  }
  return out;
}

export interface CameraTimeline {
  esn: string;
  grid: FrameGrid;
  /** Where previews exist (recorded ∪ live), merged and sorted. */
  imageSpans: readonly Span[];
  thumbs: readonly number[];
  /** Recorded clips so far, oldest first. */
  recorded: readonly Segment[];
  /** Start of the clip still being recorded (the last of `recorded`), or null. */
  runningStartMs: number | null;
  motion: readonly MotionEvent[];
  statusChanges: readonly StatusChange[];
  gopMs: number;
  nowMs: number;
}

/** The latest values of the image/video resources at now. */
export function timelineState(t: CameraTimeline, status: number, status64: number): DeviceState {
  const pre = frameAtOrBefore(t.grid, t.imageSpans, t.nowMs);
  let thumb: number | null = null;
  for (const ms of t.thumbs) if (ms <= t.nowMs) thumb = ms;
  const last = t.recorded[t.recorded.length - 1];
  let video: [number, number] | null = null;
  if (last) {
    // A running clip's end advances per key frame received ("Updates at start and per key frame").
    const running = t.runningStartMs === last.startMs;
    const end = running ? last.startMs + Math.floor((t.nowMs - last.startMs) / t.gopMs) * t.gopMs : last.endMs;
    video = [last.startMs, end];
  }
  return { status, status64, pre, thumb, video };
}

function latest<T>(items: readonly T[], time: (item: T) => number, fromMs: number, toMs: number): T | undefined {
  let found: T | undefined;
  for (const item of items) {
    const t = time(item);
    if (t > fromMs && t <= toMs && (found === undefined || t >= time(found))) found = item;
  }
  return found;
}

/** Motion boxes drift with time so consecutive MRBX events differ; 0–0xFFFF scale. */
function motionBox(tMs: number): { x: number; y: number; w: number; h: number } {
  const phase = (tMs / 1000) % 20;
  const x = Math.round(4095 + (phase / 20) * 40000);
  return { x, y: 29126, w: 8191, h: 11650 };
}

/**
 * Events whose facts become known a little after their own time: a motion start or a thumbnail
 * is visible once the recording has reached the next whole second, a clip once it is listed. A
 * window (previous answer, now] would miss them when an answer falls in that second, so they are
 * taken after the last one of their kind delivered (`since`), not after the previous answer.
 */
export const LATE_KNOWN_EVENTS = ['PRTH', 'VRES', 'VREE', 'EMES', 'EMEE'] as const;

/**
 * Events that happened in (fromMs, toMs], the latest of each wanted FourCC; LATE_KNOWN_EVENTS in
 * (since[code] ?? fromMs, toMs], and `sent` receives the time of each of those delivered. Event
 * fields follow the newer EEN docs; `cameraid` is the camera ESN. Online/offline changes are
 * taken by position (t.statusChanges from index statusFrom on), not by time: a knob turned in the
 * very millisecond of the previous answer must still be reported once.
 */
export function eventsBetween(
  t: CameraTimeline,
  fromMs: number,
  toMs: number,
  wanted: ReadonlySet<string>,
  statusFrom: number,
  since: Readonly<Record<string, number>> = {},
  sent: Record<string, number> = {},
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (wanted.size === 0) return out;
  const base = (ms: number): Record<string, unknown> => ({ timestamp: formatEen(ms), cameraid: t.esn });
  const want = (code: string): boolean => wanted.has(code);
  // Time-window events need a window; the online/offline ones below are taken by position and
  // must be reported even when this answer falls in the same millisecond as the previous one.
  const hasWindow = toMs > fromMs;
  /** The latest item of a late-known kind not delivered yet, its time noted in `sent`. */
  const lateKnown = <T>(code: (typeof LATE_KNOWN_EVENTS)[number], items: readonly T[], time: (item: T) => number): T | undefined => {
    if (!want(code)) return undefined;
    const found = latest(items, time, since[code] ?? fromMs, toMs);
    if (found !== undefined) sent[code] = time(found);
    return found;
  };

  if (hasWindow && (want('PRFR') || want('MRBX'))) {
    const frames: number[] = [];
    for (const span of t.imageSpans) {
      const a = Math.max(fromMs + 1, span.startMs);
      const b = Math.min(toMs + 1, span.endMs);
      if (a < b) frames.push(...framesIn(t.grid, a, b));
    }
    const frame = frames[frames.length - 1];
    if (want('PRFR') && frame !== undefined) {
      out.PRFR = { ...base(frame), previewid: Math.floor(frame / 3_600_000) * 3600, file_offset: (frame % 3_600_000) * 7, frame_size: 6000 + (frame % 2000) };
    }
    if (want('MRBX')) {
      const inMotion = [...frames].reverse().find((ms) => t.motion.some((m) => m.startMs <= ms && ms < m.endMs));
      if (inMotion !== undefined) out.MRBX = { ...base(inMotion), boxes: [motionBox(inMotion)] };
    }
  }
  const thumb = lateKnown('PRTH', t.thumbs, (x) => x);
  if (thumb !== undefined) out.PRTH = { ...base(thumb), previewid: Math.floor(thumb / 3_600_000) * 3600, eventid: videoId(t.esn, thumb), file_offset: 0, frame_size: 3000 };
  const started = lateKnown('VRES', t.recorded, (x) => x.startMs);
  if (started) out.VRES = { ...base(started.startMs), videoid: videoId(t.esn, started.startMs), format: 'FLV', status: 0 };
  // Only clips that really ended (the running one is listed up to now but still recording).
  const ended = lateKnown('VREE', t.recorded.filter((s) => s.startMs !== t.runningStartMs), (x) => x.endMs);
  if (ended) out.VREE = { ...base(ended.endMs), videoid: videoId(t.esn, ended.startMs), videosize: Math.round((ended.endMs - ended.startMs) * 250), format: 'FLV', status: 0 };
  const motionStart = lateKnown('EMES', t.motion, (x) => x.startMs);
  if (motionStart) out.EMES = { ...base(motionStart.startMs), videoid: videoId(t.esn, motionStart.startMs), eventid: videoId(t.esn, motionStart.startMs + 1) };
  // A motion event still going on has no end yet (its endMs is only "now").
  const motionEnd = lateKnown('EMEE', t.motion.filter((m) => !m.ongoing), (x) => x.endMs);
  if (motionEnd) out.EMEE = { ...base(motionEnd.endMs), eventid: videoId(t.esn, motionEnd.startMs + 1) };
  for (const [online, current, deprecated] of [
    [true, 'RCON', 'ECON'],
    [false, 'RCOF', 'ECOF'],
  ] as const) {
    const change = latest(
      t.statusChanges.slice(statusFrom).filter((c) => c.online === online),
      (c) => c.tMs,
      -Infinity,
      toMs,
    );
    if (!change) continue;
    if (want(current)) out[current] = { ...base(change.tMs), registerid: 0 };
    if (want(deprecated)) out[deprecated] = base(change.tMs);
  }
  return out;
}
