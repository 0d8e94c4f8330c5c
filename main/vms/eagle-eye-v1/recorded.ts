/**
 * Recorded media of Eagle Eye v1 (seed 000 "Images and Video", VMS-APIS §2.7–2.9).
 *
 * - Coverage: `/asset/list/video?options=coalesce`; marks: the event thumbnails of
 *   `/asset/list/image?asset_class=thumb` (one per motion event, seed 000).
 * - Stills: `/asset/prev/image.jpeg` at the playhead, keeping x-ee-timestamp and x-ee-next as the
 *   seed's "random access image discovery" says: a playhead that stays between a known picture
 *   and its next is answered without a request (still-neighbours.ts).
 * - Video: `/asset/play/video.flv` of the 5-minute clip holding T, from its start with
 *   `time_offset`, one piece per clip. The service starts "at the nearest key frame"; Tessera asks
 *   for a keyframe (keyframe-grid.ts, the spacing learned once per camera from a few seconds of
 *   FLV), so the first frame's wall time is known exactly. Backwards: keyframe steps (no server
 *   reverse in v1).
 * - Fast forward: the FLV comes in real time, so above 1× the MP4 form of the same URL, in pieces
 *   of about a minute of playing time within the clip (fast-pieces.ts). An MP4 is a job: 201,
 *   202 while it is made, then 200 with the file; the piece goes to the player once it answers
 *   200. A job not ready within `mp4WaitMs` gives way to that piece's FLV (real time) rather than
 *   leave the tile with nothing.
 */
import { AppFailure, type Mark } from '../../../preload/contract/index.js';
import type { Period } from '../../../common/time-periods.js';
import { flvVideoFrames, keyframeSpacingMs } from '../../media/flv-tags.js';
import { systemClock } from '../../media/clock.js';
import type { RecordedPiece, RecordedSource } from '../../media/sources.js';
import type { Logger } from '../../logging/logger.js';
import type { RecordedMedia } from '../adapter.js';
import { pause } from '../export-wait.js';
import { continuationMs, eenSpeedChoice, fastPieceSpan } from '../fast-pieces.js';
import { GopMemory, holdsTwoKeyframes, keyframeAtOrBefore } from '../keyframe-grid.js';
import { provenEmptyUntil, StillNeighbours, type KnownStill, type StillNeighboursLimits } from '../still-neighbours.js';
import type { EenV1Client } from './client.js';
import { fromEenTimestamp, neighbourTime, toClips, toEenTimestamp, toRecordedPeriods, toThumbnailMarks } from './mapper.js';

/** Previews come about once a second; the last one further back than this means T is in a gap. */
const gapToleranceMs = 10_000;
/** Clips are at most 5 minutes (seed 000): a clip holding T starts and ends within this of T. */
const clipReachMs = 6 * 60_000;
/** How far ahead a time in a gap looks for where the recording resumes. */
const resumeSearchMs = 24 * 3600_000;
/** A clip starting this soon after the time reached continues the playback (no gap to report). */
const joinToleranceMs = 1_000;
/** The keyframe probe: this much FLV holds two keyframes for any spacing up to 4.5 s. */
const probeSpanMs = 9_000;
const probeMaxBytes = 8 * 1024 * 1024;
/** A cold archive may take seconds to start a clip (the simulator encodes it then). */
const probeTimeoutMs = 30_000;

/**
 * How long an MP4 piece is waited for. Measured on the simulator: 0.5–1.2 s from the first
 * request to 200 for 60–240 s of recording (warm; an archive minute it must first encode adds
 * 1–15 s); a piece then plays for up to a minute, and main asks for the next ~8 s before the
 * player runs dry (the flow gate's lead).
 */
const mp4WaitMs = 20_000;
/** Pauses between polls of an MP4 job (ms): short first, the job usually takes about a second. */
const mp4FirstPollMs = 100;
const mp4MaxPollMs = 1_000;

type Quality = 'high' | 'low';

/** MP4 pieces at a speed, and where the last one handed out was planned to end. */
interface FastPieces {
  rate: number;
  plannedEndMs?: number;
}

export interface EenV1RecordedDeps {
  client: EenV1Client;
  site: string;
  log: Logger;
  /** The camera's name in quotes, or its id, for messages. */
  nameOf(cameraId: string): string;
  /** Headers ffmpeg sends with a recorded URL (the session cookie). */
  mediaHeaders(): Record<string, string>;
  now(): number;
}

export class EenV1Recorded implements RecordedMedia {
  readonly reverse = 'keyframes' as const;
  private readonly stills: StillNeighbours;
  private readonly gops = new GopMemory();

  constructor(
    private readonly d: EenV1RecordedDeps,
    stillLimits?: StillNeighboursLimits,
  ) {
    this.stills = new StillNeighbours(stillLimits);
  }

  async coverage(cameraId: string, fromMs: number, toMs: number): Promise<Period[]> {
    const rows = await this.d.client.videoList(cameraId, toEenTimestamp(fromMs), toEenTimestamp(toMs), true);
    return toRecordedPeriods(rows, fromMs, toMs);
  }

