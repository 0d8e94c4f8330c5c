/**
 * The RTSP relay's UDP ports. A mount's udpsrc binds its RTP port only when a client first asks
 * for the mount, while every other socket on the machine (ffmpeg publishers bind an ephemeral RTP
 * port P and then P + 1 for RTCP, Chromium, other simulators) draws ephemeral ports from the same
 * range. When one of them held a mount's port at that moment, the relay could not prepare the
 * media and answered DESCRIBE with 503 for as long as the simulator ran (the live bench: camera 26
 * "Parking South 2", sub, 503 through Tessera and the baseline). So the relay binds every RTP port,
 * and the RTCP port after it, at start-up and holds them.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegBin } from '../../../simulator/media/binaries.js';
import { catalogueEntry } from '../../../simulator/media/catalogue.js';
import { liveEncodeArgs } from '../../../simulator/media/ffmpeg-args.js';
import { ProcessGroup } from '../../../simulator/media/processes.js';
import { mountPath, startRtspServer, type RtspServer } from '../../../simulator/media/rtsp-server.js';

const run = promisify(execFile);
const ffprobe = process.env.FFPROBE_BIN ?? 'ffprobe';

/** Binds 127.0.0.1:port as an ordinary process would (no SO_REUSEADDR); null when it is taken. */
function tryBind(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

describe('simulator RTSP relay UDP ports', () => {
  const { camera, scene } = catalogueEntry(26);
  const mounts = [mountPath(camera.esn, 'sub'), mountPath(camera.esn, 'main')];
  const procs = new ProcessGroup();
  const publishers = new Map<string, ChildProcess>();
  const closes: string[] = [];
  let server: RtspServer;

  beforeAll(async () => {
    const started = await startRtspServer(mounts, procs, {
      // The simulator's publisher for the mount: the live encoder (1 s GOP so the probe is quick).
      onOpen(path) {
        if (publishers.has(path)) return;
        const profile = path.endsWith('/sub') ? camera.profiles.sub : camera.profiles.main;
        const child = procs.spawn(ffmpegBin(), liveEncodeArgs({
          scene, name: camera.name, esn: camera.esn, profile, gopSeconds: 1, audio: false, clockOffsetSec: 0,
          rtpPort: server.udpPorts.get(path)!,
        }));
        child.stdout!.resume();
        child.stderr!.resume();
        publishers.set(path, child);
      },
      onClose(path) {
        closes.push(path);
      },
    });
    if (!started.server) throw new Error(`RTSP server did not start: ${started.why}`);
    server = started.server;
  });

  afterAll(async () => {
    await procs.killAll();
  });

  it('gives every mount its own RTP port, none of them the RTCP port (RTP + 1) of another', () => {
    const rtp = mounts.map((m) => server.udpPorts.get(m)!);
    expect(rtp.every((p) => Number.isInteger(p) && p > 0)).toBe(true);
    const all = rtp.flatMap((p) => [p, p + 1]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('holds every RTP port and the RTCP port after it from start-up, before any client', async () => {
    for (const mount of mounts) {
      const port = server.udpPorts.get(mount)!;
      for (const p of [port, port + 1]) {
        const socket = await tryBind(p);
        socket?.close();
        expect(socket !== null, `${mount}: another socket could bind UDP ${p}`).toBe(false);
      }
    }
  });

  /** ffprobe over TCP: the mount's streams. */
  async function probeMount(mount: string): Promise<{ codec_name: string; width: number; height: number }[]> {
    const url = `rtsp://127.0.0.1:${server.port}${mount}`;
    const { stdout } = await run(
      ffprobe,
      ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '15000000', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', url],
      { timeout: 30_000 },
    );
    return (JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number }[] }).streams;
  }

  it('plays a mount whose RTP port another socket went for before the first client', async () => {
    const intruder = await tryBind(server.udpPorts.get(mounts[0]!)!);
    try {
      expect(await probeMount(mounts[0]!)).toEqual([{ codec_name: 'h264', width: 640, height: 360 }]);
    } finally {
      intruder?.close();
    }
  });

  it('plays the mount again after its media was torn down (the next media reads the same held port)', async () => {
    const until = Date.now() + 15_000;
    while (!closes.includes(mounts[0]!)) {
      if (Date.now() > until) throw new Error(`${mounts[0]} was not torn down within 15 s of its last client`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The publisher kept sending meanwhile: what queued up is dropped, the new media starts live.
    expect(await probeMount(mounts[0]!)).toEqual([{ codec_name: 'h264', width: 640, height: 360 }]);
  });
});
