import { describe, expect, it } from 'vitest';
import { MultipartReader } from '../../../main/media/multipart-reader.js';
import { encodePart, multipartBoundary, multipartContentType } from '../../../simulator/exacq/multipart.js';

describe('exacq multipart framing', () => {
  it('writes the documented part headers', () => {
    const part = encodePart(Buffer.from([0, 0, 0, 1, 0x65, 0xff]), { contentType: 'video/h264', iframe: true });
    const head = part.subarray(0, part.indexOf('\r\n\r\n')).toString('latin1');
    expect(head.split('\r\n')).toEqual(['--exacqvisionframe', 'Content-Type: video/h264', 'DataLen: 6', 'Iframe: 1']);
    expect(part.subarray(part.length - 2).toString()).toBe('\r\n');
    expect(multipartContentType()).toBe('multipart/x-mixed-replace; boundary=exacqvisionframe');
  });

  it('omits Iframe on other frames and adds Frame/TimeOffset during search playback', () => {
    const part = encodePart(Buffer.alloc(3), { contentType: 'video/h264', iframe: false, frame: 217, timeOffsetMs: 8680.4 });
    const head = part.subarray(0, part.indexOf('\r\n\r\n')).toString('latin1');
    expect(head).not.toContain('Iframe');
    expect(head).toContain('Frame: 217');
    expect(head).toContain('TimeOffset: 8680');
  });

  it('round-trips through Tessera\'s multipart reader even when the data holds the boundary and arrives in pieces', () => {
    const tricky = Buffer.from('--exacqvisionframe\r\n\r\nnot a boundary');
    const stream = Buffer.concat([
      encodePart(tricky, { contentType: 'video/h264', iframe: true }),
      encodePart(Buffer.from('second'), { contentType: 'video/h264', iframe: false }),
    ]);
    const reader = new MultipartReader(multipartBoundary);
    const parts = [];
    for (let i = 0; i < stream.length; i += 7) parts.push(...reader.push(stream.subarray(i, i + 7)));
    expect(parts.map((p) => p.data.toString())).toEqual([tricky.toString(), 'second']);
    expect(parts[0]!.headers).toMatchObject({ 'content-type': 'video/h264', datalen: String(tricky.length), iframe: '1' });
    expect(parts[1]!.headers.iframe).toBeUndefined();
  });
});
