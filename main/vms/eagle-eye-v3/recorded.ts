/**
 * Recorded media of Eagle Eye v3 (media.yaml, events.yaml, seed 002, VMS-APIS §3.5–3.8).
 *
 * - Coverage: `GET /media` intervals of the main stream, coalesced, followed across pages.
 *   Timestamps go out as `…+00:00` (EEN refuses `Z` on /media) and come back with an offset.
 * - Marks: `GET /events` of the camera's motion event types; null where the site serves no
 *   events API (404), so the timeline says "no marks" rather than "nothing happened".
 * - Stills: `recordedImage.jpeg` with `timestamp__lte` (the picture showing at T). Each answer
 *   proves no picture lies between it and T; a playhead moving on less than a second follows the
 *   picture's X-Een-NextToken instead, learning the exact next picture (still-neighbours.ts).
 * - Video: the FLV URL of the (not coalesced) interval holding T, moved to start on a keyframe
 *   (keyframe-grid.ts; the spacing learned once per camera from a few seconds of FLV), so the
 *   first frame's wall time is exact. One piece per interval; backwards by keyframe steps.
 *   The FLV comes in real time: above 1× the interval's `mp4Url` (a file, read as fast as the
 *   player takes it) moved the same way, in pieces of about a minute of playing time each
 *   (fast-pieces.ts).
 */
import { AppFailure, type Mark } from '../../../preload/contract/index.js';
import { clipPeriods, type Period } from '../../../common/time-periods.js';
import { flvVideoFrames, keyframeSpacingMs } from '../../media/flv-tags.js';
import type { RecordedPiece, RecordedSource } from '../../media/sources.js';
import type { Logger } from '../../logging/logger.js';
import type { RecordedMedia } from '../adapter.js';
import { continuationMs, eenSpeedChoice, fastPieceSpan } from '../fast-pieces.js';
import { GopMemory, holdsTwoKeyframes, keyframeAtOrBefore } from '../keyframe-grid.js';
import { provenEmptyUntil, StillNeighbours, type KnownStill, type StillNeighboursLimits } from '../still-neighbours.js';
import type { EenV3Client } from './client.js';
import { fromEenTimestamp, motionEventLabels, recordedUrlFrom, toEenTimestamp, toIntervals, toMotionMarks, type RecordedInterval } from './mapper.js';
import { wireEventSchema, wireMediaIntervalSchema } from './wire-types.js';

/** Preview pictures come about once a second; the last one further back than this means a gap. */
const gapToleranceMs = 10_000;
/**
 * Within one preview spacing (about a second) of a known picture, its next page token is asked
 * instead of the time: the answer most likely lies after T, so the known picture is the one
 * showing and its exact end becomes known (one request either way; further on, one by time).
 */
const tokenReachMs = 1_000;
/** Intervals (not coalesced) are recordings of at most a few minutes: the one holding T is within this. */
const intervalReachMs = 6 * 60_000;
/** How far ahead a time in a gap looks for where the recording resumes. */
const resumeSearchMs = 24 * 3600_000;
/** An interval starting this soon after the time reached continues the playback. */
const joinToleranceMs = 1_000;
const probeSpanMs = 9_000;
const probeMaxBytes = 8 * 1024 * 1024;
const probeTimeoutMs = 30_000;

type StreamType = 'main' | 'preview';

/** MP4 pieces at a speed, and where the last one handed out was planned to end. */
interface FastPieces {
  rate: number;
  plannedEndMs?: number;
}

export interface EenV3RecordedDeps {
  client: EenV3Client;
  site: string;
  log: Logger;
  now(): number;
}

export class EenV3Recorded implements RecordedMedia {
  readonly reverse = 'keyframes' as const;
  private readonly stills: StillNeighbours;
  private readonly gops = new GopMemory();

  constructor(
    private readonly d: EenV3RecordedDeps,
    stillLimits?: StillNeighboursLimits,
  ) {
    this.stills = new StillNeighbours(stillLimits);
  }

  async coverage(cameraId: string, fromMs: number, toMs: number): Promise<Period[]> {
    return clipPeriods(await this.intervals(cameraId, 'main', fromMs, toMs, true), fromMs, toMs);
  }

  async marks(cameraId: string, fromMs: number, toMs: number): Promise<Mark[] | null> {
    const query = {
      actor: `camera:${cameraId}`,
      type__in: Object.keys(motionEventLabels).join(','),
      startTimestamp__gte: toEenTimestamp(fromMs),
      startTimestamp__lte: toEenTimestamp(toMs),
      sort: '+startTimestamp',
    };
    try {
      return toMotionMarks(await this.d.client.list('events', query, wireEventSchema, `the motion events of camera ${cameraId}`), fromMs, toMs);
    } catch (err) {
      if (err instanceof AppFailure && err.error.code === 'not-found') {
        this.d.log.debug('no events API on this site: no motion marks', { site: this.d.site, camera: cameraId });
        return null;
      }
      throw err;
    }
  }

