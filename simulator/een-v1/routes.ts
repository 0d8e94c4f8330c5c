/**
 * The HTTP surface of the simulated v1 service. The login host and the branded host
 * (`{active_brand_subdomain}.eagleeyenetworks.com`) are the same address here, so every route
 * answers on the one port. Everything except the three login steps needs a session (`A` or the
 * `auth_key` cookie) and answers 401 without one.
 */
import type { ServerResponse } from 'node:http';
import { handleImage, handleImageList, handlePngSpan, handleVideoList, clientGone, type ImageMode } from './assets.js';
import { bridgeObject, cameraObject, deviceListRow, filterRows, stableGuid, type EenBridgeDevice, type EenCameraDevice } from './devices.js';
import { cookie, param, parseRequest, sendJson, sendStatus, sessionKeyOf, type EenRequest } from './http.js';
import { configurationFrom, layoutRow, type Layout } from './layouts.js';
import { handlePlay } from './play.js';
import { parseSubscription } from './poll.js';
import type { EenServices } from './services.js';
import type { Session, SimUser } from './sessions.js';
import { formatEen } from './timestamps.js';

type Handler = (svc: EenServices, req: EenRequest, res: ServerResponse, session: Session, match: RegExpExecArray) => void | Promise<void>;

interface Route {
  methods: readonly string[];
  path: RegExp;
  handler: Handler;
}

const IMAGE_RE = /^\/asset\/(asset|prev|next|after)\/image\.jpe?g$/;

export function userObject(svc: EenServices, user: SimUser): Record<string, unknown> {
  const { options, world } = svc;
  const row = world.rowContext();
  return {
    is_sms_include_picture: 0,
    last_name: 'Operator',
    uid: ' ',
    is_export_video: 1,
    layouts: [...svc.layouts.keys()],
    account_map_lines: null,
    postal_code: null,
    is_account_superuser: 1,
    timezone: row.timezone,
    active_brand_subdomain: options.brandSubdomain,
    sms_phone: user.twoFactor ? '+15555550779' : null,
    city: null,
    first_name: user.twoFactor ? 'Secure' : 'Demo',
    user_id: user.id,
    is_notify_enable: 1,
    owner_account_id: options.accountId,
    json: '{}',
    id: user.id,
    is_superuser: 0,
    state: null,
    last_login: formatEen(world.now()),
    is_recorded_video: 1,
    camera_access: world.inventory.cameras.map((c) => [c.esn, 'r']),
    notify_period: ['0-0000-2359', '1-0000-2359', '2-0000-2359', '3-0000-2359', '4-0000-2359', '5-0000-2359', '6-0000-2359'],
    email: user.username,
    utc_offset: row.utcOffsetSeconds,
    mobile_phone: null,
    street: [],
    notify_rule: ['one-email-0'],
    is_active: 1,
    is_user_admin: 1,
    phone: null,
    is_layout_admin: 1,
    is_live_video: 1,
    is_ptz_live: 0,
    is_device_admin: 1,
    is_branded: 1,
    alternate_email: null,
    active_account_id: options.accountId,
    access_period: [],
    is_staff: 0,
    country: 'US',
    is_master: 0,
    is_pending: 0,
    is_two_factor_authentication_enabled: user.twoFactor ? 1 : 0,
    // Documented in seconds on the account and user models.
    inactive_session_timeout: Math.round(options.idleTimeoutMs / 1000),
  };
}

function deviceRows(svc: EenServices): unknown[][] {
  const { world } = svc;
  const ctx = world.rowContext();
  const devices: (EenCameraDevice | EenBridgeDevice)[] = [...world.inventory.bridges, ...world.inventory.cameras];
  if (world.inventory.unattached) devices.push(world.inventory.unattached);
  return devices.map((d) => deviceListRow(d, world.status(d), ctx));
}

