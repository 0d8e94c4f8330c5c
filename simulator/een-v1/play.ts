/**
 * `/asset/play/video.{flv,mp4}` (seed 000 "Get Video").
 * - `start_timestamp=stream_<id>` plays live: an FLV stream that ends at end_timestamp (usually
 *   `+300000`), i.e. open-ended while the end is in the future.
 * - Otherwise the start must equal the start of a recorded clip (switch strictPlayStart) and
 *   `time_offset` (ms, alias `to`) skips into it; the server starts on the key frame at or before.
 *   An end still ahead follows the camera live after the recorded part (one joined FLV).
 * - MP4 is a download: 201 {id} when the job is created, 202 {id} while it is pending, then 200
 *   with the file; never live. Starts before the retained history answer 410.
 * - `quality=low` selects the sub stream, `high` the main stream (a "future feature" in the docs).
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { sendDownload } from '../downloads.js';
import { SimNotFound, type FaultState, type ProfileName } from '../types.js';
import { clientGone } from './assets.js';
import { pacedFlv } from '../media/flv-pacer.js';
import { FlvJoiner } from './flv.js';
import { param, sendJson, sendStatus, type EenRequest } from './http.js';
import type { EenServices } from './services.js';
import { parseEenTimestamp, parseStreamStart } from './timestamps.js';

function profileFor(quality: string | undefined, fallback: ProfileName): ProfileName {
  if (quality === 'low' || quality === 'mid' || quality === 'med') return 'sub';
  if (quality === 'high') return 'main';
  return fallback;
}

export async function handlePlay(svc: EenServices, req: EenRequest, res: ServerResponse, format: 'flv' | 'mp4'): Promise<void> {
  const { world, options, ctx } = svc;
  const now = world.now();
  const id = param(req, 'id', 'c');
  const rawStart = param(req, 'start_timestamp', 't');
  const rawEnd = param(req, 'end_timestamp', 'e');
  if (!id || rawStart === undefined || rawEnd === undefined) return sendStatus(res, 400, 'id, start_timestamp and end_timestamp are required');
  const end = parseEenTimestamp(rawEnd, now);
  const rawOffset = param(req, 'time_offset', 'to');
  const offset = rawOffset === undefined ? 0 : /^\d+$/.test(rawOffset) ? Number(rawOffset) : null;
  if (!end || offset === null) return sendStatus(res, 400, 'end_timestamp or time_offset is invalid');
  const camera = world.camera(id);
  if (!camera) return sendStatus(res, 404, 'Camera not provisioned');
  const profile = profileFor(param(req, 'quality', 'q'), options.playProfile);

  const streamId = parseStreamStart(rawStart);
  if (streamId !== null) {
    if (format === 'mp4') return sendStatus(res, 400, 'MP4 cannot be live streamed');
    if (end.ms <= now) return sendStatus(res, 400, 'end_timestamp of a live stream must be in the future');
    let stream: Readable;
    try {
      if (!world.isStreaming(camera.index)) throw new SimNotFound('camera is not streaming');
      stream = ctx.media.liveStream(camera.index, profile, 'flv');
    } catch (err) {
      // SimOffline is a SimNotFound: an offline camera cannot be streamed ("Camera get error").
      if (err instanceof SimNotFound) return sendStatus(res, 404, 'Camera get error');
      throw err;
    }
    return streamLive(svc, res, stream, end.ms);
  }

  const start = parseEenTimestamp(rawStart, now);
  if (!start) return sendStatus(res, 400, 'start_timestamp is not an EEN timestamp');
  if (start.ms < ctx.media.historyStartMs) return sendStatus(res, 410, 'Video is out of retention');
  const fromMs = start.ms + offset;
  if (end.ms <= fromMs) return sendStatus(res, 400, 'end_timestamp must be after the start');
  const recorded = world.recorded(camera.index);
  const clipStart = recorded.find((s) => s.startMs === start.ms);
  if (options.strictPlayStart && !clipStart) return sendStatus(res, 404, 'No video starts at start_timestamp');
  const live = end.ms > now;
  if (live && format === 'mp4') return sendStatus(res, 400, 'MP4 cannot be live streamed');
  const toMs = Math.min(end.ms, now);
  const recordedInSpan = recorded.some((s) => s.startMs < toMs && s.endMs > fromMs);
  // An end still ahead follows the stream as it arrives ("the video will follow the data stream").
  if (live && format === 'flv' && world.isStreaming(camera.index)) {
    return followLive(svc, res, camera.index, profile, fromMs, end.ms, recordedInSpan);
  }
  if (!recordedInSpan) return sendStatus(res, 404, 'No video in the requested span');

  if (format === 'flv') {
    let clip: Readable;
    try {
      clip = await ctx.media.recordedClip(camera.index, profile, fromMs, toMs, 'flv');
    } catch (err) {
      if (err instanceof SimNotFound) return sendStatus(res, 404, 'No video in the requested span');
      throw err;
    }
    return pipeClip(res, ctx.paceRecorded ? pacedFlv(clip) : clip, 'video/x-flv');
  }

  const key = `${camera.esn}|${fromMs}|${toMs}|${profile}`;
  const answer = svc.mp4.request(key, ctx.faults, async () => collect(await ctx.media.recordedClip(camera.index, profile, fromMs, toMs, 'mp4')));
  if (answer.status === 200) return sendDownload(res, answer.data, { 'content-type': 'video/mp4' }, ctx.faults);
  if (answer.status === 201 || answer.status === 202) return sendJson(res, answer.status, { id: answer.id });
  return sendStatus(res, answer.status, answer.status === 404 ? 'No video in the requested span' : 'Bad Gateway');
}

function pipeClip(res: ServerResponse, clip: Readable, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType });
  clip.on('error', () => res.destroy());
  res.on('close', () => clip.destroy());
  clip.pipe(res);
}

/** Live FLV until the end timestamp (the client may hang up earlier). */
function streamLive(svc: EenServices, res: ServerResponse, stream: Readable, endMs: number): void {
  const session = new StreamSession(svc, res, () => stream.destroy());
  session.endAt(endMs);
  res.writeHead(200, { 'content-type': 'video/x-flv' });
  stream.on('error', () => session.stop(true));
  stream.on('end', () => session.stop(false));
  stream.pipe(res, { end: false });
}