  async still(cameraId: string, atMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const key = `${cameraId}|${width ?? ''}`;
    const still = this.stills.showingAt(key, atMs) ?? (await this.followToken(key, atMs)) ?? (await this.stillAtOrBefore(key, cameraId, atMs, width));
    if (atMs - still.timestampMs > gapToleranceMs) {
      throw this.noRecording(cameraId, atMs, `; the closest earlier picture is from ${toEenTimestamp(still.timestampMs)}`, { nearestMs: still.timestampMs });
    }
    return { jpeg: still.jpeg, timestampMs: still.timestampMs };
  }

  async video(cameraId: string, atMs: number, options: { rate: number; profile: 'main' | 'sub' }): Promise<RecordedSource> {
    if (options.rate < 0) throw new AppFailure('reverse-unsupported', `${this.d.site}: Eagle Eye plays recordings forwards only; step back by keyframes instead.`);
    // No keyframes-only mode: fast playback takes the preview stream; above 1× MP4 pieces.
    const choice = eenSpeedChoice(options.rate, options.profile);
    const type: StreamType = choice.small ? 'preview' : 'main';
    const fast: FastPieces | undefined = choice.delivery === 'mp4' ? { rate: options.rate } : undefined;
    const around = await this.intervalsAround(cameraId, type, atMs);
    const interval = around.find((i) => i.fromMs <= atMs && atMs < i.toMs);
    if (!interval) {
      // A gap longer than the reach around atMs: the coverage of the next day says where it ends.
      const resumes = around.find((i) => i.fromMs > atMs)?.fromMs ?? (await this.coverage(cameraId, atMs, atMs + resumeSearchMs)).find((p) => p.fromMs > atMs)?.fromMs;
      const words = resumes === undefined ? '' : `; the recording resumes at ${toEenTimestamp(resumes)}`;
      throw this.noRecording(cameraId, atMs, words, resumes === undefined ? {} : { nextRecordingMs: resumes });
    }
    const first = await this.pieceAt(cameraId, type, interval, atMs, fast);
    return { kind: 'pieces', first, rates: choice.rates, next: (afterMs) => this.nextPiece(cameraId, type, afterMs, fast) };
  }

  private async nextPiece(cameraId: string, type: StreamType, reachedMs: number, fast: FastPieces | undefined): Promise<RecordedPiece | null> {
    const afterMs = continuationMs(reachedMs, fast?.plannedEndMs, this.gops.get(`${cameraId}|${type}`));
    const around = await this.intervalsAround(cameraId, type, afterMs);
    const interval = around.find((i) => i.toMs > afterMs && i.fromMs <= afterMs + joinToleranceMs);
    if (!interval) return null;
    return this.pieceAt(cameraId, type, interval, Math.max(afterMs, interval.fromMs), fast);
  }

  private async pieceAt(cameraId: string, type: StreamType, interval: RecordedInterval, atMs: number, fast?: FastPieces): Promise<RecordedPiece> {
    const headers = { cookie: await this.d.client.mediaCookie() };
    if (fast && interval.mp4Url) {
      const piece = await this.mp4PieceAt(cameraId, type, interval, atMs, headers, fast.rate);
      if (piece) {
        fast.plannedEndMs = piece.endMs;
        return piece;
      }
    }
    if (!interval.flvUrl) {
      // MP4 only: the whole interval (a file; it starts with the interval's first keyframe).
      if (!interval.mp4Url) throw new AppFailure('unsupported', `${this.d.site}: the recording of camera ${cameraId} comes without a URL Tessera can play (no FLV or MP4).`);
      return { format: 'mp4', url: interval.mp4Url, headers, startMs: interval.fromMs, endMs: interval.toMs };
    }
    const gopMs = atMs > interval.fromMs ? await this.keyframeSpacing(cameraId, type, interval, atMs, headers) : undefined;
    const moved = recordedUrlFrom(interval.flvUrl, interval, keyframeAtOrBefore(interval.fromMs, gopMs, atMs));
    return { format: 'flv', url: moved.url, headers, startMs: moved.startMs, endMs: interval.toMs };
  }

  /**
   * The MP4 piece from the keyframe at or before atMs; null when the URL cannot be moved (it
   * carries no time range), where the FLV, from the right keyframe, is the better choice.
   */
  private async mp4PieceAt(cameraId: string, type: StreamType, interval: RecordedInterval, atMs: number, headers: Record<string, string>, rate: number): Promise<RecordedPiece | null> {
    // The spacing is learned from FLV; without an FLV URL only the interval start is a sure keyframe.
    const gopMs = interval.flvUrl ? await this.keyframeSpacing(cameraId, type, interval, atMs, headers) : undefined;
    const span = fastPieceSpan(interval, gopMs, keyframeAtOrBefore(interval.fromMs, gopMs, atMs), rate);
    const moved = recordedUrlFrom(interval.mp4Url!, interval, span.fromMs, span.toMs);
    if (moved.startMs !== span.fromMs) return null;
    return { format: 'mp4', url: moved.url, headers, startMs: span.fromMs, endMs: span.toMs };
  }

