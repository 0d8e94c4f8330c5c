/**
 * Helpers for the live-video integration tests: sign-ins against the simulated VMSs (what the
 * adapters do), a sink that records what a player would receive, decoding with ffprobe, CPU of a
 * process, and bounded waits on media:state.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StreamState } from '../../../preload/contract/index.js';
import { Fmp4Splitter, parseFragment, parseInit } from '../../../common/mp4/index.js';
import type { MediaBroker } from '../../../main/media/media-broker.js';
import type { ViewerSink } from '../../../main/media/viewer.js';
import type { LiveSource } from '../../../main/media/sources.js';
import type { SiteDescription } from '../../../simulator/types.js';

const run = promisify(execFile);
export const ffprobeBin = process.env.FFPROBE_BIN ?? 'ffprobe';

/** Eagle Eye v1: authenticate + authorize → auth_key cookie and the user id (for stream_<id>). */
export async function eenLogin(site: SiteDescription): Promise<{ authKey: string; userId: string }> {
  const step1 = await fetch(`${site.url}/g/aaa/authenticate`, { method: 'POST', body: new URLSearchParams({ username: site.username, password: site.password }) });
  if (step1.status !== 200) throw new Error(`authenticate answered ${step1.status}`);
  const { token } = (await step1.json()) as { token: string };
  const step2 = await fetch(`${site.url}/g/aaa/authorize`, { method: 'POST', body: new URLSearchParams({ token }) });
  if (step2.status !== 200) throw new Error(`authorize answered ${step2.status}`);
  const cookie = step2.headers.getSetCookie().find((c) => c.startsWith('auth_key='));
  const user = (await step2.json()) as { id: string };
  return { authKey: cookie!.slice('auth_key='.length).split(';')[0]!, userId: user.id };
}

export async function eenSessionValid(site: SiteDescription, authKey: string): Promise<boolean> {
  return (await fetch(`${site.url}/g/aaa/isauth`, { headers: { cookie: `auth_key=${authKey}` } })).status === 200;
}

/** The live FLV of an Eagle Eye v1 camera, as its adapter would build it. */
export function eenLiveFlv(site: SiteDescription, session: { authKey: string; userId: string }, esn: string, profile: 'main' | 'sub'): LiveSource {
  const url = `${site.url}/asset/play/video.flv?id=${esn}&start_timestamp=stream_${session.userId}-${Date.now()}&end_timestamp=%2B3600000&quality=${profile === 'sub' ? 'low' : 'high'}`;
  return { kind: 'http', format: 'flv', url, headers: { Cookie: `auth_key=${session.authKey}` } };
}

export async function exacqLogin(site: SiteDescription): Promise<string> {
  const res = await fetch(`${site.url}/v1/login.web`, { method: 'POST', body: new URLSearchParams({ u: site.username, p: site.password, s: '0', responseVersion: '2' }) });
  const body = (await res.json()) as { sessionID?: string; sessionId?: string };
  return String(body.sessionID ?? body.sessionId);
}

