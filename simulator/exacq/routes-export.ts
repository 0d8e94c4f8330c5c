/**
 * export.web: formats (no parameters), create (s, camera, start, end, format, name), status
 * (export=id, no session needed), download (action=download, only when complete) and finish.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { sendDownload } from '../downloads.js';
import { resolveCamera } from './cameras.js';
import { plannedExportMs } from './exports.js';
import { contentDisposition, sendJson, type Params } from './http.js';
import { recordedClips } from './searches.js';
import { checkSessions, denySession, offsetlessMinutes, type ExacqState } from './state.js';
import { parseExacqTime } from './time.js';

/**
 * Only MP4 is produced. The real default, ps_zip (a zip of MPEG-PS files), is knowingly left
 * out: asking for it (or for no format) is refused as an unknown format.
 */
export const exportFormats = ['mp4'];

export async function exportWeb(state: ExacqState, params: Params, res: ServerResponse): Promise<void> {
  await state.exports.purge(state.options.exportIdleMs);
  const exportId = params.get('export');
  if (exportId !== undefined) return existing(state, params, exportId, res);
  const creating = ['s', 'camera', 'audio', 'serial', 'start', 'end'].some((key) => params.has(key));
  if (!creating) return sendJson(res, 200, { success: true, formats: exportFormats });
  return create(state, params, res);
}

async function create(state: ExacqState, params: Params, res: ServerResponse): Promise<void> {
  if (!params.has('camera') && !params.has('audio') && !params.has('serial')) {
    return sendJson(res, 400, { success: false, error: 'camera, audio or serial is required' });
  }
  if (!checkSessions(state, params)) return denySession(state, res);
  const offset = offsetlessMinutes(state.options);
  const startMs = parseExacqTime(params.get('start') ?? '', offset);
  const endMs = parseExacqTime(params.get('end') ?? '', offset);
  if (startMs === undefined || endMs === undefined || endMs <= startMs) {
    return sendJson(res, 400, { success: false, error: 'start and end must be RFC 3339 times, start before end' });
  }
  const format = params.get('format') ?? 'ps_zip';
  if (!exportFormats.includes(format)) return sendJson(res, 400, { success: false, error: `unsupported export format ${format}` });
  // One MP4 holds one camera: further cameras in the request are ignored.
  const camera = resolveCamera(state.ctx.media, params.get('camera'));
  if (!camera) return sendJson(res, 400, { success: false, error: 'unknown camera' });
  const clips = recordedClips(state.ctx.media, camera.index, startMs, endMs);
  if (clips.length === 0) return sendJson(res, 200, { success: false, error: 'no video in the requested range' });
  const recordedMs = clips.reduce((sum, clip) => sum + clip.endMs - clip.startMs, 0);
  const name = params.get('name') || 'Export';
  const job = state.exports.create({
    cameraIndex: camera.index,
    profile: camera.profile,
    startMs,
    endMs,
    filename: name.toLowerCase().endsWith(`.${format}`) ? name : `${name}.${format}`,
    plannedMs: plannedExportMs(recordedMs, state.options.exportSpeedup, state.options.exportMinMs),
  });
  sendJson(res, 200, { success: true, export_id: job.id });
}

async function existing(state: ExacqState, params: Params, exportId: string, res: ServerResponse): Promise<void> {
  const action = params.get('action');
  if (action === 'finish') {
    const removed = await state.exports.finish(exportId);
    return sendJson(res, removed ? 200 : 404, { success: removed });
  }
  const job = state.exports.touch(exportId);
  if (!job) return sendJson(res, 404, { success: false, error: 'unknown export' });
  const progress = Math.floor(job.progress);
  if (action === 'download') {
    // "An export cannot be downloaded until it has a status of completed."
    if (progress < 100 || !job.file) return sendJson(res, 400, { success: false, error: 'export is not complete', progress });
    return sendDownload(res, await readFile(job.file), { 'content-type': 'video/mp4', 'content-disposition': contentDisposition(job.filename) }, state.ctx.faults);
  }
  if (action !== undefined) return sendJson(res, 400, { success: false, error: `unknown action ${action}` });
  if (job.error) return sendJson(res, 200, { success: false, progress, error: job.error });
  sendJson(res, 200, { success: true, progress });
}
