/**
 * exacqVision Web Service API v1 simulator (seed 003; VMS-APIS §4, §7.3). One port, "exacq".
 * `exacqModule` uses the defaults; `createExacqModule(options)` flips the switches in options.ts.
 */
import type { SimApiModule } from '../types.js';
import { cameraId } from './cameras.js';
import { defaultExacqOptions, type ExacqOptions } from './options.js';
import { createExacqService } from './service.js';

export const exacqPort = 'exacq';

/**
 * identity renames the site kind and port, so one simulator can host several exacq servers
 * (e.g. one per expiry mode, or a multi-site demo).
 */
export function createExacqModule(overrides: Partial<ExacqOptions> = {}, identity: { kind?: string; port?: string } = {}): SimApiModule {
  const options: ExacqOptions = { ...defaultExacqOptions, ...overrides };
  const port = identity.port ?? exacqPort;
  return {
    kind: identity.kind ?? 'exacq',
    ports: [port],
    create(ctx) {
      return { [port]: createExacqService(ctx, options) };
    },
    describe(ctx, urls) {
      return {
        url: urls[port]!,
        username: ctx.username,
        password: ctx.password,
        // What an adapter needs beyond the login: the API prefix, the server id to log in to,
        // and how the switches are set.
        apiPath: '/v1',
        serverId: '0',
        timezoneHours: options.timezoneHours,
        sessionIdField: options.sessionIdField,
        expiryMode: options.expiryMode,
        cameraIds: ctx.media.cameras.map((cam) => cameraId(cam.index)),
      };
    },
  };
}

export const exacqModule: SimApiModule = createExacqModule();

export type { ExacqOptions, ExacqExpiryMode } from './options.js';
