/**
 * AIPIX recorded media (VMS-APIS §5.2–5.3, seed 004). Coverage is the camera's `archive_ranges`;
 * a still is the integration API's JPEG preview with `date` where the camera's UUID is known,
 * else a frame cut from a short archive link; video is archive HLS (VOD): the playlist starts on
 * the keyframe at or before the asked time, its EXT-X-PROGRAM-DATE-TIME is that frame's wall time,
 * and EXT-X-ENDLIST ends it. AIPIX cannot play backwards: Tessera steps keyframes ('keyframes').
 */
import { AppFailure, type Mark } from '../../../preload/contract/index.js';
import { clipPeriods, periodAt, type Period } from '../../../common/time-periods.js';
import type { RecordedPiece, RecordedSource } from '../../media/sources.js';
import type { RecordedMedia } from '../adapter.js';
import type { AipixClient, StreamType } from './client.js';
import { fromAipixTime, rangesToPeriods, readVodPlaylist, toAipixTime, type VodPlaylist } from './mapper.js';
import type { WireCamera } from './wire-types.js';

/** Archive span asked for a recorded still, s: enough to reach the next keyframe, small to cut. */
const stillArchiveSeconds = 10;
/** A recorded still may start this much after the asked time (the next frame), ms; later means a gap. */
const maxStillLeadMs = 1500;
/**
 * Link lifetime assumed when the answer states none (the client API's archive links do not;
 * VMS-APIS §5.3): the segments of a piece must be read before its token expires.
 */
const assumedLinkLifetimeMs = 300_000;
/**
 * Longest piece, ms. A piece is read at the playback rate (flow-controlled), so it must last
 * well inside the link's lifetime even when played slowly: half the lifetime left after a margin.
 */
const maxPieceMs = 30 * 60_000;
const minPieceMs = 30_000;
const linkMarginMs = 60_000;
const maxPlaylistBytes = 1024 * 1024;

/** What the recorded part needs of the adapter. */
export interface AipixSite {
  readonly name: string;
  readonly client: AipixClient;
  now(): number;
  /** The camera as last listed (or read once). */
  cameraOf(cameraId: string): Promise<WireCamera>;
  streamFor(cam: WireCamera, profile: 'main' | 'sub'): StreamType;
  nameOf(cam: WireCamera): string;
  /** The integration API's JPEG preview of the archive at atMs ('no-recording' on 404). */
  previewStill(cam: WireCamera, uuid: string, atMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }>;
  /** One frame of a media link, seekSeconds into it. */
  grab(url: string, width: number | undefined, seekSeconds: number): Promise<Buffer>;
  /** Throws for a refused media link. */
  checkMedia(status: number, what: 'live' | 'archive'): void;
}

export class AipixRecorded implements RecordedMedia {
  readonly reverse = 'keyframes' as const;
  /** How long an archive link lives, ms: the last stated lifetime, else the assumed one. */
  private linkLifetimeMs = assumedLinkLifetimeMs;

  constructor(private readonly site: AipixSite) {}

  async coverage(cameraId: string, fromMs: number, toMs: number): Promise<Period[]> {
    return clipPeriods(await this.recordedPeriods(cameraId), fromMs, toMs);
  }

  /** AIPIX lists no motion or events a client can read (only `services.motion_detect`). */
  async marks(): Promise<Mark[] | null> {
    return null;
  }

  async still(cameraId: string, atMs: number, width?: number): Promise<{ jpeg: Buffer; timestampMs: number }> {
    const cam = await this.site.cameraOf(cameraId);
    if (cam.uuid) return this.site.previewStill(cam, cam.uuid, atMs, width);
    // No UUID, no preview API: cut the frame from a short archive link starting at atMs.
    const link = await this.site.client.archiveLink(cam.id, toAipixTime(atMs), stillArchiveSeconds, this.site.streamFor(cam, 'main'));
    const movedTo = fromAipixTime(link.move_to);
    if (movedTo !== undefined && movedTo > atMs + maxStillLeadMs) throw this.noRecording(cam, atMs, `the archive begins at ${new Date(movedTo).toISOString()}`);
    const playlist = await this.playlist(cam, link.url);
    if (!playlist || playlist.segments === 0) throw this.noRecording(cam, atMs);
    const startMs = playlist.startMs ?? atMs;
    if (startMs > atMs + maxStillLeadMs) throw this.noRecording(cam, atMs, `the next recording starts at ${new Date(startMs).toISOString()}`);
    // The playlist starts on the keyframe before atMs; the frame of atMs's whole second lies that
    // far in (frames sit on whole seconds from a keyframe at whole frame rates), so the time is exact.
    const seconds = Math.max(0, Math.floor((atMs - startMs) / 1000));
    const jpeg = await this.site.grab(link.url, width, seconds);
    return { jpeg, timestampMs: startMs + seconds * 1000 };
  }

