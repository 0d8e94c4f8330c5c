/**
 * Issue 16's "done when", per vendor, through `tessera export` against the simulator (ad hoc, the
 * vendors' real server exports): 2 minutes exported; moov before mdat; the duration within one GOP
 * of 2 minutes; the first frame's timecode (the simulator's machine-readable one) at or before T
 * and no more than a GOP before it; the last frame at least T + 2 min − 1 frame; the manifest's
 * hash; `tessera verify` passes, and fails after one byte of the file changed. And the
 * simulator's `stallExports` fault through the queue: reported as stalled, tried again, done.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteKind } from '../../../preload/contract/index.js';
import { runCli } from '../../../main/cli/index.js';
import { aipixModule } from '../../../simulator/aipix/index.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import { eagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import { exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { sessionOnlyStore } from '../../../main/credentials/session-only-store.js';
import { ExportManager } from '../../../main/export/export-manager.js';
import { verifyExport } from '../../../main/export/export-runner.js';
import { loadSigningKey } from '../../../main/export/signing-key.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { createExacqAdapterFactory } from '../../../main/vms/exacq/adapter.js';
import { cliIo, simAdmin } from '../../support/adapter-harness.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { waitUntil } from '../../support/wait-until.js';
import { probeDuration, topLevelBoxes } from '../../support/export-source.js';
import { startTestSimulator } from '../../support/simulator.js';
import { firstAndLastFrame, twoMinutesOf } from '../vms/server-export-helpers.js';

type ExacqSite = SiteDescription & { cameraIds: number[] };
type AipixSite = SiteDescription & { cameras: { id: number }[] };
type V3Site = SiteDescription & { clientId: string; clientSecret: string };

const CAMERA = 1;
let sim: SimulatorHandle;
let scratch: string;
const site = <T extends SiteDescription>(kind: string): T => sim.sites[kind] as T;
const userArgs = (kind: SiteKind, d: SiteDescription): string[] => ['--kind', kind, '--url', d.url, '--user', d.username];

const vendors: { kind: SiteKind; args(): string[]; secret(): string; cameraId(): string }[] = [
  { kind: 'eagleeye-v1', args: () => userArgs('eagleeye-v1', site('eagleeye-v1')), secret: () => site('eagleeye-v1').password, cameraId: () => sim.context.media.cameras[CAMERA]!.esn },
  {
    kind: 'eagleeye-v3',
    args: () => [...userArgs('eagleeye-v3', site('eagleeye-v3')), '--client-id', site<V3Site>('eagleeye-v3').clientId, '--oauth-headless'],
    secret: () => site<V3Site>('eagleeye-v3').clientSecret,
    cameraId: () => sim.context.media.cameras[CAMERA]!.esn,
  },
  { kind: 'exacq', args: () => userArgs('exacq', site('exacq')), secret: () => site('exacq').password, cameraId: () => String(site<ExacqSite>('exacq').cameraIds[CAMERA]) },
  { kind: 'aipix', args: () => userArgs('aipix', site('aipix')), secret: () => site('aipix').password, cameraId: () => String(site<AipixSite>('aipix').cameras[CAMERA]!.id) },
];

beforeAll(async () => {
  sim = await startTestSimulator([eagleEyeV1Module, eagleEyeV3Module, exacqModule, aipixModule], { cameras: 4, rtsp: false });
  scratch = await mkdtemp(join(tmpdir(), 'tessera-export-vendors-'));
});
afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe.each(vendors)('tessera export from $kind', (v) => {
  it('2 minutes: moov first, duration and first/last frame times within a GOP, manifest hash, verify passes and then fails after one byte changes', { timeout: 240_000 }, async () => {
    const range = twoMinutesOf(sim.context.media, CAMERA, sim.context.now());
    const file = join(scratch, `${v.kind}.mp4`);
    const t = cliIo(v.secret());
    const args = ['export', ...v.args(), '--password-stdin', '--camera', v.cameraId(), '--from', new Date(range.fromMs).toISOString(), '--to', new Date(range.toMs).toISOString(), '-o', file, '--json', '--data-dir', join(scratch, `data-${v.kind}`)];
    const code = await runCli(args, t.io);
    expect(code, t.err()).toBe(0);
    const lines = t.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ file, manifest: `${file}.manifest.json` });
    expect(lines.slice(0, -1).every((l) => typeof l.progress === 'number' && typeof l.step === 'string')).toBe(true);
    expect(t.out() + t.err()).not.toContain(v.secret());

    const bytes = readFileSync(file);
    const boxes = topLevelBoxes(bytes);
    expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    expect(Math.abs((await probeDuration(file)) - 120)).toBeLessThanOrEqual(range.gopS);
    const { firstMs, lastMs } = await firstAndLastFrame(file);
    expect(firstMs).not.toBeNull();
    expect(firstMs!).toBeLessThanOrEqual(range.fromMs);
    expect(firstMs!).toBeGreaterThanOrEqual(range.fromMs - range.gopS * 1000);
    expect(lastMs!).toBeGreaterThanOrEqual(range.toMs - range.frameMs - 1);
    const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')) as { file: { sha256: string }; site: { vendor: string }; operator: string };
    expect(manifest.file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(manifest).toMatchObject({ site: { vendor: v.kind }, operator: site(v.kind).username });

    const intact = cliIo();
    expect(await runCli(['verify', file, '--data-dir', join(scratch, `data-${v.kind}`)], intact.io), intact.err()).toBe(0);
    const changed = Buffer.from(bytes);
    changed[changed.length - 100]! ^= 0x80;
    writeFileSync(file, changed);
    const broken = cliIo();
    expect(await runCli(['verify', file], broken.io)).toBe(1);
    expect(broken.err()).toContain('SHA-256 differs');
  });
});

it('a stalled exacqVision export (the simulator\'s stallExports) is reported as stalled, tried again and completes', { timeout: 120_000 }, async () => {
  const admin = simAdmin(() => sim.adminUrl);
  const d = site<ExacqSite>('exacq');
  const config = { id: 'depot', name: 'Depot exacq', kind: 'exacq' as const, url: d.url, username: d.username };
  const adapter = createExacqAdapterFactory({ exportTiming: { stallMs: 1500 } }).create({ site: config, http: new HttpClient({ baseUrl: d.url, siteName: config.name, timeoutMs: 30_000 }), log: memoryLogger(), now: () => sim.context.now() });
  await adapter.signIn({ username: d.username, password: d.password });
  await adapter.listCameras();
  const store = sessionOnlyStore();
  const folder = join(scratch, 'stall');
  mkdirSync(folder, { recursive: true });
  const exports = new ExportManager({
    file: join(folder, 'exports.json'),
    log: memoryLogger(),
    describe: async () => ({ cameraName: 'Lobby', siteName: config.name, vendor: 'exacq', operator: d.username }),
    siteReady: () => true,
    withServerExport: (_id, fn) => fn(adapter.serverExport!, String(d.cameraIds[CAMERA])),
    signingKey: () => loadSigningKey(store),
    publishEveryMs: 20,
  });
  const steps: string[] = [];
  exports.onChanged((list) => list.jobs.forEach((j) => steps.push(j.step)));
  exports.start();
  try {
    await admin('/faults', { stallExports: true });
    const range = twoMinutesOf(sim.context.media, CAMERA, sim.context.now());
    const [job] = await exports.create({ cameraIds: ['depot/cam'], fromMs: range.fromMs, toMs: range.fromMs + 30_000, folder, incident: 'Stalled', burnTimestamp: false });
    await waitUntil('the stall to be reported', 30_000, () => steps.find((s) => /made no progress on the clip.*Trying again \(2 of 3\)/.test(s)));
    await admin('/faults', { stallExports: false });
    const done = await waitUntil('the export to end', 90_000, () => exports.list().jobs.find((j) => j.id === job!.id && ['done', 'failed'].includes(j.state)));
    expect(done.state, done.error?.message).toBe('done');
    expect(await verifyExport(done.file)).toMatchObject({ ok: true });
  } finally {
    await admin('/faults', { stallExports: false });
    await exports.dispose();
    await adapter.dispose();
  }
});
