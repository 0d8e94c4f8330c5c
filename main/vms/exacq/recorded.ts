/**
 * exacqVision recorded media (seed 003 "Search", VMS-APIS §4.6). Everything recorded is reached
 * through a stateful search (search.web): its clips are the coverage, its "frame at time" the
 * still, and its play head, kept by the server, the video: video.web?search_id streams H.264 at
 * the play head's pace and direction, steered by playspeed.web (reverse included), step.web and
 * timestamp.web. Every search made here is logged out (the seed: "when finished with a search, a
 * request should be made to Logout"), whatever happens.
 */
import { AppFailure } from '../../../preload/contract/index.js';
import { clipPeriods, periodAt, type Period } from '../../../common/time-periods.js';
import type { Mark } from '../../../preload/contract/index.js';
import type { RecordedPlayhead, RecordedSource } from '../../media/sources.js';
import type { Logger } from '../../logging/logger.js';
import type { RecordedMedia } from '../adapter.js';
import type { ExacqClient } from './client.js';
import { clipAt, clipsToPeriods, fromExacqTime, recordedFps, searchOffsetOf, toExacqSpeed, toExacqTime, wallAtSearchOffset } from './mapper.js';
import type { WireSearch } from './wire-types.js';

/** How much recording a still's search spans after the asked instant, ms (the frame is looked up inside it). */
const stillSpanMs = 1000;
/**
 * A playback's search starts this long before the asked time, ms: the stream then starts on the
 * keyframe before that time inside the search (so its time offset tells exactly where), and a
 * seek may go this far back without a new search.
 */
const playbackLeadMs = 10 * 60_000;
/** The first part of a search stream may wait for the server to read the recording from disk, ms. */
const firstFrameTimeoutMs = 30_000;
/** Frame rate assumed when a search gives no frame count (the simulator and many sites record at 10 fps). */
const fallbackFps = 10;

/** What the recorded part needs of the adapter: its session, time zone and cameras. */
export interface ExacqSite {
  readonly name: string;
  readonly client: ExacqClient;
  readonly log: Logger;
  now(): number;
  session(): string;
  /** config.web `timezone` (hours), read once. */
  timezone(): Promise<number>;
  /** The session and JPEG format for a camera's pictures ('not-found' for an unknown camera). */
  jpegFormat(cameraId: string): Promise<{ session: string; format: number }>;
  /** The id of a camera's H.264 stream for a profile ('not-found', 'unsupported'). */
  h264Stream(cameraId: string, profile: 'main' | 'sub'): Promise<string>;
  nameOf(cameraId: string): string;
}

export class ExacqRecorded implements RecordedMedia {
  /** exacq plays backwards itself: playspeed.web takes negative speeds. */
  readonly reverse = 'server' as const;

  constructor(private readonly site: ExacqSite) {}

  async coverage(cameraId: string, fromMs: number, toMs: number): Promise<Period[]> {
    const stream = await this.site.h264Stream(cameraId, 'main').catch((err: unknown) => this.unlessUnsupported(err, cameraId));
    const tz = await this.site.timezone();
    const found = await this.site.client.search(this.site.session(), stream, toExacqTime(fromMs, tz, 'floor'), toExacqTime(toMs, tz, 'ceil'));
    try {
      return clipPeriods(this.periodsOf(found, stream, tz), fromMs, toMs);
    } finally {
      await this.closeSearch(found.search_id);
    }
  }

  /**
   * exacq has no motion list a client can read: the seed's metadata search answers where data is
   * stored (its camera entries were lost from the seed), active events are live only.
   */
  async marks(): Promise<Mark[] | null> {
    return null;
  }

  /** Frame at time inside a one-second search; the frame shown is the one of that whole second. */
  async still(cameraId: string, atMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const { session, format } = await this.site.jpegFormat(cameraId);
    const tz = await this.site.timezone();
    const { client } = this.site;
    const found = await client.search(session, cameraId, toExacqTime(atMs, tz, 'floor'), toExacqTime(atMs + stillSpanMs, tz, 'ceil'));
    try {
      const clip = found.search_id ? clipAt(this.periodsOf(found, cameraId, tz), atMs) : undefined;
      if (!found.search_id || !clip) throw this.noRecording(cameraId, atMs);
      const jpeg = await client.frameAt(session, found.search_id, cameraId, toExacqTime(atMs, tz), format, width);
      if (!jpeg) throw this.noRecording(cameraId, atMs);
      return { jpeg, timestampMs: Math.max(clip.fromMs, Math.floor(atMs / 1000) * 1000) };
    } finally {
      await this.closeSearch(found.search_id);
    }
  }

