/**
 * Serve mode's stream channel: the same bytes as the Electron app scheme (http-stream.ts), over
 * one WebSocket per tile at ws://<serve address>/media/stream/<id>.
 *
 * Why not one long HTTP response, as Electron has: a browser keeps at most 6 HTTP/1.1
 * connections per host, and a live response holds its connection for as long as the tile plays,
 * so a 3×3 wall in serve mode played 5–6 tiles and queued the rest (measured by bench:live).
 * WebSockets are not in that pool. The messages (MediaSocketHead in preload/contract/media.ts):
 *   1. one text message: {"status":200,"contentType":"video/mp4; codecs=…"} once the init
 *      segment is known — or {"status":404|410,"text":…} and a normal close;
 *   2. binary messages: the fMP4 bytes, exactly what the HTTP body would hold;
 *   3. a normal close (1000) when main ends the stream. The page closing the socket releases
 *      the viewer like media:close.
 * Back-pressure: bytes handed to the socket whose write has not completed count against the
 * budget; above it the sink is "not draining" (viewer.ts drops to the next keyframe), so memory
 * per socket stays within the budget plus one fragment. A socket over budget whose writes make no
 * progress at all for MEDIA_STALL_MS is ended: a client that never reads would otherwise hold
 * its viewer (and the camera's upstream) for as long as it stays connected.
 */
import { WebSocket } from 'ws';
import type { MediaSocketHead } from '../../preload/contract/index.js';
import { QUEUE_BUDGET_BYTES, type MediaAttachSource } from './http-stream.js';
import type { ViewerSink } from './viewer.js';

/**
 * No completed write for this long while over budget (20 s): the client is gone or does not
 * read. A slow but live link still completes writes now and then, which resets the clock.
 */
export const MEDIA_STALL_MS = 20_000;

export function serveMediaSocket(media: MediaAttachSource, streamId: string, ws: WebSocket, budgetBytes = QUEUE_BUDGET_BYTES, stallMs = MEDIA_STALL_MS): void {
  let ended = false;
  let opened = false;
  /** Bytes given to ws.send whose write callback has not run yet. */
  let pending = 0;
  let drained: (() => void) | null = null;
  /** Armed while over budget; refreshed by every completed write; fires when none completes. */
  let stall: NodeJS.Timeout | null = null;
  const stopStallClock = (): void => {
    if (stall) clearTimeout(stall);
    stall = null;
  };
  const sendHead = (head: MediaSocketHead): void => ws.send(JSON.stringify(head));
  const afterWrite = (bytes: number): void => {
    pending -= bytes;
    if (pending >= budgetBytes) stall?.refresh();
    else stopStallClock();
    if (pending >= budgetBytes || !drained) return;
    const callback = drained;
    drained = null;
    callback();
  };
  const sink: ViewerSink = {
    open(contentType) {
      opened = true;
      sendHead({ status: 200, contentType });
    },
    write(chunk) {
      if (ended || ws.readyState !== WebSocket.OPEN) return true;
      pending += chunk.byteLength;
      ws.send(chunk, { binary: true }, () => afterWrite(chunk.byteLength));
      if (pending < budgetBytes) return true;
      // terminate, not close: a close frame would wait behind the bytes it does not read.
      stall ??= setTimeout(() => ws.terminate(), stallMs);
      return false;
    },
    onDrain(callback) {
      drained = callback;
    },
    end() {
      if (ended) return;
      ended = true;
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!opened) sendHead({ status: 410, text: 'This stream was closed.' });
      ws.close(1000, 'stream ended');
    },
  };
  const gone = media.attach(streamId, sink);
  if (!gone) {
    sendHead({ status: 404, text: 'There is no such stream (it was closed, or never opened).' });
    ws.close(1000, 'no such stream');
    return;
  }
  ws.once('close', () => {
    ended = true;
    stopStallClock();
    gone();
  });
  // The page never sends on this socket; anything it sends is ignored.
}