export async function aipixLiveHls(site: SiteDescription, cameraId: number): Promise<LiveSource> {
  const client = { Accept: 'application/json', 'X-Client': 'web', 'X-UUID': 'tessera-media-test' };
  const token = (await (
    await fetch(`${site.url}/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...client }, body: JSON.stringify({ login: site.username, password: site.password, session_id: null }) })
  ).json()) as { access_token: string };
  const link = (await (await fetch(`${site.url}/api/v1/cameras/${cameraId}/streams?type=low&source=hls`, { headers: { ...client, Authorization: token.access_token } })).json()) as { url: string };
  return { kind: 'http', format: 'hls', url: link.url, headers: {} };
}

/** Records what a player receives; resolves waits on fragment counts. */
export class RecordingSink implements ViewerSink {
  contentType: string | null = null;
  openedAtMs: number | null = null;
  firstFragmentAtMs: number | null = null;
  readonly chunks: Buffer[] = [];
  ended = false;
  private readonly splitter = new Fmp4Splitter();
  readonly segments: { kind: 'init' | 'fragment'; bytes: Uint8Array; atMs: number }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  open(contentType: string): void {
    this.contentType = contentType;
    this.openedAtMs = Date.now();
  }

  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    for (const segment of this.splitter.push(chunk)) {
      this.segments.push({ ...segment, atMs: Date.now() });
      if (segment.kind === 'fragment' && this.firstFragmentAtMs === null) this.firstFragmentAtMs = Date.now();
    }
    const count = this.fragmentCount;
    this.waiters = this.waiters.filter((w) => (count >= w.count ? (w.resolve(), false) : true));
    return true;
  }

  onDrain(): void {
    // Never full.
  }

  end(): void {
    this.ended = true;
  }

  get fragmentCount(): number {
    return this.segments.filter((s) => s.kind === 'fragment').length;
  }

  get initCount(): number {
    return this.segments.filter((s) => s.kind === 'init').length;
  }

  /** Waits (bounded) until at least `count` fragments arrived. */
  fragments(count: number, timeoutMs: number): Promise<void> {
    if (this.fragmentCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.fragmentCount} of ${count} fragments within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The bytes of the last init segment and the fragments after it (one decodable file). */
  lastSession(): Buffer {
    let start = -1;
    this.segments.forEach((s, i) => {
      if (s.kind === 'init') start = i;
    });
    return Buffer.concat(this.segments.slice(Math.max(0, start)).map((s) => s.bytes));
  }

  /** Whether the first fragment after every init starts with a keyframe. */
  everySessionStartsOnKeyframe(): boolean {
    let info: ReturnType<typeof parseInit> | null = null;
    let expectKey = false;
    for (const s of this.segments) {
      if (s.kind === 'init') {
        info = parseInit(s.bytes);
        expectKey = true;
      } else if (info && expectKey && parseFragment(s.bytes, info).videoSamples > 0) {
        if (!parseFragment(s.bytes, info).keyframe) return false;
        expectKey = false;
      }
    }
    return true;
  }
}

export interface Decoded {
  codec: string;
  width: number;
  height: number;
  frames: number;
  audio?: string;
}

/** Decodes every video frame of an fMP4 file with ffprobe (-count_frames). */
export async function decode(bytes: Buffer, dir: string, name: string): Promise<Decoded> {
  const file = join(dir, `${name}.mp4`);
  await writeFile(file, bytes);
  const { stdout } = await run(ffprobeBin, ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,width,height,nb_read_frames', '-of', 'json', file], { timeout: 60_000 });
  const streams = (JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; width?: number; height?: number; nb_read_frames?: string }[] }).streams;
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!video) throw new Error('no video stream decoded');
  return { codec: video.codec_name, width: video.width ?? 0, height: video.height ?? 0, frames: Number(video.nb_read_frames ?? 0), ...(audio ? { audio: audio.codec_name } : {}) };
}

/** Waits (bounded) until a stream's state satisfies `ok`; resolves with that state. */
export function waitForState(broker: MediaBroker, streamId: string, ok: (state: StreamState) => boolean, timeoutMs: number, what = 'the expected state'): Promise<StreamState> {
  return new Promise((resolve, reject) => {
    const check = (states: StreamState[]): boolean => {
      const state = states.find((s) => s.streamId === streamId);
      if (state && ok(state)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(state);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      const now = broker.states().find((s) => s.streamId === streamId);
      reject(new Error(`${what} did not come within ${timeoutMs} ms; last state: ${JSON.stringify(now)}`));
    }, timeoutMs);
    const unsubscribe = broker.onStates(check);
    check(broker.states());
  });
}

/** CPU time (user + system) of a process, in clock ticks, from /proc/<pid>/stat. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Share of one core a process used over `ms` (ticks are 1/100 s on Linux). */
export async function cpuPercent(pid: number, ms: number): Promise<number> {
  const before = await cpuTicks(pid);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await cpuTicks(pid);
  return ((after - before) / 100 / ((Date.now() - started) / 1000)) * 100;
}
