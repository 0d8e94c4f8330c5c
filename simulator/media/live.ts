/**
 * Live media for HTTP APIs: endless FLV/TS streams, JPEG frame streams and single live stills.
 * Streams are remuxes (or, for JPEGs, a decode) of the camera's shared live source, so every API
 * shows the same picture as the RTSP mount.
 */
import type { Readable } from 'node:stream';
import { ffmpegBin } from './binaries.js';
import type { CatalogueEntry } from './catalogue.js';
import { liveJpegArgs, liveRemuxArgs, LOOP_SECONDS, renderStillArgs, stillFromFileArgs } from './ffmpeg-args.js';
import { JpegSplitter } from './jpeg-splitter.js';
import { LoopPreviews, PREVIEW_FPS, previewIndex } from './live-previews.js';
import { stdinConsumer, type LiveSource } from './live-source.js';
import { childOutput, terminate, type ProcessGroup } from './processes.js';
import { SimNotFound, SimOffline, type ProfileName } from '../types.js';

export interface LiveServiceOptions {
  entries: readonly CatalogueEntry[];
  procs: ProcessGroup;
  source: (cameraIndex: number, profile: ProfileName) => LiveSource;
  /** Loop file of a loop camera, once it exists. */
  loopFile: (cameraIndex: number, profile: ProfileName) => Promise<string>;
  isOnline: (cameraIndex: number) => boolean;
  now: () => number;
}

export class LiveService {
  private readonly previews: LoopPreviews;

  constructor(private readonly o: LiveServiceOptions) {
    this.previews = new LoopPreviews(o.procs);
  }

  /** Throws SimNotFound / SimOffline; returns the camera's catalogue entry. */
  entryOnline(cameraIndex: number): CatalogueEntry {
    const entry = this.o.entries[cameraIndex];
    if (!entry) throw new SimNotFound(`no camera ${cameraIndex}`);
    if (!this.o.isOnline(cameraIndex)) throw new SimOffline(`camera ${entry.camera.name} (${entry.camera.esn}) is offline`);
    return entry;
  }

  stream(cameraIndex: number, profile: ProfileName, format: 'flv' | 'ts'): Readable {
    this.entryOnline(cameraIndex);
    const child = this.o.procs.spawn(ffmpegBin(), liveRemuxArgs(format));
    const unsubscribe = this.o.source(cameraIndex, profile).subscribe(stdinConsumer(child));
    return childOutput(child, unsubscribe);
  }

  /**
   * The live picture now. An "encode" camera renders one frame with the same filter as its live
   * encoder (the real clock); a loop camera decodes its loop at the position the live source is
   * playing (or would be playing: phase = now mod loop length when nobody watches).
   */
  async still(cameraIndex: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const { camera, scene } = this.entryOnline(cameraIndex);
    const profile: ProfileName = width && width > camera.profiles.sub.width ? 'main' : 'sub';
    const stream = camera.profiles[profile];
    const timestampMs = this.o.now();
    // The preview size of a loop camera: from memory, as a VMS answers it.
    if (this.hasPreviews(cameraIndex, width)) return { jpeg: await this.previewAt(cameraIndex, timestampMs), timestampMs };
    let args: string[];
    if (camera.liveMode === 'encode') {
      args = renderStillArgs({
        scene, name: camera.name, esn: camera.esn, profile: stream, gopSeconds: camera.gopSeconds,
        atMs: timestampMs,
      }, width);
    } else {
      const elapsedSec = this.loopPositionSec(cameraIndex, profile, timestampMs);
      const frameSec = Math.floor(elapsedSec * stream.fps) / stream.fps;
      const gop = camera.gopSeconds;
      const inputSeekSec = Math.max(0, Math.floor(frameSec / gop) * gop - gop);
      args = stillFromFileArgs(await this.o.loopFile(cameraIndex, profile), frameSec, width, stream.width, inputSeekSec);
    }
    const jpeg = await this.o.procs.run(ffmpegBin(), args);
    if (jpeg.length === 0) throw new Error(`no live still for camera ${cameraIndex}`);
    return { jpeg, timestampMs };
  }

  /** JPEG frames at `fps` until the returned stop is called (decodes the sub stream unless wider). */
  jpegs(cameraIndex: number, fps: number, width: number | undefined, onFrame: (jpeg: Buffer, timestampMs: number) => void): () => void {
    const { camera } = this.entryOnline(cameraIndex);
    if (fps <= PREVIEW_FPS && this.hasPreviews(cameraIndex, width)) return this.previewFrames(cameraIndex, fps, onFrame);
    const profile: ProfileName = width && width > camera.profiles.sub.width ? 'main' : 'sub';
    const child = this.o.procs.spawn(ffmpegBin(), liveJpegArgs(Math.max(0.1, Math.min(fps, 25)), width, camera.profiles[profile].width));
    const unsubscribe = this.o.source(cameraIndex, profile).subscribe(stdinConsumer(child));
    const splitter = new JpegSplitter();
    let stopped = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const jpeg of splitter.push(chunk)) if (!stopped) onFrame(jpeg, this.o.now());
    });
    child.stderr!.resume();
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      void terminate(child);
    };
    child.once('exit', stop);
    return stop;
  }

  /** Whether pictures of this camera and width come from its loop's previews (sub-stream size). */
  private hasPreviews(cameraIndex: number, width: number | undefined): boolean {
    const camera = this.o.entries[cameraIndex]!.camera;
    return camera.liveMode === 'loop' && (width === undefined || width === camera.profiles.sub.width);
  }

  /** Where the loop is now, s: where the live source plays it, or would (now mod loop length) when nobody watches. */
  private loopPositionSec(cameraIndex: number, profile: ProfileName, nowMs: number): number {
    const startedAt = this.o.source(cameraIndex, profile).startedAtMs;
    return ((startedAt === null ? nowMs : nowMs - startedAt) / 1000) % LOOP_SECONDS;
  }

  private async previewAt(cameraIndex: number, nowMs: number): Promise<Buffer> {
    const frames = await this.previews.frames(await this.o.loopFile(cameraIndex, 'sub'));
    return frames[previewIndex(this.loopPositionSec(cameraIndex, 'sub', nowMs), frames.length)]!;
  }

  /** A preview feed from memory: the picture now, every 1/fps s, while the camera stays online. */
  private previewFrames(cameraIndex: number, fps: number, onFrame: (jpeg: Buffer, timestampMs: number) => void): () => void {
    let stopped = false;
    const tick = async (): Promise<void> => {
      if (!this.o.isOnline(cameraIndex)) return stop();
      const nowMs = this.o.now();
      const jpeg = await this.previewAt(cameraIndex, nowMs).catch(() => null);
      if (jpeg && !stopped) onFrame(jpeg, nowMs);
    };
    const timer = setInterval(() => void tick(), 1000 / Math.max(0.1, fps));
    const stop = (): void => {
      stopped = true;
      clearInterval(timer);
    };
    void tick();
    return stop;
  }
}
