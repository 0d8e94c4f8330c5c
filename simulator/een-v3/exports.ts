/**
 * Exports, jobs and files on the API host:
 *   POST   /exports                → 201 {id} (or {jobId}, a switch); the job runs in the background
 *   GET    /jobs, /jobs/{id}       → the job (pending → started(progress) → success(result.files) | failure)
 *   DELETE /jobs/{id}              → 204
 *   GET    /files, /files/{id}, /files/{id}:download (Content-Disposition), DELETE /files/{id}
 *   GET    /downloads, /downloads/{id}, /downloads/{id}:download   (exports with autoDelete)
 *
 * Each recorded interval inside the period becomes one MP4 (cut by the media layer with stream
 * copy), as EEN's exports make one file per recording. "timeLapse" uses the preview stream at
 * normal speed (the speed-up itself is not simulated); "bundle" makes both.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sendDownload } from '../downloads.js';
import { checkParams, findCamera, timestampOptions, type EenEnv, type RouteContext } from './env.js';
import { ApiV3Failure, errorBody, fail } from './errors.js';
import { readBody, sendJson } from './http.js';
import { jobResource, newExportJob, tickJob, type ExportJob } from './jobs.js';
import { coalesceSpans, recordedSpans } from './media.js';
import { pageSizeFrom, pageStart, paginate } from './pagination.js';
import { formatTimestamp, parseTimestamp } from './timestamps.js';

interface ArchiveFile {
  id: string;
  name: string;
  directory: string;
  path: string;
  size: number;
  createdMs: number;
  notes: string;
  tags: string[];
  jobId: string;
  deviceId: string;
  videoType: 'video' | 'timeLapse';
  startMs: number;
  endMs: number;
  /** autoDelete exports live in the read-only "downloads" area for two weeks. */
  download: boolean;
  expireMs: number;
}

const maxPeriodMs = 8 * 3600 * 1000;
const twoWeeksMs = 14 * 24 * 3600 * 1000;

