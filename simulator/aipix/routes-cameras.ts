/** GET /api/v1/cameras (paginated), /api/v1/cameras/shows?ids[]= and /api/v1/cameras/{id}. */
import type { ServerResponse } from 'node:http';
import { cameraByClientId, cameraJson, paginate } from './cameras.js';
import { queryList, sendJson, sendValidation } from './http.js';
import type { AipixState } from './state.js';

const defaultPerPage = 25;
const maxPerPage = 100;
/** /cameras/shows takes at most 25 ids (docs). */
const maxShows = 25;

function positiveInt(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
}

export function listCameras(state: AipixState, url: URL, res: ServerResponse): void {
  const page = positiveInt(url.searchParams.get('page'), 1);
  const perPage = positiveInt(url.searchParams.get('per_page'), defaultPerPage);
  const errors: Record<string, string[]> = {};
  if (page === undefined) errors.page = ['The page must be an integer of at least 1.'];
  if (perPage === undefined || perPage > maxPerPage) errors.per_page = [`The per page must be between 1 and ${maxPerPage}.`];
  if (Object.keys(errors).length) return sendValidation(res, errors);

  const { media } = state.ctx;
  const search = url.searchParams.get('search')?.toLowerCase() ?? '';
  const statuses = queryList(url.searchParams, 'statuses');
  const excluded = new Set(queryList(url.searchParams, 'exclude_ids'));
  const cameras = media.cameras
    .map((cam) => cameraJson(media, cam, state.createdMs, state.ctx.now()))
    .filter((cam) => String(cam.name).toLowerCase().includes(search))
    .filter((cam) => statuses.length === 0 || statuses.includes(String(cam.status)))
    .filter((cam) => !excluded.has(String(cam.id)));
  sendJson(res, 200, paginate(cameras, page!, perPage!, `${state.baseUrl}/api/v1/cameras`, url.searchParams));
}

export function showCameras(state: AipixState, url: URL, res: ServerResponse): void {
  const ids = queryList(url.searchParams, 'ids');
  if (ids.length === 0) return sendValidation(res, { ids: ['The ids field is required.'] });
  if (ids.length > maxShows) return sendValidation(res, { ids: [`The ids may not have more than ${maxShows} items.`] });
  const { media } = state.ctx;
  // Ids that are not the user's are left out without an error (docs).
  const cameras = ids.flatMap((id) => {
    const cam = cameraByClientId(media, id);
    return cam ? [cameraJson(media, cam, state.createdMs, state.ctx.now())] : [];
  });
  sendJson(res, 200, cameras);
}

export function notFoundCamera(res: ServerResponse, id: string): void {
  sendJson(res, 404, { message: `No query results for model [App\\Models\\Camera] ${id}` });
}

export function showCamera(state: AipixState, id: string, res: ServerResponse): void {
  const cam = cameraByClientId(state.ctx.media, id);
  if (!cam) return notFoundCamera(res, id);
  sendJson(res, 200, cameraJson(state.ctx.media, cam, state.createdMs, state.ctx.now()));
}
