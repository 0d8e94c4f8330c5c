/**
 * Views, tours, groups, status and mechanical PTZ. The seed kept the envelopes
 * (`{Folders, Views}`, `{folders, success, tours}`, `{success, groups}`, `{Presets}`) but lost
 * the item layouts and most paths; items here borrow the Video Push "live view" item shape
 * (`{id, server, type: 1 camera, slot}`), the only item layout the seed kept. Paths marked [?]
 * in VMS-APIS §4.2 are guesses: views.web, tours.web, ptz.web, thumbnail.web.
 */
import type { ServerResponse } from 'node:http';
import { cameraId, resolveCamera } from './cameras.js';
import { sendEmpty, sendJpeg, sendJson, sendText, type Params } from './http.js';
import { checkSessions, denySession, type ExacqState } from './state.js';

const cameraItemType = 1;

function cameraItems(state: ExacqState, indexes: number[]): Record<string, unknown>[] {
  return indexes.map((index, slot) => ({ id: String(cameraId(index)), server: '0', type: cameraItemType, slot }));
}

/** Smallest square grid (1, 4, 9, 16 …) holding n items. */
export function gridSlots(n: number): number {
  const side = Math.max(1, Math.ceil(Math.sqrt(n)));
  return side * side;
}

/** Views: one with every camera, then quads of four. Ids are stable for a given camera count. */
export function viewList(cameraCount: number): { id: string; name: string; layout: number; indexes: number[] }[] {
  const all = Array.from({ length: cameraCount }, (_, i) => i);
  const views = [{ id: '1', name: 'All Cameras', layout: gridSlots(cameraCount), indexes: all }];
  for (let start = 0; start < cameraCount; start += 4) {
    const indexes = all.slice(start, start + 4);
    views.push({ id: String(views.length + 1), name: `Quad ${start / 4 + 1}`, layout: 4, indexes });
  }
  return views;
}

export function views(state: ExacqState, params: Params, res: ServerResponse): void {
  if (!checkSessions(state, params)) return denySession(state, res);
  const list = viewList(state.ctx.media.cameras.length).map((view) => ({
    id: view.id,
    name: view.name,
    layout: view.layout,
    folder: '',
    items: cameraItems(state, view.indexes),
  }));
  sendJson(res, 200, { Folders: {}, Views: list });
}

export function tours(state: ExacqState, params: Params, res: ServerResponse): void {
  if (!checkSessions(state, params)) return denySession(state, res);
  const quads = viewList(state.ctx.media.cameras.length).slice(1);
  sendJson(res, 200, {
    folders: {},
    success: true,
    tours: [
      // A live tour: the quad views in turn, 10 s each.
      { id: '1', name: 'Quads', folder: '', items: quads.map((view) => ({ type: 'view', id: view.id, dwell: 10 })) },
    ],
  });
}

export function groups(state: ExacqState, params: Params, res: ServerResponse): void {
  if (!checkSessions(state, params)) return denySession(state, res);
  const all = state.ctx.media.cameras.map((cam) => cam.index);
  sendJson(res, 200, { success: true, groups: [{ id: '1', name: 'All Cameras', items: cameraItems(state, all) }] });
}

/** status.web: live status of the cameras asked for (or all), `state` as in config.web. */
export function status(state: ExacqState, params: Params, res: ServerResponse): void {
  if (!checkSessions(state, params)) return denySession(state, res);
  const { media } = state.ctx;
  const asked = params.all('camera').map((raw) => resolveCamera(media, raw));
  const refs = asked.length ? asked.filter((ref) => ref !== undefined) : media.cameras.map((cam) => ({ index: cam.index, id: cameraId(cam.index) }));
  const camera = refs.map((ref) => ({ id: String(ref.id), state: media.isOnline(ref.index) ? 0 : 1 }));
  sendJson(res, 200, { success: true, camera, trigger: [], map: [] });
}

/** GET lists presets; POST (preset | pspeed/tspeed/zspeed | direction) answers 200 with an empty body. */
export function ptz(state: ExacqState, params: Params, method: string | undefined, res: ServerResponse): void {
  if (!checkSessions(state, params)) return denySession(state, res);
  const camera = resolveCamera(state.ctx.media, params.get('camera'));
  if (!camera) return sendText(res, 400, 'Invalid Request');
  if (method === 'GET') {
    return sendJson(res, 200, { Presets: [1, 2, 3].map((id) => ({ id, name: `Preset ${id}` })) });
  }
  const action = ['preset', 'pspeed', 'tspeed', 'zspeed', 'direction'].some((key) => params.has(key));
  if (!action) return sendText(res, 400, 'Invalid Request');
  sendEmpty(res, 200);
}

const thumbnailSizes = [80, 128, 200];

/** Cached thumbnail preview: size 0/1/2 = 80/128/200 px wide (our pictures are 16:9, not square). */
export async function thumbnail(state: ExacqState, params: Params, res: ServerResponse): Promise<void> {
  if (!checkSessions(state, params)) return denySession(state, res);
  const { media } = state.ctx;
  const camera = resolveCamera(media, params.get('camera'));
  const width = thumbnailSizes[params.int('size') ?? 0];
  if (!camera || width === undefined) return sendText(res, 400, 'Invalid Request');
  if (!media.isOnline(camera.index)) return sendText(res, 503, 'Camera unavailable');
  const still = await media.liveStill(camera.index, width);
  sendJpeg(res, still.jpeg);
}