  async marks(cameraId: string, fromMs: number, toMs: number): Promise<Mark[]> {
    const rows = await this.d.client.imageList(cameraId, toEenTimestamp(fromMs), toEenTimestamp(toMs), 'thumb');
    return toThumbnailMarks(rows, fromMs, toMs);
  }

  async still(cameraId: string, atMs: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const still = this.stills.showingAt(cameraId, atMs) ?? (await this.fetchStill(cameraId, atMs));
    if (atMs - still.timestampMs > gapToleranceMs) {
      throw this.noRecording(cameraId, atMs, `; the closest earlier picture is from ${new Date(still.timestampMs).toISOString()}`, { nearestMs: still.timestampMs });
    }
    return { jpeg: still.jpeg, timestampMs: still.timestampMs };
  }

  async video(cameraId: string, atMs: number, options: { rate: number; profile: 'main' | 'sub'; signal?: AbortSignal }): Promise<RecordedSource> {
    if (options.rate < 0) {
      throw new AppFailure('reverse-unsupported', `${this.d.site}: Eagle Eye v1 plays recordings forwards only; step back by keyframes instead.`);
    }
    // v1 has no keyframes-only mode: fast playback takes the small stream; above 1× MP4 pieces.
    const choice = eenSpeedChoice(options.rate, options.profile);
    const quality: Quality = choice.small ? 'low' : 'high';
    const fast: FastPieces | undefined = choice.delivery === 'mp4' ? { rate: options.rate } : undefined;
    const { signal } = options;
    const clips = await this.clipsAround(cameraId, atMs, signal);
    const clip = clips.find((c) => c.fromMs <= atMs && atMs < c.toMs);
    if (!clip) {
      // A gap longer than the reach around atMs: the coverage of the next day says where it ends.
      const resumes = clips.find((c) => c.fromMs > atMs)?.fromMs ?? (await this.coverage(cameraId, atMs, atMs + resumeSearchMs)).find((p) => p.fromMs > atMs)?.fromMs;
      const words = resumes === undefined ? '' : `; the recording resumes at ${new Date(resumes).toISOString()}`;
      throw this.noRecording(cameraId, atMs, words, resumes === undefined ? {} : { nextRecordingMs: resumes });
    }
    const first = await this.pieceAt(cameraId, clip, atMs, quality, fast, signal);
    return { kind: 'pieces', first, rates: choice.rates, next: (afterMs, nextSignal) => this.nextPiece(cameraId, afterMs, quality, fast, nextSignal) };
  }

  /** The piece after the time reached: the clip that continues it (touching, or within a second), else null. */
  private async nextPiece(cameraId: string, reachedMs: number, quality: Quality, fast: FastPieces | undefined, signal?: AbortSignal): Promise<RecordedPiece | null> {
    const afterMs = continuationMs(reachedMs, fast?.plannedEndMs, this.gops.get(`${cameraId}|${quality}`));
    const clips = await this.clipsAround(cameraId, afterMs, signal);
    const clip = clips.find((c) => c.toMs > afterMs && c.fromMs <= afterMs + joinToleranceMs);
    if (!clip) return null;
    if (!fast && clip.fromMs >= afterMs) return this.piece(cameraId, clip, clip.fromMs, quality);
    return this.pieceAt(cameraId, clip, Math.max(afterMs, clip.fromMs), quality, fast, signal);
  }

  private async pieceAt(cameraId: string, clip: Period, atMs: number, quality: Quality, fast?: FastPieces, signal?: AbortSignal): Promise<RecordedPiece> {
    const gopMs = await this.keyframeSpacing(cameraId, clip, atMs, quality);
    const startMs = keyframeAtOrBefore(clip.fromMs, gopMs, atMs);
    if (!fast) return this.piece(cameraId, clip, startMs, quality);
    const span = fastPieceSpan(clip, gopMs, startMs, fast.rate);
    const piece = (await this.mp4Piece(cameraId, clip, span, quality, signal)) ?? this.piece(cameraId, clip, startMs, quality, span.toMs);
    fast.plannedEndMs = piece.endMs;
    return piece;
  }

  /**
   * The MP4 of [span) once Eagle Eye has made it (the job polled until 200), or null when it is
   * not ready within mp4WaitMs. "The start timestamp must match the starting timestamp of a
   * video": the clip's start, with time_offset to the span. `signal` (the playback sought
   * elsewhere or closed) ends the poll at once, its pause and its request alike.
   */
  private async mp4Piece(cameraId: string, clip: Period, span: Period, quality: Quality, signal = new AbortController().signal): Promise<RecordedPiece | null> {
    const query: Record<string, string> = {
      id: cameraId,
      start_timestamp: toEenTimestamp(clip.fromMs),
      end_timestamp: toEenTimestamp(span.toMs),
      ...(span.fromMs > clip.fromMs ? { time_offset: String(span.fromMs - clip.fromMs) } : {}),
      quality,
    };
    const deadline = this.d.now() + mp4WaitMs;
    for (let wait = mp4FirstPollMs; ; wait = Math.min(mp4MaxPollMs, wait * 2)) {
      if ((await this.d.client.mp4(query, cameraId, signal)).kind === 'ready') break;
      if (this.d.now() + wait > deadline) {
        this.d.log.info('recorded video: the MP4 piece was not ready in time; this piece comes in real time (FLV)', { site: this.d.site, camera: cameraId, waitedMs: mp4WaitMs });
        return null;
      }
      await pause(systemClock, wait, signal);
    }
    return { format: 'mp4', url: this.d.client.url('asset/play/video.mp4', query), headers: this.d.mediaHeaders(), startMs: span.fromMs, endMs: span.toMs };
  }

