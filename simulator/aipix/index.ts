/**
 * AIPIX VMS simulator (seed 004; VMS-APIS §5, §7.4). One port, "aipix": the client API, the
 * integration link endpoints and the tokenised media they point at.
 * `aipixModule` uses the defaults; `createAipixModule(options)` flips the switches in options.ts.
 */
import type { SimApiModule } from '../types.js';
import { aipixCameraId, cameraUuid } from './cameras.js';
import { defaultAipixOptions, type AipixOptions } from './options.js';
import { createAipixService } from './service.js';

export const aipixPort = 'aipix';

/** identity renames the site kind and port, so one simulator can host several AIPIX servers. */
export function createAipixModule(overrides: Partial<AipixOptions> = {}, identity: { kind?: string; port?: string } = {}): SimApiModule {
  const options: AipixOptions = { ...defaultAipixOptions, ...overrides };
  const port = identity.port ?? aipixPort;
  return {
    kind: identity.kind ?? 'aipix',
    ports: [port],
    create(ctx, urls) {
      return { [port]: createAipixService(ctx, options, urls[port]!) };
    },
    describe(ctx, urls) {
      return {
        url: urls[port]!,
        username: ctx.username,
        password: ctx.password,
        // The integration API keys cameras by UUID (an external system's ids); list them.
        cameras: ctx.media.cameras.map((cam) => ({ id: aipixCameraId(cam.index), uuid: cameraUuid(cam), name: cam.name })),
        maxSessions: options.maxSessions,
      };
    },
  };
}

export const aipixModule: SimApiModule = createAipixModule();

export type { AipixOptions } from './options.js';
