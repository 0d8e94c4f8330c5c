// An RTSP camera entered without a user needs no password (issue 17): the site signs in at once
// when added (SiteService, as the Sites screen and the bench add it, and `tessera sites add
// --kind rtsp` without --password-stdin), again after a restart, and saves nothing in the
// credential store. The camera is the simulator's real RTSP relay (it asks for no credentials).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { SiteRepository } from '../../../main/sites/site-repository.js';
import { SiteService } from '../../../main/sites/site-service.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';

let sim: SimulatorHandle;
let scratch: string;
let cameraUrl: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-rtsp-open-'));
  sim = await startTestSimulator([], { cameras: 1 });
  const url = sim.context.media.rtspUrl(0, 'sub');
  if (!url) throw new Error('the simulator has no RTSP server (gir1.2-gst-rtsp-server-1.0 missing)');
  cameraUrl = url;
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function cli(env: NodeJS.ProcessEnv = {}, input = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(input);
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  return { io: { stdout, stderr, stdin, env, stopSignal: new Promise<void>(() => undefined) }, out: () => out, err: () => err };
}

describe('RTSP cameras without credentials', () => {
  it('sign in when added without a password, save nothing, and sign in again after a restart', async () => {
    const sitesFile = join(scratch, 'sites.json');
    const credentials = sessionOnlyStore();
    const first = new SiteService({ repository: new SiteRepository(sitesFile), credentials, log: memoryLogger(), refreshMs: 0 });
    let siteId: string;
    try {
      // What the bench sends: no user, no password.
      const state = await first.add({ name: 'Gate', kind: 'rtsp', url: '', username: '', savePassword: true, rtspCameras: [{ name: 'Gate camera', url: cameraUrl }] });
      expect(state).toMatchObject({ status: 'signed-in', cameraCount: 1, credentialSaved: false, capabilities: { signIn: 'none' } });
      expect(first.cameras()[0]).toMatchObject({ name: 'Gate camera', state: 'online' });
      siteId = state.id;
      expect(await credentials.get(siteId)).toBeNull();
    } finally {
      await first.dispose();
    }
    const second = new SiteService({ repository: new SiteRepository(sitesFile), credentials, log: memoryLogger(), refreshMs: 0 });
    try {
      await second.restoreSessions();
      await waitUntil('the site to sign in after the restart', 20_000, () => (second.list().find((s) => s.id === siteId)?.status === 'signed-in' ? true : undefined), 100);
      expect(second.cameras()).toHaveLength(1);
    } finally {
      await second.dispose();
    }
  });

  it('`tessera sites add --kind rtsp` without --password-stdin signs in, and `tessera cameras --site` lists the camera', async () => {
    const dataDir = join(scratch, 'cli');
    const add = cli();
    expect(await runCli(['sites', 'add', '--kind', 'rtsp', '--name', 'Yard', '--url', cameraUrl, '--data-dir', dataDir, '--json'], add.io)).toBe(0);
    expect(JSON.parse(add.out())).toMatchObject({ name: 'Yard', status: 'signed-in', cameras: 1 });
    const list = cli();
    expect(await runCli(['cameras', '--site', 'Yard', '--data-dir', dataDir, '--json'], list.io)).toBe(0);
    expect(JSON.parse(list.out())).toEqual([expect.objectContaining({ name: 'Yard', status: 'online', site: 'Yard' })]);
    expect(list.err()).toBe('');
  });

  it('`tessera sites add --save-password` says the password was not saved where the store keeps none', async () => {
    const dataDir = join(scratch, 'cli-session-only');
    const add = cli({ TESSERA_CREDENTIAL_STORE: 'session-only' }, 'gate-password');
    const args = ['sites', 'add', '--kind', 'rtsp', '--name', 'Gate', '--url', cameraUrl, '--user', 'op', '--password-stdin', '--save-password', '--data-dir', dataDir, '--json'];
    expect(await runCli(args, add.io)).toBe(0);
    expect(add.err()).toBe('tessera sites: the password was not saved (TESSERA_CREDENTIAL_STORE=session-only is set); sign in from the Sites screen.\n');
  });
});
