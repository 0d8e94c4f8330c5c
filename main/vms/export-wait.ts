/**
 * Waiting for an export the server makes (Eagle Eye v1's MP4 transcode, v3's export job,
 * exacqVision's export.web): poll with a growing pause, report each change of progress, and give
 * up with a "stalled" failure when the server makes no progress for a bounded time, so the export
 * manager can retry instead of spinning for ever. The poll itself is the vendor's; the clock and
 * the pause are injected (unit tests drive them by hand).
 *
 *   poll     0     1      2       3       4 …
 *   pause    500   750    1125    1688    … up to maxPollMs; back to firstPollMs after progress
 */
import { AppFailure } from '../../preload/contract/index.js';
import { systemClock, type Clock } from '../media/clock.js';

export interface ExportTiming {
  /** Pause after the first poll, ms; a job that is quick is seen quickly. */
  firstPollMs: number;
  /** Longest pause between polls, ms (Eagle Eye asks for 5–10 s on its job API). */
  maxPollMs: number;
  /** No change of progress for this long is a stalled job, ms. */
  stallMs: number;
}

/**
 * What one poll found: the finished result, or how far the server is: `progress` 0–1 (undefined
 * when the server tells none) and `step`, the same in an operator's words.
 */
export type ExportPoll<T> = { done: true; value: T } | { done: false; progress: number | undefined; step: string };

export interface WaitOptions<T> {
  signal: AbortSignal;
  timing: ExportTiming;
  poll(): Promise<ExportPoll<T>>;
  /** Called whenever the step changes (a new state or a new percentage). */
  onProgress(fraction: number, step: string): void;
  /** The failure for a job stuck this long, at this progress. */
  stalled(waitedMs: number, progress: number | undefined): AppFailure;
  clock?: Clock;
}

const growth = 1.5;

/**
 * Polls until ready; rejects with the stalled failure, a poll's own failure, or the signal's
 * reason. Any change of step (state or percentage) counts as progress: it restarts the stall
 * window and the short pauses.
 */
export async function waitForExport<T>(o: WaitOptions<T>): Promise<T> {
  const clock = o.clock ?? systemClock;
  let pauseMs = o.timing.firstPollMs;
  let lastStep: string | undefined;
  let lastProgress: number | undefined;
  let sinceMs = clock.now();
  for (;;) {
    o.signal.throwIfAborted();
    const answer = await o.poll();
    if (answer.done) return answer.value;
    if (answer.step !== lastStep) {
      if (lastStep !== undefined) {
        sinceMs = clock.now();
        pauseMs = o.timing.firstPollMs;
      }
      lastStep = answer.step;
      lastProgress = answer.progress;
      o.onProgress(answer.progress ?? 0, answer.step);
    }
    const waitedMs = clock.now() - sinceMs;
    if (waitedMs >= o.timing.stallMs) throw o.stalled(waitedMs, lastProgress);
    await pause(clock, Math.min(pauseMs, o.timing.stallMs - waitedMs), o.signal);
    pauseMs = Math.min(o.timing.maxPollMs, Math.round(pauseMs * growth));
  }
}

/** Resolves after ms on the clock; rejects with the signal's reason as soon as it is aborted. */
export function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** "(42 %)" for a known progress; nothing for an unknown one. */
export function percent(progress: number | undefined): string {
  return progress === undefined ? '' : ` (${Math.floor(Math.min(1, Math.max(0, progress)) * 100)} %)`;
}

function duration(ms: number): string {
  return ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * A job the server stopped working on. 'timeout' (retryable) with `stalled` in the detail: the
 * export manager tries again; the words say where it stuck.
 */
export function exportStalled(site: string, who: string, waitedMs: number, progress: number | undefined): AppFailure {
  const where = progress === undefined ? '' : ` at ${Math.floor(progress * 100)} %`;
  return new AppFailure('timeout', `${site}: ${who} made no progress on the clip for ${duration(waitedMs)}${where}; Tessera gave up on this attempt.`, { stalled: true });
}

export function isExportStalled(err: unknown): boolean {
  return err instanceof AppFailure && err.error.detail?.stalled === true;
}

/**
 * Runs a server export's clean-up once, whatever happens: after the download, after a failure,
 * after an abort. Its own failure is only logged (the export itself is unaffected), and the
 * clean-up is not held up by the caller's cancelled signal.
 */
export function once(cleanUp: () => Promise<void>, onError: (err: unknown) => void): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= cleanUp().catch(onError);
    return done;
  };
}

/** A range the manager should have split, or cannot have recorded yet: said plainly. */
export function checkRange(site: string, fromMs: number, toMs: number, maxRangeMs: number, nowMs: number): void {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    throw new AppFailure('bad-request', `${site}: an export needs a start before its end (asked ${fromMs}–${toMs}).`);
  }
  if (toMs - fromMs > maxRangeMs) {
    throw new AppFailure('bad-request', `${site}: one export from this site covers at most ${Math.round(maxRangeMs / 60_000)} min; the range must be split.`);
  }
  if (toMs > nowMs) throw new AppFailure('bad-request', `${site}: the export ends at ${new Date(toMs).toISOString()}, which has not been recorded yet.`);
}