/**
 * One long-lived FLV answer: ends when the client leaves, when the simulator stops, or at the end
 * timestamp once armed; `cleanup` releases the sources.
 */
class StreamSession {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly closer = (): void => this.stop(false);

  constructor(
    private readonly svc: EenServices,
    private readonly res: ServerResponse,
    private readonly cleanup: () => void,
  ) {
    svc.closers.add(this.closer);
    clientGone(res).addEventListener('abort', this.closer, { once: true });
  }

  get done(): boolean {
    return this.stopped;
  }

  endAt(endMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.closer, Math.max(0, endMs - this.svc.world.now()));
  }

  /** abort: drop the connection (the answer is broken) instead of ending it cleanly. */
  stop(abort: boolean): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.svc.closers.delete(this.closer);
    this.cleanup();
    if (abort) this.res.destroy();
    else if (!this.res.writableEnded) this.res.end();
  }
}

/** Copies a source into the joiner with backpressure; resolves when the source ends or is destroyed. */
function pump(source: Readable, res: ServerResponse, joiner: FlvJoiner): Promise<void> {
  return new Promise((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      joiner.push(chunk);
      if (res.writableNeedDrain) {
        source.pause();
        res.once('drain', () => source.resume());
      }
    });
    source.once('end', () => resolve());
    source.once('close', () => resolve());
    source.once('error', reject);
  });
}