function deviceObject(svc: EenServices, device: EenCameraDevice | EenBridgeDevice): Record<string, unknown> {
  const { world, ctx } = svc;
  if (device.kind === 'bridge') return bridgeObject(device, world.rowContext());
  const now = world.now();
  const index = device.index;
  const recorded = index === null ? [] : world.recorded(index);
  const bridge = world.inventory.bridges.find((b) => b.esn === device.bridgeEsn);
  const profile = index === null ? undefined : ctx.media.cameras[index]?.profiles.main;
  return cameraObject(
    device,
    {
      status: world.status(device),
      reachable: index !== null && world.isStreaming(index),
      oldestMs: recorded[0]?.startMs ?? ctx.media.historyStartMs,
      newestMs: recorded[recorded.length - 1]?.endMs ?? now,
      nowMs: now,
      bridgeGuid: bridge?.guid ?? '',
      model: profile ? `SimCam ${profile.width}x${profile.height}` : 'SimCam',
    },
    world.rowContext(),
  );
}

async function pollGet(svc: EenServices, req: EenRequest, res: ServerResponse, session: Session): Promise<void> {
  const { polls, options, sessions, world } = svc;
  const token = req.query.get('token') ?? req.cookies.get('ee-poll-ses') ?? req.cookies.get('poll_id');
  const poll = polls.get(token);
  if (!poll || poll.authKey !== session.key) return sendStatus(res, 400, 'No poll session: POST /poll first');
  const signal = clientGone(res);
  const deadline = world.now() + options.pollTimeoutMs;
  for (;;) {
    const changes = polls.collect(poll, options.getPollOmitsStatus);
    if (Object.keys(changes).length > 0) return sendJson(res, 200, { cameras: changes });
    if (world.now() >= deadline) break;
    await polls.waitForChange(signal, deadline);
    if (signal.aborted) return;
    if (!sessions.isValid(session.key)) return sendStatus(res, 401, 'Unauthorized due to invalid session cookie');
  }
  if (options.emptyPollBody === 'empty') return sendStatus(res, 200);
  return sendJson(res, 200, options.emptyPollBody === 'cameras' ? { cameras: {} } : {});
}

function pollPost(svc: EenServices, req: EenRequest, res: ServerResponse, session: Session): void {
  if (req.badJson) return sendStatus(res, 400, 'body is not JSON');
  const parsed = parseSubscription(req.json, 'http', svc.polls.isKnown);
  if (parsed.malformed) return sendStatus(res, 400, 'body must be {"cameras":{…}}');
  // Over HTTP a bad resource fails the request; devices the user cannot see are simply absent.
  if (parsed.problems.some((p) => p.status === 400)) return sendStatus(res, 400, 'Invalid resource');
  const { token, cameras } = svc.polls.register(session.key, parsed.subscription);
  const cookies = [cookie('ee-poll-ses', token)];
  if (svc.options.pollIdCookie) cookies.push(cookie('poll_id', token));
  sendJson(res, 200, { cameras, token }, { 'set-cookie': cookies });
}

function layoutBody(req: EenRequest): Record<string, unknown> {
  if (typeof req.json === 'object' && req.json !== null && !Array.isArray(req.json)) return req.json as Record<string, unknown>;
  return Object.fromEntries([...req.form, ...req.body]);
}

function typesFrom(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.filter((t): t is string => typeof t === 'string');
  if (typeof value === 'string') {
    try {
      return typesFrom(JSON.parse(value));
    } catch {
      return [value];
    }
  }
  return undefined;
}

function streamsAnswer(svc: EenServices, res: ServerResponse, esn: string): void {
  const camera = svc.world.camera(esn);
  if (!camera) return sendJson(res, 404, { status_code: 404, message: 'Camera not found' });
  const rtsp = svc.ctx.media.rtspUrl(camera.index, 'main');
  if (!rtsp) return sendJson(res, 500, { status_code: 500, message: 'RTSP is not available on this simulator' });
  // The real URLs embed a fresh session valid for 15 minutes; the simulator's RTSP server cannot
  // check sessions, so the expiry is only reported (expires_at, a simulator addition).
  sendJson(res, 200, {
    status_code: 200,
    message: 'OK',
    data: { rtsp, expires_at: formatEen(svc.world.now() + svc.options.rtspSessionTtlMs) },
  });
}

