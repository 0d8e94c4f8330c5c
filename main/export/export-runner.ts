/**
 * Runs one export job to its end: the server's parts fetched (split at the vendor's limit), each
 * copied into an MP4 segment, the segments joined moov-first (or burned in), probed, hashed,
 * signed, and only then renamed to the final name (manifest first, so a file under the final
 * name always has the manifest that proves it).
 *
 * Work files live in `.tessera-export-<id>/` beside the destination (same file system: the final
 * rename is atomic, and the free-space check is for the right disk). What is finished there is
 * re-used when the job runs again after a crash: whole downloads (`part-N.<ext>`, never a
 * `.partial`) and finished segments (`seg-N.mp4`, never a `.tmp`).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gapsIn, mergePeriods, type Period } from '../../common/time-periods.js';
import { AppFailure, type ExportJob } from '../../preload/contract/index.js';
import type { ServerExport, ServerExportDownload, ServerExportFile } from '../vms/adapter.js';
import { appVersion } from '../version.js';
import { ensureRoom } from './disk-space.js';
import { download } from './download.js';
import { splitRange, stageWeights, type RangePart } from './export-plan.js';
import { probe, remuxPart, writeMp4, type Probe } from './ffmpeg-export.js';
import { checkManifestSignature, compareFile, publicKeyField, signManifest, type ManifestBody } from './manifest.js';
import type { SigningKey } from './signing-key.js';

export interface RunnerDeps {
  /** Runs fn with the camera's server export (through the site's session: re-login on expiry). */
  withServerExport<T>(cameraId: string, fn: (exporter: ServerExport, vendorCameraId: string) => Promise<T>): Promise<T>;
  signingKey(): Promise<SigningKey>;
  /** The camera's recorded periods, where the site lists them (for the manifest's gaps); undefined otherwise. */
  coverage?(cameraId: string, fromMs: number, toMs: number): Promise<Period[] | undefined>;
  /** No byte for this long from a download: stalled (retried). */
  stallMs: number;
  /** Tries per part before a stalled or broken download fails the job. */
  attemptsPerPart: number;
  now(): number;
}

export interface RunnerProgress {
  (update: { progress: number; bytes: number; step: string }): void;
}

export function workDir(job: Pick<ExportJob, 'id' | 'file'>): string {
  return join(dirname(job.file), `.tessera-export-${job.id}`);
}

