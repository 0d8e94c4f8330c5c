// `tessera sim --json` as a user runs it (the built CLI, `npm run build` first): one JSON line
// keyed by site kind, every printed address answers, and the RTSP cameras are real RTSP over TCP.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tesseraBin } from '../../support/serve-process.js';
import { simCacheDir } from '../../support/simulator.js';

const run = promisify(execFile);
let child: ChildProcess;
let stdoutLines: string[] = [];
let sites: Record<string, { url: string; username: string; password: string; [k: string]: unknown } | { name: string; url: string }[]>;

beforeAll(async () => {
  child = spawn(process.execPath, [tesseraBin, 'sim', '--json', '--cameras', '3', '--hours', '1', '--data-dir', mkdtempSync(join(tmpdir(), 'tessera-sim-'))], {
    env: { ...process.env, TESSERA_SIM_CACHE: simCacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera sim was not ready in 150 s: ${err}`)), 150_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
    child.once('exit', (code) => reject(new Error(`tessera sim exited with ${code}: ${err}`)));
  });
  stdoutLines = out.split('\n').filter(Boolean);
  sites = JSON.parse(line);
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('tessera sim --json', () => {
  it('prints exactly one JSON line keyed by site kind, with what an operator types', () => {
    expect(stdoutLines).toHaveLength(1);
    expect(Object.keys(sites).sort()).toEqual(['aipix', 'eagleeye-v1', 'eagleeye-v3', 'exacq', 'rtsp']);
    for (const kind of ['aipix', 'eagleeye-v1', 'eagleeye-v3', 'exacq'] as const) {
      const site = sites[kind] as { url: string; username: string; password: string };
      expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(site.username).toBeTruthy();
      expect(site.password).toBeTruthy();
    }
    expect(sites['eagleeye-v3']).toMatchObject({ authUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1/), clientId: expect.any(String), clientSecret: expect.any(String) });
    expect(sites.rtsp).toHaveLength(3);
  });

  it('answers on every printed address', async () => {
    const urls = [
      ...(['aipix', 'eagleeye-v1', 'eagleeye-v3', 'exacq'] as const).map((kind) => (sites[kind] as { url: string }).url),
      (sites['eagleeye-v3'] as unknown as { authUrl: string }).authUrl,
    ];
    for (const url of urls) {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      expect(response.status, url).toBeLessThan(500);
      await response.body?.cancel();
    }
  });

  it('serves real H.264 over RTSP/TCP on every printed camera', async () => {
    for (const camera of sites.rtsp as { name: string; url: string }[]) {
      const { stdout } = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', camera.url], { timeout: 20_000 });
      expect(stdout.trim(), camera.name).toBe('h264,1280,720');
    }
  });
});
