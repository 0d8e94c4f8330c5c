/** Pure helpers for hand-entered RTSP cameras. */
import { createHash } from 'node:crypto';

/** The URL ffmpeg connects to: the operator's URL with the site's credentials inserted. */
export function withCredentials(url: string, username: string, password: string): string {
  const parsed = new URL(url);
  if (!username) return parsed.toString();
  parsed.username = encodeURIComponent(username);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** A stable id that survives reordering the list: derived from the URL without credentials. */
export function rtspCameraId(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return `rtsp-${createHash('sha256').update(parsed.toString()).digest('hex').slice(0, 10)}`;
}