  private async intervals(cameraId: string, type: StreamType, fromMs: number, toMs: number, coalesce: boolean): Promise<RecordedInterval[]> {
    const query = {
      deviceId: cameraId,
      type,
      mediaType: 'video',
      startTimestamp__gte: toEenTimestamp(fromMs),
      endTimestamp__lte: toEenTimestamp(toMs),
      coalesce: String(coalesce),
      ...(coalesce ? {} : { include: 'flvUrl,mp4Url' }),
    };
    return toIntervals(await this.d.client.list('media', query, wireMediaIntervalSchema, `the recordings of camera ${cameraId}`));
  }

  private intervalsAround(cameraId: string, type: StreamType, atMs: number): Promise<RecordedInterval[]> {
    return this.intervals(cameraId, type, atMs - intervalReachMs, atMs + intervalReachMs, false);
  }

  /** The camera's keyframe spacing from a few seconds of FLV near atMs; undefined: start at the interval start. */
  private async keyframeSpacing(cameraId: string, type: StreamType, interval: RecordedInterval, atMs: number, headers: Record<string, string>): Promise<number | undefined> {
    const key = `${cameraId}|${type}`;
    const known = this.gops.get(key);
    if (known !== undefined) return known;
    const probeFrom = Math.max(interval.fromMs, Math.min(atMs, interval.toMs - probeSpanMs));
    const probe = recordedUrlFrom(interval.flvUrl!, interval, probeFrom, Math.min(interval.toMs, probeFrom + probeSpanMs));
    if (probe.startMs !== probeFrom) return undefined; // the URL cannot be moved: the interval start it is
    const what = `recorded video of camera ${cameraId}`;
    const response = await this.d.client.call({ path: probe.url, headers: { ...headers, accept: 'video/x-flv, */*;q=0.5' }, maxBytes: probeMaxBytes, timeoutMs: probeTimeoutMs, readUntil: holdsTwoKeyframes }, what);
    const frames = flvVideoFrames(response.body);
    if (!frames) {
      const hint = response.body.subarray(0, 64).toString('utf8').trimStart().startsWith('<') ? 'a web page' : `${response.body.length} bytes of something else`;
      throw new AppFailure('bad-response', `${this.d.site}: expected ${what} (FLV) but got ${hint}.`, { status: response.status });
    }
    const gopMs = keyframeSpacingMs(frames);
    if (gopMs === undefined) return undefined;
    this.gops.set(key, gopMs);
    return gopMs;
  }

  /** The known picture before atMs, when its next page token shows that nothing lies between them. */
  private async followToken(key: string, atMs: number): Promise<KnownStill | undefined> {
    const known = this.stills.atOrBefore(key, atMs);
    if (!known?.nextToken || atMs - known.timestampMs > tokenReachMs) return undefined;
    const next = await this.fetchStill({ pageToken: known.nextToken }, key, 0);
    // Nothing after it (yet): it is the picture showing at atMs.
    if (!next) return this.stills.remember(key, { ...known, clearUntilMs: provenEmptyUntil(atMs, this.d.now()) });
    if (next.timestampMs <= known.timestampMs) return undefined; // a token going nowhere: ask by time
    const kept = this.stills.remember(key, { ...known, nextMs: next.timestampMs });
    return next.timestampMs > atMs ? kept : undefined;
  }

  private async stillAtOrBefore(key: string, cameraId: string, atMs: number, width: number | undefined): Promise<KnownStill> {
    const query = { deviceId: cameraId, type: 'preview', timestamp__lte: toEenTimestamp(atMs), ...(width ? { targetWidth: width } : {}) };
    const still = await this.fetchStill(query, key, provenEmptyUntil(atMs, this.d.now()));
    if (!still) throw this.noRecording(cameraId, atMs, '', {});
    return still;
  }

  /** One recordedImage.jpeg call; null on 404 (no such picture). Kept with what it proves up to `clearUntilMs`. */
  private async fetchStill(query: Record<string, string | number>, key: string, clearUntilMs: number): Promise<KnownStill | null> {
    const camera = key.split('|')[0]!;
    let picture: { jpeg: Buffer; headers: Headers };
    try {
      picture = await this.d.client.jpeg('media/recordedImage.jpeg', query, `the recorded picture of camera ${camera}`);
    } catch (err) {
      if (err instanceof AppFailure && err.error.code === 'not-found') return null;
      throw err;
    }
    const timestampMs = fromEenTimestamp(picture.headers.get('x-een-timestamp'));
    if (timestampMs === undefined) throw new AppFailure('bad-response', `${this.d.site}: the recorded picture of camera ${camera} came without a valid X-Een-Timestamp.`);
    const nextToken = picture.headers.get('x-een-nexttoken') ?? undefined;
    return this.stills.remember(key, { timestampMs, jpeg: picture.jpeg, clearUntilMs: Math.max(timestampMs, clearUntilMs), ...(nextToken ? { nextToken } : {}) });
  }

  private noRecording(cameraId: string, atMs: number, more: string, detail: Record<string, unknown>): AppFailure {
    return new AppFailure('no-recording', `${this.d.site}: no recording at that time (camera ${cameraId}, ${toEenTimestamp(atMs)})${more}.`, { atMs, ...detail });
  }
}