/** `attachment; filename="…"` with an RFC 5987 form for names outside plain ASCII. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function stampForName(ms: number): string {
  // "Video North Door 2022-08-03 23-04-50.mp4" style, in UTC.
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '-');
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export class ExportService {
  private readonly jobs = new Map<string, ExportJob>();
  private readonly files = new Map<string, ArchiveFile>();
  private dir: Promise<string> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly env: EenEnv) {
    // Jobs also advance whenever they are read; the timer only starts file work without a poller.
    this.timer = setInterval(() => this.tickAll(), 200);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private tickAll(): void {
    const now = this.env.ctx.now();
    for (const job of this.jobs.values()) {
      if (tickJob(job, now, this.env.ctx.faults)) void this.produce(job);
    }
  }

  private workDir(): Promise<string> {
    this.dir ??= mkdtemp(join(tmpdir(), 'tessera-een-v3-exports-'));
    return this.dir;
  }

  private async produce(job: ExportJob): Promise<void> {
    job.production = 'running';
    const args = job.arguments as { deviceId: string; period: { startMs: number; endMs: number }; info: { name: string; directory: string; notes?: string; tags?: string[] }; autoDelete?: boolean };
    try {
      const camera = findCamera(this.env, args.deviceId)!;
      const spans = coalesceSpans(recordedSpans(this.env, camera, args.period.startMs, args.period.endMs, this.env.ctx.now()))
        .map((s) => ({ startMs: Math.max(s.startMs, args.period.startMs), endMs: Math.min(s.endMs, args.period.endMs) }))
        .filter((s) => s.endMs - s.startMs >= 1000);
      if (!camera.media || spans.length === 0) throw fail.notFound('Nothing is recorded in the requested period');
      const variants: ('video' | 'timeLapse')[] = job.exportType === 'bundle' ? ['video', 'timeLapse'] : [job.exportType];
      const dir = await this.workDir();
      for (const variant of variants) {
        for (const span of spans) {
          if (!this.jobs.has(job.id)) return; // deleted meanwhile
          const id = randomUUID();
          const path = join(dir, `${id}.mp4`);
          const clip = await this.env.ctx.media.recordedClip(camera.media.index, variant === 'video' ? 'main' : 'sub', span.startMs, span.endMs, 'mp4');
          await pipeline(clip, createWriteStream(path));
          const { size } = await stat(path);
          const now = this.env.ctx.now();
          const file: ArchiveFile = {
            id,
            name: `${args.info.name}${variant === 'timeLapse' ? ' timelapse' : ''} ${stampForName(span.startMs)}.mp4`,
            directory: args.info.directory,
            path,
            size,
            createdMs: now,
            notes: args.info.notes ?? '',
            tags: args.info.tags ?? [],
            jobId: job.id,
            deviceId: camera.esn,
            videoType: variant,
            startMs: span.startMs,
            endMs: span.endMs,
            download: args.autoDelete === true,
            expireMs: now + twoWeeksMs,
          };
          this.files.set(id, file);
          const area = file.download ? 'downloads' : 'files';
          job.files.push({ fileId: id, name: file.name, size, url: `${this.env.apiUrl}/api/v3.0/${area}/${id}:download` });
        }
      }
      job.production = 'done';
    } catch (err) {
      job.production = 'failed';
      const failure = err instanceof ApiV3Failure ? err : new ApiV3Failure(500, 'internal', 'unexpectedError', `Export failed: ${String(err)}`);
      job.error = errorBody(failure, '/api/v3.0/exports', 'POST');
      this.env.ctx.log(`een-v3: export ${job.id} failed: ${String(err)}`);
    }
    tickJob(job, this.env.ctx.now(), this.env.ctx.faults);
  }

  /** Validates an export request as the spec describes it; throws ApiV3Failure on the first problem. */
  parseExport(body: unknown): { deviceId: string; type: ExportJob['exportType']; startMs: number; endMs: number; args: Record<string, unknown> } {
    const b = asRecord(body);
    if (!b) throw fail.invalidJson();
    const period = asRecord(b.period);
    const info = asRecord(b.info);
    const missing = [
      ...(typeof b.deviceId === 'string' ? [] : ['deviceId']),
      ...(typeof b.type === 'string' ? [] : ['type']),
      ...(period && typeof period.startTimestamp === 'string' ? [] : ['period.startTimestamp']),
      ...(info && typeof info.name === 'string' ? [] : ['info.name']),
      ...(info && typeof info.directory === 'string' ? [] : ['info.directory']),
    ];
    if (missing.length) throw fail.missing(missing);
    const type = b.type as string;
    if (type !== 'video' && type !== 'timeLapse' && type !== 'bundle') throw fail.wrong('type', 'must be video, timeLapse or bundle');
    if (type !== 'video') {
      const m = b.playbackMultiplier;
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 48) throw fail.wrong('playbackMultiplier', 'must be an integer 1–48 for timeLapse and bundle');
    }
    const ts = timestampOptions(this.env, 'exports');
    const parse = (name: string, value: unknown): number => {
      const parsed = typeof value === 'string' ? parseTimestamp(value, ts) : ({ ok: false, reason: 'format' } as const);
      if (parsed.ok) return parsed.ms;
      throw fail.wrong(name, parsed.reason === 'zulu' ? 'must use a numeric UTC offset (+00:00), not Z' : 'must be an ISO 8601 timestamp');
    };
    const now = this.env.ctx.now();
    const startMs = parse('period.startTimestamp', period!.startTimestamp);
    const endMs = period!.endTimestamp === undefined ? now : parse('period.endTimestamp', period!.endTimestamp);
    if (endMs <= startMs) throw fail.wrong('period.endTimestamp', 'must be after period.startTimestamp');
    if (endMs - startMs > maxPeriodMs) throw fail.wrong('period', "duration can't exceed 8 hours");
    const name = info!.name as string;
    if (name.length < 1 || name.length > 64 || name.includes('/')) throw fail.wrong('info.name', 'must be 1–64 characters without "/"');
    const directory = info!.directory as string;
    if (directory.length > 256) throw fail.wrong('info.directory', 'must be at most 256 characters');
    if (info!.notes !== undefined && (typeof info!.notes !== 'string' || info!.notes.length > 1024)) throw fail.wrong('info.notes', 'must be a string of at most 1024 characters');
    if (info!.tags !== undefined && (!Array.isArray(info!.tags) || info!.tags.some((t) => typeof t !== 'string' || t.length > 32))) throw fail.wrong('info.tags', 'must be strings of at most 32 characters');
    if (!findCamera(this.env, b.deviceId as string)) throw fail.notFound(`Device ${String(b.deviceId)} not found`);
    return {
      deviceId: (b.deviceId as string).toLowerCase(),
      type,
      startMs,
      endMs,
      args: { ...b, deviceId: (b.deviceId as string).toLowerCase(), period: { startMs, endMs } },
    };
  }

  async createExport(rc: RouteContext): Promise<void> {
    checkParams(rc);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(rc.req));
    } catch (err) {
      if (err instanceof ApiV3Failure) throw err;
      throw fail.invalidJson();
    }
    const parsed = this.parseExport(body);
    const job = newExportJob(
      { id: randomUUID(), userId: this.env.userId, exportType: parsed.type, arguments: parsed.args, durationMs: parsed.endMs - parsed.startMs, nowMs: this.env.ctx.now() },
      {
        pendingMs: this.env.options.exportPendingMs,
        speedFactor: this.env.options.exportSpeedFactor,
        minWorkMs: this.env.options.exportMinWorkMs,
        maxWorkMs: this.env.options.exportMaxWorkMs,
      },
    );
    this.jobs.set(job.id, job);
    const shape = this.env.options.exportResponseShape;
    sendJson(rc.res, 201, shape === 'id' ? { id: job.id } : shape === 'jobId' ? { jobId: job.id } : { id: job.id, jobId: job.id });
  }

  private render(job: ExportJob): Record<string, unknown> {
    const rendered = jobResource(job, formatTimestamp, this.env.options.jobStateNames);
    // Show the request as the client sent it, with timestamps in EEN's form.
    const args = job.arguments as { period: { startMs: number; endMs: number } };
    rendered.arguments = { ...job.arguments, period: { startTimestamp: formatTimestamp(args.period.startMs), endTimestamp: formatTimestamp(args.period.endMs) } };
    return rendered;
  }

  private job(id: string): ExportJob {
    const job = this.jobs.get(id);
    if (!job || job.userId !== this.env.userId) throw fail.notFound(`Job ${id} not found`);
    if (tickJob(job, this.env.ctx.now(), this.env.ctx.faults)) void this.produce(job);
    return job;
  }

  getJob(rc: RouteContext): void {
    checkParams(rc);
    sendJson(rc.res, 200, this.render(this.job(rc.params[0]!)));
  }

  deleteJob(rc: RouteContext): void {
    checkParams(rc);
    this.job(rc.params[0]!);
    this.jobs.delete(rc.params[0]!);
    rc.res.writeHead(204);
    rc.res.end();
  }

  listJobs(rc: RouteContext): void {
    const { query, env } = rc;
    const userId = query.string('userId');
    const state = query.string('state');
    const states = query.list('state__in');
    const type = query.string('type');
    const namespace = query.string('namespace');
    const sort = query.list('sort') ?? ['-createTimestamp'];
    const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
    const pageToken = query.string('pageToken');
    checkParams(rc);
    if (!userId) throw fail.missing(['userId']);
    const allowedSort = ['createTimestamp', 'updateTimestamp', 'expireTimestamp', 'state'];
    for (const s of sort) if (!/^[+-]/.test(s) || !allowedSort.includes(s.slice(1))) throw fail.wrong('sort', `value "${s}" needs a +/- prefix and a known field`);
    const now = env.ctx.now();
    const jobs = [...this.jobs.values()].filter((j) => j.userId === userId);
    for (const j of jobs) if (tickJob(j, now, env.ctx.faults)) void this.produce(j);
    const rendered = jobs
      .map((j) => this.render(j))
      .filter((j) => (state ? j.state === state : true) && (states ? states.includes(j.state as string) : true))
      .filter((j) => (type ? j.type === type : true) && (namespace ? j.namespace === namespace : true));
    const key = sort[0]!.slice(1);
    const dir = sort[0]!.startsWith('-') ? -1 : 1;
    rendered.sort((a, b) => dir * String(a[key]).localeCompare(String(b[key])));
    const start = pageStart('jobs', query.fingerprint(), pageToken, now);
    const page = paginate(rendered, start, pageSize, env.options.emptyPageToken);
    sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, totalSize: rendered.length, results: page.results });
  }

  private fileResource(file: ArchiveFile, include: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = { id: file.id, directory: file.directory, mimeType: 'video/mp4', name: file.name };
    if (file.download) {
      out.expireTimestamp = formatTimestamp(file.expireMs);
      out.status = this.env.ctx.now() < file.expireMs ? 'available' : 'expired';
    }
    if (include.has('accountId')) out.accountId = '00001106';
    if (include.has('notes')) out.notes = file.notes;
    if (include.has('createTimestamp')) out.createTimestamp = formatTimestamp(file.createdMs);
    if (include.has('updateTimestamp')) out.updateTimestamp = formatTimestamp(file.createdMs);
    if (include.has('size')) out.size = file.size;
    if (include.has('metadata')) out.metadata = {};
    if (include.has('tags')) out.tags = file.tags;
    if (include.has('details')) {
      out.details = { type: 'exportFileDetails', deviceId: file.deviceId, jobId: file.jobId, videoType: file.videoType, startTimestamp: formatTimestamp(file.startMs), endTimestamp: formatTimestamp(file.endMs) };
    }
    return out;
  }

  private file(id: string, download: boolean): ArchiveFile {
    const file = this.files.get(id);
    if (!file || file.download !== download) throw fail.notFound(`File ${id} not found`);
    return file;
  }

  listFiles(rc: RouteContext, download: boolean): void {
    const { query, env } = rc;
    const includeValues = download
      ? (['accountId', 'createTimestamp', 'updateTimestamp', 'size', 'uploadUrl', 'storageId', 'metadata', 'tags', 'notes', 'md5', 'details'] as const)
      : (['accountId', 'publicShare', 'notes', 'createTimestamp', 'updateTimestamp', 'size', 'metadata', 'tags', 'childCount', 'details'] as const);
    const include = new Set<string>(query.enumList('include', includeValues as readonly string[]) ?? []);
    const directory = query.string('directory');
    const name = query.string('name');
    const nameContains = query.string('name__contains')?.toLowerCase();
    query.string('sort');
    const pageSize = pageSizeFrom(query.string('pageSize'), env.options.pageSizeCap);
    const pageToken = query.string('pageToken');
    checkParams(rc);
    const items = [...this.files.values()]
      .filter((f) => f.download === download)
      .filter((f) => (directory === undefined || f.directory === directory) && (name === undefined || f.name === name))
      .filter((f) => nameContains === undefined || f.name.toLowerCase().includes(nameContains))
      .sort((a, b) => a.createdMs - b.createdMs || a.name.localeCompare(b.name))
      .map((f) => this.fileResource(f, include));
    const start = pageStart(download ? 'downloads' : 'files', query.fingerprint(), pageToken, env.ctx.now());
    const page = paginate(items, start, pageSize, env.options.emptyPageToken);
    sendJson(rc.res, 200, { nextPageToken: page.nextPageToken, prevPageToken: page.prevPageToken, totalSize: items.length, results: page.results });
  }

  getFile(rc: RouteContext, download: boolean): void {
    const include = new Set<string>(rc.query.list('include') ?? []);
    checkParams(rc);
    sendJson(rc.res, 200, this.fileResource(this.file(rc.params[0]!, download), include));
  }

  async deleteFile(rc: RouteContext): Promise<void> {
    checkParams(rc);
    const file = this.file(rc.params[0]!, false);
    this.files.delete(file.id);
    await unlink(file.path).catch(() => undefined);
    rc.res.writeHead(204);
    rc.res.end();
  }

  async downloadFile(rc: RouteContext, download: boolean): Promise<void> {
    checkParams(rc);
    const file = this.file(rc.params[0]!, download);
    const body = await readFile(file.path);
    sendDownload(rc.res, body, { 'content-type': 'application/octet-stream', 'content-disposition': contentDisposition(file.name) }, this.env.ctx.faults);
  }
}
