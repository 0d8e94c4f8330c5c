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

export interface ParsedPart {
  headers: Record<string, string>;
  data: Buffer;
}

/**
 * Incremental parser for the framing above (used by the tests, and handy for adapters): it
 * relies on DataLen rather than searching for the boundary inside binary data.
 */
export class MultipartReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly boundary = multipartBoundary) {}

  push(chunk: Buffer): ParsedPart[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const parts: ParsedPart[] = [];
    for (;;) {
      const start = this.buffer.indexOf(`--${this.boundary}`);
      if (start < 0) return parts;
      const headerEnd = this.buffer.indexOf('\r\n\r\n', start);
      if (headerEnd < 0) return parts;
      const headerLines = this.buffer.subarray(start, headerEnd).toString('latin1').split('\r\n').slice(1);
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers.datalen ?? headers['content-length']);
      if (!Number.isFinite(length)) throw new Error('multipart part without DataLen');
      const dataStart = headerEnd + 4;
      if (this.buffer.length < dataStart + length) return parts;
      parts.push({ headers, data: Buffer.from(this.buffer.subarray(dataStart, dataStart + length)) });
      this.buffer = this.buffer.subarray(dataStart + length);
    }
  }
}
