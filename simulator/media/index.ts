/**
 * The simulator's media layer: synthetic cameras whose every byte comes from ffmpeg, with a
 * burned-in camera name and UTC clock that match the timestamps the APIs report.
 *
 *   catalogue.ts    cameras (ESN, name, scene, GOP, audio) — pure
 *   plan.ts         5-minute segments with gaps, motion events — pure
 *   ffmpeg-args.ts  every ffmpeg command line — pure
 *   recordings.ts   segment files (encoded on first use, cached), stills, clips
 *   loops.ts        pre-encoded live loops (cached; made in the background past 8 cameras)
 *   live-source.ts  one lazy, shared ffmpeg per camera/profile: TS fan-out + RTP to the RTSP relay
 *   rtsp-server.*   gst-rtsp-server relay (real RTSP over TCP/UDP on 127.0.0.1)
 *   live.ts hls.ts  HTTP live media: FLV/TS streams, JPEGs, stills, HLS
 *
 * Offline cameras (setOnline(false)): live methods throw SimOffline, the RTSP mounts answer 404 and
 * the live sources stop (existing RTSP sessions stall, as with a camera that lost power);
 * recordings stay available and the plan keeps its segments (the outage leaves no gap).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ffmpegBin, systemPython } from './binaries.js';
import { sweepStaleTemps } from './cache.js';
import { buildCatalogue } from './catalogue.js';
import { liveEncodeArgs, loopSourceArgs } from './ffmpeg-args.js';
import { HlsService } from './hls.js';
import { LiveService } from './live.js';
import { LiveSource } from './live-source.js';
import { LoopLibrary } from './loops.js';
import { historyStart, motionBetween, segmentsBetween, type PlanWindow } from './plan.js';
import { ProcessGroup } from './processes.js';
import { RecordingStore } from './recordings.js';
import { mountPath, startRtspServer, type RtspServer } from './rtsp-server.js';
import { SimNotFound, type ProfileName, type SimMedia } from '../types.js';

export interface SimMediaOptions {
  cameras: number;
  hours: number;
  cacheDir: string;
  rtsp: boolean;
  now: () => number;
  onProgress?: (msg: string) => void;
}

const profileNames: readonly ProfileName[] = ['main', 'sub'];

export async function createSimMedia(options: SimMediaOptions): Promise<SimMedia> {
  const started = Date.now();
  const progress = (message: string): void => options.onProgress?.(message);
  const entries = buildCatalogue(options.cameras);
  const cameras = entries.map((e) => e.camera);
  const historyStartMs = historyStart(options.now(), options.hours);
  const window = (): PlanWindow => ({ historyStartMs, nowMs: options.now() });
  const procs = new ProcessGroup();
  const cacheDir = options.cacheDir;
  // Scratch space of this run (clip files, partial cuts, HLS windows): removed by close().
  const runDir = join(cacheDir, 'run', `${process.pid}-${randomBytes(3).toString('hex')}`);
  await mkdir(runDir, { recursive: true });
  const swept = await sweepStaleTemps(cacheDir);
  if (swept) progress(`media: removed ${swept} temp files left by killed runs`);

  const online = cameras.map(() => true);
  const checkIndex = (cameraIndex: number): void => {
    if (!Number.isInteger(cameraIndex) || cameraIndex < 0 || cameraIndex >= cameras.length) {
      throw new SimNotFound(`no camera ${cameraIndex}`);
    }
  };

  const library = new LoopLibrary(entries, cacheDir, procs, progress);
  try {
    // Each RTSP media that gets a client holds its live source until the media is torn down.
    const sources = new Map<string, LiveSource>();
    const rtspHolds = new Map<string, (() => void)[]>();
    const sourceByMount = new Map<string, LiveSource>();
    const releaseRtsp = (path: string): void => {
      for (const release of rtspHolds.get(path)?.splice(0) ?? []) release();
    };
    // The relay (Python + GStreamer, ~0.5 s) starts while the loops are checked or made.
    const rtspStarting = options.rtsp
      ? startRtspServer(cameras.flatMap((c) => profileNames.map((p) => mountPath(c.esn, p))), procs, {
          onOpen(path) {
            const source = sourceByMount.get(path);
            if (!source) return;
            rtspHolds.set(path, [...(rtspHolds.get(path) ?? []), source.hold()]);
          },
          onClose(path) {
            rtspHolds.get(path)?.shift()?.();
          },
          onLog: progress,
        })
      : null;
    await library.prepare();
    let rtsp: RtspServer | null = null;
    let rtspUnavailable: string | undefined;
    if (rtspStarting) {
      const result = await rtspStarting;
      rtsp = result.server;
      if (!result.server) {
        rtspUnavailable = result.why;
        progress(
          `media: RTSP needs the GStreamer RTSP server (apt-get install gir1.2-gst-rtsp-server-1.0 python3-gi ` +
            `gstreamer1.0-plugins-good gstreamer1.0-plugins-bad; run by ${systemPython()}): ${result.why}. ` +
            'Live media stays available over HTTP.',
        );
      }
    } else {
      progress('media: RTSP disabled; live media over HTTP only');
    }

    for (const { camera, scene } of entries) {
      for (const profile of profileNames) {
        const path = mountPath(camera.esn, profile);
        const rtpPort = rtsp?.udpPorts.get(path) ?? null;
        const loop = library.path(camera.index, profile);
        const source = new LiveSource({
          label: `${camera.esn}/${profile}`,
          now: options.now,
          onLog: progress,
          prepare: loop ? () => library.ready(camera.index, profile) : undefined,
          spawn: () =>
            procs.spawn(
              ffmpegBin(),
              loop
                ? loopSourceArgs(loop, camera.audio, rtpPort)
                : liveEncodeArgs({
                    scene, name: camera.name, esn: camera.esn, profile: camera.profiles[profile], gopSeconds: camera.gopSeconds,
                    audio: camera.audio, clockOffsetSec: (options.now() - Date.now()) / 1000, rtpPort,
                  }),
            ),
        });
        sources.set(`${camera.index}/${profile}`, source);
        sourceByMount.set(path, source);
      }
    }
    const source = (cameraIndex: number, profile: ProfileName): LiveSource => {
      checkIndex(cameraIndex);
      return sources.get(`${cameraIndex}/${profile}`)!;
    };

    const recordings = new RecordingStore({ entries, cacheDir, runDir, procs, window, onProgress: progress });
    const live = new LiveService({
      entries, procs, source, now: options.now,
      loopFile: (cameraIndex, profile) => library.ready(cameraIndex, profile),
      isOnline: (cameraIndex) => online[cameraIndex] ?? false,
    });
    const hls = new HlsService({ runDir, procs, source });
    let closed = false;

    progress(
      `media: ${cameras.length} cameras ready in ${Date.now() - started} ms` +
        (rtsp ? `; RTSP on rtsp://127.0.0.1:${rtsp.port}/cam/<esn>/<main|sub>` : ''),
    );

    return {
      cameras,
      historyStartMs,
      rtspUnavailable,
      segments(cameraIndex, fromMs, toMs) {
        checkIndex(cameraIndex);
        return segmentsBetween(cameraIndex, fromMs, toMs, window());
      },
      motion(cameraIndex, fromMs, toMs) {
        checkIndex(cameraIndex);
        return motionBetween(cameraIndex, fromMs, toMs, window());
      },
      isOnline(cameraIndex) {
        return online[cameraIndex] ?? false;
      },
      setOnline(cameraIndex, value) {
        checkIndex(cameraIndex);
        if (online[cameraIndex] === value) return;
        online[cameraIndex] = value;
        const esn = cameras[cameraIndex]!.esn;
        for (const profile of profileNames) {
          const path = mountPath(esn, profile);
          rtsp?.setMountEnabled(path, value);
          if (!value) {
            releaseRtsp(path);
            sources.get(`${cameraIndex}/${profile}`)!.stop();
          }
        }
        if (!value) hls.stopCamera(cameraIndex);
      },
      segmentFile(segment, profile) {
        checkIndex(segment.cameraIndex);
        return recordings.segmentFile(segment, profile);
      },
      async recordedClip(cameraIndex, profile, startMs, endMs, format) {
        checkIndex(cameraIndex);
        return recordings.clip(cameraIndex, profile, startMs, endMs, format);
      },
      async recordedStill(cameraIndex, tMs, width) {
        checkIndex(cameraIndex);
        return recordings.still(cameraIndex, tMs, width);
      },
      clipStartMs(cameraIndex, startMs, endMs) {
        checkIndex(cameraIndex);
        return recordings.clipStartMs(cameraIndex, startMs, endMs);
      },
      async liveStill(cameraIndex, width) {
        checkIndex(cameraIndex);
        return live.still(cameraIndex, width);
      },
      rtspUrl(cameraIndex, profile) {
        checkIndex(cameraIndex);
        return rtsp ? `rtsp://127.0.0.1:${rtsp.port}${mountPath(cameras[cameraIndex]!.esn, profile)}` : null;
      },
      liveStream(cameraIndex, profile, format) {
        checkIndex(cameraIndex);
        return live.stream(cameraIndex, profile, format);
      },
      async hlsPlaylist(cameraIndex, profile) {
        live.entryOnline(cameraIndex);
        return hls.playlist(cameraIndex, profile);
      },
      async hlsSegment(cameraIndex, profile, name) {
        live.entryOnline(cameraIndex);
        return hls.segment(cameraIndex, profile, name);
      },
      liveJpegs(cameraIndex, fps, width, onFrame) {
        checkIndex(cameraIndex);
        return live.jpegs(cameraIndex, fps, width, onFrame);
      },
      async close() {
        if (closed) return;
        closed = true;
        hls.close();
        library.close();
        for (const s of sources.values()) s.stop();
        await procs.killAll();
        await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  } catch (err) {
    library.close();
    await procs.killAll();
    await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}
