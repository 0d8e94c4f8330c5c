/**
 * exacqVision Web Service conformance over real HTTP against the real simulator (media from
 * ffmpeg). Status codes, headers, field names and time formats as seed 003 / VMS-APIS §4, §7.3.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExacqModule, exacqModule } from '../../../simulator/exacq/index.js';
import type { SimulatorHandle } from '../../../simulator/server.js';
import type { Segment, SiteDescription } from '../../../simulator/types.js';
import { longestFinishedSegment, startTestSimulator } from '../../support/simulator.js';
import { ffprobe, jpegSize, localTime, postForm, readBytes, readParts, waitFor } from './exacq-helpers.js';

/** Added to the wall clock of the simulator: the idle-expiry tests move time forward. */
let skewMs = 0;
let sim: SimulatorHandle;
let site: SiteDescription;
let base: string;
let scratch: string;
/** Longest recorded segment of camera 0 (exports and searches happen inside it). */
let segment: Segment;
const tz = -4;

function v1(path: string, query: Record<string, string | number> = {}): string {
  const q = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return `${base}/v1/${path}${q.size ? `?${q}` : ''}`;
}

async function login(url = base, fields: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await postForm(`${url}/v1/login.web`, { u: site.username, p: site.password, s: '0', responseVersion: '2', ...fields });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function session(url = base): Promise<string> {
  const body = await login(url);
  return String(body.sessionID ?? body.sessionId);
}

function cam(index = 0): number {
  return (site.cameraIds as number[])[index]!;
}

/** The sub stream of camera 0 (listed with showAll=true): cheaper to encode and stream. */
function sub(): number {
  return cam(0) + 1;
}

beforeAll(async () => {
  sim = await startTestSimulator(
    [
      exacqModule,
      createExacqModule({ expiryMode: 'status401' }, { kind: 'exacq-401', port: 'exacq-401' }),
      createExacqModule({ expiryMode: 'successFalse', sessionIdField: 'sessionId' }, { kind: 'exacq-false', port: 'exacq-false' }),
    ],
    { rtsp: false, now: () => Date.now() + skewMs },
  );
  site = sim.sites.exacq as SiteDescription;
  base = site.url;
  scratch = await mkdtemp(join(tmpdir(), 'exacq-test-'));
  const { media } = sim.context;
  segment = longestFinishedSegment(media, 0, sim.context.now());
  expect(segment.endMs - segment.startMs).toBeGreaterThan(75_000);
  // Recorded media is encoded on first use (then cached on disk): pay that here, in the sub
  // profile the recorded tests use, rather than inside a timed test.
  await media.segmentFile(segment, 'sub');
});

afterAll(async () => {
  await sim?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('login.web / logout.web', () => {
  it('logs in with a form body and answers success and a session id (seed field sessionID)', async () => {
    const body = await login();
    expect(body).toMatchObject({ success: true, id: '0', port: 22609, restricted: false, canAutoLogin: false, model: 'unknown' });
    expect(body.sessionID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(body).toHaveProperty('user_permissions');
    expect(body).toHaveProperty('group');
  });

  it('answers success:false with HTTP 200 on bad credentials', async () => {
    const res = await postForm(v1('login.web'), { u: site.username, p: 'wrong', s: '0', responseVersion: '2' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: false });
  });

  it('can name the session id sessionId instead (switch)', async () => {
    const body = await login((sim.sites['exacq-false'] as SiteDescription).url);
    expect(body.sessionId).toBeTypeOf('string');
    expect(body).not.toHaveProperty('sessionID');
  });

  it('logs out with a 302 to the login page, and the session is gone', async () => {
    const s = await session();
    const res = await postForm(v1('logout.web'), { s });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login.web');
    const after = await fetch(v1('config.web', { s, output: 'json' }));
    expect(after.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('serves the HTML client (not the API) outside /v1', async () => {
    const res = await fetch(`${base}/login.web`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('config.web camera list', () => {
  it('lists Cameras with id, name, state, disabled and formats; timezone in hours', async () => {
    const s = await session();
    const res = await fetch(v1('config.web', { s, output: 'json' }));
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { timezone: number; name: string; restricted: boolean; Cameras: Record<string, unknown>[] };
    expect(body.timezone).toBe(tz);
    expect(body.Cameras).toHaveLength(sim.context.media.cameras.length);
    expect(body.Cameras[0]).toEqual({ id: cam(0), name: sim.context.media.cameras[0]!.name, state: 0, disabled: 0, formats: [5, 6] });
  });

  it('adds the sub streams as cameras with showAll=true', async () => {
    const s = await session();
    const body = (await (await fetch(v1('config.web', { s, output: 'json', showAll: 'true' }))).json()) as { Cameras: { id: number }[] };
    expect(body.Cameras).toHaveLength(sim.context.media.cameras.length * 2);
    expect(body.Cameras[1]!.id).toBe(cam(0) + 1);
  });

  it('reports an offline camera with state != 0 and refuses its live video', async () => {
    const s = await session();
    await fetch(`${sim.adminUrl}/cameras/1/offline`, { method: 'POST' });
    try {
      const body = (await (await fetch(v1('config.web', { s, output: 'json' }))).json()) as { Cameras: { state: number }[] };
      expect(body.Cameras[1]!.state).not.toBe(0);
      expect((await fetch(v1('video.web', { s, camera: cam(1), format: 6 }))).status).toBe(503);
    } finally {
      await fetch(`${sim.adminUrl}/cameras/1/online`, { method: 'POST' });
    }
  });
});

describe('video.web live', () => {
  it('returns the current frame as a JPEG, w/h honoured with 4:3 when one is given', async () => {
    const s = await session();
    const res = await fetch(v1('video.web', { s, camera: cam(0), format: 6, w: 320 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(jpegSize(jpeg).width).toBe(320);
    const byHeight = Buffer.from(await (await fetch(v1('video.web', { s, camera: cam(0), format: 6, h: 120 }))).arrayBuffer());
    expect(jpegSize(byHeight).width).toBe(160);
  });

  it('adds Content-Disposition for download=', async () => {
    const s = await session();
    const res = await fetch(v1('video.web', { s, camera: cam(0), format: 6, w: 160, download: 'snap.jpg' }));
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="snap.jpg"');
  });

  it('refuses a format the camera does not list (0 = native JPEG on an H.264 camera)', async () => {
    const s = await session();
    expect((await fetch(v1('video.web', { s, camera: cam(0), format: 0 }))).status).toBe(400);
  });

  it('streams native H.264 as multipart/x-mixed-replace with Content-Type, DataLen and Iframe part headers', async () => {
    const s = await session();
    const { response, parts } = await readParts(v1('video.web', { s, camera: cam(0) + 1, format: 5, multipart_encode: 1 }), 30);
    expect(response.headers.get('content-type')).toBe('multipart/x-mixed-replace; boundary=exacqvisionframe');
    expect(parts.length).toBe(30);
    expect(parts[0]!.headers.iframe).toBe('1');
    for (const part of parts) {
      expect(part.headers['content-type']).toBe('video/h264');
      expect(Number(part.headers.datalen)).toBe(part.data.length);
      expect(part.data.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 1]));
      expect(part.headers.frame).toBeUndefined(); // Frame/TimeOffset are for search playback
    }
    expect(parts.filter((p) => p.headers.iframe === undefined).length).toBeGreaterThan(0);
    // The data is a decodable H.264 elementary stream.
    const file = join(scratch, 'live.h264');
    await writeFile(file, Buffer.concat(parts.map((p) => p.data)));
    const probe = await ffprobe(file, ['-f', 'h264']);
    expect(probe.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'h264' });
  });

  it('sends only I-frames with iframes=1, and a raw stream without multipart_encode', async () => {
    const s = await session();
    const { parts } = await readParts(v1('video.web', { s, camera: cam(0) + 1, format: 5, multipart_encode: 1, iframes: 1 }), 2);
    expect(parts.every((p) => p.headers.iframe === '1')).toBe(true);
    const raw = await readBytes(v1('video.web', { s, camera: cam(0) + 1, format: 5 }), 4096);
    expect(raw.response.headers.get('content-type')).toBe('video/h264');
    expect(raw.data.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 1]));
  });

  it('takes session, camera and container in the path', async () => {
    const s = await session();
    const res = await fetch(`${base}/v1/video.web/${s}/${cam(0)}/transcoded?w=160`);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
  });
});

describe('search.web and the play head', () => {
  const range = (): { start: string; end: string } => ({
    start: localTime(segment.startMs + 10_000, tz),
    end: localTime(segment.startMs + 70_000, tz),
  });

  it('answers 400 without camera, audio or serial', async () => {
    const s = await session();
    const res = await fetch(v1('search.web', { s, ...range(), output: 'json' }));
    expect(res.status).toBe(400);
  });

  it('creates a search: hex search_id, frames, UTC Z times and videoInfo clips', async () => {
    const s = await session();
    const res = await fetch(v1('search.web', { s, camera: cam(0), ...range(), output: 'json' }));
    const body = (await res.json()) as Record<string, unknown> & { videoInfo: { clips: { startTime: string; endTime: string }[] }[] };
    expect(body.search_id).toMatch(/^0x[0-9a-f]{8}$/);
    expect(body.start_time).toBe(new Date(Math.floor((segment.startMs + 10_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(body.end_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.frames).toBeGreaterThan(0);
    expect(body.frameCounts).toEqual({ [String(cam(0))]: body.frames });
    const clip = body.videoInfo[0]!.clips[0]!;
    expect(clip.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(clip.startTime)).toBe(Math.floor((segment.startMs + 10_000) / 1000) * 1000);
  });

  it('has no search_id when there is no footage', async () => {
    const s = await session();
    const before = sim.context.media.historyStartMs - 7_200_000;
    const body = (await (await fetch(v1('search.web', { s, camera: cam(0), start: localTime(before, tz), end: localTime(before + 60_000, tz), output: 'json' }))).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('search_id');
    expect(body.frames).toBe(0);
    expect(body.videoInfo).toEqual([]);
  });

  async function newSearch(extra: Record<string, string> = {}): Promise<{ s: string; id: string }> {
    const s = await session();
    const body = (await (await fetch(v1('search.web', { s, camera: sub(), ...range(), output: 'json', ...extra }))).json()) as { search_id: string };
    return { s, id: body.search_id };
  }

  it('reports the play head (timestamp.web), speed (playspeed.web) and steps frames (step.web)', async () => {
    const { id } = await newSearch({ start_paused: '1' });
    const t = (await (await fetch(v1('timestamp.web', { search_id: id, output: 'json' }))).json()) as { time: string; timeWithMs: string };
    expect(t.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(t.timeWithMs).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(t.timeWithMs)).toBe(segment.startMs + 10_000);
    expect(await (await fetch(v1('playspeed.web', { search_id: id, output: 'json' }))).json()).toEqual({ speed: '0' });

    const fps = sim.context.media.cameras[0]!.recordingFps ?? sim.context.media.cameras[0]!.profiles.main.fps;
    expect(await (await fetch(`${base}/v1/step.web/${fps * 2}?search_id=${id}&output=json`)).json()).toEqual({ frame: String(fps * 2) });
    expect(await (await fetch(`${base}/v1/step.web/-${fps}?search_id=${id}&output=json`)).json()).toEqual({ frame: String(fps) });
    const moved = (await (await fetch(v1('timestamp.web', { search_id: id, output: 'json' }))).json()) as { timeWithMs: string };
    expect(Date.parse(moved.timeWithMs)).toBe(segment.startMs + 11_000);

    const set = await fetch(`${base}/v1/playspeed.web/200?search_id=${id}`);
    expect(set.status).toBe(200);
    expect(await set.text()).toBe('');
    expect(await (await fetch(v1('playspeed.web', { search_id: id, output: 'json' }))).json()).toEqual({ speed: '200' });
    expect((await fetch(`${base}/v1/playspeed.web/12801?search_id=${id}`)).status).toBe(400);
    expect((await fetch(`${base}/v1/playspeed.web/fast?search_id=${id}`)).status).toBe(400);

    const status = (await (await fetch(`${base}/v1/search.web/status?s=${id}`)).json()) as { success: boolean };
    expect(status.success).toBe(true);
  });

  it('paces video.web frames by play head and speed; a paused search returns the same frame at once', async () => {
    const { s, id } = await newSearch({ start_paused: '1' });
    const frame = async (): Promise<Buffer> => {
      const res = await fetch(v1('video.web', { s, search_id: id, camera: sub(), format: 6, w: 160 }));
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      return Buffer.from(await res.arrayBuffer());
    };
    const a = await frame();
    const paused = Date.now();
    const b = await frame();
    const c = await frame();
    expect(Date.now() - paused).toBeLessThan(900);
    expect(b.equals(a) && c.equals(a)).toBe(true);

    // Each frame is a new recorded second, so the simulator extracts it (ffmpeg) while pacing:
    // at a slow speed that cost hides inside the wait, at a fast one it is all there is. Half
    // speed against 8x keeps the two apart even when extraction takes over a second a frame.
    const twoFramesAt = async (speed: number): Promise<number> => {
      await fetch(`${base}/v1/playspeed.web/${speed}?search_id=${id}`);
      await frame();
      const t0 = Date.now();
      await frame();
      await frame();
      return Date.now() - t0;
    };
    // Two frames one recorded second apart each, at half speed: about four seconds.
    const atHalf = await twoFramesAt(50);
    expect(atHalf).toBeGreaterThan(3500);
    // At 8x the wait is 125 ms a frame, so the two come about 3.75 s sooner less extraction.
    expect(await twoFramesAt(800)).toBeLessThan(atHalf - 1000);
  });

  it('streams a search as H.264 with Frame and TimeOffset part headers', async () => {
    const { s, id } = await newSearch();
    const { parts } = await readParts(v1('video.web', { s, search_id: id, camera: sub(), format: 5, multipart_encode: 1 }), 8);
    expect(parts).toHaveLength(8);
    expect(parts[0]!.headers.iframe).toBe('1');
    const frames = parts.map((p) => Number(p.headers.frame));
    expect(frames.every((f, i) => i === 0 || f > frames[i - 1]!)).toBe(true);
    expect(parts.every((p) => /^\d+$/.test(p.headers.timeoffset ?? ''))).toBe(true);
  });

  it('returns the frame at a given time and runs a thumbnail search', async () => {
    const s = await session();
    const at = await fetch(v1('video.web', { s, camera: cam(0), format: 6, time: localTime(segment.startMs + 30_000, tz) }));
    expect(at.headers.get('content-type')).toBe('image/jpeg');
    expect(jpegSize(Buffer.from(await at.arrayBuffer())).width).toBe(320);

    const thumbs = (await (await fetch(v1('search.web', { s, camera: cam(0), ...range(), interval: 20, format: 6 }))).json()) as {
      success: boolean;
      session_id: string;
      frames: number;
      frames_timestamps: number[];
      start: number;
      end: number;
    };
    expect(thumbs).toMatchObject({ success: true, frames: 3, start: Math.floor((segment.startMs + 10_000) / 1000) });
    expect(thumbs.frames_timestamps).toEqual([0, 20, 40].map((d) => Math.floor((segment.startMs + 10_000) / 1000) + d));
    const first = await fetch(v1('search.web', { s, camera: cam(0), ...range(), interval: 20, format: 6, frame: 1, w: 160 }));
    expect(first.headers.get('content-type')).toBe('image/jpeg');
  });

  it('closes a search on logout with its id', async () => {
    const { id } = await newSearch();
    expect((await postForm(v1('logout.web'), { s: id })).status).toBe(302);
    const after = await fetch(v1('timestamp.web', { search_id: id, output: 'json' }));
    expect(after.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('export.web', () => {
  it('lists formats with no parameters', async () => {
    expect(await (await fetch(v1('export.web'))).json()).toEqual({ success: true, formats: ['mp4'] });
  });

  it('answers 400 without camera', async () => {
    const s = await session();
    expect((await fetch(v1('export.web', { s, start: localTime(segment.startMs, tz), end: localTime(segment.startMs + 10_000, tz), format: 'mp4' }))).status).toBe(400);
  });

  it('creates, reports rising progress, refuses early download, downloads a real MP4, finishes', async () => {
    const s = await session();
    const created = (await (await fetch(v1('export.web', { s, camera: sub(), start: localTime(segment.startMs + 10_000, tz), end: localTime(segment.startMs + 40_000, tz), format: 'mp4', name: 'lobby' }))).json()) as { success: boolean; export_id: string };
    expect(created.success).toBe(true);
    expect(created.export_id).toMatch(/^[0-9a-f-]{36}$/);
    const id = created.export_id;

    const early = await fetch(v1('export.web', { export: id, action: 'download' }));
    expect(early.status).toBe(400);

    const seen: number[] = [];
    await waitFor('export progress 100', async () => {
      const status = (await (await fetch(v1('export.web', { export: id }))).json()) as { progress: number };
      seen.push(status.progress);
      return status.progress === 100 ? true : undefined;
    });
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1]!)).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(1);

    const download = await fetch(v1('export.web', { export: id, action: 'download' }));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('video/mp4');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="lobby.mp4"');
    const file = join(scratch, 'export.mp4');
    await writeFile(file, Buffer.from(await download.arrayBuffer()));
    const probe = await ffprobe(file);
    expect(probe.format.format_name).toContain('mp4');
    expect(probe.streams.find((st) => st.codec_type === 'video')?.codec_name).toBe('h264');
    expect(Number(probe.format.duration)).toBeGreaterThan(25);
    expect(Number(probe.format.duration)).toBeLessThan(36);

    expect(await (await fetch(v1('export.web', { export: id, action: 'finish' }))).json()).toEqual({ success: true });
    expect((await fetch(v1('export.web', { export: id }))).status).toBe(404);
  });

  it('stalls while faults.stallExports is set', async () => {
    const s = await session();
    sim.context.faults.stallExports = true;
    try {
      const { export_id: id } = (await (await fetch(v1('export.web', { s, camera: sub(), start: localTime(segment.startMs, tz), end: localTime(segment.startMs + 10_000, tz), format: 'mp4' }))).json()) as { export_id: string };
      const first = (await (await fetch(v1('export.web', { export: id }))).json()) as { progress: number };
      skewMs += 60_000; // a minute later: long enough for any unstalled export of 10 s to finish
      const second = (await (await fetch(v1('export.web', { export: id }))).json()) as { progress: number };
      expect(second.progress).toBe(first.progress);
      sim.context.faults.stallExports = false;
      await waitFor('progress after the stall', async () => {
        const status = (await (await fetch(v1('export.web', { export: id }))).json()) as { progress: number };
        return status.progress > first.progress ? true : undefined;
      });
    } finally {
      sim.context.faults.stallExports = false;
    }
  });
});

describe('views, tours, groups, PTZ', () => {
  it('lists views ({Folders, Views}) and tours ({folders, success, tours})', async () => {
    const s = await session();
    const views = (await (await fetch(v1('views.web', { s }))).json()) as { Folders: object; Views: { items: { id: string; type: number; slot: number }[] }[] };
    expect(views.Folders).toEqual({});
    expect(views.Views[0]!.items[0]).toEqual({ id: String(cam(0)), server: '0', type: 1, slot: 0 });
    const tours = (await (await fetch(v1('tours.web', { s }))).json()) as { folders: object; success: boolean; tours: unknown[] };
    expect(tours).toMatchObject({ folders: {}, success: true });
    expect(tours.tours.length).toBeGreaterThan(0);
    expect(await (await fetch(`${base}/v1/groups.web?s=${s}&s=${s}`)).json()).toMatchObject({ success: true });
  });

  it('answers a PTZ action with 200 and an empty body', async () => {
    const s = await session();
    const res = await postForm(v1('ptz.web'), { s, camera: String(cam(0)), preset: '2' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await (await fetch(v1('ptz.web', { s, camera: cam(0) }))).json()).toMatchObject({ Presets: expect.any(Array) });
  });
});

describe('session expiry', () => {
  it('answers a dead session per expiry mode: HTML login page, 401, or success:false', async () => {
    const s = await session();
    const s401 = await session((sim.sites['exacq-401'] as SiteDescription).url);
    const sFalse = await session((sim.sites['exacq-false'] as SiteDescription).url);
    await fetch(`${sim.adminUrl}/sessions/expire`, { method: 'POST' });

    const html = await fetch(v1('video.web', { s, camera: cam(0), format: 6 }));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const unauthorized = await fetch(`${(sim.sites['exacq-401'] as SiteDescription).url}/v1/config.web?s=${s401}&output=json`);
    expect(unauthorized.status).toBe(401);
    const soft = await fetch(`${(sim.sites['exacq-false'] as SiteDescription).url}/v1/config.web?s=${sFalse}&output=json`);
    expect(soft.status).toBe(200);
    expect(await soft.json()).toEqual({ success: false });
  });

  it('forgets sessions after the idle time and exports after 15 idle minutes', async () => {
    const s = await session();
    const { export_id: id } = (await (await fetch(v1('export.web', { s, camera: sub(), start: localTime(segment.startMs, tz), end: localTime(segment.startMs + 5_000, tz), format: 'mp4' }))).json()) as { export_id: string };
    expect((await fetch(v1('export.web', { export: id }))).status).toBe(200);
    skewMs += 14 * 60_000;
    expect((await fetch(v1('export.web', { export: id }))).status).toBe(200);
    expect((await fetch(v1('config.web', { s, output: 'json' }))).headers.get('content-type')).toBe('application/json');
    skewMs += 16 * 60_000;
    expect((await fetch(v1('export.web', { export: id }))).status).toBe(404); // 16 idle minutes: cleaned up
    expect((await fetch(v1('config.web', { s, output: 'json' }))).headers.get('content-type')).toBe('application/json');
    skewMs += 31 * 60_000;
    expect((await fetch(v1('config.web', { s, output: 'json' }))).headers.get('content-type')).toMatch(/^text\/html/);
  });
});
