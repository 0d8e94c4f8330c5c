/**
 * The media behind the links: /live/{stream uuid}/… and /archive/{stream uuid}/…, each request
 * checked against its `token` (unknown, expired or for another stream → options.expiredLinkStatus).
 * Live HLS comes from the media layer with its URIs rewritten to tokenised ones, so every
 * segment fetch is checked too; archive HLS is a VOD playlist of GOP-aligned MPEG-TS chunks cut
 * on request; MP4s are stream-copied recordings.
 *
 * RTSP links point at the shared RTSP server with `?token=` appended; that server cannot check
 * tokens, so an expired RTSP link keeps playing. Clients must still re-fetch links by
 * `expired_at`; only the HTTP media here enforces it.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sendDownload } from '../downloads.js';
import { SimNotFound, SimOffline } from '../types.js';
import { archiveChunks, gopMs, rewriteLivePlaylist, vodPlaylist } from './archive.js';
import { sendText } from './http.js';
import type { LinkGrant, LinkKind } from './links.js';
import type { AipixState } from './state.js';

const contentTypes: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
  aac: 'audio/aac',
  jpg: 'image/jpeg',
};

function typeOf(name: string): string {
  return contentTypes[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

/** Serves /live/… and /archive/…; false when the path is not a media path. */
export async function media(state: AipixState, url: URL, res: ServerResponse): Promise<boolean> {
  const match = /^\/(live|archive)\/([0-9a-f-]{36})\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  const [, area, uuid, file] = match as unknown as [string, 'live' | 'archive', string, string];
  const token = url.searchParams.get('token');
  const refuse = (): void => sendText(res, state.options.expiredLinkStatus, state.options.expiredLinkStatus === 401 ? 'Unauthorized' : 'Forbidden');
  const check = (kinds: LinkKind[]): LinkGrant | undefined => {
    const result = state.links.check(token, uuid, kinds);
    return result.ok ? result.grant : undefined;
  };

  try {
    if (area === 'live') {
      if (file === 'preview.mp4') return await withGrant(check(['live-preview-mp4']), refuse, (g) => livePreviewMp4(state, g, res));
      if (file === 'preview.jpg') return await withGrant(check(['live-preview-jpg']), refuse, (g) => livePreviewJpg(state, g, res));
      if (file === 'index.m3u8') return await withGrant(check(['live-hls']), refuse, (g) => livePlaylist(state, g, res));
      return await withGrant(check(['live-hls']), refuse, (g) => liveSegment(state, g, file, res));
    }
    if (file === 'preview.mp4') return await withGrant(check(['archive-preview-mp4']), refuse, (g) => sendClip(state, g, g.startMs!, g.endMs!, 'mp4', res));
    if (file === 'preview.jpg') return await withGrant(check(['archive-preview-jpg']), refuse, (g) => archivePreviewJpg(state, g, res));
    if (file === 'video.mp4') return await withGrant(check(['archive-mp4']), refuse, (g) => sendClip(state, g, g.startMs!, g.endMs!, 'mp4', res));
    if (file === 'index.m3u8') return await withGrant(check(['archive-hls']), refuse, (g) => archivePlaylist(state, g, res));
    const chunk = /^(\d+)-(\d+)\.ts$/.exec(file);
    if (chunk) return await withGrant(check(['archive-hls']), refuse, (g) => archiveChunk(state, g, Number(chunk[1]), Number(chunk[2]), res));
    sendText(res, 404, 'Not Found');
  } catch (err) {
    if (!(err instanceof SimNotFound)) throw err;
    if (!res.headersSent) sendText(res, 404, err instanceof SimOffline ? 'Stream is offline' : 'Not Found');
    else res.destroy();
  }
  return true;
}

async function withGrant(grant: LinkGrant | undefined, refuse: () => void, serve: (grant: LinkGrant) => Promise<void>): Promise<boolean> {
  if (!grant) refuse();
  else await serve(grant);
  return true;
}

async function pipeTo(res: ServerResponse, stream: Readable, type: string): Promise<void> {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  // A client that hangs up mid-body is not a server error.
  await pipeline(stream, res).catch(() => void res.destroy());
}

