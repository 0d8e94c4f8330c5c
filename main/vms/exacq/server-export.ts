/**
 * exacqVision exports (seed 003 "Export Video", VMS-APIS §4.7): export.web lists its formats,
 * creates an MP4 export of one camera's range, reports progress 0–100, serves the file once it is
 * complete, and frees it on `action=finish`. Finish is always called: after the download (by the
 * export manager through ServerExportFile.finish), and here when waiting fails or is aborted.
 * Without it the server holds the file until 15 minutes of inactivity have passed.
 *
 * Times are sent in the server's own offset (config.web `timezone`), whole seconds: the start
 * rounded down and the end up, so the file never starts late or ends early.
 */
import { AppFailure } from '../../../preload/contract/index.js';
import type { Logger } from '../../logging/logger.js';
import type { Clock } from '../../media/clock.js';
import type { ServerExport, ServerExportFile } from '../adapter.js';
import { checkRange, exportStalled, once, percent, waitForExport, type ExportTiming } from '../export-wait.js';
import type { ExacqClient } from './client.js';
import { toExacqTime } from './mapper.js';

/**
 * exacq publishes no limit. Its downloads do not resume (no Range), so a range is kept to 10
 * minutes: a broken download repeats at most that much.
 */
export const exacqExportLimitMs = 10 * 60_000;

/** Progress can stall on exacq (VMS-APIS §4.7); two minutes without a change is given up. */
export const exacqExportTiming: ExportTiming = { firstPollMs: 500, maxPollMs: 5000, stallMs: 2 * 60_000 };

export interface ExacqExportDeps {
  client: ExacqClient;
  site: string;
  log: Logger;
  /** The login session (throws when signed out). */
  session(): string;
  /** The server's UTC offset in hours (config.web). */
  timezone(): Promise<number>;
  nameOf(cameraId: string): string;
  now(): number;
  timing?: Partial<ExportTiming>;
  clock?: Clock;
}

/** A download name the server accepts: letters, digits and dashes only. */
export function exportName(cameraId: string, fromMs: number): string {
  return `Tessera-${cameraId.replace(/[^\w-]/g, '')}-${new Date(fromMs).toISOString().slice(0, 19).replace(/[-:]/g, '')}`;
}

export class ExacqServerExport implements ServerExport {
  readonly maxRangeMs = exacqExportLimitMs;
  private readonly timing: ExportTiming;

  constructor(private readonly deps: ExacqExportDeps) {
    this.timing = { ...exacqExportTiming, ...deps.timing };
  }

  async prepare(cameraId: string, fromMs: number, toMs: number, o: { signal: AbortSignal; onProgress(fraction: number, step: string): void }): Promise<ServerExportFile> {
    const { client, site, log } = this.deps;
    checkRange(site, fromMs, toMs, this.maxRangeMs, this.deps.now());
    const session = this.deps.session();
    o.onProgress(0, 'Asking exacqVision for the clip');
    const formats = await client.exportFormats(o.signal);
    if (!formats.includes('mp4')) {
      throw new AppFailure('unsupported', `${site}: this exacqVision server does not export MP4 (it offers ${formats.join(', ') || 'no format'}).`);
    }
    const tz = await this.deps.timezone();
    // Not abandoned half-way (no signal): an export created after its request was cancelled would
    // have no id to finish. A cancel during the request is seen by waitForExport, which finishes it.
    const exportId = await client.createExport(session, cameraId, toExacqTime(fromMs, tz, 'floor'), toExacqTime(toMs, tz, 'ceil'), exportName(cameraId, fromMs));
    const finish = once(
      () => client.finishExport(exportId),
      (err) => log.warn('finishing an exacqVision export failed; the server frees it after 15 minutes idle', { site, error: err }),
    );
    try {
      await waitForExport({
        signal: o.signal,
        timing: this.timing,
        ...(this.deps.clock ? { clock: this.deps.clock } : {}),
        poll: async () => {
          const status = await client.exportStatus(exportId, o.signal);
          if (status.success === false) {
            const why = status.error ? ` (${status.error.replace(/\s+/g, ' ').trim().slice(0, 160)})` : '';
            throw new AppFailure('bad-response', `${site}: exacqVision could not make the export of camera ${this.deps.nameOf(cameraId)}${why}.`);
          }
          const progress = Math.min(1, Math.max(0, (status.progress ?? 0) / 100));
          if (progress >= 1) return { done: true, value: true };
          return { done: false, progress, step: `exacqVision is preparing the clip${percent(progress)}` };
        },
        onProgress: o.onProgress,
        stalled: (waitedMs, progress) => exportStalled(site, 'exacqVision', waitedMs, progress),
      });
    } catch (err) {
      // Failed, stalled or abandoned: free the export now rather than in 15 minutes.
      await finish();
      throw err;
    }
    o.onProgress(1, 'exacqVision has the clip ready');
    return { url: client.exportDownloadUrl(exportId), headers: {}, format: 'mp4', resumable: false, finish };
  }
}
