/**
 * Incremental reader of multipart/x-mixed-replace streams (MJPEG previews: Eagle Eye v3
 * `multipartUrl`, exacqVision `multipart_encode=1`). Pure: bytes in, parts out.
 *
 * A part's length comes from its Content-Length (or exacq's DataLen) header when it has one,
 * so a boundary-like sequence inside JPEG data cannot cut a picture; without one, the part ends
 * at the next boundary line. The buffer is bounded: a part larger than `maxPartBytes` (or
 * headers that never end) is an error, never an ever-growing allocation.
 */

export interface MultipartPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  data: Buffer;
}

export class MultipartError extends Error {}

/** The boundary of a multipart Content-Type, or null when it is not multipart or names none. */
export function multipartBoundaryOf(contentType: string | null | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  // Some servers put the dashes into the parameter as well as the delimiter line.
  return boundary ? boundary.replace(/^--/, '') : null;
}

const maxHeaderBytes = 8 * 1024;

export class MultipartReader {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly delimiter: Buffer;

  constructor(
    boundary: string,
    private readonly maxPartBytes = 8 * 1024 * 1024,
  ) {
    this.delimiter = Buffer.from(`--${boundary}`, 'latin1');
  }

  /** Adds bytes; returns the parts they completed. Throws MultipartError on a malformed stream. */
  push(chunk: Buffer): MultipartPart[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const parts: MultipartPart[] = [];
    for (;;) {
      const start = this.buffer.indexOf(this.delimiter);
      if (start < 0) {
        // Keep only what could be the start of a delimiter (preamble or garbage is dropped).
        this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - this.delimiter.length));
        return parts;
      }
      const headerEnd = this.buffer.indexOf('\r\n\r\n', start);
      if (headerEnd < 0) {
        if (this.buffer.length - start > maxHeaderBytes) throw new MultipartError(`a part's headers run past ${maxHeaderBytes} bytes`);
        this.buffer = this.buffer.subarray(start);
        return parts;
      }
      const headers = parseHeaders(this.buffer.subarray(start + this.delimiter.length, headerEnd).toString('latin1'));
      const dataStart = headerEnd + 4;
      const declared = headers['content-length'] ?? headers.datalen;
      let dataEnd: number;
      let next: number;
      if (declared !== undefined) {
        const length = Number(declared);
        if (!Number.isInteger(length) || length < 0) throw new MultipartError(`a part declares an invalid length (${declared.slice(0, 20)})`);
        if (length > this.maxPartBytes) throw new MultipartError(`a part of ${length} bytes is larger than the ${this.maxPartBytes} allowed`);
        if (this.buffer.length < dataStart + length) {
          this.buffer = this.buffer.subarray(start);
          return parts;
        }
        dataEnd = dataStart + length;
        next = dataEnd;
      } else {
        const following = this.buffer.indexOf(this.delimiter, dataStart);
        if (following < 0) {
          if (this.buffer.length - dataStart > this.maxPartBytes) throw new MultipartError(`a part runs past the ${this.maxPartBytes} bytes allowed without a boundary`);
          this.buffer = this.buffer.subarray(start);
          return parts;
        }
        // The CRLF before a delimiter belongs to the delimiter.
        dataEnd = this.buffer[following - 2] === 0x0d && this.buffer[following - 1] === 0x0a ? following - 2 : following;
        next = following;
      }
      parts.push({ headers, data: Buffer.from(this.buffer.subarray(dataStart, dataEnd)) });
      this.buffer = this.buffer.subarray(next);
    }
  }
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