  /** The clip from startMs (a keyframe) to endMs (its end): `start_timestamp` is the clip's own start, as the service demands. */
  private piece(cameraId: string, clip: Period, startMs: number, quality: Quality, endMs = clip.toMs): RecordedPiece {
    const offset = startMs - clip.fromMs;
    const url = this.d.client.url('asset/play/video.flv', {
      id: cameraId,
      start_timestamp: toEenTimestamp(clip.fromMs),
      end_timestamp: toEenTimestamp(endMs),
      ...(offset > 0 ? { time_offset: offset } : {}),
      quality,
    });
    return { format: 'flv', url, headers: this.d.mediaHeaders(), startMs, endMs };
  }

  /** Clips (not coalesced: each starts with a keyframe) around atMs, oldest first. */
  private async clipsAround(cameraId: string, atMs: number, signal?: AbortSignal): Promise<Period[]> {
    return toClips(await this.d.client.videoList(cameraId, toEenTimestamp(atMs - clipReachMs), toEenTimestamp(atMs + clipReachMs), false, signal));
  }

  /**
   * The camera's keyframe spacing, learned from a few seconds of the clip near atMs (the part
   * about to be played, so an archive that must fetch it does so once). Undefined when the probe
   * holds fewer than two keyframes: playback then starts at the clip start, the one sure keyframe.
   */
  private async keyframeSpacing(cameraId: string, clip: Period, atMs: number, quality: Quality): Promise<number | undefined> {
    const key = `${cameraId}|${quality}`;
    const known = this.gops.get(key);
    if (known !== undefined) return known;
    const probeFrom = Math.max(clip.fromMs, Math.min(atMs, clip.toMs - probeSpanMs));
    const probeTo = Math.min(clip.toMs, probeFrom + probeSpanMs);
    const query: Record<string, string> = { id: cameraId, start_timestamp: toEenTimestamp(clip.fromMs), end_timestamp: toEenTimestamp(probeTo), quality };
    if (probeFrom > clip.fromMs) query.time_offset = String(probeFrom - clip.fromMs);
    const bytes = await this.d.client.recordedFlv(query, probeMaxBytes, probeTimeoutMs, holdsTwoKeyframes);
    if (!bytes) return undefined;
    const frames = flvVideoFrames(bytes);
    if (!frames) {
      const hint = bytes.subarray(0, 64).toString('utf8').trimStart().startsWith('<') ? 'a web page' : `${bytes.length} bytes of something else`;
      throw new AppFailure('bad-response', `${this.d.site}: expected recorded video (FLV) of camera ${this.d.nameOf(cameraId)} but got ${hint}.`);
    }
    const gopMs = keyframeSpacingMs(frames);
    if (gopMs === undefined) {
      this.d.log.debug('recorded video: keyframe spacing not found in the probe; playing from the clip start', { site: this.d.site, camera: cameraId, frames: frames.length });
      return undefined;
    }
    this.gops.set(key, gopMs);
    return gopMs;
  }

  private async fetchStill(cameraId: string, atMs: number): Promise<KnownStill> {
    const picture = await this.d.client.image('prev', cameraId, toEenTimestamp(atMs), 'all');
    if (!picture) throw this.noRecording(cameraId, atMs, '', {});
    const timestampMs = fromEenTimestamp(picture.timestamp);
    if (timestampMs === undefined) {
      throw new AppFailure('bad-response', `${this.d.site}: the recorded picture of camera ${this.d.nameOf(cameraId)} came without a valid x-ee-timestamp.`);
    }
    // "prev" is the latest picture at or before atMs: none lies in (timestampMs, atMs] (once settled).
    const nextMs = neighbourTime(picture.next);
    return this.stills.remember(cameraId, { timestampMs, jpeg: picture.jpeg, clearUntilMs: provenEmptyUntil(atMs, this.d.now()), ...(nextMs !== undefined && nextMs > timestampMs ? { nextMs } : {}) });
  }

  private noRecording(cameraId: string, atMs: number, more: string, detail: Record<string, unknown>): AppFailure {
    return new AppFailure('no-recording', `${this.d.site}: camera ${this.d.nameOf(cameraId)} has no recording at ${new Date(atMs).toISOString()}${more}.`, { atMs, ...detail });
  }
}
