/** The Electron shape of the stream channel (Response + ReadableStream), without Electron or sockets. */
import { describe, expect, it } from 'vitest';
import { mediaPathPattern, mediaResponse } from '../../../main/media/http-stream.js';
import { settle } from '../../support/fake-runner.js';
import { FakeSource } from './fake-source.js';

describe('mediaPathPattern', () => {
  it.each([
    ['/media/stream/0b0e6a55-2f4e-4f7a-9d7e-1c2a3b4c5d6e', true],
    ['/media/stream/', false],
    ['/media/stream/../../etc/passwd', false],
    ['/media/stream/a/b', false],
    ['/index.html', false],
  ])('%s → %s', (path, matches) => {
    expect(mediaPathPattern.test(path)).toBe(matches);
  });
});

describe('mediaResponse', () => {
  it('answers 404 for an unknown stream', async () => {
    const res = await mediaResponse(new FakeSource(), 'nope');
    expect(res.status).toBe(404);
  });

  it('answers once the codecs are known, then streams the bytes written', async () => {
    const source = new FakeSource();
    let answered = false;
    const pending = mediaResponse(source, 'known').then((r) => {
      answered = true;
      return r;
    });
    await settle();
    expect(answered).toBe(false); // no headers before the init segment
    source.sink!.open('video/mp4; codecs="avc1.42c00a"');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4; codecs="avc1.42c00a"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    source.sink!.write(Buffer.from('init'));
    source.sink!.write(Buffer.from('frag'));
    source.sink!.end();
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('initfrag');
    expect(source.goneCalls).toBe(0);
  });

  it('reports "not draining" above the budget, and drained once the reader caught up', async () => {
    const source = new FakeSource();
    const pending = mediaResponse(source, 'known', undefined, 10);
    source.sink!.open('video/mp4');
    const res = await pending;
    const reader = res.body!.getReader();
    expect(source.sink!.write(Buffer.alloc(6))).toBe(true);
    expect(source.sink!.write(Buffer.alloc(6))).toBe(false);
    let drained = false;
    source.sink!.onDrain(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    await reader.read(); // 6 of 12 bytes left: below the budget again
    await settle();
    expect(drained).toBe(true);
  });

  it('the reader cancelling (fetch aborted in the page) releases the viewer', async () => {
    const source = new FakeSource();
    const pending = mediaResponse(source, 'known');
    source.sink!.open('video/mp4');
    const res = await pending;
    await res.body!.cancel();
    expect(source.goneCalls).toBe(1);
    expect(source.sink!.write(Buffer.from('late'))).toBe(true); // ignored, no throw
  });

  it('the request signal aborting releases the viewer, even before the headers', async () => {
    const source = new FakeSource();
    const abort = new AbortController();
    void mediaResponse(source, 'known', abort.signal);
    abort.abort();
    expect(source.goneCalls).toBe(1);
  });

  it('answers 410 when the stream is closed before its first init segment', async () => {
    const source = new FakeSource();
    const pending = mediaResponse(source, 'known');
    source.sink!.end();
    expect((await pending).status).toBe(410);
  });
});
