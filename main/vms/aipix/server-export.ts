/**
 * AIPIX exports: the archive download link the thick client uses (GET
 * /api/v1/cameras/{id}/archive/link?from&to → {link}, VMS-APIS §5.4), an MP4 of the range that the
 * media server makes while it is downloaded. There is no job: nothing to poll, cancel or release
 * (finish does nothing), and nothing that can stall before the download. The link carries a
 * short-lived token (`?token=`, minutes): the export manager downloads it right away and asks
 * again (prepare) after a failure rather than reusing it.
 *
 * AIPIX's asynchronous /api/v1/downloads pushes its link over a WebSocket that is not documented
 * (VMS-APIS §5.4), so it is not used.
 */
import type { ServerExport, ServerExportFile } from '../adapter.js';
import { checkRange } from '../export-wait.js';
import type { AipixClient } from './client.js';
import { toAipixTime } from './mapper.js';

/** The MP4 streams without a size and does not resume: a broken download repeats at most 10 minutes. */
export const aipixExportLimitMs = 10 * 60_000;

export interface AipixExportDeps {
  client: AipixClient;
  site: string;
  now(): number;
}

export class AipixServerExport implements ServerExport {
  readonly maxRangeMs = aipixExportLimitMs;

  constructor(private readonly deps: AipixExportDeps) {}

  async prepare(cameraId: string, fromMs: number, toMs: number, o: { signal: AbortSignal; onProgress(fraction: number, step: string): void }): Promise<ServerExportFile> {
    checkRange(this.deps.site, fromMs, toMs, this.maxRangeMs, this.deps.now());
    o.onProgress(0, 'Asking AIPIX for the clip');
    const url = await this.deps.client.archiveDownloadLink(cameraId, toAipixTime(fromMs), toAipixTime(toMs), o.signal);
    o.onProgress(1, 'AIPIX has the clip ready');
    return { url, headers: {}, format: 'mp4', resumable: false, finish: () => Promise.resolve() };
  }
}