/**
 * Recorded FLV from fromMs up to now, then the live stream, joined into one FLV. The end
 * timestamp bounds the live part: the recorded part is always delivered whole, however long the
 * simulator takes to cut it. Without recorded media in the span it is the live stream alone.
 */
async function followLive(svc: EenServices, res: ServerResponse, index: number, profile: ProfileName, fromMs: number, endMs: number, recorded: boolean): Promise<void> {
  const { ctx } = svc;
  const sources: Readable[] = [];
  const session = new StreamSession(svc, res, () => {
    for (const s of sources) s.destroy();
  });
  res.writeHead(200, { 'content-type': 'video/x-flv' });
  // No onMetaData: a joined, open-ended stream has no duration to announce.
  const joiner = new FlvJoiner((bytes) => res.write(bytes), 40, false);
  try {
    let part = 0;
    if (recorded) {
      const clip = await ctx.media.recordedClip(index, profile, fromMs, svc.world.now(), 'flv').catch((err: unknown) => {
        if (err instanceof SimNotFound) return null;
        throw err;
      });
      if (clip) {
        sources.push(clip);
        if (session.done) {
          clip.destroy();
          return;
        }
        joiner.begin(part++);
        await pump(clip, res, joiner);
      }
    }
    if (session.done) return;
    if (svc.world.now() >= endMs) return session.stop(false);
    const live = ctx.media.liveStream(index, profile, 'flv');
    sources.push(live);
    session.endAt(endMs);
    joiner.begin(part);
    await pump(live, res, joiner);
    session.stop(false);
  } catch {
    // The camera went offline or a stream broke: the video stops, as the docs say it does.
    session.stop(true);
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Mp4Job {
  id: string;
  polls: number;
  state: 'pending' | 'ready' | 'failed';
  data?: Buffer;
  notFound?: boolean;
}

export type Mp4Answer = { status: 200; data: Buffer } | { status: 201 | 202; id: string } | { status: 404 | 502 };

/**
 * MP4 "transcode" jobs keyed by request. The first request creates the job (201, or 502 with the
 * older-doc switch); the same URL then answers 202 until the file exists and the configured
 * number of polls (scaled by the slow-transcode fault knob) has passed, then 200 (never while
 * faults.stallExports is set). Finished jobs
 * stay for re-download, oldest dropped first.
 */
export class Mp4Jobs {
  private readonly jobs = new Map<string, Mp4Job>();

  constructor(
    private readonly pendingPolls: number,
    private readonly firstStatus: 201 | 502,
    private readonly kept: number,
  ) {}

  request(key: string, faults: Pick<FaultState, 'slowTranscodeFactor' | 'stallExports'>, produce: () => Promise<Buffer>): Mp4Answer {
    const existing = this.jobs.get(key);
    if (!existing) {
      const job: Mp4Job = { id: randomUUID(), polls: 0, state: 'pending' };
      this.jobs.set(key, job);
      produce().then(
        (data) => {
          job.state = 'ready';
          job.data = data;
        },
        (err: unknown) => {
          job.state = 'failed';
          job.notFound = err instanceof SimNotFound;
        },
      );
      this.trim();
      return this.firstStatus === 201 ? { status: 201, id: job.id } : { status: 502 };
    }
    existing.polls += 1;
    if (existing.state === 'failed') {
      this.jobs.delete(key);
      return { status: existing.notFound ? 404 : 502 };
    }
    const required = Math.round(this.pendingPolls * Math.max(0, faults.slowTranscodeFactor));
    // A stalled "transcode" stays pending however often it is polled; released, it finishes.
    if (existing.state === 'ready' && existing.polls > required && !faults.stallExports) return { status: 200, data: existing.data! };
    return { status: 202, id: existing.id };
  }

  clear(): void {
    this.jobs.clear();
  }

  private trim(): void {
    const ready = [...this.jobs].filter(([, job]) => job.state !== 'pending');
    for (const [key] of ready.slice(0, Math.max(0, ready.length - this.kept))) this.jobs.delete(key);
  }
}
