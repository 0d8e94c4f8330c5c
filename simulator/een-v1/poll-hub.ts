/**
 * Runtime side of polling: poll sessions (`ee-poll-ses` token), current device state from the
 * world, change collection, and waiting for the next moment something can change (the next
 * preview tick or an online/offline knob) without busy loops.
 */
import { randomBytes } from 'node:crypto';
import type { EenBridgeDevice, EenCameraDevice } from './devices.js';
import {
  deviceDelta,
  eventsBetween,
  initialValues,
  LATE_KNOWN_EVENTS,
  renderResources,
  timelineState,
  type CameraTimeline,
  type Delivered,
  type DeviceState,
  type Subscription,
} from './poll.js';
import type { EenWorld } from './world.js';

export interface PollSession {
  token: string;
  /** auth_key of the session that registered the poll; the poll dies with it. */
  authKey: string;
  subscription: Subscription;
  delivered: Map<string, Delivered>;
  /** Events up to this moment have been delivered (or predate the registration). */
  lastCheckMs: number;
  /** Per camera ESN: time of the last late-known event delivered per FourCC (registration time before any). */
  eventSince: Map<string, Record<string, number>>;
  /** Per camera ESN: how many online/offline changes have been reported (or predate the registration). */
  statusSeen: Map<string, number>;
}

export class PollHub {
  private readonly polls = new Map<string, PollSession>();

  constructor(private readonly world: EenWorld) {}

  isKnown = (esn: string): boolean => this.world.device(esn) !== undefined || esn === this.world.options.accountId;

  /** POST /poll: registers the subscription and answers the current values (status suppresses the rest). */
  register(authKey: string, subscription: Subscription): { token: string; cameras: Record<string, Record<string, unknown>> } {
    const token = randomBytes(9).toString('base64url');
    const session = this.detached(authKey, subscription);
    session.token = token;
    this.polls.set(token, session);
    const cameras: Record<string, Record<string, unknown>> = {};
    for (const [esn, sub] of subscription) {
      const state = this.state(esn);
      if (!state) continue;
      cameras[esn] = initialValues(sub, state, this.delivered(session, esn));
    }
    return { token, cameras };
  }

  get(token: string | undefined): PollSession | undefined {
    return token === undefined ? undefined : this.polls.get(token);
  }

  /** A WebSocket poll: not registered under a token, same change tracking. */
  detached(authKey: string, subscription: Subscription): PollSession {
    const statusSeen = new Map<string, number>();
    for (const esn of subscription.keys()) {
      const camera = this.world.camera(esn);
      if (camera) statusSeen.set(esn, this.world.statusChanges(camera.index).length);
    }
    const now = this.world.now();
    const eventSince = new Map<string, Record<string, number>>();
    for (const esn of subscription.keys()) eventSince.set(esn, Object.fromEntries(LATE_KNOWN_EVENTS.map((code) => [code, now])));
    return { token: '', authKey, subscription, delivered: new Map(), lastCheckMs: now, statusSeen, eventSince };
  }

  /** Every current value of the subscription (first WebSocket frame), marking them delivered. */
  snapshot(session: PollSession): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [esn, sub] of session.subscription) {
      const state = this.state(esn);
      if (!state) continue;
      const values = renderResources(sub, state);
      const delivered = this.delivered(session, esn);
      for (const [key, value] of Object.entries(values)) delivered.set(key, JSON.stringify(value));
      if (Object.keys(values).length > 0) out[esn] = values;
    }
    return out;
  }

  /** What changed since the last collection (resources that differ, events in between). */
  collect(session: PollSession, omitStatus: boolean): Record<string, Record<string, unknown>> {
    const now = this.world.now();
    const out: Record<string, Record<string, unknown>> = {};
    for (const [esn, sub] of session.subscription) {
      const device = this.world.device(esn);
      if (!device) continue;
      const timeline = this.timeline(device);
      const state = this.stateOf(device, timeline);
      const since = session.eventSince.get(esn) ?? {};
      const sent: Record<string, number> = {};
      const events = timeline ? eventsBetween(timeline, session.lastCheckMs, now, sub.events, session.statusSeen.get(esn) ?? 0, since, sent) : {};
      session.eventSince.set(esn, { ...since, ...sent });
      if (timeline) session.statusSeen.set(esn, timeline.statusChanges.length);
      const delta = deviceDelta(sub, state, this.delivered(session, esn), events, omitStatus);
      if (delta) out[esn] = delta;
    }
    session.lastCheckMs = now;
    return out;
  }

  /**
   * Resolves at the next preview tick (all cameras' frames of that tick exist by then), when a
   * camera changes status, at deadlineMs, or when the signal aborts — whichever comes first.
   */
  waitForChange(signal: AbortSignal, deadlineMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const { previewIntervalMs: interval, previewJitterMs: jitter } = this.world.options;
      const now = this.world.now();
      const nextTick = (Math.floor((now - jitter - 1) / interval) + 1) * interval + jitter + 1;
      const wakeAt = Math.min(nextTick, deadlineMs);
      const done = (): void => {
        clearTimeout(timer);
        stopStatus();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(5, wakeAt - now));
      const stopStatus = this.world.onStatusChange(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** The session's auth ended (logout, expiry): its polls end too. */
  dropForAuth(authKey: string): void {
    for (const [token, poll] of this.polls) if (poll.authKey === authKey) this.polls.delete(token);
  }

  clear(): void {
    this.polls.clear();
  }

  private delivered(session: PollSession, esn: string): Delivered {
    let d = session.delivered.get(esn);
    if (!d) {
      d = new Map();
      session.delivered.set(esn, d);
    }
    return d;
  }

  private state(esn: string): DeviceState | null {
    const device = this.world.device(esn);
    return device ? this.stateOf(device, this.timeline(device)) : null;
  }

  private stateOf(device: EenCameraDevice | EenBridgeDevice, timeline: CameraTimeline | null): DeviceState {
    const status = this.world.status(device);
    const status64 = this.world.status64(device);
    return timeline ? timelineState(timeline, status, status64) : { status, status64, pre: null, thumb: null, video: null };
  }

  private timeline(device: EenCameraDevice | EenBridgeDevice): CameraTimeline | null {
    if (device.kind !== 'camera' || device.index === null) return null;
    const index = device.index;
    const camera = this.world.ctx.media.cameras[index];
    return {
      esn: device.esn,
      grid: this.world.grid(index),
      imageSpans: this.world.imageSpans(index),
      thumbs: this.world.thumbs(index),
      recorded: this.world.recorded(index),
      runningStartMs: this.world.runningClip(index)?.startMs ?? null,
      motion: this.world.motion(index),
      statusChanges: this.world.statusChanges(index),
      gopMs: (camera?.gopSeconds ?? 1) * 1000,
      nowMs: this.world.now(),
    };
  }
}