const routes: Route[] = [
  {
    methods: ['GET', 'POST'],
    path: /^\/g\/aaa\/isauth$/,
    handler: (_svc, _req, res) => sendStatus(res, 200, 'true'),
  },
  {
    methods: ['POST'],
    path: /^\/g\/aaa\/logout$/,
    handler: (svc, _req, res, session) => {
      svc.sessions.logout(session.key);
      svc.polls.dropForAuth(session.key);
      svc.authLost(session.key);
      sendStatus(res, 204);
    },
  },
  {
    methods: ['GET'],
    path: /^\/g\/user$/,
    handler: (svc, req, res, session) => {
      const id = param(req, 'id');
      const user = id === undefined ? session.user : svc.users.find((u) => u.id === id);
      if (!user) return sendStatus(res, 404, 'No user matching the unique identifier was found');
      sendJson(res, 200, userObject(svc, user));
    },
  },
  {
    methods: ['GET'],
    path: /^\/g\/device\/list$/,
    handler: (svc, req, res) =>
      sendJson(res, 200, filterRows(deviceRows(svc), { id: param(req, 'e'), name: param(req, 'n'), type: param(req, 't'), serviceStatus: param(req, 's') })),
  },
  {
    methods: ['GET'],
    path: /^\/g\/device$/,
    handler: (svc, req, res) => {
      const id = param(req, 'id');
      if (!id) return sendStatus(res, 400, 'id is required');
      const device = svc.world.device(id);
      if (!device) return sendStatus(res, 404, 'Device matching the ID was not found');
      sendJson(res, 200, deviceObject(svc, device));
    },
  },
  {
    methods: ['GET'],
    path: /^\/g\/layout\/list$/,
    handler: (svc, _req, res) => sendJson(res, 200, [...svc.layouts.values()].map(layoutRow)),
  },
  {
    methods: ['GET', 'PUT', 'POST', 'DELETE'],
    path: /^\/g\/layout$/,
    handler: (svc, req, res, session) => {
      const body = layoutBody(req);
      const id = param(req, 'id') ?? (typeof body.id === 'string' ? body.id : undefined);
      if (req.method === 'PUT') {
        const configuration = configurationFrom(body);
        if (typeof body.name !== 'string' || configuration === null) return sendStatus(res, 400, 'name is required; configuration must be JSON');
        const layout: Layout = {
          id: stableGuid(`layout:${body.name}:${svc.world.now()}:${svc.layouts.size}`),
          name: body.name,
          types: typesFrom(body.types) ?? [],
          permissions: 'SWRD',
          current_recording_key: null,
          shares: [[session.user.id, 'SWRD']],
          configuration: configuration ?? { panes: [], settings: {} },
        };
        svc.layouts.set(layout.id, layout);
        return sendJson(res, 200, { id: layout.id });
      }
      if (!id) return sendStatus(res, 400, 'id is required');
      const layout = svc.layouts.get(id);
      if (!layout) return sendStatus(res, 404, 'Layout matching the ID was not found');
      if (req.method === 'GET') return sendJson(res, 200, layout);
      if (req.method === 'DELETE') {
        svc.layouts.delete(id);
        return sendStatus(res, 200);
      }
      const configuration = configurationFrom(body);
      if (configuration === null) return sendStatus(res, 400, 'configuration must be JSON');
      if (typeof body.name === 'string') layout.name = body.name;
      layout.types = typesFrom(body.types) ?? layout.types;
      if (configuration) layout.configuration = configuration;
      sendJson(res, 200, { id });
    },
  },
  { methods: ['POST'], path: /^\/poll$/, handler: pollPost },
  { methods: ['GET'], path: /^\/poll$/, handler: pollGet },
  {
    methods: ['GET'],
    path: IMAGE_RE,
    handler: (svc, req, res, _session, match) => handleImage(svc, req, res, match[1] as ImageMode),
  },
  { methods: ['GET'], path: /^\/asset\/list\/image(?:\.jpe?g)?$/, handler: handleImageList },
  { methods: ['GET'], path: /^\/asset\/list\/video(?:\.flv)?$/, handler: handleVideoList },
  {
    methods: ['GET'],
    path: /^\/asset\/play\/video\.(flv|mp4)$/,
    handler: (svc, req, res, _session, match) => handlePlay(svc, req, res, match[1] as 'flv' | 'mp4'),
  },
  {
    methods: ['GET'],
    path: /^\/api\/v2\/media\/cameras\/([^/]+)\/streams$/,
    handler: (svc, _req, res, _session, match) => streamsAnswer(svc, res, decodeURIComponent(match[1]!)),
  },
  {
    methods: ['GET'],
    path: /^\/pngspan\/([a-z]+)\.png$/,
    handler: (svc, req, res, _session, match) => handlePngSpan(svc, req, res, match[1]!),
  },
];

