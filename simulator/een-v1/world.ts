/**
 * The simulated account as seen at "now": devices, their conditions and status bits, what is
 * recorded, where preview images exist. Glue between SimContext (media plan, online knobs, clock)
 * and the pure helpers; every HTTP/WebSocket handler reads the world through this one object.
 */
import type { MotionEvent, Segment, SimContext } from '../types.js';
import {
  bridgeStatus,
  buildInventory,
  cameraStatus,
  cameraStatus64,
  unattachedStatus,
  utcOffsetSeconds,
  type CameraCondition,
  type EenBridgeDevice,
  type EenCameraDevice,
  type Inventory,
  type RowContext,
} from './devices.js';
import type { EenV1Options } from './options.js';
import { mergeSpans, thumbTimes, type FrameGrid, type Span } from './previews.js';

export interface StatusChange {
  tMs: number;
  online: boolean;
}

const TIMEZONE = 'US/Pacific';

export class EenWorld {
  readonly inventory: Inventory;
  private readonly byEsn = new Map<string, EenCameraDevice | EenBridgeDevice>();
  /** Online/offline transitions per camera index, oldest first (for RCON/RCOF events and spans). */
  private readonly history = new Map<number, StatusChange[]>();
  private readonly statusListeners = new Set<(device: EenCameraDevice) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly ctx: SimContext,
    readonly options: EenV1Options,
    private readonly fixedConditions: ReadonlyMap<number, CameraCondition> = new Map(),
  ) {
    this.inventory = buildInventory(ctx.media.cameras, options.unattachedCamera);
    for (const d of [...this.inventory.cameras, ...this.inventory.bridges]) this.byEsn.set(d.esn, d);
    if (this.inventory.unattached) this.byEsn.set(this.inventory.unattached.esn, this.inventory.unattached);
    this.unsubscribe = ctx.onCameraStatus((index, online) => {
      const list = this.history.get(index) ?? [];
      list.push({ tMs: ctx.now(), online });
      this.history.set(index, list);
      const device = this.inventory.cameras[index];
      if (device) for (const listener of this.statusListeners) listener(device);
    });
  }

  close(): void {
    this.unsubscribe();
    this.statusListeners.clear();
  }

  now(): number {
    return this.ctx.now();
  }

  /** Called after a camera goes on- or offline (poll and WebSocket push it without waiting a tick). */
  onStatusChange(listener: (device: EenCameraDevice) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  device(esn: string | undefined): EenCameraDevice | EenBridgeDevice | undefined {
    return esn === undefined ? undefined : this.byEsn.get(esn);
  }

  /** A camera that has media (attached, with an index). */
  camera(esn: string | undefined): (EenCameraDevice & { index: number }) | undefined {
    const d = this.device(esn);
    return d?.kind === 'camera' && d.index !== null ? (d as EenCameraDevice & { index: number }) : undefined;
  }

  rowContext(): RowContext {
    return {
      accountId: this.options.accountId,
      accountName: this.options.accountName,
      timezone: TIMEZONE,
      utcOffsetSeconds: utcOffsetSeconds(TIMEZONE, this.now()),
    };
  }

  condition(index: number): CameraCondition {
    if (!this.ctx.media.isOnline(index)) return 'offline';
    return this.fixedConditions.get(index) ?? 'online';
  }

  /** Whether live media and live previews can be had right now. */
  isStreaming(index: number): boolean {
    return this.condition(index) === 'online';
  }

  /**
   * The clip still being recorded, if any. The media layer lists a running clip up to the last
   * whole second, so "running" means it reaches that second.
   */
  runningClip(index: number, nowMs = this.now()): Segment | null {
    const floorNow = Math.floor(nowMs / 1000) * 1000;
    const last = this.ctx.media.segments(index, floorNow - 1000, floorNow).pop();
    return last && last.endMs >= floorNow ? last : null;
  }

  isRecording(index: number, nowMs = this.now()): boolean {
    return this.isStreaming(index) && this.runningClip(index, nowMs) !== null;
  }

  status(device: EenCameraDevice | EenBridgeDevice): number {
    if (device.kind === 'bridge') return bridgeStatus;
    if (device.index === null) return unattachedStatus;
    return cameraStatus({ condition: this.condition(device.index), recording: this.isRecording(device.index) });
  }

  status64(device: EenCameraDevice | EenBridgeDevice): number {
    if (device.kind !== 'camera' || device.index === null) return this.status(device);
    return cameraStatus64({ condition: this.condition(device.index), recording: this.isRecording(device.index) });
  }

  statusChanges(index: number): readonly StatusChange[] {
    return this.history.get(index) ?? [];
  }

  /** Recorded clips overlapping [fromMs, toMs) as far as they exist now (the media layer clips them to history and now). */
  recorded(index: number, fromMs = this.ctx.media.historyStartMs, toMs = this.now()): Segment[] {
    return this.ctx.media.segments(index, fromMs, toMs);
  }

  motion(index: number, fromMs = this.ctx.media.historyStartMs, toMs = this.now()): MotionEvent[] {
    return this.ctx.media.motion(index, fromMs, toMs);
  }

  grid(index: number): FrameGrid {
    return { intervalMs: this.options.previewIntervalMs, jitterMs: this.options.previewJitterMs, seed: index + 1 };
  }

  /** Live previews: the last liveWindowMs while the camera streams (bounded by when it came back online). */
  liveSpan(index: number): Span | null {
    if (!this.isStreaming(index)) return null;
    const now = this.now();
    const changes = this.statusChanges(index);
    const since = changes.length > 0 ? changes[changes.length - 1]!.tMs : -Infinity;
    const startMs = Math.max(now - this.options.liveWindowMs, since);
    return { startMs, endMs: now + 1 };
  }

  /** Spans where preview images exist: recorded clips plus the live span. */
  imageSpans(index: number): Span[] {
    const spans: Span[] = this.recorded(index).map((s) => ({ startMs: s.startMs, endMs: s.endMs }));
    const live = this.liveSpan(index);
    if (live) spans.push(live);
    return mergeSpans(spans);
  }

  thumbs(index: number): number[] {
    const recorded = mergeSpans(this.recorded(index).map((s) => ({ startMs: s.startMs, endMs: s.endMs })));
    return thumbTimes(
      this.grid(index),
      recorded,
      this.motion(index).map((m) => m.startMs),
    );
  }

  /** Whether a preview at tMs is served from the live picture (recent, camera streaming) or from recordings. */
  isLiveMoment(index: number, tMs: number): boolean {
    const live = this.liveSpan(index);
    return live !== null && tMs >= live.startMs;
  }
}
