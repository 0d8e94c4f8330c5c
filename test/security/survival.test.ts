/**
 * Issue 13's last word: one `tessera serve --demo` process takes every attack of this folder in a
 * row (hostile stored files at start, broken frames on every socket, a random-bytes fuzz, a
 * reader that never reads, hostile payloads on every channel, stream-slot exhaustion and churn,
 * credentials inside a site address) and is still whole at the end: it answers app:info and the
 * memory it holds is back within 50 MB of where it was before the first attack. The other files
 * here check what each attack must be answered with; this one checks that they do not add up.
 *
 * "Holds" is read after a full garbage collection (through the inspector, support/inspector.ts):
 * V8 collects lazily, so resident memory read at an idle moment includes garbage it has not
 * bothered to free yet (+88 MB here without the collection, +7 MB with it).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../preload/contract/index.js';
import { connectInspector, type Inspector } from '../support/inspector.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { BridgeSession } from '../support/bridge-session.js';
import { fileAttacks, storedFiles } from './attacks/files.js';
import { allAttacks, runAttacks, stillServing, type Send } from './attacks/payloads.js';
import { brokenFrameAttacks, randomFrameFuzz, serverAnswers, slowReader, type ServeTarget, type SocketPath } from './attacks/sockets.js';
import { churnStreams, hoardRealCameras, listCameraIds, openUnknownCameras } from './attacks/streams.js';
import { addSiteWithUrlCredentials } from './attacks/url-credentials.js';

/** How far resident memory may stay above where it started once the attacks are over (issue 13). */
const MEMORY_MARGIN_MIB = 50;

let serve: ServeProcess;
let target: ServeTarget;
let cameras: string[];
let inspector: Inspector;
let start: { rssMiB: number; heapMiB: number };

/** Resident memory of the server process, MiB (Linux /proc). */
function serverRssMiB(): number {
  const status = readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Resident memory and JS heap after a full collection, MiB. */
async function memoryHeld(): Promise<{ rssMiB: number; heapMiB: number }> {
  await inspector.collectGarbage();
  return { rssMiB: serverRssMiB(), heapMiB: await inspector.heapUsedMiB() };
}

/** A bridge request as the payload attacks send it; a request left unanswered is a failed Result. */
function bridgeSend(session: BridgeSession): Send {
  return async (channel, input) => {
    try {
      return (await session.call(channel, input, 5000)) as Result<unknown>;
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: `no answer: ${(err as Error).message}`, retryable: false } };
    }
  };
}

beforeAll(async () => {
  // Every stored file starts out hostile: a "__proto__" key in each (the loaders set them aside).
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-survival-'));
  for (const file of storedFiles) {
    const attack = fileAttacks(file).find((a) => /__proto__/.test(a.name));
    if (!attack) throw new Error(`no __proto__ attack for ${file} in attacks/files.ts`);
    attack.write(join(dataDir, file));
  }
  serve = await startServeProcess(['--demo'], dataDir, 170_000, { nodeFlags: ['--inspect=127.0.0.1:0'] });
  inspector = await connectInspector(() => serve.stderr());
  target = { url: serve.url, port: Number(new URL(serve.url).port), token: serve.token };
  cameras = await listCameraIds(serve, 8);
  // Warm up what a normal session touches (a stream opened and closed), then take the baseline.
  const warm = await hoardRealCameras(serve, cameras.slice(0, 1), { count: 1 });
  await warm.release();
  start = await memoryHeld();
}, 240_000);

afterAll(async () => {
  inspector?.close();
  await serve?.stop();
});

describe('one serve process under every attack in a row', () => {
  it('still answers app:info at the end, with its memory back within 50 MB of the start', async () => {
    const peaks: number[] = [];
    const note = (): number => peaks.push(serverRssMiB());

    const paths: SocketPath[] = [
      { path: '/bridge', authorised: true },
      { path: '/bridge', authorised: false },
      { path: '/media/stream/survival-1', authorised: true },
      { path: '/media/stream/survival-1', authorised: false },
    ];
    for (const attack of Object.values(brokenFrameAttacks)) for (const via of paths) await attack(target, via);
    for (const via of paths) await randomFrameFuzz(target, via, 20);
    note();

    const slow = await slowReader(target, 'app:info', 300_000);
    expect(slow.closedByServer, 'the reader that never reads is dropped').toBe(true);
    note();

    const window = await BridgeSession.connect(serve, 'browser-1');
    try {
      const outcomes = await runAttacks(bridgeSend(window), allAttacks());
      expect(outcomes.length).toBeGreaterThan(500);
      expect(await stillServing(bridgeSend(window))).toEqual([]);
    } finally {
      window.close();
    }
    note();

    const unknown = await openUnknownCameras(serve, { count: 512, displayId: 'browser-1' });
    await unknown.release();
    const hoard = await hoardRealCameras(serve, cameras, { count: 512, displayId: 'browser-2' });
    note();
    await hoard.release();
    await churnStreams(serve, cameras, { rounds: 5, displayId: 'browser-3' });
    note();

    const added = await addSiteWithUrlCredentials(serve, { name: 'Survival', kind: 'exacq', url: 'http://operator:survival-secret@127.0.0.1:9/', username: '' });
    expect(added.traffic.join('\n')).not.toContain('survival-secret');
    note();

    const answer = await serverAnswers(target);
    expect(answer.result).toMatchObject({ ok: true, value: { name: 'Tessera' } });
    expect(serve.child.exitCode).toBeNull();
    expect(serve.stderr()).not.toMatch(/unexpected failure|RangeError|Unhandled/);

    const end = await memoryHeld();
    console.log(
      `[security] survival: after a full GC ${start.rssMiB.toFixed(0)} MiB resident (heap ${start.heapMiB.toFixed(1)}) at the start, ` +
        `${end.rssMiB.toFixed(0)} MiB (heap ${end.heapMiB.toFixed(1)}) at the end; resident peaks between attacks ${peaks.map((p) => p.toFixed(0)).join(' / ')} MiB`,
    );
    expect(end.rssMiB).toBeLessThanOrEqual(start.rssMiB + MEMORY_MARGIN_MIB);
    expect(end.heapMiB).toBeLessThanOrEqual(start.heapMiB + MEMORY_MARGIN_MIB);
  }, 300_000);
});
