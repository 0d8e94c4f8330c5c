/** POST /api/v1/token (VMS Client API login). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadJson, readJson, sendJson, sendValidation } from './http.js';
import type { AipixState } from './state.js';
import { formatMicros, formatSqlTime } from './time.js';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function token(state: AipixState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    if (err instanceof BadJson) return sendValidation(res, { body: [err.message] });
    throw err;
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  if (typeof fields.login !== 'string' || fields.login === '') errors.login = ['The login field is required.'];
  if (typeof fields.password !== 'string' || fields.password === '') errors.password = ['The password field is required.'];
  const sessionId = fields.session_id;
  if (sessionId !== undefined && sessionId !== null && typeof sessionId !== 'string') errors.session_id = ['The session id must be a string.'];
  if (Object.keys(errors).length) return sendValidation(res, errors);
  if (fields.login !== state.ctx.username || fields.password !== state.ctx.password) {
    return sendValidation(res, { login: ['These credentials do not match our records.'] });
  }

  const result = state.sessions.issue({
    removeSessionId: sessionId as string | null | undefined,
    client: header(req, 'x-client'),
    uuid: header(req, 'x-uuid'),
  });
  if (result.kind === 'unknownSession') return sendValidation(res, { session_id: ['The selected session id is invalid.'] });
  if (result.kind === 'tooMany') {
    // 419: the docs name the code and the `session_id` retry but the body was not published;
    // this lists the sessions so a client can pick one to remove.
    return sendJson(res, 419, {
      message: 'The number of sessions has been exceeded.',
      sessions: result.sessions.map((s) => ({
        id: s.id,
        client: s.client ?? null,
        uuid: s.uuid ?? null,
        created_at: formatMicros(s.createdMs),
        last_used_at: formatMicros(s.lastUsedMs),
      })),
    });
  }
  const now = state.ctx.now();
  sendJson(res, 200, {
    user: {
      id: 1,
      login: state.ctx.username,
      name: state.ctx.username.split('@')[0],
      parent_id: null,
      permissions: [{ id: 1, name: 'cameras-view' }, { id: 2, name: 'archive-view' }, { id: 3, name: 'archive-download' }],
      created_at: formatSqlTime(state.createdMs),
      updated_at: formatSqlTime(now),
      access_token_id: result.session.id,
      can_update_password: true,
      analytic_license: [],
    },
    // Already prefixed: clients send it as the Authorization header verbatim (§5.1).
    access_token: `Bearer ${result.session.token}`,
  });
}
