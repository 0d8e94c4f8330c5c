// "grep finds no password or token": the whole main process (compose(): router, event hub,
// SiteService, a real log file in a real data dir) signs in to every kind of site on the
// simulator — a wrong password, an Eagle Eye v1 two-factor account, OAuth, expiry and re-login,
// live sources — while every secret that crosses the wire is collected (passwords, client
// secret, tokens, session ids, cookies). Then the log files, every file in the data dir, every
// event published to renderers and every router result are searched for each of them.
import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Services } from '../../main/compose.js';
import { sessionOnlyStore } from '../../main/credentials/session-only-store.js';
import { createLogger } from '../../main/logging/logger.js';
import { dataPaths } from '../../main/paths.js';
import { createServeShell } from '../../main/serve/serve-shell.js';
import { simModules } from '../../simulator/index.js';
import type { SimulatorHandle } from '../../simulator/server.js';
import type { SiteDescription } from '../../simulator/types.js';
import { fetchingOpener } from '../../main/vms/browser-opener.js';
import { startTestSimulator } from '../support/simulator.js';

/** Shorter values (a 4-digit code, "0", "true") would match by accident and are not secrets. */
const minSecretLength = 6;
const secretKeys = /^(password|p|token|access_token|refresh_token|id_token|client_secret|code|sessionid|session_id|a|s|auth_key|tfa_key|ee-poll-ses|poll_id|search_id)$/i;

let sim: SimulatorHandle;
let scratch: string;
let services: Services;
/** Secret value → where it was seen first (for the failure message). */
const secrets = new Map<string, string>();
/** Everything the renderer would receive: published events and request results. */
const rendererSaw: string[] = [];
const realFetch = globalThis.fetch;

function keep(value: unknown, where: string): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length >= minSecretLength && !secrets.has(v)) secrets.set(v, where);
}

function keepFields(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, field] of Object.entries(value)) {
    if (secretKeys.test(key)) keep(field, `${where} ${key}`);
    else if (typeof field === 'object') keepFields(field, where);
  }
}

function keepQuery(url: string, where: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  for (const [key, value] of parsed.searchParams) if (secretKeys.test(key)) keep(value, `${where} query ${key}`);
  if (parsed.password) keep(decodeURIComponent(parsed.password), `${where} url password`);
}

function keepHeaders(headers: Record<string, string>, where: string): void {
  for (const [name, value] of Object.entries(headers)) {
    if (/^authorization$/i.test(name)) keep(value.replace(/^(Bearer|Basic)\s+/i, ''), `${where} authorization`);
    if (/^cookie$/i.test(name)) for (const pair of value.split(';')) keep(pair.split('=').slice(1).join('='), `${where} cookie`);
  }
}

/** Watches every HTTP exchange of main (adapters, OAuth opener) and collects the secrets in it. */
async function spyingFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  keepQuery(url, 'request');
  const headers = new Headers(init?.headers);
  keepHeaders(Object.fromEntries(headers), 'request');
  if (typeof init?.body === 'string') {
    const body = init.body;
    if (/^\s*[[{]/.test(body)) {
      try {
        keepFields(JSON.parse(body), 'request body');
      } catch {
        // not JSON
      }
    } else for (const [key, value] of new URLSearchParams(body)) if (secretKeys.test(key)) keep(value, `request form ${key}`);
  }
  const response = await realFetch(input, init);
  for (const line of response.headers.getSetCookie()) keep(line.split(';')[0]!.split('=').slice(1).join('='), 'set-cookie');
  const location = response.headers.get('location');
  if (location) keepQuery(new URL(location, url).toString(), 'redirect');
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      keepFields(await response.clone().json(), 'answer');
    } catch {
      // a malformed answer carries nothing to collect
    }
  }
  return response;
}

async function call<T = unknown>(channel: string, input: unknown): Promise<{ ok: boolean; value?: T; error?: { code: string; message: string } }> {
  const result = (await services.router.dispatch(channel, input, { trusted: true, caller: 'secrets test' })) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  rendererSaw.push(JSON.stringify(result));
  return result;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The secrets found in a text, with where each was first seen. */
function leaks(text: string): string[] {
  return [...secrets].filter(([secret]) => text.includes(secret)).map(([secret, where]) => `${where}: ${secret.slice(0, 3)}…`);
}

const site = (kind: string) => sim.sites[kind] as SiteDescription & Record<string, string>;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tessera-secrets-'));
  sim = await startTestSimulator(simModules, { cameras: 2 });
  globalThis.fetch = spyingFetch as typeof fetch;
  const dataDir = join(scratch, 'data');
  const log = createLogger({ dir: dataPaths(dataDir).logs, minLevel: 'debug' });
  services = await compose({ dataDir, shell: createServeShell(1), log, credentials: sessionOnlyStore() });
  services.sites.useBrowserOpener(fetchingOpener);
  services.events.attach((channel, payload) => rendererSaw.push(`${channel} ${JSON.stringify(payload)}`));
}, 120_000);

