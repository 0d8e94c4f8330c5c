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

export function createAipixModule(overrides: Partial<AipixOptions> = {}): SimApiModule {
  const options: AipixOptions = { ...defaultAipixOptions, ...overrides };
  return {
    kind: 'aipix',
    ports: [aipixPort],
    create(ctx, urls) {
      return { [aipixPort]: createAipixService(ctx, options, urls[aipixPort]!) };
    },
    describe(ctx, urls) {
      return {
        url: urls[aipixPort]!,
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
