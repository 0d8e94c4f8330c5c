/** Everything the exacq route handlers share, plus the answers for a dead session. */
import type { ServerResponse } from 'node:http';
import type { SimContext } from '../types.js';
import type { ExportStore } from './exports.js';
import { sendJson, sendText, type Params } from './http.js';
import type { LiveJpegCache } from './live-jpeg.js';
import type { ExacqOptions } from './options.js';
import type { Search, SearchStore } from './searches.js';
import type { SessionStore } from './sessions.js';

export interface LiveStreamHandle {
  cameraIndex: number;
  stop(): void;
}

export interface ExacqState {
  ctx: SimContext;
  options: ExacqOptions;
  sessions: SessionStore;
  searches: SearchStore;
  exports: ExportStore;
  jpegs: LiveJpegCache;
  /** Open video.web streams, so a camera going offline or close() can end them. */
  streams: Set<LiveStreamHandle>;
}

/** The web client's login page: what a dead session gets in `htmlLogin` mode, and what non-API paths serve. */
export const loginPageHtml = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>exacqVision Web Service</title></head>
<body><form method="post" action="/login.web">
<label>Username <input name="u"></label> <label>Password <input name="p" type="password"></label>
<input type="hidden" name="s" value="0"><button type="submit">Login</button>
</form></body></html>
`;

/** Answers a request whose session (or search) is unknown or expired, per options.expiryMode. */
export function denySession(state: ExacqState, res: ServerResponse): void {
  switch (state.options.expiryMode) {
    case 'status401':
      return sendJson(res, 401, { success: false });
    case 'successFalse':
      return sendJson(res, 200, { success: false });
    case 'htmlLogin':
      return sendText(res, 200, loginPageHtml, 'text/html; charset=utf-8');
  }
}

/** True when every `s` given is a live login session (repeated `s` is allowed: one per server). */
export function checkSessions(state: ExacqState, params: Params): boolean {
  const ids = params.all('s');
  return ids.length > 0 && ids.every((id) => state.sessions.touch(id));
}

/** A live search by id; using a search keeps its login session alive, and it dies with it. */
export function liveSearch(state: ExacqState, id: string | undefined): Search | undefined {
  const search = state.searches.get(id);
  if (!search) return undefined;
  if (!state.sessions.touch(search.sessionId)) {
    state.searches.delete(search.id);
    return undefined;
  }
  return search;
}

/** Offset (minutes) applied to request times that carry no zone. */
export function offsetlessMinutes(options: ExacqOptions): number {
  return options.offsetlessTimes === 'local' ? options.timezoneHours * 60 : 0;
}
