/** A MediaAttachSource that knows one stream, 'known': the test writes to the sink it was handed and counts the viewer's releases. */
import type { MediaAttachSource } from '../../../main/media/http-stream.js';
import type { ViewerSink } from '../../../main/media/viewer.js';

export class FakeSource implements MediaAttachSource {
  sink: ViewerSink | null = null;
  goneCalls = 0;
  attach(streamId: string, sink: ViewerSink): (() => void) | null {
    if (streamId !== 'known') return null;
    this.sink = sink;
    return () => (this.goneCalls += 1);
  }
}