async function sendClip(state: AipixState, grant: LinkGrant, startMs: number, endMs: number, format: 'mp4' | 'ts', res: ServerResponse): Promise<void> {
  const clip = await state.ctx.media.recordedClip(grant.cameraIndex, grant.profile, startMs, endMs, format);
  if (format !== 'mp4') return pipeTo(res, clip, contentTypes[format]!);
  // An MP4 is a finished file: a download with a length, subject to the download fault knobs.
  // The archive MP4 is AIPIX's export, so the stalled-export knob stalls it.
  const body = Buffer.concat(await clip.toArray());
  const stalled = grant.kind === 'archive-mp4' && state.ctx.faults.stallExports;
  sendDownload(res, body, { 'content-type': contentTypes.mp4!, 'cache-control': 'no-cache' }, state.ctx.faults, stalled);
}

function offline(state: AipixState, grant: LinkGrant, res: ServerResponse): boolean {
  if (state.ctx.media.isOnline(grant.cameraIndex)) return false;
  sendText(res, 404, 'Stream is offline');
  return true;
}

async function livePlaylist(state: AipixState, grant: LinkGrant, res: ServerResponse): Promise<void> {
  if (offline(state, grant, res)) return;
  const text = await state.ctx.media.hlsPlaylist(grant.cameraIndex, grant.profile);
  const rewritten = rewriteLivePlaylist(text, (name) => `${encodeURIComponent(name)}?token=${grant.token}`);
  res.writeHead(200, { 'content-type': contentTypes.m3u8!, 'cache-control': 'no-cache' });
  res.end(rewritten);
}

async function liveSegment(state: AipixState, grant: LinkGrant, name: string, res: ServerResponse): Promise<void> {
  const data = await state.ctx.media.hlsSegment(grant.cameraIndex, grant.profile, decodeURIComponent(name));
  if (!data) return sendText(res, 404, 'Not Found');
  res.writeHead(200, { 'content-type': typeOf(name), 'content-length': data.length });
  res.end(data);
}

/** Live "preview.mp4": the last few seconds of recording (the preview of what the camera sees now). */
async function livePreviewMp4(state: AipixState, grant: LinkGrant, res: ServerResponse): Promise<void> {
  const now = state.ctx.now();
  const latest = state.ctx.media.segments(grant.cameraIndex, now - 3_600_000, now).pop();
  if (!latest) return sendText(res, 404, 'Not Found');
  const endMs = Math.min(latest.endMs, now);
  await sendClip(state, grant, Math.max(latest.startMs, endMs - state.options.previewSeconds * 1000), endMs, 'mp4', res);
}

async function livePreviewJpg(state: AipixState, grant: LinkGrant, res: ServerResponse): Promise<void> {
  if (offline(state, grant, res)) return;
  const profile = state.ctx.media.cameras[grant.cameraIndex]!.profiles[grant.profile];
  const still = await state.ctx.media.liveStill(grant.cameraIndex, profile.width);
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': still.jpeg.length });
  res.end(still.jpeg);
}

async function archivePreviewJpg(state: AipixState, grant: LinkGrant, res: ServerResponse): Promise<void> {
  const profile = state.ctx.media.cameras[grant.cameraIndex]!.profiles[grant.profile];
  const still = await state.ctx.media.recordedStill(grant.cameraIndex, grant.startMs!, profile.width);
  if (!still) return sendText(res, 404, 'Not Found');
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': still.jpeg.length });
  res.end(still.jpeg);
}

function chunksOf(state: AipixState, grant: LinkGrant): ReturnType<typeof archiveChunks> {
  const { media } = state.ctx;
  const cam = media.cameras[grant.cameraIndex]!;
  return archiveChunks(media.segments(grant.cameraIndex, grant.startMs!, grant.endMs!), grant.startMs!, grant.endMs!, gopMs(cam));
}

async function archivePlaylist(state: AipixState, grant: LinkGrant, res: ServerResponse): Promise<void> {
  const chunks = chunksOf(state, grant);
  if (chunks.length === 0) return sendText(res, 404, 'No archive in this range');
  const text = vodPlaylist(chunks, (c) => `${c.startMs}-${c.endMs}.ts?token=${grant.token}`);
  res.writeHead(200, { 'content-type': contentTypes.m3u8!, 'cache-control': 'no-cache' });
  res.end(text);
}

/** Only chunks of the grant's own playlist are served, so a token can't fetch other hours. */
async function archiveChunk(state: AipixState, grant: LinkGrant, startMs: number, endMs: number, res: ServerResponse): Promise<void> {
  const known = chunksOf(state, grant).some((c) => c.startMs === startMs && c.endMs === endMs);
  if (!known) return sendText(res, 404, 'Not Found');
  await sendClip(state, grant, startMs, endMs, 'ts', res);
}
