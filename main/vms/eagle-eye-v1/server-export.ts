/**
 * Eagle Eye v1 exports: the MP4 form of /asset/play (seed 000 "Get Video"). The first request
 * creates a transcode (201), the same URL answers 202 while it runs, then 200 with the file.
 * Polled with a growing pause; the 200 answer's body is left unread, so the export manager
 * downloads the file once, from the same URL, with the session cookie as a header.
 *
 * "The start timestamp must match the starting timestamp of a video": the recording holding
 * `fromMs` is looked up first (/asset/list/video) and the clip asked as that video's start plus
 * `time_offset`; the service starts on the key frame at or before it. Eagle Eye stores video in
 * segments of at most 5 minutes and asks clients to fetch no more at a time: that is maxRangeMs.
 * v1 has no job to cancel or release: an abandoned transcode just expires on the service.
 */
import { AppFailure } from '../../../preload/contract/index.js';
import type { Clock } from '../../media/clock.js';
import type { ServerExport, ServerExportFile } from '../adapter.js';
import { checkRange, exportStalled, waitForExport, type ExportTiming } from '../export-wait.js';
import { sessionExpired } from '../session-errors.js';
import type { EenV1Client } from './client.js';
import { fromEenTimestamp, toEenTimestamp } from './mapper.js';
import type { WireVideoRow } from './wire-types.js';

/** Eagle Eye's segment length and its advice for one fetch (seed 000 "Retrieve Video"). */
export const eenV1ClipLimitMs = 5 * 60_000;

/**
 * v1 reports no percentage, only "not yet": a 5-minute clip normally transcodes in well under a
 * minute, so three minutes of 202 is a transcode that is not coming.
 */
export const eenV1ExportTiming: ExportTiming = { firstPollMs: 500, maxPollMs: 5000, stallMs: 3 * 60_000 };

export interface EenV1ExportDeps {
  client: EenV1Client;
  site: string;
  /** The camera's name in messages ("Loading dock"), or its id. */
  nameOf(cameraId: string): string;
  now(): number;
  timing?: Partial<ExportTiming>;
  clock?: Clock;
}

/** A recorded video, epoch ms. */
export interface VideoSpan {
  startMs: number;
  endMs: number;
}

/**
 * Where /asset/play must start for [fromMs, toMs): the video holding fromMs and the offset into
 * it; or, when fromMs falls in a gap, the first video starting before toMs (the gap is not
 * recorded). Null when nothing is recorded in the range. Pure.
 */
export function playStart(videos: readonly VideoSpan[], fromMs: number, toMs: number): { startMs: number; offsetMs: number } | null {
  const sorted = [...videos].sort((a, b) => a.startMs - b.startMs);
  const holding = sorted.filter((v) => v.startMs <= fromMs && v.endMs > fromMs).pop();
  if (holding) return { startMs: holding.startMs, offsetMs: fromMs - holding.startMs };
  const later = sorted.find((v) => v.startMs > fromMs && v.startMs < toMs);
  return later ? { startMs: later.startMs, offsetMs: 0 } : null;
}

export class EenV1ServerExport implements ServerExport {
  readonly maxRangeMs = eenV1ClipLimitMs;
  private readonly timing: ExportTiming;

  constructor(private readonly deps: EenV1ExportDeps) {
    this.timing = { ...eenV1ExportTiming, ...deps.timing };
  }

  async prepare(cameraId: string, fromMs: number, toMs: number, o: { signal: AbortSignal; onProgress(fraction: number, step: string): void }): Promise<ServerExportFile> {
    const { client, site } = this.deps;
    const name = this.deps.nameOf(cameraId);
    checkRange(site, fromMs, toMs, this.maxRangeMs, this.deps.now());
    o.onProgress(0, 'Looking up the recording on Eagle Eye');
    const rows = await client.videoList(cameraId, toEenTimestamp(fromMs), toEenTimestamp(toMs), false, o.signal);
    const start = playStart(rows.map((row) => this.span(row, name)), fromMs, toMs);
    if (!start) throw new AppFailure('no-recording', `${site}: camera ${name} has no recording between ${iso(fromMs)} and ${iso(toMs)}.`);
    const query: Record<string, string> = {
      id: cameraId,
      start_timestamp: toEenTimestamp(start.startMs),
      end_timestamp: toEenTimestamp(toMs),
      ...(start.offsetMs > 0 ? { time_offset: String(start.offsetMs) } : {}),
    };
    const ready = await waitForExport({
      signal: o.signal,
      timing: this.timing,
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      poll: async () => {
        const answer = await client.mp4(query, cameraId, o.signal);
        return answer.kind === 'ready' ? { done: true, value: answer } : { done: false, progress: undefined, step: 'Eagle Eye is preparing the clip' };
      },
      onProgress: o.onProgress,
      stalled: (waitedMs) => exportStalled(site, 'Eagle Eye', waitedMs, undefined),
    });
    const authKey = client.authKey;
    if (!authKey) throw sessionExpired(site, 'signed out while the clip was prepared');
    o.onProgress(1, 'Eagle Eye has the clip ready');
    return {
      url: client.url('asset/play/video.mp4', query),
      // The session travels as a cookie header, never in the URL (which may reach a log).
      headers: { cookie: `auth_key=${authKey}` },
      format: 'mp4',
      ...(ready.sizeBytes !== undefined ? { sizeBytes: ready.sizeBytes } : {}),
      resumable: ready.resumable,
      // Nothing to release: v1 keeps no export job a client could end.
      finish: () => Promise.resolve(),
    };
  }

  private span(row: WireVideoRow, name: string): VideoSpan {
    const startMs = fromEenTimestamp(row.s);
    const endMs = fromEenTimestamp(row.e);
    if (startMs === undefined || endMs === undefined || endMs < startMs) {
      throw new AppFailure('bad-response', `${this.deps.site}: the recording list of camera ${name} holds a video with unreadable times ("${row.s.slice(0, 20)}"–"${row.e.slice(0, 20)}").`);
    }
    return { startMs, endMs };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