afterAll(async () => {
  globalThis.fetch = realFetch;
  await services?.dispose();
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('no secret in logs, data files or what the renderer receives', () => {
  it('after sign-ins of every kind, refusals, two-factor, expiry and live sources', async () => {
    const v1 = site('eagleeye-v1');
    const v3 = site('eagleeye-v3');
    const exacq = site('exacq');
    const aipix = site('aipix');
    for (const s of [v1, v3, exacq, aipix]) keep(s.password, 'simulator password');
    keep(v3.clientSecret, 'v3 client secret');
    const rtspPassword = 'rtsp-Secret-pw';
    keep(rtspPassword, 'rtsp password');

    const add = (input: Record<string, unknown>) => call<{ id: string; status: string }>('sites:add', { savePassword: true, ...input });
    // A wrong password first (kept out of everything as well).
    keep('Wrong-Password-1', 'wrong password');
    const refused = await add({ name: 'Refused exacq', kind: 'exacq', url: exacq.url, username: exacq.username, password: 'Wrong-Password-1' });
    expect(refused.ok).toBe(false);

    const sites = [
      await add({ name: 'Eagle Eye v1', kind: 'eagleeye-v1', url: v1.url, username: v1.username, password: v1.password }),
      await add({ name: 'Eagle Eye v3', kind: 'eagleeye-v3', url: v3.url, username: v3.username, password: v3.clientSecret, oauthClientId: v3.clientId }),
      await add({ name: 'exacq', kind: 'exacq', url: exacq.url, username: exacq.username, password: exacq.password }),
      await add({ name: 'AIPIX', kind: 'aipix', url: aipix.url, username: aipix.username, password: aipix.password }),
    ];
    for (const s of sites) expect(s).toMatchObject({ ok: true, value: { status: 'signed-in' } });
    const rtsp = sim.sites.rtsp as { name: string; url: string }[] | undefined;
    if (rtsp && rtsp.length > 0) {
      expect(await add({ name: 'RTSP', kind: 'rtsp', url: '', username: 'operator', password: rtspPassword, rtspCameras: [{ name: 'Cam', url: rtsp[0]!.url }] })).toMatchObject({ ok: true });
    }

    // Two-factor through the router, as the Sites screen does it: wrong code, then the right one.
    const tfa = await add({ name: 'Eagle Eye v1 TFA', kind: 'eagleeye-v1', url: v1.url, username: v1.twoFactorUsername, password: v1.password });
    expect(tfa).toMatchObject({ ok: true, value: { status: 'two-factor' } });
    const tfaId = tfa.value!.id;
    expect((await call('sites:two-factor-choose', { siteId: tfaId, channel: 'email' })).ok).toBe(true);
    expect((await call('sites:two-factor-verify', { siteId: tfaId, code: '1234' })).error?.code).toBe('two-factor-required');
    expect(await call('sites:two-factor-verify', { siteId: tfaId, code: v1.twoFactorCode })).toMatchObject({ ok: true, value: { status: 'signed-in' } });

    // Use every site: cameras, stills, layouts; then expire every session and use them again.
    const cameras = ((await call<{ id: string; siteId: string }[]>('cameras:list', undefined)).value ?? []) as { id: string; siteId: string }[];
    const oneBySite = [...new Map(cameras.map((c) => [c.siteId, c])).values()];
    // v1, v1 with two-factor, v3, exacq, AIPIX (+ RTSP when the simulator has its RTSP server).
    expect(oneBySite.length).toBe(rtsp?.length ? 6 : 5);
    for (const cam of oneBySite) await call('cameras:still', { cameraId: cam.id });
    for (const s of sites) await call('sites:layouts', { siteId: s.value!.id });
    await realFetch(`${sim.adminUrl}/sessions/expire`, { method: 'POST' });
    for (const cam of oneBySite) expect(await call('cameras:still', { cameraId: cam.id })).toMatchObject({ ok: true });
    // Live sources (main only) carry cookies, tokens and session ids: collect them too.
    for (const cam of oneBySite) {
      const source = await services.sites.withCamera(cam.id, (adapter, id) => adapter.liveSource!(id, 'sub')).catch(() => undefined);
      if (!source) continue;
      keepQuery(source.url, 'live source');
      if (source.kind === 'http') keepHeaders(source.headers, 'live source');
    }
    // Sign out and in again with the saved secret.
    const exacqId = sites[2]!.value!.id;
    await call('sites:sign-out', { siteId: exacqId });
    expect(await call('sites:sign-in', { siteId: exacqId })).toMatchObject({ ok: true, value: { status: 'signed-in' } });
    expect((await call('sites:list', undefined)).ok).toBe(true);
    await services.settings.set({});

    // The test can fail: it saw the secrets it is looking for, of every kind.
    const where = [...secrets.values()].join('\n');
    expect(where).toMatch(/set-cookie/); // Eagle Eye v1 auth_key, tfa_key
    expect(where).toMatch(/answer (access_token|refresh_token)/); // OAuth and AIPIX tokens
    expect(where).toMatch(/answer sessionI[dD]/); // exacq session ids
    expect([...secrets.keys()].some((s) => s.startsWith('c001~'))).toBe(true);
    expect(secrets.size).toBeGreaterThan(10);

    const dataDir = join(scratch, 'data');
    const files = await filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('tessera.log'))).toBe(true);
    expect(files.some((f) => f.endsWith('sites.json'))).toBe(true);
    const problems: string[] = [];
    for (const file of files) for (const leak of leaks(await readFile(file, 'utf8'))) problems.push(`${file.slice(dataDir.length)}: ${leak}`);
    for (const text of rendererSaw) for (const leak of leaks(text)) problems.push(`renderer: ${leak} in ${text.slice(0, 80)}`);
    expect(problems).toEqual([]);
    // The search itself works: a planted secret is found.
    expect(leaks(`x ${[...secrets.keys()][0]} y`)).toHaveLength(1);
    const logText = await readFile(join(dataPaths(dataDir).logs, 'tessera.log'), 'utf8');
    console.info(`[secrets] ${secrets.size} secrets checked against ${files.length} files (log ${logText.split('\n').length - 1} lines) and ${rendererSaw.length} renderer messages`);
  }, 180_000);
});
