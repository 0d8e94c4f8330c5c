/**
 * The export job state machine behind /jobs/{id}: pending → started (progress 0..1) → success,
 * or failure. Pure: a tick with the clock and the fault knobs moves a job on; the file work
 * itself (ffmpeg, done by exports.ts) reports back with productionDone/productionFailed.
 *
 * Simulated time, not wall time, drives progress so the knobs act at once:
 *   stallExports         → no tick moves anything (the job sits where it is)
 *   slowTranscodeFactor  → each wall ms counts as 1/factor ms of work
 * A job succeeds only when both the simulated work and the real file are done, so the progress a
 * client sees never claims 100 % before the MP4 exists.
 */
import type { ApiV3ErrorBody } from './errors.js';

export type JobState = 'pending' | 'started' | 'success' | 'failure' | 'revoked';

export interface JobFile {
  fileId: string;
  name: string;
  size: number;
  url: string;
}

export interface ExportJob {
  id: string;
  userId: string;
  exportType: 'video' | 'timeLapse' | 'bundle';
  arguments: Record<string, unknown>;
  createdMs: number;
  updatedMs: number;
  expireMs: number;
  state: JobState;
  progress: number;
  pendingLeftMs: number;
  workDoneMs: number;
  workNeededMs: number;
  production: 'idle' | 'running' | 'done' | 'failed';
  files: JobFile[];
  error: ApiV3ErrorBody | null;
  lastTickMs: number;
}

export interface JobTiming {
  pendingMs: number;
  /** Media ms exported per simulated work ms. */
  speedFactor: number;
  minWorkMs: number;
  maxWorkMs: number;
}

const fourWeeksMs = 28 * 24 * 3600 * 1000;

export function newExportJob(input: { id: string; userId: string; exportType: ExportJob['exportType']; arguments: Record<string, unknown>; durationMs: number; nowMs: number }, timing: JobTiming): ExportJob {
  return {
    id: input.id,
    userId: input.userId,
    exportType: input.exportType,
    arguments: input.arguments,
    createdMs: input.nowMs,
    updatedMs: input.nowMs,
    expireMs: input.nowMs + fourWeeksMs,
    state: 'pending',
    progress: 0,
    pendingLeftMs: timing.pendingMs,
    workDoneMs: 0,
    workNeededMs: Math.min(timing.maxWorkMs, Math.max(timing.minWorkMs, input.durationMs / timing.speedFactor)),
    production: 'idle',
    files: [],
    error: null,
    lastTickMs: input.nowMs,
  };
}

/** Moves a job on to nowMs. Returns true when the file work should start now. */
export function tickJob(job: ExportJob, nowMs: number, faults: { stallExports: boolean; slowTranscodeFactor: number }): boolean {
  const dt = Math.max(0, nowMs - job.lastTickMs);
  job.lastTickMs = nowMs;
  if (job.state === 'success' || job.state === 'failure' || job.state === 'revoked') return false;
  if (job.production === 'failed') {
    job.state = 'failure';
    job.progress = 0;
    job.updatedMs = nowMs;
    return false;
  }
  if (faults.stallExports) return false;
  const work = dt / Math.max(0.01, faults.slowTranscodeFactor);
  if (job.state === 'pending') {
    job.pendingLeftMs -= work;
    if (job.pendingLeftMs > 0) return false;
    job.state = 'started';
    job.updatedMs = nowMs;
    return true;
  }
  job.workDoneMs = Math.min(job.workNeededMs, job.workDoneMs + work);
  if (job.workDoneMs >= job.workNeededMs && job.production === 'done') {
    job.state = 'success';
    job.progress = 1;
    job.updatedMs = nowMs;
    return false;
  }
  // Two decimals, and never 1 before the file exists.
  const progress = Math.min(0.99, Math.floor((job.workDoneMs / job.workNeededMs) * 100) / 100);
  if (progress !== job.progress) {
    job.progress = progress;
    job.updatedMs = nowMs;
  }
  return false;
}

const howToNames: Record<JobState, string> = { pending: 'pending', started: 'processing', success: 'done', failure: 'failed', revoked: 'cancelled' };

export function jobResource(job: ExportJob, format: (ms: number) => string, stateNames: 'spec' | 'howTo'): Record<string, unknown> {
  const detailed = job.state === 'pending' || job.state === 'revoked' ? null : { totalItems: 100, currentItems: Math.round(job.progress * 100) };
  return {
    id: job.id,
    type: `export.${job.exportType}`,
    namespace: 'export',
    arguments: job.arguments,
    userId: job.userId,
    scheduleTimestamp: null,
    createTimestamp: format(job.createdMs),
    updateTimestamp: format(job.updatedMs),
    expireTimestamp: format(job.expireMs),
    state: stateNames === 'spec' ? job.state : howToNames[job.state],
    detailedState: detailed,
    progress: job.state === 'success' ? 1 : job.state === 'started' ? job.progress : 0,
    result:
      job.state === 'success'
        ? { files: job.files.map((f) => ({ name: f.name, size: f.size, mimetype: 'video/mp4', url: f.url, description: 'Exported video' })) }
        : null,
    error: job.state === 'failure' ? job.error : null,
  };
}
