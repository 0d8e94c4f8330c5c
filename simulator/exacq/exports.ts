/**
 * export.web jobs. The MP4 is real (stream copy from the media layer, written to a temp file);
 * the reported progress is simulated so clients see it rise, stall (faults.stallExports) or
 * crawl (faults.slowTranscodeFactor). Progress never reaches 100 before the file is written,
 * and a download is refused until it has.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FaultState, ProfileName, SimMedia } from '../types.js';

export interface ExportJob {
  id: string;
  cameraIndex: number;
  profile: ProfileName;
  startMs: number;
  endMs: number;
  /** Download filename, extension included. */
  filename: string;
  /** 0..100, fractional; reported floored. */
  progress: number;
  /** Simulated time to reach 100 % at slowTranscodeFactor 1 (ms). */
  plannedMs: number;
  lastTickMs: number;
  lastTouchedMs: number;
  file?: string;
  fileReady: boolean;
  error?: string;
}

/**
 * Pure progress step: progress grows linearly over plannedMs × factor of unstalled time, and
 * holds at 99 while the real file is still being written.
 */
export function advanceProgress(args: {
  progress: number;
  elapsedMs: number;
  plannedMs: number;
  slowTranscodeFactor: number;
  stalled: boolean;
  fileReady: boolean;
}): number {
  if (args.stalled || args.elapsedMs <= 0) return args.progress;
  const factor = Math.max(args.slowTranscodeFactor, 0.001);
  const next = args.progress + (args.elapsedMs / (args.plannedMs * factor)) * 100;
  return Math.min(next, args.fileReady ? 100 : 99);
}

/** Planned duration: clip length / speedup, but never shorter than minMs. */
export function plannedExportMs(clipMs: number, speedup: number, minMs: number): number {
  return Math.max(minMs, clipMs / speedup);
}

export class ExportStore {
  private readonly jobs = new Map<string, ExportJob>();
  private dir: Promise<string> | undefined;
  private closed = false;

  constructor(
    private readonly media: SimMedia,
    private readonly faults: FaultState,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
  ) {}

  create(args: { cameraIndex: number; profile: ProfileName; startMs: number; endMs: number; filename: string; plannedMs: number }): ExportJob {
    const now = this.now();
    const job: ExportJob = { id: randomUUID(), ...args, progress: 0, lastTickMs: now, lastTouchedMs: now, fileReady: false };
    this.jobs.set(job.id, job);
    void this.produce(job);
    return job;
  }

  /** Looks a job up, advancing its progress and its idle timer. */
  touch(id: string | undefined): ExportJob | undefined {
    const job = id === undefined ? undefined : this.jobs.get(id);
    if (!job) return undefined;
    const now = this.now();
    job.progress = advanceProgress({
      progress: job.progress,
      elapsedMs: now - job.lastTickMs,
      plannedMs: job.plannedMs,
      slowTranscodeFactor: this.faults.slowTranscodeFactor,
      stalled: this.faults.stallExports,
      fileReady: job.fileReady,
    });
    job.lastTickMs = now;
    job.lastTouchedMs = now;
    return job;
  }

  async finish(id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job) return false;
    this.jobs.delete(id);
    if (job.file) await rm(job.file, { force: true });
    return true;
  }

  /** Removes jobs idle for longer than idleMs (the seed's 15-minute clean-up). */
  async purge(idleMs: number): Promise<void> {
    const now = this.now();
    for (const job of [...this.jobs.values()]) {
      if (now - job.lastTouchedMs > idleMs) {
        this.log(`exacq: export ${job.id} removed after ${Math.round((now - job.lastTouchedMs) / 60_000)} min idle`);
        await this.finish(job.id);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.jobs.clear();
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private async produce(job: ExportJob): Promise<void> {
    try {
      this.dir ??= mkdtemp(join(tmpdir(), 'tessera-exacq-export-'));
      const file = join(await this.dir, `${job.id}.mp4`);
      const clip = await this.media.recordedClip(job.cameraIndex, job.profile, job.startMs, job.endMs, 'mp4');
      await pipeline(clip, createWriteStream(file));
      if (this.closed || !this.jobs.has(job.id)) {
        await rm(file, { force: true });
        return;
      }
      job.file = file;
      job.fileReady = true;
    } catch (err) {
      job.error = err instanceof Error ? err.message : String(err);
      this.log(`exacq: export ${job.id} failed: ${job.error}`);
    }
  }
}
