/**
 * multipart/x-mixed-replace framing of video.web streams with `multipart_encode=1`. Each part
 * carries the headers the seed lists: Content-Type, DataLen, Iframe (only on I-frames) and,
 * during search playback, Frame and TimeOffset (ms into the search).
 */

export const multipartBoundary = 'exacqvisionframe';

export function multipartContentType(boundary = multipartBoundary): string {
  return `multipart/x-mixed-replace; boundary=${boundary}`;
}

export interface PartInfo {
  contentType: string;
  iframe: boolean;
  /** Search playback only. */
  frame?: number;
  timeOffsetMs?: number;
}

/** One part: boundary line, headers, blank line, data, CRLF. */
export function encodePart(data: Buffer, info: PartInfo, boundary = multipartBoundary): Buffer {
  const lines = [`--${boundary}`, `Content-Type: ${info.contentType}`, `DataLen: ${data.length}`];
  if (info.iframe) lines.push('Iframe: 1');
  if (info.frame !== undefined) lines.push(`Frame: ${info.frame}`);
  if (info.timeOffsetMs !== undefined) lines.push(`TimeOffset: ${Math.round(info.timeOffsetMs)}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), data, Buffer.from('\r\n')]);
}
