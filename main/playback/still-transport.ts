/**
 * The recorded still on the media transport: GET media/still?camera=<id>&at=<epoch ms>[&width=<px>]
 * (recordedStillPath in preload/contract/recordings.ts). The body is the JPEG; the time the
 * picture shows comes with it: `x-frame-time` on Electron's app scheme, `frameTimeMs` in the
 * head message of serve mode's WebSocket (then one binary message, then a normal close). A
 * failure answers a status, the message and its closed code (`x-error-code` / `code` in the head).
 * The client going away (a newer scrub position) aborts its wait and, when nobody else waits for
 * the same picture, the VMS request.
 */
import { WebSocket } from 'ws';
import { AppFailure, recordedStillRequestSchema, type ErrorCode, type MediaSocketHead, type RecordedStillRequest } from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';
import type { RecordedStills } from './recorded-stills.js';

export const stillPathname = '/media/still';

const statusOf: Partial<Record<ErrorCode, number>> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  'no-recording': 404,
  'not-recorded': 404,
  conflict: 409,
  unsupported: 501,
  unreachable: 502,
  'bad-response': 502,
  timeout: 504,
};

type Outcome = { ok: true; jpeg: Buffer; frameTimeMs: number } | { ok: false; status: number; code: ErrorCode; text: string };

/** The query as a still request, or why not. */
export function parseStillQuery(query: URLSearchParams): { ok: true; request: RecordedStillRequest } | { ok: false; text: string } {
  const number = (name: string): number | undefined => {
    const raw = query.get(name);
    return raw !== null && /^\d{1,16}$/.test(raw) ? Number(raw) : raw === null ? undefined : Number.NaN;
  };
  const width = number('width');
  const parsed = recordedStillRequestSchema.safeParse({ cameraId: query.get('camera') ?? undefined, atMs: number('at'), ...(width !== undefined ? { width } : {}) });
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = { cameraId: 'camera', atMs: 'at', width: 'width' }[String(issue.path[0])] ?? 'query';
  return { ok: false, text: `The still request is malformed: ${field} ${issue.message}.` };
}

async function answer(stills: RecordedStills, query: URLSearchParams, signal: AbortSignal, log: Logger): Promise<Outcome> {
  const parsed = parseStillQuery(query);
  if (!parsed.ok) return { ok: false, status: 400, code: 'bad-request', text: parsed.text };
  const { cameraId, atMs, width } = parsed.request;
  try {
    const still = await stills.get(cameraId, atMs, width, signal);
    return { ok: true, jpeg: still.jpeg, frameTimeMs: still.timestampMs };
  } catch (err) {
    if (err instanceof AppFailure) return { ok: false, status: statusOf[err.error.code] ?? 500, code: err.error.code, text: err.error.message };
    if (!signal.aborted) log.error('recorded still failed', { camera: cameraId, error: err });
    return { ok: false, status: 500, code: 'internal', text: 'Tessera failed while fetching the recorded still; the details are in the log.' };
  }
}

/** Electron's app scheme: one Response. */
export async function stillResponse(stills: RecordedStills, url: URL, signal: AbortSignal, log: Logger): Promise<Response> {
  const outcome = await answer(stills, url.searchParams, signal, log);
  if (outcome.ok) {
    return new Response(new Uint8Array(outcome.jpeg), {
      status: 200,
      headers: { 'content-type': 'image/jpeg', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-time': String(outcome.frameTimeMs) },
    });
  }
  return new Response(`${outcome.text}\n`, { status: outcome.status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-error-code': outcome.code } });
}

/** Serve mode: head, the JPEG as one binary message, a normal close; closing the socket first aborts. */
export function serveStillSocket(stills: RecordedStills, url: URL, ws: WebSocket, log: Logger): void {
  const controller = new AbortController();
  ws.once('close', () => controller.abort());
  void answer(stills, url.searchParams, controller.signal, log).then((outcome) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const head: MediaSocketHead = outcome.ok
      ? { status: 200, contentType: 'image/jpeg', frameTimeMs: outcome.frameTimeMs }
      : { status: outcome.status, text: outcome.text, code: outcome.code };
    ws.send(JSON.stringify(head));
    if (outcome.ok) ws.send(outcome.jpeg, { binary: true });
    ws.close(1000, outcome.ok ? 'still sent' : 'no still');
  });
}
