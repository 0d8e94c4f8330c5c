/**
 * Short-lived media links. Every URL handed out (live HLS, archive HLS/MP4, previews) carries
 * `?token=`; the grant behind it names the stream, the time range and `expiresMs`, and the media
 * routes refuse it once expired (AIPIX: links die at `expired_at`, clients must re-fetch). RTSP
 * URLs point at the shared RTSP server, which cannot check the token (see routes-media.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ProfileName } from '../types.js';

export type LinkKind = 'live-hls' | 'live-preview-mp4' | 'live-preview-jpg' | 'archive-hls' | 'archive-mp4' | 'archive-preview-mp4' | 'archive-preview-jpg' | 'rtsp';

export interface LinkGrant {
  token: string;
  kind: LinkKind;
  cameraIndex: number;
  profile: ProfileName;
  streamUuid: string;
  /** Archive and previews: the recorded range or instant. */
  startMs?: number;
  endMs?: number;
  expiresMs: number;
}

export type LinkCheck = { ok: true; grant: LinkGrant } | { ok: false; reason: 'unknown' | 'expired' | 'mismatch' };

export class LinkStore {
  private readonly grants = new Map<string, LinkGrant>();

  constructor(private readonly now: () => number) {}

  grant(args: Omit<LinkGrant, 'token'>): LinkGrant {
    this.prune();
    const grant: LinkGrant = { token: randomBytes(48).toString('base64url'), ...args };
    this.grants.set(grant.token, grant);
    return grant;
  }

  /** Valid only before expiresMs, for the stream in the URL and a kind the route serves. */
  check(token: string | null, streamUuid: string, kinds: readonly LinkKind[]): LinkCheck {
    const grant = token ? this.grants.get(token) : undefined;
    if (!grant) return { ok: false, reason: 'unknown' };
    if (this.now() >= grant.expiresMs) return { ok: false, reason: 'expired' };
    if (grant.streamUuid !== streamUuid || !kinds.includes(grant.kind)) return { ok: false, reason: 'mismatch' };
    return { ok: true, grant };
  }

  clear(): void {
    this.grants.clear();
  }

  /** Expired grants are kept an hour (so a late request still reads "expired"), then dropped. */
  private prune(): void {
    const cutoff = this.now() - 3_600_000;
    for (const [token, grant] of this.grants) if (grant.expiresMs < cutoff) this.grants.delete(token);
  }
}