  /**
   * Archive HLS from atMs to the end of the recorded period holding it (gaps end a piece: the
   * caller sees null from next() and resumes where the coverage says), at most a piece's length.
   */
  async video(cameraId: string, atMs: number, options: { rate: number; profile: 'main' | 'sub' }): Promise<RecordedSource> {
    if (options.rate < 0) throw new AppFailure('reverse-unsupported', `${this.site.name}: AIPIX plays recordings forwards only; Tessera steps back keyframe by keyframe.`);
    const cam = await this.site.cameraOf(cameraId);
    const type = this.site.streamFor(cam, options.profile);
    const first = await this.piece(cam, type, atMs);
    if (!first) throw this.noRecording(cam, atMs);
    return { kind: 'pieces', first, next: (afterMs) => this.piece(cam, type, afterMs) };
  }

  /** The piece from atMs, or null where nothing is recorded then (a gap, the end, the future). */
  private async piece(cam: WireCamera, type: StreamType, atMs: number): Promise<RecordedPiece | null> {
    const period = periodAt(await this.recordedPeriods(cam.id), atMs);
    if (!period || atMs >= this.site.now()) return null;
    const fitMs = Math.max(minPieceMs, Math.min(maxPieceMs, (this.linkLifetimeMs - linkMarginMs) / 2));
    const seconds = Math.max(1, Math.ceil(Math.min(period.toMs - atMs, fitMs) / 1000));
    const link = await this.site.client.archiveLink(cam.id, toAipixTime(atMs), seconds, type);
    const expiresMs = fromAipixTime(link.expired_at);
    if (expiresMs !== undefined) this.linkLifetimeMs = Math.max(0, expiresMs - this.site.now());
    const movedTo = fromAipixTime(link.move_to);
    if (movedTo !== undefined && movedTo > atMs + maxStillLeadMs) return null;
    const playlist = await this.playlist(cam, link.url);
    if (!playlist || playlist.segments === 0) return null;
    if (playlist.startMs === undefined) {
      throw new AppFailure('bad-response', `${this.site.name}: the archive playlist of camera "${this.site.nameOf(cam)}" states no wall time (EXT-X-PROGRAM-DATE-TIME).`);
    }
    if (playlist.startMs > atMs + maxStillLeadMs) return null;
    return { format: 'hls', url: link.url, headers: {}, startMs: playlist.startMs, endMs: playlist.startMs + playlist.durationMs };
  }

  /** The camera's archive ranges, read fresh (the newest grows while the camera records). */
  private async recordedPeriods(cameraId: string): Promise<Period[]> {
    const known = await this.site.cameraOf(cameraId);
    const cam = await this.site.client.camera(known.id);
    if (!cam.archive_ranges) throw new AppFailure('unsupported', `${this.site.name}: the server lists no archive ranges for camera "${this.site.nameOf(cam)}".`);
    const periods = rangesToPeriods(cam.archive_ranges);
    if (!periods) throw new AppFailure('bad-response', `${this.site.name}: the archive ranges of camera "${this.site.nameOf(cam)}" hold a range that is no time span.`);
    return periods;
  }

  /** Reads an archive playlist: undefined on 404 (nothing there), anything but a playlist is a broken answer. */
  private async playlist(cam: WireCamera, url: string): Promise<VodPlaylist | undefined> {
    const response = await this.site.client.media(url, maxPlaylistBytes);
    if (response.status === 404) return undefined;
    this.site.checkMedia(response.status, 'archive');
    const playlist = readVodPlaylist(response.body.toString('utf8'));
    if (!playlist) {
      throw new AppFailure('bad-response', `${this.site.name}: the archive link of camera "${this.site.nameOf(cam)}" gave no playlist (${response.headers.get('content-type') ?? 'no content type'}, ${response.body.length} bytes).`);
    }
    return playlist;
  }

  private noRecording(cam: WireCamera, atMs: number, why?: string): AppFailure {
    return new AppFailure('no-recording', `${this.site.name}: camera "${this.site.nameOf(cam)}" has no recording at ${new Date(atMs).toISOString()}${why ? ` (${why})` : ''}.`);
  }
}
