/**
 * One tile watching one upstream: what it has been sent, and the back-pressure rule.
 *
 * A viewer's bytes go to a ViewerSink (an HTTP response in serve mode, a ReadableStream on the
 * Electron app scheme). The sink says when its consumer is not draining; from then on the viewer
 * drops fragments (counted) until the sink drains AND the next keyframe comes, because a decoder
 * cannot continue after a hole before an IDR. So main never buffers more than the sink's budget
 * per viewer, and a slow tile skips ahead instead of falling further behind live.
 *
 *   fragments   K  p  p  p  K  p  p  K  p
 *   sink        ok ok full(drop)  drained
 *   sent        K  p  p  ·  ·  ·  ·  K  p      (· dropped: 4)
 */
import type { InitInfo, FragmentInfo } from '../../common/mp4/index.js';

export interface ViewerSink {
  /** Called once, before the first write: the response starts with this Content-Type. */
  open(contentType: string): void;
  /** Queues bytes; false when the consumer is not draining (its queue is over budget). */
  write(chunk: Buffer): boolean;
  /** Calls back once when the consumer has room again. */
  onDrain(callback: () => void): void;
  /** Ends the response (the viewer was closed, or a newer fetch of the same stream took over). */
  end(): void;
}

export interface InitSegment {
  bytes: Buffer;
  info: InitInfo;
}

export interface LiveFragment {
  bytes: Buffer;
  keyframe: boolean;
  info: FragmentInfo;
}

/** What a viewer that joins a running upstream receives at once. */
export interface JoinData {
  init: InitSegment | null;
  /** Fragments from the last keyframe on (empty when none is cached). */
  gop: readonly LiveFragment[];
}

export interface ViewerStats {
  fragmentsSent: number;
  /** Fragments not sent because the consumer was not draining (including the skip to the next keyframe). */
  fragmentsDropped: number;
  bytesSent: number;
  /** Times the consumer stopped draining. */
  congestions: number;
  initsSent: number;
  /** Fragments of the join burst (the GOP cache). */
  cachedFragmentsSent: number;
}

export class Viewer {
  readonly stats: ViewerStats = { fragmentsSent: 0, fragmentsDropped: 0, bytesSent: 0, congestions: 0, initsSent: 0, cachedFragmentsSent: 0 };
  private sink: ViewerSink | null = null;
  private opened = false;
  /** Waiting for a keyframe before sending fragments (a join without cache, a new init, after drops). */
  private needKeyframe = true;
  /** The sink reported it is not draining; fragments are dropped until it drains. */
  private congested = false;
  /** Dropping because of congestion (counted), as opposed to waiting for a first keyframe. */
  private dropping = false;
  /** A fragment was dropped during the current congestion: the stream has a hole. */
  private hole = false;

  constructor(
    readonly streamId: string,
    readonly cameraId: string,
    readonly profile: 'main' | 'sub',
  ) {}

  get attached(): boolean {
    return this.sink !== null;
  }

  /** Connects a sink (the player's fetch): init and cached GOP go out at once, then live fragments. */
  attach(sink: ViewerSink, join: JoinData): void {
    const previous = this.sink;
    this.sink = sink;
    previous?.end();
    this.opened = false;
    this.needKeyframe = true;
    this.congested = false;
    this.dropping = false;
    this.hole = false;
    if (!join.init) return;
    this.sendInit(join.init);
    // The burst is bounded by the GOP cache limit, so it is sent whatever the sink says.
    for (const fragment of join.gop) {
      if (this.needKeyframe && !fragment.keyframe) continue;
      this.needKeyframe = false;
      this.push(fragment.bytes);
      this.stats.fragmentsSent += 1;
      this.stats.cachedFragmentsSent += 1;
    }
  }

  /** Is this sink still the current one? */
  isCurrent(sink: ViewerSink): boolean {
    return this.sink === sink;
  }

  /** Ends the sink (viewer closed). */
  end(): void {
    const sink = this.sink;
    this.sink = null;
    sink?.end();
  }

  /** A (new) init segment: the player resets its SourceBuffer; fragments resume at a keyframe. */
  sendInit(init: InitSegment): void {
    const sink = this.sink;
    if (!sink) return;
    if (!this.opened) {
      sink.open(init.info.mimeType);
      this.opened = true;
    }
    this.needKeyframe = true;
    this.dropping = false;
    this.push(init.bytes);
    this.stats.initsSent += 1;
  }

  offer(fragment: LiveFragment): void {
    if (!this.sink || !this.opened) return;
    if (this.congested) {
      this.stats.fragmentsDropped += 1;
      this.hole = true;
      return;
    }
    if (this.needKeyframe && !fragment.keyframe) {
      if (this.dropping) this.stats.fragmentsDropped += 1;
      return;
    }
    this.needKeyframe = false;
    this.dropping = false;
    this.push(fragment.bytes);
    this.stats.fragmentsSent += 1;
  }

  private push(bytes: Buffer): void {
    const sink = this.sink!;
    this.stats.bytesSent += bytes.length;
    if (sink.write(bytes) || this.congested) return;
    this.congested = true;
    this.stats.congestions += 1;
    sink.onDrain(() => {
      if (this.sink !== sink) return;
      this.congested = false;
      if (!this.hole) return;
      // What was dropped left a hole: continue only at the next keyframe.
      this.hole = false;
      this.needKeyframe = true;
      this.dropping = true;
    });
  }
}
