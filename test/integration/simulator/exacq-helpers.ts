/** Helpers for the simulator conformance tests: form posts, multipart reading, JPEG sizes, ffprobe, polling. */
import { spawn } from 'node:child_process';
import { MultipartReader, multipartBoundaryOf, type MultipartPart as ParsedPart } from '../../../main/media/multipart-reader.js';

export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

/** RFC 3339 with the server's local offset, whole seconds, as exacq clients send it. */
export function localTime(ms: number, offsetHours: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? '-' : '+';
  const abs = Math.abs(offsetHours);
  return `${local}${sign}${String(Math.floor(abs)).padStart(2, '0')}:${String(Math.round((abs % 1) * 60)).padStart(2, '0')}`;
}

/** Reads a multipart stream until `count` parts arrived (or the deadline), then hangs up. */
export async function readParts(url: string, count: number, timeoutMs = 30_000): Promise<{ response: Response; parts: ParsedPart[] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const parts: ParsedPart[] = [];
  const response = await fetch(url, { signal: abort.signal });
  const reader = new MultipartReader(multipartBoundaryOf(response.headers.get('content-type')) ?? 'no-boundary');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parts.push(...reader.push(Buffer.from(chunk)));
      if (parts.length >= count) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  // One chunk can complete several parts: answer exactly `count` when that many arrived.
  return { response, parts: parts.slice(0, count) };
}

/** Reads at least `bytes` of a streamed body, then hangs up. */
export async function readBytes(url: string, bytes: number, timeoutMs = 30_000): Promise<{ response: Response; data: Buffer }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const chunks: Buffer[] = [];
  let size = 0;
  const response = await fetch(url, { signal: abort.signal });
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
      if (size >= bytes) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { response, data: Buffer.concat(chunks) };
}

/** Width and height from a JPEG's SOF marker. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } {
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = jpeg[i + 1]!;
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

export interface ProbeResult {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { format_name: string; duration?: string };
}

export async function ffprobe(file: string, extra: string[] = []): Promise<ProbeResult> {
  const child = spawn(process.env.FFPROBE_BIN ?? 'ffprobe', ['-v', 'error', ...extra, '-show_streams', '-show_format', '-of', 'json', file]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`ffprobe failed (${code}): ${err}`);
  return JSON.parse(out) as ProbeResult;
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