  /**
   * A search from a while before atMs to now, its play head stepped to atMs and left paused
   * there. The stream (raw H.264, format 5) starts on the keyframe at or before atMs; the time
   * offset of its first multipart part says which, so `startMs` is that frame's time exactly.
   */
  async video(cameraId: string, atMs: number, options: { rate: number; profile: 'main' | 'sub' }): Promise<RecordedSource> {
    if (toExacqSpeed(options.rate) === undefined) throw badSpeed(this.site.name, options.rate);
    const stream = await this.site.h264Stream(cameraId, options.profile);
    const session = this.site.session();
    const tz = await this.site.timezone();
    const nowMs = this.site.now();
    if (atMs >= nowMs) throw this.noRecording(cameraId, atMs, 'that is in the future');
    const { client } = this.site;
    const found = await client.search(session, stream, toExacqTime(atMs - playbackLeadMs, tz, 'floor'), toExacqTime(nowMs, tz, 'ceil'));
    const searchId = found.search_id;
    if (!searchId) throw this.noRecording(cameraId, atMs);
    let playhead: ExacqPlayhead | undefined;
    try {
      const periods = this.periodsOf(found, stream, tz);
      if (!periodAt(periods, atMs)) throw this.noRecording(cameraId, atMs);
      const fps = recordedFps(numberOf(found.frameCounts?.[stream]), periods);
      if (fps === undefined) this.site.log.warn(`the search gave no frame count; assuming ${fallbackFps} fps`, { site: this.site.name });
      playhead = new ExacqPlayhead(this.site, searchId, periods, fps ?? fallbackFps, tz);
      await playhead.seek(atMs);
      const first = await client.firstPartHeaders(session, searchId, stream, firstFrameTimeoutMs);
      const offset = Number(first.get('timeoffset'));
      const startMs = Number.isFinite(offset) ? wallAtSearchOffset(periods, offset) : undefined;
      if (startMs === undefined) throw new AppFailure('bad-response', `${this.site.name}: the recorded video of camera ${this.site.nameOf(cameraId)} gives no time offset for its first frame.`);
      return {
        kind: 'playhead',
        piece: { format: 'h264', url: client.searchStreamUrl(session, searchId, stream), headers: {}, startMs, endMs: periods.at(-1)!.toMs, fps: fps ?? fallbackFps },
        playhead,
        // Every part's TimeOffset (ms of recorded time into the search) gives its frame's wall time.
        parts: {
          url: client.searchStreamUrl(session, searchId, stream, true),
          headers: {},
          wallMsOf: (headers) => {
            const offset = Number(headers.timeoffset);
            return headers.timeoffset !== undefined && Number.isFinite(offset) ? wallAtSearchOffset(periods, offset) : undefined;
          },
        },
      };
    } catch (err) {
      await (playhead ? playhead.close() : this.closeSearch(searchId));
      throw err;
    }
  }

  /** The clips of one camera in a search answer, as periods; a clip that is no time is a broken answer. */
  private periodsOf(found: WireSearch, camera: string, tz: number): Period[] {
    const infos = found.videoInfo ?? [];
    const mine = infos.some((info) => info.id !== undefined) ? infos.filter((info) => info.id === undefined || info.id === camera) : infos;
    const periods = clipsToPeriods(
      mine.flatMap((info) => info.clips),
      tz,
    );
    if (!periods) throw new AppFailure('bad-response', `${this.site.name}: the recording search answer has a clip whose time is not a time.`);
    return periods;
  }

  private async closeSearch(searchId: string | undefined): Promise<void> {
    if (searchId) await closeSearch(this.site, searchId);
  }

  /** A camera without H.264 still has recordings to list: coverage searches the camera itself. */
  private unlessUnsupported(err: unknown, cameraId: string): string {
    if (err instanceof AppFailure && err.error.code === 'unsupported') return cameraId;
    throw err;
  }

  private noRecording(cameraId: string, atMs: number, why?: string): AppFailure {
    return new AppFailure('no-recording', `${this.site.name}: camera ${this.site.nameOf(cameraId)} has no recording at ${new Date(atMs).toISOString()}${why ? ` (${why})` : ''}.`);
  }
}

/** A search's play head, kept by the server (the search is paused until the first setSpeed). */
class ExacqPlayhead implements RecordedPlayhead {
  private closed = false;

  constructor(
    private readonly site: ExacqSite,
    private readonly searchId: string,
    /** The search's recorded periods: exacq counts offsets and frames in recorded time. */
    private readonly periods: readonly Period[],
    private readonly fps: number,
    private readonly tz: number,
  ) {}

  async setSpeed(rate: number): Promise<void> {
    const speed = toExacqSpeed(rate);
    if (speed === undefined) throw badSpeed(this.site.name, rate);
    await this.site.client.setPlayspeed(this.live(), speed);
  }

  async step(direction: 1 | -1): Promise<void> {
    await this.site.client.step(this.live(), direction);
  }

  /**
   * exacq has no "go to time": read the play head (timestamp.web), count the recorded frames
   * to atMs (gaps are not counted: exacq squeezes them out) and step that many.
   */
  async seek(atMs: number): Promise<void> {
    const searchId = this.live();
    const first = this.periods[0]!;
    const last = this.periods.at(-1)!;
    if (atMs < first.fromMs || atMs >= last.toMs) {
      throw new AppFailure('bad-request', `${this.site.name}: ${new Date(atMs).toISOString()} is outside this playback's search (${new Date(first.fromMs).toISOString()} to ${new Date(last.toMs).toISOString()}); open playback there instead.`);
    }
    const text = await this.site.client.playhead(searchId);
    const currentMs = fromExacqTime(text, this.tz);
    if (currentMs === undefined) throw new AppFailure('bad-response', `${this.site.name}: the play head of a search is not a time ("${text.slice(0, 40)}").`);
    const frameMs = 1000 / this.fps;
    const frameOf = (wallMs: number): number => Math.floor(searchOffsetOf(this.periods, wallMs) / frameMs + 1e-6);
    const frames = frameOf(atMs) - frameOf(currentMs);
    if (frames !== 0) await this.site.client.step(searchId, frames);
  }

  /** Logs the search out once; a failure is logged (the server drops the search with the session anyway). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeSearch(this.site, this.searchId);
  }

  private live(): string {
    if (this.closed) throw new AppFailure('bad-request', `${this.site.name}: this recorded playback is closed.`);
    return this.searchId;
  }
}

async function closeSearch(site: ExacqSite, searchId: string): Promise<void> {
  await site.client.logout(searchId).catch((err: unknown) => site.log.debug('closing a search failed', { site: site.name, error: err }));
}

function badSpeed(site: string, rate: number): AppFailure {
  return new AppFailure('bad-request', `${site}: exacqVision plays at most 128× either way (asked ${rate}×).`);
}

function numberOf(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
