/**
 * Live HLS: per camera and profile, started by the first playlist request, an ffmpeg HLS muxer
 * (stream copy of the live source) writes a short rolling window into the run dir. It stops
 * after HLS_IDLE_MS without a request, like a camera's HLS session.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ffmpegBin } from './binaries.js';
import { liveHlsArgs } from './ffmpeg-args.js';
import { stdinConsumer, type LiveSource } from './live-source.js';
import { terminate, type ProcessGroup } from './processes.js';
import type { ProfileName } from '../types.js';

/** Target segment length, s (stream copy cuts at keyframes, so a 4 s GOP camera gets 4 s). */
export const HLS_SEGMENT_SECONDS = 2;
/** Segments in the playlist window. */
export const HLS_LIST_SIZE = 5;
/** Stop a session after this long without playlist or segment requests, ms. */
export const HLS_IDLE_MS = 30_000;
/** How long a first playlist request may wait for the first segment, ms (GOP 4 s + start-up). */
const FIRST_PLAYLIST_TIMEOUT_MS = 15_000;
const SEGMENT_NAME = /^seg_\d{5}\.ts$/;

interface Session {
  dir: string;
  child: ChildProcess;
  unsubscribe: () => void;
  lastUsedMs: number;
  exited: boolean;
}

export interface HlsServiceOptions {
  runDir: string;
  procs: ProcessGroup;
  source: (cameraIndex: number, profile: ProfileName) => LiveSource;
}

/** Whether a playlist lists at least one segment. */
export function playlistHasSegment(text: string): boolean {
  return /#EXTINF:/.test(text);
}

export class HlsService {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly o: HlsServiceOptions) {
    this.sweeper = setInterval(() => this.sweep(), 5_000);
    this.sweeper.unref();
  }

  private session(cameraIndex: number, profile: ProfileName): Session {
    const key = `${cameraIndex}/${profile}`;
    const session = this.sessions.get(key);
    if (session && !session.exited) {
      session.lastUsedMs = Date.now();
      return session;
    }
    const dir = join(this.o.runDir, 'hls', `${cameraIndex}-${profile}-${Date.now()}`);
    const child = this.o.procs.spawn(ffmpegBin(), ['-y', ...liveHlsArgs(dir, HLS_SEGMENT_SECONDS, HLS_LIST_SIZE)]);
    child.stderr!.resume();
    child.stdout!.resume();
    const created: Session = { dir, child, unsubscribe: () => undefined, lastUsedMs: Date.now(), exited: false };
    // ffmpeg's hls muxer does not create the directory itself.
    void mkdir(dir, { recursive: true }).then(() => {
      if (!created.exited) created.unsubscribe = this.o.source(cameraIndex, profile).subscribe(stdinConsumer(child));
    });
    child.once('exit', () => {
      created.exited = true;
      created.unsubscribe();
    });
    this.sessions.set(key, created);
    return created;
  }

  async playlist(cameraIndex: number, profile: ProfileName): Promise<string> {
    const session = this.session(cameraIndex, profile);
    const deadline = Date.now() + FIRST_PLAYLIST_TIMEOUT_MS;
    for (;;) {
      const text = await readFile(join(session.dir, 'index.m3u8'), 'utf8').catch(() => '');
      if (playlistHasSegment(text)) return text;
      if (session.exited) throw new Error(`HLS muxer of camera ${cameraIndex} ${profile} exited`);
      if (Date.now() > deadline) throw new Error(`HLS of camera ${cameraIndex} ${profile}: no segment within ${FIRST_PLAYLIST_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async segment(cameraIndex: number, profile: ProfileName, name: string): Promise<Buffer | null> {
    if (!SEGMENT_NAME.test(name)) return null;
    const session = this.sessions.get(`${cameraIndex}/${profile}`);
    if (!session) return null;
    session.lastUsedMs = Date.now();
    return readFile(join(session.dir, name)).catch(() => null);
  }

  /** Ends the sessions of a camera (offline). */
  stopCamera(cameraIndex: number): void {
    for (const profile of ['main', 'sub'] as const) this.stop(`${cameraIndex}/${profile}`);
  }

  private stop(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    session.unsubscribe();
    // The segmenter may be writing a segment right now: remove its folder once it has exited.
    // A folder left behind (removal failed) goes with the run folder when the simulator closes.
    void terminate(session.child)
      .then(() => rm(session.dir, { recursive: true, force: true, maxRetries: 3 }))
      .catch(() => undefined);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, session] of this.sessions) {
      if (session.exited || now - session.lastUsedMs > HLS_IDLE_MS) this.stop(key);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const key of [...this.sessions.keys()]) this.stop(key);
  }
}
