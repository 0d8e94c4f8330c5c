// Issue 13, item 7: a user and password typed inside a site's address (http://admin:secret@host,
// rtsp://admin:secret@cam/…) are taken out of it: the site signs in with them against the
// simulator, and neither the data folder (sites.json, logs) nor any answer or event a window
// receives holds the password. Against a real `tessera serve --demo`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/index.js';
import { SITES_VERSION } from '../../main/sites/site-repository.js';
import type { SiteState } from '../../preload/contract/index.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { BridgeSession } from '../support/bridge-session.js';
import { listCameraIds } from './attacks/streams.js';
import { addSiteWithUrlCredentials, filesContaining } from './attacks/url-credentials.js';

/** The simulator's password for every site kind (simulator/server.ts); signing in below proves it. */
const simPassword = 'demo-password';

let serve: ServeProcess;
let demo: SiteState[];

beforeAll(async () => {
  serve = await startServeProcess(['--demo'], undefined, 170_000);
  await listCameraIds(serve, 8);
  const session = await BridgeSession.connect(serve);
  demo = (await session.call('sites:list')).value as SiteState[];
  session.close();
}, 180_000);
afterAll(async () => {
  await serve?.stop();
});

function withUserInfo(address: string, user: string, password: string): string {
  const url = new URL(address);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}

describe('credentials inside a site address', () => {
  it('http: signs in with the user and password of the address; the saved file, the log and every window see neither', async () => {
    const exacq = demo.find((s) => s.kind === 'exacq')!;
    const added = await addSiteWithUrlCredentials(serve, {
      name: 'NVR typed with credentials',
      kind: 'exacq',
      url: withUserInfo(exacq.url, exacq.username, simPassword),
      username: '',
      savePassword: true,
    });
    expect(added.result).toMatchObject({ ok: true, value: { status: 'signed-in', username: exacq.username, credentialSaved: true } });
    const site = added.result.value as SiteState;
    expect(site.url).not.toContain('@');
    expect(site.cameraCount).toBeGreaterThan(0);
    expect(added.changedEvents).toBeGreaterThan(0);
    expect(added.traffic.filter((frame) => frame.includes(simPassword))).toEqual([]);
    expect(filesContaining(serve.dataDir, simPassword)).toEqual([]);
  });

  it('rtsp: every camera address is saved and sent without its user and password', async () => {
    const rtsp = demo.find((s) => s.kind === 'rtsp');
    if (!rtsp?.rtspCameras?.length) return; // no GStreamer RTSP server on this machine: the http case covers the rest
    const secret = 'rtsp-Secret-42';
    const added = await addSiteWithUrlCredentials(serve, {
      name: 'Cameras typed with credentials',
      kind: 'rtsp',
      url: '',
      username: '',
      savePassword: true,
      rtspCameras: rtsp.rtspCameras.slice(0, 2).map((camera, i) => ({ name: `Typed ${i + 1}`, url: withUserInfo(camera.url, 'admin', secret) })),
    });
    expect(added.result).toMatchObject({ ok: true, value: { status: 'signed-in', username: 'admin', credentialSaved: true } });
    for (const camera of (added.result.value as SiteState).rtspCameras!) expect(camera.url).not.toContain('@');
    expect(added.traffic.filter((frame) => frame.includes(secret))).toEqual([]);
    expect(filesContaining(serve.dataDir, secret)).toEqual([]);
  });

  it('refuses an address whose user contradicts the User field with bad-request on the address, saving nothing', async () => {
    const exacq = demo.find((s) => s.kind === 'exacq')!;
    const added = await addSiteWithUrlCredentials(serve, {
      name: 'NVR with two users',
      kind: 'exacq',
      url: withUserInfo(exacq.url, 'someone-else', simPassword),
      username: exacq.username,
      password: simPassword,
      savePassword: false,
    });
    expect(added.result).toMatchObject({ ok: false, error: { code: 'bad-request', detail: { issues: [{ path: 'url' }] } } });
    expect(added.result.error!.message).toMatch(/holds the user "someone-else" but the User field says/);
    expect((added.listed.value as SiteState[]).map((s) => s.name)).not.toContain('NVR with two users');
  });
});

/** Runs the CLI in this process (real keychain from with-keyring.sh, real simulator over HTTP). */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  const code = await runCli(args, { stdout, stderr, stdin, env: {}, stopSignal: Promise.resolve() });
  return { code, out, err };
}

describe('credentials inside a site address, command line', () => {
  it('`tessera sites add --url http://user:password@host` signs in with them, says so, and saves the address without them', async () => {
    const exacq = demo.find((s) => s.kind === 'exacq')!;
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    try {
      const added = await cli(['sites', 'add', '--name', 'CLI NVR', '--kind', 'exacq', '--url', withUserInfo(exacq.url, exacq.username, simPassword), '--save-password', '--data-dir', dataDir]);
      expect(added.err).toBe('');
      expect(added.code).toBe(0);
      expect(added.out).toMatch(/Added CLI NVR \(signed-in, \d+ cameras\)\. The user and password in --url were taken out/);
      const listed = await cli(['sites', 'list', '--json', '--data-dir', dataDir]);
      expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ name: 'CLI NVR', url: exacq.url.replace(/\/?$/, '/'), username: exacq.username })]);
      expect(filesContaining(dataDir, simPassword)).toEqual([]);
      // The password went to the keychain: a later command signs in with it.
      const cameras = await cli(['cameras', '--site', 'CLI NVR', '--json', '--data-dir', dataDir]);
      expect(cameras.code).toBe(0);
      expect((JSON.parse(cameras.out) as unknown[]).length).toBeGreaterThan(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an old sites.json with a password in an address: stripped at load, the password moved to the keychain, the log says so without it', async () => {
    const exacq = demo.find((s) => s.kind === 'exacq')!;
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    try {
      const stored = [{ id: 'old-nvr', name: 'Old NVR', kind: 'exacq', url: withUserInfo(exacq.url, exacq.username, simPassword), username: '' }];
      writeFileSync(join(dataDir, 'sites.json'), JSON.stringify({ version: SITES_VERSION, data: stored }));
      const cameras = await cli(['cameras', '--site', 'Old NVR', '--json', '--data-dir', dataDir]);
      expect(cameras.err).toBe('');
      expect((JSON.parse(cameras.out) as unknown[]).length).toBeGreaterThan(0);
      const saved = JSON.parse(readFileSync(join(dataDir, 'sites.json'), 'utf8')) as { data: { url: string; username: string }[] };
      expect(saved.data[0]).toMatchObject({ url: exacq.url.replace(/\/?$/, '/'), username: exacq.username });
      expect(filesContaining(dataDir, simPassword)).toEqual([]);
      expect(readFileSync(join(dataDir, 'logs', 'tessera.log'), 'utf8')).toContain('moved the password from the site’s address to the credential store');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