export function manifestPath(file: string): string {
  return `${file}.manifest.json`;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a file against its manifest: the reason it fails, or undefined when intact. */
export async function verifyExport(file: string): Promise<{ ok: true; body: ManifestBody } | { ok: false; reason: string }> {
  const mPath = manifestPath(file);
  if (!existsSync(file)) return { ok: false, reason: `${file} does not exist` };
  if (!existsSync(mPath)) return { ok: false, reason: `there is no manifest beside it (${basename(mPath)})` };
  const checked = checkManifestSignature(readFileSync(mPath, 'utf8'));
  if (!checked.ok) return checked;
  const sizeBytes = statSync(file).size;
  const differs = compareFile(checked.manifest, { sizeBytes, sha256: await sha256File(file) });
  if (differs) return { ok: false, reason: differs };
  if (checked.manifest.file.name !== basename(file)) return { ok: false, reason: `the manifest is for ${checked.manifest.file.name}, not ${basename(file)}` };
  const { signature: _signature, ...body } = checked.manifest;
  return { ok: true, body };
}

export async function runExport(job: ExportJob, deps: RunnerDeps, signal: AbortSignal, report: RunnerProgress): Promise<void> {
  const dir = workDir(job);
  const destDir = dirname(job.file);
  if (existsSync(job.file)) {
    // A crash between the two final renames, or a finished job run again: done if it verifies.
    if ((await verifyExport(job.file)).ok) return;
    throw new AppFailure('conflict', `${job.file} already exists and is not this export; choose another folder or remove it.`);
  }
  mkdirSync(dir, { recursive: true });
  ensureRoom(destDir, 0);
  const weights = stageWeights(job.burnTimestamp);
  let bytes = 0;
  const parts = await deps.withServerExport(job.cameraId, async (exporter) => splitRange(job.fromMs, job.toMs, exporter.maxRangeMs));
  const share = 1 / parts.length;
  const segments: string[] = [];
  const gaps: { fromMs: number; toMs: number }[] = [];
  const probes: Probe[] = [];
  for (const part of parts) {
    const label = parts.length > 1 ? ` part ${part.index + 1} of ${parts.length}` : '';
    const base = part.index * share * (weights.prepare + weights.download);
    // A finished part is listed in seg-N.json (its segments: one per file the server made).
    const listed = join(dir, `seg-${part.index}.json`);
    let partSegments: string[];
    if (existsSync(listed)) {
      partSegments = (JSON.parse(readFileSync(listed, 'utf8')) as string[]).map((name) => join(dir, basename(name)));
    } else {
      const got = await fetchPart(job, part, dir, deps, signal, {
        prepare: (f, step) => report({ progress: base + f * share * weights.prepare, bytes, step: `${step}${label}` }),
        download: (total, expected) => {
          bytes = total;
          const f = expected ? Math.min(1, total / expected) : 0.5;
          report({ progress: base + share * weights.prepare + f * 0.9 * share * weights.download, bytes, step: `Downloading${label}` });
        },
      });
      if (got === 'gap') {
        gaps.push({ fromMs: part.fromMs, toMs: part.toMs });
        continue;
      }
      partSegments = [];
      try {
        for (const [k, file] of got.files.entries()) {
          const segment = join(dir, `seg-${part.index}-${k}.mp4`);
          partSegments.push(segment);
          if (existsSync(segment)) continue;
          if (file.format === 'mp4' && file.input.startsWith(dir)) {
            // A whole MP4 download is a segment as it is: the concat demuxer reads it directly, and a
            // copy through ffmpeg here would rewrite every byte once more (about 1 s per 5 minutes of 720p).
            renameSync(file.input, segment);
            continue;
          }
          report({ progress: base + share * (weights.prepare + weights.download * 0.9), bytes, step: `Copying${label} into MP4` });
          await remuxPart(file.input, `${segment}.tmp`, { signal, format: file.format, headers: file.headers, watch: () => ensureRoom(destDir, 0) });
          renameSync(`${segment}.tmp`, segment);
          if (file.input.startsWith(dir)) rmSync(file.input, { force: true });
        }
      } finally {
        await got.release();
      }
      writeFileSync(listed, JSON.stringify(partSegments.map((s) => basename(s))));
    }
    segments.push(...partSegments);
    for (const segment of partSegments) probes.push(await probe(segment));
  }
  if (segments.length === 0) throw new AppFailure('no-recording', `${job.cameraName} recorded nothing between ${new Date(job.fromMs).toISOString()} and ${new Date(job.toMs).toISOString()}.`);

  const expectedS = probes.reduce((sum, p) => sum + p.durationS, 0);
  const fps = probes[0]?.streams.find((s) => s.type === 'video')?.fps;
  const writeBase = weights.prepare + weights.download;
  const out = join(dir, 'out.mp4');
  const segBytes = segments.reduce((sum, s) => sum + statSync(s).size, 0);
  ensureRoom(destDir, job.burnTimestamp ? segBytes * 2 : segBytes);
  const first = firstFrameMs(job, probes[0]);
  await writeMp4(segments, join(dir, 'segments.txt'), out, {
    signal,
    creationMs: first,
    expectedS,
    ...(job.burnTimestamp && fps ? { expectedFrames: Math.round(expectedS * fps) } : {}),
    ...(job.burnTimestamp ? { burn: { label: job.cameraName, startMs: first } } : {}),
    watch: () => ensureRoom(destDir, 0),
    onProgress: (f) => report({ progress: writeBase + f * weights.write * 0.9, bytes, step: job.burnTimestamp ? 'Burning in the camera name and time (transcoding)' : 'Writing the MP4' }),
  });

  report({ progress: writeBase + weights.write * 0.92, bytes, step: 'Hashing and signing' });
  const listed = await deps.coverage?.(job.cameraId, job.fromMs, job.toMs).catch(() => undefined);
  // Gaps: the parts the server had nothing for, and the holes the site's own recording list shows.
  const allGaps = mergePeriods([...gaps, ...(listed ? gapsIn(listed, job.fromMs, job.toMs) : [])]);
  const [final, sha256] = await Promise.all([probe(out), sha256File(out)]);
  const size = statSync(out).size;
  const key = await deps.signingKey();
  const manifest = signManifest(
    {
      format: 'tessera-evidence-manifest/1',
      file: { name: basename(job.file), sizeBytes: size, sha256 },
      camera: { id: job.cameraId, name: job.cameraName },
      site: { name: job.siteName, vendor: job.vendor },
      operator: job.operator,
      requested: { fromMs: job.fromMs, toMs: job.toMs },
      actual: { firstFrameMs: first, lastFrameMs: first + Math.max(0, final.durationS * 1000 - frameMs(fps)), source: probes[0]?.creationMs !== undefined && plausible(job, probes[0]) ? 'recording-time' : 'requested' },
      gaps: allGaps,
      durationS: final.durationS,
      streams: final.streams.map(({ fps: _fps, ...s }) => s),
      burnedTimestamp: job.burnTimestamp,
      tesseraVersion: appVersion,
      createdAt: new Date(deps.now()).toISOString(),
      publicKey: publicKeyField(key.publicKey),
    },
    key.privateKey,
  );
  const workManifest = join(dir, 'out.manifest.json');
  writeFileSync(workManifest, `${JSON.stringify(manifest, null, 2)}\n`);
  if (signal.aborted) throw signal.reason;
  // Manifest first: the moment the MP4 has its final name, its proof is beside it.
  renameSync(workManifest, manifestPath(job.file));
  renameSync(out, job.file);
  report({ progress: 1, bytes: size, step: 'Done' });
  rmSync(dir, { recursive: true, force: true });
}

function frameMs(fps: number | undefined): number {
  return fps ? 1000 / fps : 0;
}

/** A creation time far from the request is a writer's clock, not the recording's: not trusted. */
function plausible(job: ExportJob, p: Probe): boolean {
  return p.creationMs !== undefined && Math.abs(p.creationMs - job.fromMs) < 3600_000;
}

function firstFrameMs(job: ExportJob, p: Probe | undefined): number {
  return p && plausible(job, p) ? p.creationMs! + p.startS * 1000 : job.fromMs;
}

interface Fetched {
  /** The server's files for the part, in time order: local paths, or addresses (HLS, read by ffmpeg). */
  files: { input: string; format: ServerExportFile['format']; headers: Record<string, string> }[];
  /** Releases the server's job (once; after the files are used). */
  release(): Promise<void>;
}

const extOf = (format: ServerExportFile['format']) => (format === 'mpegts' ? 'ts' : format);

/**
 * One part from the server: prepared, its file(s) downloaded (HLS is read by ffmpeg itself).
 * A stalled server job or a stalled or broken download is tried again (a new server job each
 * time; whole downloads already on disk are kept); 'no-recording' is a gap.
 */
async function fetchPart(
  job: ExportJob,
  part: RangePart,
  dir: string,
  deps: RunnerDeps,
  signal: AbortSignal,
  on: { prepare(fraction: number, step: string): void; download(total: number, expected: number | undefined): void },
): Promise<Fetched | 'gap'> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= deps.attemptsPerPart; attempt += 1) {
    if (signal.aborted) throw signal.reason;
    let release: () => Promise<void> = async () => undefined;
    try {
      const file = await deps.withServerExport(job.cameraId, (exporter, id) => exporter.prepare(id, part.fromMs, part.toMs, { signal, onProgress: on.prepare }));
      release = once(() => file.finish().catch(() => undefined));
      const downloads: ServerExportDownload[] = [file, ...(file.more ?? [])];
      const files: Fetched['files'] = [];
      let before = 0;
      for (const [k, d] of downloads.entries()) {
        if (d.format === 'hls') {
          files.push({ input: d.url, format: 'hls', headers: d.headers });
          continue;
        }
        const target = join(dir, `part-${part.index}-${k}.${extOf(d.format)}`);
        const got = await download(target, { url: d.url, headers: d.headers, resumable: d.resumable, signal, stallMs: deps.stallMs, site: job.siteName, onBytes: (total, expected) => on.download(before + total, expected === undefined ? undefined : before + expected) });
        before += got;
        files.push({ input: target, format: d.format, headers: {} });
      }
      // Downloads are done with the server; an HLS address is still read by ffmpeg.
      if (files.every((f) => f.format !== 'hls')) await release();
      return { files, release };
    } catch (err) {
      await release();
      if (err instanceof AppFailure && err.error.code === 'no-recording') return 'gap';
      if (signal.aborted || !(err instanceof AppFailure) || !retryable(err)) throw err;
      lastError = err;
      on.prepare(0, `${err.error.message} Trying again (${attempt + 1} of ${deps.attemptsPerPart})`);
      await pause(Math.min(5000, 500 * 2 ** (attempt - 1)), signal);
    }
  }
  throw lastError;
}

function retryable(err: AppFailure): boolean {
  return err.error.code === 'timeout' || err.error.code === 'bad-response' || err.error.code === 'unreachable';
}

function once(fn: () => Promise<unknown>): () => Promise<void> {
  let done: Promise<unknown> | undefined;
  return async () => {
    done ??= fn();
    await done;
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
