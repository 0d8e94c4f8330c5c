/**
 * Eagle Eye v3 exports (media.yaml "Exports", "Jobs", "Files"; VMS-APIS §3.7): POST /exports
 * starts a video export job, GET /jobs/{id} reports pending → started (progress 0–1) → success
 * with `result.files[]`, or failure; each file downloads from its URL with the Bearer token.
 * Eagle Eye makes one MP4 per recording, so a range with a gap in the recording comes back as
 * several files (ServerExportFile.more).
 *
 * The export goes to the read-only "downloads" area (`autoDelete`: Eagle Eye removes it after
 * two weeks) rather than the operator's archive. finish() deletes the job (DELETE /jobs/{id});
 * so does a failure, a stall or an abort here ("deleting a job interrupts the worker").
 */
import { AppFailure } from '../../../preload/contract/index.js';
import type { Logger } from '../../logging/logger.js';
import type { Clock } from '../../media/clock.js';
import type { HttpClient } from '../../net/http-client.js';
import type { ServerExport, ServerExportDownload, ServerExportFile } from '../adapter.js';
import { checkRange, exportStalled, once, percent, waitForExport, type ExportPoll, type ExportTiming } from '../export-wait.js';
import type { EenV3Client } from './client.js';
import { toEenTimestamp } from './mapper.js';
import { exportCreatedSchema, wireJobSchema, type WireJob } from './wire-types.js';

/**
 * Eagle Eye allows 8 hours per export; 30 minutes keeps one job (and a download that cannot be
 * resumed) small, at one job's start-up cost per half hour.
 */
export const eenV3ExportLimitMs = 30 * 60_000;

/** Eagle Eye asks for job polls every 5–10 s; a job whose progress stands still for 3 minutes is given up. */
export const eenV3ExportTiming: ExportTiming = { firstPollMs: 500, maxPollMs: 5000, stallMs: 3 * 60_000 };

/** Where an export lands in the account's archive (info.directory). */
const exportDirectory = '/Tessera';

export interface EenV3ExportDeps {
  client: EenV3Client;
  http: HttpClient;
  site: string;
  log: Logger;
  nameOf(cameraId: string): string;
  now(): number;
  timing?: Partial<ExportTiming>;
  clock?: Clock;
}

type JobPhase = 'queued' | 'working' | 'done' | 'failed' | 'cancelled';

/** A job state, in the spec's words or the how-to notes'; undefined for one neither knows. Pure. */
export function jobPhase(state: string): JobPhase | undefined {
  const phases: Record<string, JobPhase> = {
    pending: 'queued',
    started: 'working',
    processing: 'working',
    success: 'done',
    done: 'done',
    failure: 'failed',
    failed: 'failed',
    revoked: 'cancelled',
    cancelled: 'cancelled',
  };
  return phases[state.toLowerCase()];
}

