/**
 * Eagle Eye Networks API v1 (legacy cookie-session API) for the VMS simulator, on one port
 * ("eagleeye-v1") that serves both the login host and the branded host. See the files next to
 * this one: sessions (login, two-factor, auth_key), devices (rows, status bits), layouts,
 * previews/assets (images, lists, pngspan), play (FLV, MP4 jobs), poll/poll-hub/ws-poll (HTTP
 * long poll and WebSocket), routes (the HTTP surface). Behaviour switches: ./options.ts.
 *
 * Known limits: the RTSP URLs are the media layer's real ones (no per-session path, no expiry
 * enforcement: the answer only reports when the session would expire); no rtsps/rtsp-over-HTTP;
 * the login host is not told apart from the branded host (no https either); an open event
 * WebSocket counts as session activity; account/user administration, PTZ, prefetch webhooks,
 * metrics, annotations, 301 archiver moves and terms-of-service calls are not simulated.
 */
import type { SimApiModule, SimContext, SimService, SiteDescription } from '../types.js';
import { defaultLayouts, type Layout } from './layouts.js';
import { defaultEenV1Options, type EenV1Options } from './options.js';
import { Mp4Jobs } from './play.js';
import { PollHub } from './poll-hub.js';
import { handleRequest } from './routes.js';
import type { EenServices } from './services.js';
import { SessionStore, type SimUser, type UserState } from './sessions.js';
import { EenWorld } from './world.js';
import { WsPoll } from './ws-poll.js';
import type { CameraCondition } from './devices.js';

export type { EenV1Options } from './options.js';

export const EEN_V1_PORT = 'eagleeye-v1';

export interface EenV1ModuleOptions extends Partial<EenV1Options> {
  /** Cameras held in a condition other than online while the media says they are up (index → condition). */
  cameraConditions?: Record<number, Exclude<CameraCondition, 'online'>>;
}

/** Users whose login fails with a specific authenticate code, for testing a client's messages. */
const problemUsers: { prefix: string; state: Exclude<UserState, 'active'>; status: number }[] = [
  { prefix: 'suspended', state: 'account-suspended', status: 402 },
  { prefix: 'inactive', state: 'account-inactive', status: 460 },
  { prefix: 'pending-account', state: 'account-pending', status: 461 },
  { prefix: 'disabled', state: 'user-disabled', status: 412 },
  { prefix: 'pending-user', state: 'user-pending', status: 462 },
];

function resolveOptions(overrides: EenV1ModuleOptions): EenV1Options {
  const { cameraConditions: _ignored, ...rest } = overrides;
  return { ...defaultEenV1Options, ...rest };
}

function twoFactorUsername(ctx: SimContext, options: EenV1Options): string {
  return options.twoFactorUsername ?? `tfa.${ctx.username}`;
}

function buildUsers(ctx: SimContext, options: EenV1Options): SimUser[] {
  const base = { password: ctx.password, smsHint: 'No sms phone found', emailHint: '' };
  const mask = (name: string): string => name.replace(/^[^@]*/, (local) => '*'.repeat(local.length));
  return [
    { ...base, id: 'ca0e1cf2', username: ctx.username, twoFactor: false, state: 'active' },
    {
      ...base,
      id: 'ca0e1cf3',
      username: twoFactorUsername(ctx, options),
      twoFactor: true,
      state: 'active',
      smsHint: '*** *** 779',
      emailHint: mask(twoFactorUsername(ctx, options)),
    },
    ...problemUsers.map((p, i) => ({ ...base, id: `ca0e1d0${i}`, username: `${p.prefix}.${ctx.username}`, twoFactor: false, state: p.state })),
  ];
}

/**
 * identity renames the site kind and port, so one simulator can host several v1 sites (e.g. the
 * seed-faithful one next to one with switches flipped).
 */
export function createEagleEyeV1Module(overrides: EenV1ModuleOptions = {}, identity: { kind?: string; port?: string } = {}): SimApiModule {
  const options = resolveOptions(overrides);
  const port = identity.port ?? EEN_V1_PORT;
  const conditions = new Map(Object.entries(overrides.cameraConditions ?? {}).map(([k, v]) => [Number(k), v] as const));
  return {
    kind: identity.kind ?? 'eagleeye-v1',
    ports: [port],
    create(ctx): Record<string, SimService> {
      const world = new EenWorld(ctx, options, conditions);
      const users = buildUsers(ctx, options);
      const sessions = new SessionStore(users, options, ctx.now);
      const layouts = new Map<string, Layout>(
        defaultLayouts(
          world.inventory.cameras.map((c) => ({ esn: c.esn, name: c.name })),
          users[0]!.id,
        ).map((l) => [l.id, l]),
      );
      let wsPoll: WsPoll | null = null;
      const svc: EenServices = {
        ctx,
        options,
        world,
        sessions,
        polls: new PollHub(world),
        mp4: new Mp4Jobs(options.mp4PendingPolls, options.mp4FirstStatus, options.mp4JobsKept),
        layouts,
        users,
        closers: new Set(),
        liveStills: new Map(),
        authLost: (authKey) => wsPoll?.authLost(authKey),
      };
      const events = new WsPoll(svc);
      wsPoll = events;
      const stopExpiry = ctx.onExpireSessions(() => {
        sessions.expireAll();
        svc.polls.clear();
        svc.authLost();
      });
      return {
        [port]: {
          handle: (req, res) => handleRequest(svc, req, res),
          upgrade: (req, socket, head) => events.upgrade(req, socket, head),
          close() {
            stopExpiry();
            for (const stop of [...svc.closers]) stop();
            svc.polls.clear();
            svc.mp4.clear();
            svc.liveStills.clear();
            world.close();
            events.close();
          },
        },
      };
    },
    describe(ctx, urls): SiteDescription {
      return {
        url: urls[port]!,
        username: ctx.username,
        password: ctx.password,
        brandSubdomain: options.brandSubdomain,
        accountId: options.accountId,
        twoFactorUsername: twoFactorUsername(ctx, options),
        twoFactorPassword: ctx.password,
        twoFactorCode: options.twoFactorCode,
        /** authenticate status → username that produces it. */
        failingUsers: Object.fromEntries(problemUsers.map((p) => [p.status, `${p.prefix}.${ctx.username}`])),
      };
    },
  };
}

/** The module with the seed-faithful defaults. */
export const eagleEyeV1Module: SimApiModule = createEagleEyeV1Module();
