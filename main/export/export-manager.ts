/**
 * The export queue: jobs persisted in exports.json (JsonFile: versioned, atomic, a broken file set
 * aside and reported like wall.json, its readable jobs kept one by one), run a few at a time
 * (concurrency 1 unless the file says otherwise), each through runExport. A job that was running
 * when Tessera stopped, however it stopped, is queued again at start and re-uses its parts.
 *
 * A job waits ('paused') while its site is signed out or unreachable and goes on by itself once
 * the site is back (sitesChanged) or a minute later for an unreachable site.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { AppFailure, exportCreateSchema, exportJobSchema, type ExportCreate, type ExportJob, type ExportList, type LoadProblem, type SiteKind } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import { JsonFile } from '../persistence/json-file.js';
import { salvageFields } from '../persistence/salvage.js';
import { afterRestart, etaSeconds, exportFileName, nextState, removable, type ExportEvent } from './export-plan.js';
import { runExport, workDir, type RunnerDeps } from './export-runner.js';

export const EXPORTS_VERSION = 1;

const exportsDocumentSchema = z.object({
  jobs: z.array(exportJobSchema).max(1000),
  concurrency: z.number().int().min(1).max(4),
  lastFolder: z.string().max(1024).optional(),
});
type ExportsDocument = z.infer<typeof exportsDocumentSchema>;
const emptyDocument = (): ExportsDocument => ({ jobs: [], concurrency: 1 });

export interface CameraFacts {
  cameraName: string;
  siteName: string;
  vendor: SiteKind;
  operator: string;
}

export interface ExportManagerOptions extends Omit<RunnerDeps, 'now' | 'stallMs' | 'attemptsPerPart'> {
  file: string;
  log: Logger;
  /** The camera's names and site, or a failure ('not-found', 'not-recorded' for plain RTSP). */
  describe(cameraId: string): Promise<CameraFacts>;
  /** Whether the camera's site is signed in now (a job waits otherwise). */
  siteReady(cameraId: string): boolean;
  now?: () => number;
  stallMs?: number;
  attemptsPerPart?: number;
  /** How often export:changed may carry progress, ms. */
  publishEveryMs?: number;
}

/** Errors after which a job waits for its site instead of failing. */
const waitingCodes = new Set(['unauthorized', 'unreachable', 'two-factor-required']);
const UNREACHABLE_RETRY_MS = 60_000;

