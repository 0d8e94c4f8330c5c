/** login.web, logout.web and config.web (the camera list). */
import type { ServerResponse } from 'node:http';
import { cameraList } from './cameras.js';
import { sendJson, sendText, type Params } from './http.js';
import { checkSessions, denySession, loginPageHtml, type ExacqState } from './state.js';

/** Serial of the simulated server, in the seed's MAC-like form. */
export const serverSerial = '18-62-66-32-4E-AF';
export const serverName = 'Tessera Sim Server';

export function login(state: ExacqState, params: Params, res: ServerResponse): void {
  const { ctx, options } = state;
  const server = params.get('s') ?? '0';
  // Bad credentials (or an unknown server id) answer success:false with HTTP 200 (§4.3).
  if (params.get('u') !== ctx.username || params.get('p') !== ctx.password || server !== '0') {
    return sendJson(res, 200, { success: false });
  }
  const sessionId = state.sessions.create();
  const hours = Math.max(0, (ctx.now() - ctx.media.historyStartMs) / 3_600_000);
  const cameraIds = cameraList(ctx.media, false).map((cam) => String(cam.id));
  sendJson(res, 200, {
    success: true,
    [options.sessionIdField]: sessionId,
    canAutoLogin: false,
    daysRecordedVideo: Math.floor(hours / 24),
    managedFeatures: [],
    address: '127.0.0.1',
    user_permissions: { live: true, live_cameras: true, search: true, search_cameras: true, export_video: true, ptz: true },
    serial: serverSerial,
    login: false,
    group: { cameras: cameraIds, audios: [], serials: [], softTriggers: [], role: 'admin', permissions: {} },
    name: serverName,
    licenseInfo: {},
    restricted: false,
    admin_access_permissions: {},
    id: '0',
    port: 22609,
    version: '',
    model: 'unknown',
  });
}

/**
 * Logout answers 302 to the HTML login page (§4.3: "a 302 is sufficient"). The same call with a
 * search id as `s` closes that search (the seed: "when finished with a search, log out").
 */
export function logout(state: ExacqState, params: Params, res: ServerResponse): void {
  for (const id of params.all('s')) {
    if (!state.searches.delete(id)) {
      state.sessions.delete(id);
      state.searches.prune((sessionId) => sessionId !== id && state.sessions.isLive(sessionId));
    }
  }
  res.writeHead(302, { location: '/login.web', 'content-type': 'text/html', 'content-length': Buffer.byteLength(loginPageHtml) });
  res.end(loginPageHtml);
}

export function config(state: ExacqState, params: Params, res: ServerResponse): void {
  if (!checkSessions(state, params)) return denySession(state, res);
  const body = {
    timezone: state.options.timezoneHours,
    name: serverName,
    restricted: false,
    Cameras: cameraList(state.ctx.media, params.flag('showAll')),
  };
  if (params.get('output') === 'json') return sendJson(res, 200, body);
  // Without output=json real servers answer a URL-encoded form; only the JSON form is modelled.
  sendText(res, 400, 'Invalid Request');
}
