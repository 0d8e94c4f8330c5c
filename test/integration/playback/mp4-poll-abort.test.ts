// Eagle Eye v1 above 1× plays MP4 pieces, each a job polled (201/202 → 200) for up to 20 s. A
// playback that seeks elsewhere or closes meanwhile aborts that poll (the session's signal through
// RecordedMedia.video): no further /asset/play/video.mp4 request reaches the server, and the
// playback neither fails nor logs an error. Against the simulator with stallExports (the job
// answers 202 for ever), through a counting proxy in front of it, with real ffmpeg.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../../preload/contract/index.js';
import { HttpClient } from '../../../main/net/http-client.js';
import { PlaybackService } from '../../../main/playback/playback-service.js';
import type { RecordedMedia, VmsAdapter } from '../../../main/vms/adapter.js';
import { eagleEyeV1AdapterFactory } from '../../../main/vms/eagle-eye-v1/adapter.js';
import { eagleEyeV1Module } from '../../../simulator/een-v1/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { SiteDescription } from '../../../simulator/types.js';
import { memoryLogger } from '../../support/memory-logger.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { waitUntil } from '../../support/wait-until.js';
import { FakeSink } from '../../unit/media/fake-sink.js';

const camIndex = 1;
/**
 * After the abort, requests already on the wire may still land for this long (loopback: far less);
 * then none may come for `quietMs`, in which the old poll (every ≤ 1 s) would have made two or more.
 */
const settleMs = 200;
const quietMs = 3_000;

/** Forwards every request to `target` and keeps the URLs of the MP4 job's requests (each job: its own query). */
async function countingProxy(target: string): Promise<{ url: string; mp4: string[]; close: () => Promise<void> }> {
  const mp4: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/asset/play/video.mp4')) mp4.push(req.url);
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mp4,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Eagle Eye v1 MP4 job poll ends with the playback (simulator with stallExports, real ffmpeg)', { timeout: 300_000 }, () => {
  let sim: SimulatorHandle;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let adapter: VmsAdapter;
  let recorded: RecordedMedia;
  const log = memoryLogger();

  beforeAll(async () => {
    sim = await startTestSimulator([eagleEyeV1Module], { cameras: 2, rtsp: false, faults: { stallExports: true } });
    const site = sim.sites['eagleeye-v1'] as SiteDescription;
    proxy = await countingProxy(site.url);
    const config: SiteConfig = { id: 'abortv1', name: 'HQ Eagle Eye', kind: 'eagleeye-v1', url: proxy.url, username: site.username };
    adapter = eagleEyeV1AdapterFactory.create({ site: config, http: new HttpClient({ baseUrl: proxy.url, siteName: config.name, timeoutMs: 30_000 }), log: log.child('adapter'), now: () => sim.context.now() });
    await adapter.signIn({ username: site.username, password: site.password });
    recorded = adapter.recorded!;
  }, 120_000);

  afterAll(async () => {
    await adapter?.dispose();
    await proxy?.close();
    await sim?.stop();
  });

  /** Requests of the job `url` (any job: undefined) reaching the server. */
  const polls = (url?: string): number => proxy.mp4.filter((u) => url === undefined || u === url).length;

  /** Once the abort settled, no request of that job (any job: undefined) reaches the server. */
  async function noMorePolls(url?: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const after = polls(url);
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    expect(polls(url)).toBe(after);
  }

  it('a seek and a close each end the pending MP4 poll; the playback neither fails nor logs it', async () => {
    const media = sim.context.media;
    const esn = media.cameras[camIndex]!.esn;
    const segment = longestFinishedSegment(media, camIndex, sim.context.now());
    const at = segment.startMs + 30_000;
    const playback = new PlaybackService({
      resolve: (_id, atMs, o) => recorded.video(esn, atMs, o),
      reverse: async () => recorded.reverse,
      coverage: (_id, from, to) => recorded.coverage(esn, from, to),
      log: log.child('playback'),
    });
    try {
      const opened = await playback.open({ cameraId: 'v1/cam', atMs: at, rate: 1, profile: 'main' }, 'test');
      const id = opened.playbackId;
      playback.attach(id, new FakeSink());
      await waitUntil('the FLV plays', 120_000, () => playback.states()[0]?.status === 'playing' || undefined);

      // 2×: the source is asked again, an MP4 job, which the simulator never finishes.
      await playback.setSpeed(id, 2, at + 1_000);
      const first = await waitUntil('three polls of the MP4 job', 120_000, () => (proxy.mp4.length >= 3 ? proxy.mp4[0] : undefined));
      // A seek elsewhere (it resolves once the new source is there): that job's poll ends, the
      // new position's job is polled instead.
      const seeking = playback.seek(id, at + 20_000);
      await noMorePolls(first);
      const second = proxy.mp4.find((u) => u !== first);
      expect(second).toBeDefined();
      expect(playback.states()[0]?.status).toBe('opening');
      playback.close(id);
      // The close aborted the seek's poll: the seek ends without an error.
      await seeking;
      await noMorePolls();
      expect(log.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    } finally {
      await playback.dispose();
    }
  });
});
