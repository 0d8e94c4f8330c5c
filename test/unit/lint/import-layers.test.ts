// The lint rule that keeps the folders' arrows one way (scripts/lint-layers.js), run through the
// project's own eslint.config.js as `npm run lint` runs it: a reverse import is an error, the
// arrows the layers allow are not, however deep the importing file sits.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../../..', import.meta.url).pathname });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'tessera/layers').map((m) => m.message);
}

describe('tessera/layers', () => {
  it.each([
    ['main/media/probe.ts', "export { type VmsAdapter } from '../vms/adapter.js';", 'main/media must not import main/vms/adapter'],
    ['main/media/live/probe.ts', "export { adapterFactory } from '../../vms/registry.js';", 'main/media must not import main/vms/registry'],
    ['main/media/probe.ts', "export const load = () => import('../vms/registry.js');", 'main/media must not import main/vms/registry'],
    ['main/media/probe.ts', "export type Sites = typeof import('../sites/site-service.js');", 'main/media must not import main/sites/site-service'],
    ['main/net/probe.ts', "export * from '../media/sources.js';", 'main/net must not import main/media/sources'],
    ['main/net/probe.ts', "export * from '../vms/session-errors.js';", 'main/net must not import main/vms/session-errors'],
    ['main/vms/aipix/probe.ts', "export * from '../../sites/site-service.js';", 'main/vms must not import main/sites/site-service'],
    ['main/vms/probe.ts', "export * from '../ipc/router.js';", 'main/vms must not import main/ipc/router'],
    ['main/vms/probe.ts', "export * from '../serve/server.js';", 'main/vms must not import main/serve/server'],
    ['main/vms/probe.ts', "export * from '../cli/command.js';", 'main/vms must not import main/cli/command'],
    ['common/probe.ts', "export * from '../main/paths.js';", 'common must not import main/paths'],
    ['common/mp4/probe.ts', "export * from '../../renderer/src/player/clock.js';", 'common must not import renderer/src/player/clock'],
    ['preload/contract/probe.ts', "export * from '../../main/paths.js';", 'preload/contract must not import main/paths'],
    ['simulator/media/probe.ts', "export * from '../../main/processes/child-reaper.js';", 'simulator must not import main/processes/child-reaper'],
    ['main/cli/probe.ts', "export * from '../../simulator/server.js';", 'main must not import simulator/server'],
  ])('%s: %s is refused', async (file, code, words) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(words);
  });

  it.each([
    ['main/media/probe.ts', "export * from '../net/http-client.js';"],
    ['main/media/probe.ts', "export * from './sources.js';"],
    ['main/vms/aipix/probe.ts', "export * from '../../media/sources.js';"],
    ['main/vms/aipix/probe.ts', "export * from '../../net/http-client.js';"],
    ['main/sites/probe.ts', "export * from '../vms/registry.js';"],
    ['common/mp4/probe.ts', "export * from '../clock.js';"],
    ['preload/contract/probe.ts', "export * from './ids.js';"],
    ['simulator/media/probe.ts', "export * from '../types.js';"],
    ['main/demo/probe.ts', "export * from '../../simulator/server.js';"],
    ['main/media/probe.ts', "export { z } from 'zod';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
