/** Serve mode's export download: finished files by job id, behind the token, nothing else. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportDownloadPath } from '../../../preload/contract/index.js';
import { startServeProcess, type ServeProcess } from '../../support/serve-process.js';

let serve: ServeProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-serve-exports-'));
const out = join(dataDir, 'out', 'Dock theft');
const job = (id: string, state: string, file: string) => ({
  id, cameraId: 'site-1/cam-1', cameraName: 'Dock', siteName: 'HQ', vendor: 'exacq', operator: 'alice', fromMs: 0, toMs: 60_000,
  burnTimestamp: false, file, state, progress: state === 'done' ? 1 : 0.5, bytes: 4, step: state, createdMs: 0, attempts: 1,
});

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'Dock Café.mp4'), 'MP4!');
  writeFileSync(join(out, 'half.mp4'), 'half');
  writeFileSync(join(dataDir, 'exports.json'), JSON.stringify({ version: 1, data: { concurrency: 1, jobs: [job('job-done', 'done', join(out, 'Dock Café.mp4')), job('job-failed', 'failed', join(out, 'half.mp4'))] } }));
  serve = await startServeProcess([], dataDir);
});
afterAll(async () => {
  await serve?.stop();
});

it('serves a finished export as a download with the token, and nothing without it, for unknown ids or unfinished jobs', async () => {
  const at = (id: string, token = true) => fetch(`${serve.origin}${exportDownloadPath(id)}${token ? `?token=${serve.token}` : ''}`);
  const done = await at('job-done');
  expect(done.status).toBe(200);
  expect(done.headers.get('content-disposition')).toBe(`attachment; filename="Dock Caf_.mp4"; filename*=UTF-8''Dock%20Caf%C3%A9.mp4`);
  expect(await done.text()).toBe('MP4!');
  expect((await at('job-done', false)).status).toBe(401);
  expect((await at('job-failed')).status).toBe(404);
  expect((await at('no-such-job')).status).toBe(404);
  expect((await fetch(`${serve.origin}/exports/..%2F..%2Fetc%2Fpasswd?token=${serve.token}`)).status).toBe(404);
});