/** info.name: 1–64 characters without "/". */
export function exportName(cameraId: string, fromMs: number): string {
  return `Tessera ${cameraId} ${new Date(fromMs).toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '-')}`.replace(/\//g, '-').slice(0, 64);
}

export class EenV3ServerExport implements ServerExport {
  readonly maxRangeMs = eenV3ExportLimitMs;
  private readonly timing: ExportTiming;

  constructor(private readonly deps: EenV3ExportDeps) {
    this.timing = { ...eenV3ExportTiming, ...deps.timing };
  }

  async prepare(cameraId: string, fromMs: number, toMs: number, o: { signal: AbortSignal; onProgress(fraction: number, step: string): void }): Promise<ServerExportFile> {
    const { client, http, site, log } = this.deps;
    checkRange(site, fromMs, toMs, this.maxRangeMs, this.deps.now());
    o.onProgress(0, 'Asking Eagle Eye for the clip');
    const created = await client.call(
      {
        method: 'POST',
        path: 'exports',
        json: {
          deviceId: cameraId,
          type: 'video',
          period: { startTimestamp: toEenTimestamp(fromMs), endTimestamp: toEenTimestamp(toMs) },
          info: { name: exportName(cameraId, fromMs), directory: exportDirectory },
          autoDelete: true,
        },
        // No signal: a job created after its request was cancelled would have no id to delete.
        // A cancel during the request is seen by waitForExport, which deletes the job.
      },
      `an export of camera ${cameraId}`,
    );
    const answer = http.parseJson(created, exportCreatedSchema, 'the new export (POST /exports)');
    const jobId = (answer.id ?? answer.jobId)!;
    const finish = once(
      async () => {
        await client.call({ method: 'DELETE', path: `jobs/${encodeURIComponent(jobId)}`, timeoutMs: 5000 }, 'the export job').catch((err: unknown) => {
          // Gone already (expired or deleted): nothing left to release.
          if (!(err instanceof AppFailure && err.error.code === 'not-found')) throw err;
        });
      },
      (err) => log.warn('deleting an Eagle Eye export job failed; it expires by itself', { site, error: err }),
    );
    let job: WireJob;
    try {
      job = await waitForExport({
        signal: o.signal,
        timing: this.timing,
        ...(this.deps.clock ? { clock: this.deps.clock } : {}),
        poll: () => this.poll(jobId, cameraId),
        onProgress: o.onProgress,
        stalled: (waitedMs, progress) => exportStalled(site, 'Eagle Eye', waitedMs, progress),
      });
    } catch (err) {
      await finish();
      throw err;
    }
    try {
      const [first, ...more] = await this.downloads(job, cameraId);
      o.onProgress(1, more.length > 0 ? `Eagle Eye has the clip ready (${more.length + 1} files: the recording has gaps)` : 'Eagle Eye has the clip ready');
      return { ...first!, ...(more.length > 0 ? { more } : {}), finish };
    } catch (err) {
      await finish();
      throw err;
    }
  }

  private async poll(jobId: string, cameraId: string): Promise<ExportPoll<WireJob>> {
    const { client, site } = this.deps;
    const job = await client.getJson(`jobs/${encodeURIComponent(jobId)}`, undefined, wireJobSchema, 'the export job (GET /jobs)');
    const phase = jobPhase(job.state);
    const name = this.deps.nameOf(cameraId);
    switch (phase) {
      case 'done':
        return { done: true, value: job };
      case 'queued':
        return { done: false, progress: 0, step: 'Eagle Eye has queued the export' };
      case 'working': {
        const progress = job.progress ?? 0;
        return { done: false, progress, step: `Eagle Eye is preparing the clip${percent(progress)}` };
      }
      case 'failed': {
        const words = job.error?.message ? ` (${job.error.message.replace(/\s+/g, ' ').trim().slice(0, 160)})` : '';
        const nothing = job.error?.code === 404 || job.error?.status === 'notFound';
        throw new AppFailure(nothing ? 'no-recording' : 'bad-response', `${site}: Eagle Eye could not make the export of camera ${name}${words}.`);
      }
      case 'cancelled':
        throw new AppFailure('bad-response', `${site}: the export of camera ${name} was cancelled on Eagle Eye.`);
      default:
        throw new AppFailure('bad-response', `${site}: the export job is in a state Tessera does not know ("${job.state.slice(0, 32)}").`);
    }
  }

  /** The job's files as downloads with the Bearer token; each URL must be on a host of this site. */
  private async downloads(job: WireJob, cameraId: string): Promise<ServerExportDownload[]> {
    const { client, http, site } = this.deps;
    const files = (job.result?.files ?? []).filter((f) => !f.mimetype || /^video\/|octet-stream/i.test(f.mimetype));
    if (files.length === 0) throw new AppFailure('bad-response', `${site}: the export of camera ${this.deps.nameOf(cameraId)} finished without a video file.`);
    const authorization = `Bearer ${await client.bearer()}`;
    // http.url refuses a host this site never named: the Bearer token goes nowhere else.
    return files.map((f) => ({ url: http.url(f.url).toString(), headers: { authorization }, format: 'mp4', ...(f.size ? { sizeBytes: f.size } : {}), resumable: false }));
  }
}
