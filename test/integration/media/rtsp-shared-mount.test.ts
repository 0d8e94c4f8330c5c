/**
 * Eagle Eye v3 RTSP sub streams through the broker while another client already reads each mount
 * (another operator, the live benchmark's warm-up or baseline reader). The adapter's URLs carry
 * their own query (esn, a new stream_session per /feeds answer, access_token): a camera serves
 * the same stream whatever the query, so every upstream must reach its first fragment within
 * connect + one GOP, and the other clients must keep receiving.
 *
 * Before the simulator keyed its shared RTSP media by path, each query got a media of its own
 * whose UDP feed the kernel gave to one socket only: DESCRIBE hung until ffmpeg gave up ("Invalid
 * data found when processing input") and tiles retried with backoff for a minute or more.
 *
 * Real ffmpeg, the real simulator, the real Eagle Eye v3 adapter (OAuth, /feeds). Cameras 1–8
 * loop pre-encoded sub streams (GOP 2–4 s); camera 0 (a live x264 encoder) is left out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { MediaBroker } from '../../../main/media/media-broker.js';
import { createEagleEyeV3Module } from '../../../simulator/een-v3/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV3AdapterFactory } from '../../../main/vms/eagle-eye-v3/adapter.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { startTestSimulator } from '../../support/simulator.js';
import { RecordingSink } from './helpers.js';

const ffmpegBin = process.env.FFMPEG_BIN ?? 'ffmpeg';
const CAMERAS = [1, 2, 3, 4, 5, 6, 7, 8];
/** Connect (~0.3 s, more with 16 ffmpegs starting on 2 cores) + the longest GOP (4 s) + margin. */
const FIRST_FRAGMENT_BUDGET_MS = 12_000;

let sim: SimulatorHandle;
let adapter: VmsAdapter;
let broker: MediaBroker;
const log = memoryLogger();
const others: ChildProcess[] = [];

/** Another client of the mount: a plain ffmpeg copy of the path without query; counts bytes. */
function otherReader(url: string): { child: ChildProcess; bytes: () => number; receiving: Promise<void> } {
  const child = spawn(ffmpegBin, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', url, '-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  others.push(child);
  let bytes = 0;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1000)));
  const receiving = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the other reader of ${url} got no video within 30 s: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      bytes += d.length;
      // A few 188-byte TS packets past the PAT/PMT: video is flowing.
      if (bytes > 20 * 188) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the other reader of ${url} exited (${code}): ${stderr}`));
    });
  });
  return { child, bytes: () => bytes, receiving };
}

beforeAll(async () => {
  sim = await startTestSimulator([createEagleEyeV3Module()], { cameras: 9 });
  const site = sim.sites['eagleeye-v3'] as unknown as { url: string; username: string; clientId: string; clientSecret: string };
  const config: SiteConfig = { id: 'v3media', name: 'Harbour EEN', kind: 'eagleeye-v3', url: site.url, username: site.username, oauthClientId: site.clientId };
  adapter = eagleEyeV3AdapterFactory.create({ site: config, http: new HttpClient({ baseUrl: config.url, siteName: config.name, timeoutMs: 20_000 }), log, now: Date.now });
  const outcome = await adapter.signIn({ username: site.username, password: site.clientSecret });
  if (outcome.kind !== 'browser') throw new Error(`expected a browser step, got ${outcome.kind}`);
  // This test is the browser: it follows the authorization address to the adapter's loopback listener.
  await fetch(outcome.authorizationUrl);
  await outcome.completion;
  broker = new MediaBroker({ resolve: (cameraId, profile) => adapter.liveSource!(cameraId, profile), log, lingerMs: 1_000 });
});

afterAll(async () => {
  for (const child of others) child.kill('SIGKILL');
  await broker?.dispose();
  await sim?.stop();
});

describe('Eagle Eye v3 RTSP sub streams on mounts another client already reads', () => {
  it(`${CAMERAS.length} upstreams all reach their first fragment within ${FIRST_FRAGMENT_BUDGET_MS / 1000} s; the other clients keep receiving`, async () => {
    const esns = CAMERAS.map((i) => sim.context.media.cameras[i]!.esn);
    // Started one after the other, as the benchmark warms its mounts.
    const readers: ReturnType<typeof otherReader>[] = [];
    for (const i of CAMERAS) {
      const reader = otherReader(sim.context.media.rtspUrl(i, 'sub')!);
      await reader.receiving;
      readers.push(reader);
    }
    const source = await adapter.liveSource!(esns[0]!, 'sub');
    expect(source).toMatchObject({ kind: 'rtsp', url: expect.stringMatching(/\?esn=\w+&stream_session=[\w-]+&access_token=/) });

    const openedAt = Date.now();
    const viewers = esns.map((esn) => {
      const { streamId } = broker.open(esn, 'sub');
      const sink = new RecordingSink();
      expect(broker.attach(streamId, sink)).not.toBeNull();
      return { esn, streamId, sink };
    });
    const outcomes = await Promise.allSettled(viewers.map((v) => v.sink.fragments(1, FIRST_FRAGMENT_BUDGET_MS)));
    const ttff = viewers.map((v) => (v.sink.firstFragmentAtMs === null ? null : v.sink.firstFragmentAtMs - openedAt));
    console.info(`[media] EEN v3 RTSP sub ×${viewers.length} on mounts already read: first fragment ${ttff.map((ms) => (ms === null ? '—' : `${ms} ms`)).join(', ')}`);
    const late = viewers.filter((_, i) => outcomes[i]!.status === 'rejected');
    const states = broker.states();
    expect(late.map((v) => `${v.esn}: ${JSON.stringify(states.find((s) => s.streamId === v.streamId)?.reason ?? null)}`)).toEqual([]);

    // Every other client still gets video now that Tessera reads the same mounts.
    const before = readers.map((r) => r.bytes());
    await Promise.all(viewers.map((v) => v.sink.fragments(v.sink.fragmentCount + 25, 10_000)));
    const stalled = esns.filter((_, i) => readers[i]!.bytes() - before[i]! < 10 * 188);
    expect(stalled).toEqual([]);
    for (const v of viewers) broker.close(v.streamId);
  });
});
