/**
 * The stream channel in Electron: GET media/stream/<id> on the app scheme answers ONE long response,
 *   Content-Type: video/mp4; codecs="avc1.4d401e[,mp4a.40.2]"
 *   body: init segment (ftyp+moov), the cached GOP when the upstream runs already, then live
 *         fragments (moof+mdat) as they come; a new init segment whenever the upstream restarted.
 * Headers go out only once the init segment is known (the codecs come from its avcC/esds), so the
 * fetch stays pending while the camera connects; media:state says why.
 *
 * Electron answers on the app scheme (protocol.handle → Response with a ReadableStream); serve
 * mode sends the same bytes over a WebSocket (ws-stream.ts). Back-pressure is the same in both:
 * a consumer whose queue is above QUEUE_BUDGET_BYTES is "not draining" (see viewer.ts).
 */
import type { ViewerSink } from './viewer.js';

/**
 * Bytes queued for one response before it counts as not draining. Node's own write() turns false
 * at 16 KB, below one keyframe, so that signal alone would drop a GOP whenever the page is busy
 * for a frame; 2 MiB is seconds of a sub stream and about one GOP of a 1080p main stream.
 */
export const QUEUE_BUDGET_BYTES = 2 * 1024 * 1024;

/** Path of a stream, as media:open returns it (relative: same origin in both shells). */
export const mediaPathPattern = /^\/media\/stream\/([A-Za-z0-9-]{1,100})$/;

export interface MediaAttachSource {
  attach(streamId: string, sink: ViewerSink): (() => void) | null;
}

function mediaHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

/**
 * Electron's app scheme: the same stream as a Response with a ReadableStream body. Resolves when
 * the init segment is known (or with 404/410). `signal` is the request's abort signal.
 */
export function mediaResponse(media: MediaAttachSource, streamId: string, signal?: AbortSignal, budgetBytes = QUEUE_BUDGET_BYTES): Promise<Response> {
  return new Promise<Response>((resolve) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let drained: (() => void) | null = null;
    let ended = false;
    let gone: (() => void) | null = null;
    const body = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
        },
        pull() {
          const callback = drained;
          drained = null;
          callback?.();
        },
        cancel() {
          ended = true;
          gone?.();
        },
      },
      { highWaterMark: budgetBytes, size: (chunk) => chunk.byteLength },
    );
    const sink: ViewerSink = {
      open(contentType) {
        resolve(new Response(body, { status: 200, headers: mediaHeaders(contentType) }));
      },
      write(chunk) {
        if (ended) return true;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        return (controller.desiredSize ?? 0) > 0;
      },
      onDrain(callback) {
        drained = callback;
      },
      end() {
        if (ended) return;
        ended = true;
        try {
          controller.close();
        } catch {
          // Already closed or errored by the consumer: nothing left to end.
        }
        resolve(new Response('This stream was closed.\n', { status: 410, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
      },
    };
    gone = media.attach(streamId, sink);
    if (!gone) {
      resolve(new Response('There is no such stream (it was closed, or never opened).\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
      return;
    }
    signal?.addEventListener('abort', () => {
      ended = true;
      gone?.();
    });
  });
}
