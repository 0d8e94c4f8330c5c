/**
 * Numbers for the info overlay, measured from the stream itself: frames per second and bitrate
 * over the last few seconds of media time, and the keyframe interval (GOP). Media time (sample
 * durations from the fragments), not arrival time, so bursts (a GOP cache, an HLS segment) do
 * not distort them and the class needs no clock.
 */
export interface FragmentSample {
  /** Video frames in the fragment. */
  frames: number;
  /** Video duration of the fragment, ms (media time). */
  durationMs: number;
  /** Bytes of the whole fragment (all tracks, with headers). */
  bytes: number;
  keyframe: boolean;
  /** Media time of the first video frame, ms. */
  startMs?: number;
}

export interface StatsSnapshot {
  fps?: number;
  bitrateKbps?: number;
  gopMs?: number;
}

/** Media time the averages cover, ms. */
export const STATS_WINDOW_MS = 5_000;

export class StreamStats {
  private samples: FragmentSample[] = [];
  private windowMs = 0;
  private lastKeyframeMs?: number;
  private gopMs?: number;
  /** Media time since the last keyframe when start times are missing, ms. */
  private sinceKeyframeMs = 0;

  add(sample: FragmentSample): void {
    if (sample.keyframe) {
      if (sample.startMs !== undefined && this.lastKeyframeMs !== undefined && sample.startMs > this.lastKeyframeMs) {
        this.gopMs = sample.startMs - this.lastKeyframeMs;
      } else if (sample.startMs === undefined && this.lastKeyframeMs !== undefined) {
        this.gopMs = this.sinceKeyframeMs;
      }
      this.lastKeyframeMs = sample.startMs ?? 0;
      this.sinceKeyframeMs = 0;
    }
    this.sinceKeyframeMs += sample.durationMs;
    this.samples.push(sample);
    this.windowMs += sample.durationMs;
    while (this.samples.length > 1 && this.windowMs - this.samples[0]!.durationMs >= STATS_WINDOW_MS) {
      this.windowMs -= this.samples.shift()!.durationMs;
    }
  }

  /** Forget everything (a new process: timestamps restart). */
  reset(): void {
    this.samples = [];
    this.windowMs = 0;
    this.sinceKeyframeMs = 0;
    delete this.lastKeyframeMs;
    delete this.gopMs;
  }

  snapshot(): StatsSnapshot {
    const out: StatsSnapshot = {};
    if (this.windowMs > 0) {
      const frames = this.samples.reduce((n, s) => n + s.frames, 0);
      const bytes = this.samples.reduce((n, s) => n + s.bytes, 0);
      out.fps = Math.round((frames * 1000 * 10) / this.windowMs) / 10;
      out.bitrateKbps = Math.round((bytes * 8) / this.windowMs);
    }
    if (this.gopMs !== undefined) out.gopMs = Math.round(this.gopMs);
    return out;
  }
}