async function loginStep(svc: EenServices, req: EenRequest, res: ServerResponse, step: string): Promise<void> {
  if (req.method !== 'POST') return sendStatus(res, 405, 'POST only', { allow: 'POST' });
  const { sessions } = svc;
  if (step === 'authenticate') {
    const result = sessions.authenticate(param(req, 'username'), param(req, 'password'), req.cookies.get('tfa_key'));
    if ('reason' in result) return sendStatus(res, result.status, result.reason);
    return sendJson(res, 200, result.body);
  }
  if (step === 'two_factor_authenticate') {
    const result = sessions.sendTwoFactorCode(param(req, 'token'), param(req, 'two_factor_authentication_type'));
    return sendStatus(res, result.status, 'reason' in result ? result.reason : '');
  }
  const result = sessions.authorize(param(req, 'token'), param(req, 'two_factor_authentication_code'));
  if ('reason' in result) return sendStatus(res, result.status, result.reason);
  const cookies = [cookie('auth_key', result.session.key)];
  // Trusted-device cookie: the next authenticate from this client skips two-factor.
  if (result.tfaKey) cookies.push(`tfa_key=${result.tfaKey}; Path=/; Max-Age=31536000; HttpOnly`);
  sendJson(res, 200, userObject(svc, result.session.user), { 'set-cookie': cookies });
}

export async function handleRequest(svc: EenServices, rawReq: Parameters<typeof parseRequest>[0], res: ServerResponse): Promise<void> {
  let req: EenRequest;
  try {
    req = await parseRequest(rawReq);
  } catch {
    return sendStatus(res, 400, 'unreadable request body');
  }
  const login = /^\/g\/aaa\/(authenticate|two_factor_authenticate|authorize)$/.exec(req.path);
  if (login) return loginStep(svc, req, res, login[1]!);

  const matching = routes.map((route) => ({ route, match: route.path.exec(req.path) })).filter((m) => m.match !== null);
  if (matching.length === 0) return sendStatus(res, 404, 'Not Found');
  const chosen = matching.find((m) => m.route.methods.includes(req.method));
  if (!chosen) {
    const allowed = [...new Set(matching.flatMap((m) => m.route.methods))].join(', ');
    return sendStatus(res, 405, 'method not allowed', { allow: allowed });
  }
  const session = svc.sessions.lookup(sessionKeyOf(req));
  if (!session) {
    if (req.path.startsWith('/api/v2/')) return sendJson(res, 401, { status_code: 401, message: 'Unauthorized' });
    return sendStatus(res, 401, 'Unauthorized due to invalid session cookie');
  }
  return chosen.route.handler(svc, req, res, session, chosen.match!);
}
