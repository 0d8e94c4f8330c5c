// The system under test: the simulator (`tessera sim`), `tessera serve` with a fresh data folder,
// and the serve bridge (the same WebSocket contract the renderer uses) to add the site and put
// the bench layout on display browser-1.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { firstJsonLine, start, stop } from './children.js';
import { gridLayout } from './options.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const tesseraBin = join(root, 'bin/tessera.js');
export const simCacheDir = process.env.TESSERA_SIM_CACHE ?? join(root, '.cache/sim-media');

const dirs = [];
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function removeTempDirs() {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `tessera sim --cameras K --json`: resolves with the child and its sites description. */
export async function startSim(cameras) {
  const child = start(process.execPath, [tesseraBin, 'sim', '--cameras', String(cameras), '--hours', '1', '--json', '--data-dir', tempDir('bench-sim-')], {
    cwd: root,
    env: { ...process.env, TESSERA_SIM_CACHE: simCacheDir },
  });
  const sites = await firstJsonLine(child, 'tessera sim', 120_000);
  child.stdout.resume();
  if (!Array.isArray(sites.rtsp) || sites.rtsp.length === 0) throw new Error('the simulator has no RTSP cameras (GStreamer RTSP server missing?)');
  return { child, sites, stop: () => stop(child) };
}

/** RTSP mount of simulator camera i in a profile (rtsp://…/cam/<esn>/<main|sub>). */
export function simMountUrl(sites, index, profile) {
  return sites.rtsp[index].url.replace(/\/main$/, `/${profile}`);
}

export async function startServe() {
  const dataDir = tempDir('bench-serve-');
  const child = start(process.execPath, [tesseraBin, 'serve', '--json', '--data-dir', dataDir], { cwd: root });
  const ready = await firstJsonLine(child, 'tessera serve', 60_000);
  child.stdout.resume();
  return { child, dataDir, url: ready.url, token: ready.token, stop: () => stop(child) };
}

/** serve's log so far ('' when it has none yet). */
export function readServeLog(dataDir) {
  try {
    return readFileSync(join(dataDir, 'logs', 'tessera.log'), 'utf8');
  } catch {
    return '';
  }
}

/** What serve's log says about its upstreams: starts and ends by reason (for the JSON notes). */
export function upstreamLog(dataDir) {
  const counts = {};
  const text = readServeLog(dataDir);
  for (const line of text.split('\n')) {
    if (!line.includes('main.media')) continue;
    try {
      const entry = JSON.parse(line);
      const key = [entry.msg, entry.profile, entry.reason].filter(Boolean).join(' · ');
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      // a line cut by the stop: not counted
    }
  }
  return counts;
}

/** A client of serve's bridge: request(channel, input) and event listeners. */
export async function connectBridge(serve) {
  const base = new URL(serve.url);
  const ws = new WebSocket(`ws://${base.host}/bridge?token=${encodeURIComponent(serve.token)}`, { origin: base.origin });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the serve bridge did not open within 10 s')), 10_000);
    ws.once('open', () => (clearTimeout(timer), resolve()));
    ws.once('error', (e) => (clearTimeout(timer), reject(e)));
  });
  let next = 1;
  const pending = new Map();
  const listeners = new Set();
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.id !== undefined && pending.has(m.id)) {
      pending.get(m.id)(m.result);
      pending.delete(m.id);
    } else if (m.event) for (const l of listeners) l(m.event, m.payload);
  });
  return {
    async request(channel, input, timeoutMs = 60_000) {
      const id = next++;
      const result = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => (pending.delete(id), reject(new Error(`${channel}: no answer within ${timeoutMs / 1000} s`))), timeoutMs);
        pending.set(id, (r) => (clearTimeout(timer), resolve(r)));
        ws.send(JSON.stringify({ id, channel, input }));
      });
      if (!result?.ok) throw new Error(`${channel} failed: ${JSON.stringify(result?.error)}`);
      return result.value;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => ws.close(),
  };
}

/**
 * Adds the simulator's Eagle Eye v3 site (RTSP main and sub streams per camera) and signs in.
 * Serve mode has no browser opener: like an operator clicking the link on the Sites screen, the
 * bench follows the authorization address; the simulator approves its demo user at once.
 */
export async function addSimSite(bridge, een) {
  const followed = new Set();
  const follow = (sites) => {
    for (const s of sites ?? []) {
      const url = s.oauth?.authorizationUrl;
      if (!url || followed.has(url)) continue;
      followed.add(url);
      fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) }).then((r) => r.body?.cancel(), () => undefined);
    }
  };
  const off = bridge.on((event, payload) => event === 'sites:changed' && follow(payload));
  const poll = setInterval(() => bridge.request('sites:list', undefined).then(follow, () => undefined), 500);
  try {
    return await bridge.request('sites:add', {
      name: 'Bench · Eagle Eye v3',
      kind: 'eagleeye-v3',
      url: een.url,
      username: een.username,
      password: een.clientSecret,
      savePassword: false,
      oauthClientId: een.clientId,
    }, 90_000);
  } finally {
    clearInterval(poll);
    off();
  }
}

export function addRtspSite(bridge, url) {
  return bridge.request('sites:add', { name: 'Bench source', kind: 'rtsp', url: '', username: '', savePassword: false, rtspCameras: [{ name: 'Source', url }] }, 60_000);
}

/** The site's cameras once listed (bounded wait: the list arrives after sign-in). */
export async function camerasOf(bridge, siteId, atLeast, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const cams = (await bridge.request('cameras:list', undefined)).filter((c) => c.siteId === siteId);
    if (cams.length >= atLeast) return cams;
    if (Date.now() > until) throw new Error(`only ${cams.length} of ${atLeast} cameras listed after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Saves the bench layout (tiles pinned to main when the bench runs --profile main) and shows it on display browser-1. */
export async function showLayout(bridge, cameraIds, profile) {
  const layout = gridLayout(cameraIds, { profile });
  await bridge.request('wall:save-layout', layout);
  await bridge.request('wall:set-display', { displayId: 'browser-1', layoutId: layout.id });
  return layout;
}
