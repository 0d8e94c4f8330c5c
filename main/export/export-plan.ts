/**
 * The pure side of exporting: which server requests a range needs, which state changes a job
 * may make, what ETA to show, what the files are called. No I/O, so the queue's rules are tested
 * without a server or a clock.
 */
import type { ExportJob, ExportState } from '../../preload/contract/index.js';

export interface RangePart {
  index: number;
  fromMs: number;
  toMs: number;
}

/**
 * [fromMs, toMs) cut into consecutive parts of at most maxRangeMs (a vendor's clip or job limit),
 * with no overlap and no hole, so the stitched file covers exactly what each part covers.
 */
export function splitRange(fromMs: number, toMs: number, maxRangeMs: number): RangePart[] {
  if (!(toMs > fromMs)) throw new RangeError(`an export needs toMs after fromMs (${fromMs}..${toMs})`);
  if (!(maxRangeMs > 0) || !Number.isFinite(maxRangeMs)) return [{ index: 0, fromMs, toMs }];
  const parts: RangePart[] = [];
  for (let start = fromMs, index = 0; start < toMs; start += maxRangeMs, index += 1) parts.push({ index, fromMs: start, toMs: Math.min(toMs, start + maxRangeMs) });
  return parts;
}

/** What may happen to a job, by what asked. */
export type ExportEvent = 'start' | 'finish' | 'fail' | 'cancel' | 'pause' | 'resume' | 'retry' | 'interrupted';

const transitions: Record<ExportState, Partial<Record<ExportEvent, ExportState>>> = {
  queued: { start: 'running', cancel: 'cancelled', pause: 'paused' },
  running: { finish: 'done', fail: 'failed', cancel: 'cancelled', pause: 'paused', interrupted: 'queued' },
  paused: { resume: 'queued', cancel: 'cancelled', interrupted: 'paused' },
  failed: { retry: 'queued' },
  cancelled: { retry: 'queued' },
  done: {},
};

/** The state after `event`, or undefined when the job cannot do that now (a done job cannot be cancelled). */
export function nextState(state: ExportState, event: ExportEvent): ExportState | undefined {
  return transitions[state][event];
}

/** Whether a job in this state can be forgotten (a running or waiting job is cancelled first). */
export function removable(state: ExportState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

/**
 * Seconds left, from how long the job has run and how far it got; undefined until there is
 * enough to say (the first 3 % or first second would give wild numbers).
 */
export function etaSeconds(progress: number, elapsedMs: number): number | undefined {
  if (progress < 0.03 || elapsedMs < 1000 || progress >= 1) return progress >= 1 ? 0 : undefined;
  return Math.max(0, Math.round(((elapsedMs / progress) * (1 - progress)) / 1000));
}

/**
 * A job's share of the work per stage, so one progress bar moves steadily: the server prepares,
 * the bytes come, ffmpeg writes. A burned-in timestamp makes the writing most of the work.
 */
export function stageWeights(burn: boolean): { prepare: number; download: number; write: number } {
  return burn ? { prepare: 0.1, download: 0.15, write: 0.75 } : { prepare: 0.3, download: 0.6, write: 0.1 };
}

/** 2026-11-22T10:15:00.000Z → 20261122T101500Z (file names sort by time, no colons anywhere). */
export function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** A camera name made safe as a file name on every system (no separators, no reserved marks). */
export function safeFileStem(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\x00-\x1f]+/g, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '')
    .slice(0, 80);
  return cleaned || 'camera';
}

/** `<camera>_<from>-<to>.mp4`, made unique among `taken` with -2, -3… */
export function exportFileName(cameraName: string, fromMs: number, toMs: number, taken: (name: string) => boolean): string {
  const stem = `${safeFileStem(cameraName)}_${compactTime(fromMs)}-${compactTime(toMs)}`;
  let name = `${stem}.mp4`;
  for (let n = 2; taken(name) && n < 1000; n += 1) name = `${stem}-${n}.mp4`;
  return name;
}

/** A job as it is after a restart: running ones start again (re-using their parts), the rest stay. */
export function afterRestart(job: ExportJob): ExportJob {
  if (job.state !== 'running') return job;
  return { ...job, state: 'queued', step: 'Resuming after Tessera restarted', etaS: undefined };
}