export class ExportManager {
  private readonly store: JsonFile<ExportsDocument>;
  private doc: ExportsDocument;
  readonly loadProblem: LoadProblem | undefined;
  private readonly running = new Map<string, { abort: AbortController; startedMs: number }>();
  private readonly listeners = new Set<(list: ExportList) => void>();
  private readonly now: () => number;
  private publishTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly o: ExportManagerOptions) {
    this.now = o.now ?? Date.now;
    this.store = new JsonFile(o.file, exportsDocumentSchema, EXPORTS_VERSION, emptyDocument, {}, {
      salvage: salvageFields(exportsDocumentSchema, emptyDocument),
      describe: (value, partial) => (partial ? `the ${value.jobs.length} exports it could read` : 'an empty export list'),
    });
    const loaded = this.store.load();
    if (loaded.problem) o.log.warn('exports file could not be used as it was; moved aside', loaded.problem);
    this.loadProblem = loaded.problem;
    this.doc = { ...loaded.value, jobs: loaded.value.jobs.map(afterRestart) };
  }

  /** Starts what the last run left queued or running. */
  start(): void {
    this.save();
    this.pump();
  }

  list(): ExportList {
    return structuredClone({ jobs: this.doc.jobs, ...(this.doc.lastFolder ? { lastFolder: this.doc.lastFolder } : {}) });
  }

  onChanged(listener: (list: ExportList) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(input: ExportCreate): Promise<ExportJob[]> {
    const request = exportCreateSchema.parse(input);
    if (!isAbsolute(request.folder)) throw new AppFailure('bad-request', 'The destination must be a full folder path.');
    if (!existsSync(request.folder) || !statSync(request.folder).isDirectory()) throw new AppFailure('not-found', `The folder ${request.folder} does not exist.`);
    const facts = await Promise.all(request.cameraIds.map((id) => this.o.describe(id)));
    const folder = join(request.folder, request.incident);
    mkdirSync(folder, { recursive: true });
    const names = new Set<string>();
    const jobs = request.cameraIds.map((cameraId, i): ExportJob => {
      const f = facts[i]!;
      const name = exportFileName(f.cameraName, request.fromMs, request.toMs, (n) => names.has(n) || existsSync(join(folder, n)) || this.doc.jobs.some((j) => j.file === join(folder, n) && j.state !== 'done'));
      names.add(name);
      return { id: randomUUID(), cameraId, ...f, fromMs: request.fromMs, toMs: request.toMs, burnTimestamp: request.burnTimestamp, file: join(folder, name), state: 'queued', progress: 0, bytes: 0, step: 'Waiting to start', createdMs: this.now(), attempts: 0 };
    });
    this.doc.jobs.push(...jobs);
    this.doc.lastFolder = request.folder;
    this.changed(true);
    this.pump();
    return structuredClone(jobs);
  }

  cancel(id: string): ExportJob {
    const job = this.find(id);
    this.move(job, 'cancel', { step: 'Cancelled', etaS: undefined });
    const run = this.running.get(id);
    if (run) run.abort.abort(new AppFailure('conflict', 'The export was cancelled.'));
    else rmSync(workDir(job), { recursive: true, force: true });
    this.pump();
    return structuredClone(job);
  }

  retry(id: string): ExportJob {
    const job = this.find(id);
    this.move(job, 'retry', { step: 'Waiting to start', error: undefined, endedMs: undefined });
    this.pump();
    return structuredClone(job);
  }

  /** Forgets a finished, failed or cancelled job; its file (if any) stays where it is. */
  remove(id: string): void {
    const job = this.find(id);
    if (!removable(job.state)) throw new AppFailure('conflict', 'Cancel the export before removing it.');
    this.doc.jobs = this.doc.jobs.filter((j) => j.id !== id);
    this.changed(true);
  }

  /** A finished job's file, for reveal and download. */
  finishedFile(id: string): string {
    const job = this.find(id);
    if (job.state !== 'done' || !existsSync(job.file)) throw new AppFailure('not-found', 'That export has no finished file (any more).');
    return job.file;
  }

  /** A site signed in or out: paused jobs of ready sites go on. */
  sitesChanged(): void {
    for (const job of this.doc.jobs) if (job.state === 'paused' && this.o.siteReady(job.cameraId)) this.move(job, 'resume', { step: 'Waiting to start', error: undefined });
    this.pump();
  }

  /** Stops running jobs without changing their saved state: the next start resumes them. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.publishTimer);
    clearTimeout(this.retryTimer);
    for (const run of this.running.values()) run.abort.abort(new AppFailure('conflict', 'Tessera is stopping.'));
    const deadline = Date.now() + 5000;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private find(id: string): ExportJob {
    const job = this.doc.jobs.find((j) => j.id === id);
    if (!job) throw new AppFailure('not-found', 'There is no such export.');
    return job;
  }

  private move(job: ExportJob, event: ExportEvent, patch: Partial<ExportJob>): void {
    const state = nextState(job.state, event);
    if (!state) throw new AppFailure('conflict', `An export that is ${job.state} cannot be ${event === 'cancel' ? 'cancelled' : event === 'retry' ? 'retried' : event}.`);
    Object.assign(job, patch, { state });
    for (const key of Object.keys(patch) as (keyof ExportJob)[]) if (patch[key] === undefined) delete job[key];
    if (state === 'done' || state === 'failed' || state === 'cancelled') job.endedMs = this.now();
    this.changed(true);
  }

  private pump(): void {
    if (this.disposed) return;
    for (const job of this.doc.jobs) {
      if (this.running.size >= this.doc.concurrency) break;
      if (job.state !== 'queued') continue;
      if (!this.o.siteReady(job.cameraId)) {
        this.move(job, 'pause', { step: `Waiting for ${job.siteName} to be signed in`, error: { code: 'unauthorized', message: `${job.siteName} is not signed in.` } });
        continue;
      }
      void this.run(job);
    }
  }

  private async run(job: ExportJob): Promise<void> {
    const abort = new AbortController();
    const startedMs = this.now();
    this.running.set(job.id, { abort, startedMs });
    this.move(job, 'start', { step: 'Starting', error: undefined, attempts: job.attempts + 1, progress: 0 });
    try {
      await runExport(job, { ...this.o, now: this.now, stallMs: this.o.stallMs ?? 20_000, attemptsPerPart: this.o.attemptsPerPart ?? 3 }, abort.signal, (u) => {
        if (job.state !== 'running') return;
        Object.assign(job, u, { etaS: etaSeconds(u.progress, this.now() - startedMs) });
        this.changed(false);
      });
      if (job.state === 'running') this.move(job, 'finish', { progress: 1, step: 'Done', etaS: undefined });
    } catch (err) {
      this.ended(job, err);
    } finally {
      this.running.delete(job.id);
      this.pump();
    }
  }

  private ended(job: ExportJob, err: unknown): void {
    if (this.disposed) return; // stopping: the saved state stays 'running' and resumes next start
    if (job.state === 'cancelled') {
      rmSync(workDir(job), { recursive: true, force: true });
      return;
    }
    const error = err instanceof AppFailure ? err.error : { code: 'internal' as const, message: err instanceof Error ? err.message : String(err) };
    if (!(err instanceof AppFailure)) this.o.log.error('export failed unexpectedly', { id: job.id, error: error.message });
    if (waitingCodes.has(error.code)) {
      this.move(job, 'pause', { step: `Waiting for ${job.siteName}: ${error.message}`, error: { code: error.code, message: error.message }, etaS: undefined });
      if (error.code === 'unreachable') this.retryLater();
      return;
    }
    // A failure keeps its parts for a retry, except a full disk: nothing may stay behind then.
    if (error.code === 'disk-full') rmSync(workDir(job), { recursive: true, force: true });
    this.move(job, 'fail', { step: 'Failed', error: { code: error.code, message: error.message.slice(0, 500) }, etaS: undefined });
  }

  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      for (const job of this.doc.jobs) if (job.state === 'paused' && job.error?.code === 'unreachable') this.move(job, 'resume', { step: 'Trying again', error: undefined });
      this.pump();
    }, UNREACHABLE_RETRY_MS);
    this.retryTimer.unref();
  }

  /** State changes are saved and published at once; progress is published a few times a second. */
  private changed(saveNow: boolean): void {
    if (saveNow) this.save();
    if (saveNow) return this.publish();
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, this.o.publishEveryMs ?? 250);
    this.publishTimer.unref();
  }

  private publish(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }

  private save(): void {
    try {
      this.store.save(this.doc);
    } catch (err) {
      this.o.log.warn('could not save the export list', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
