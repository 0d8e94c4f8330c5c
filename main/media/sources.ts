/**
 * Where media of a camera can be pulled from, in the media pipeline's terms. Adapters (main/vms)
 * produce these and the pipeline consumes them; they live here so that vms depends on media and
 * never the reverse. Main only: a source may carry secrets (credentials in a URL, headers).
 */

/** Where live media of a camera can be pulled from; consumed by the media broker. */
export type LiveSource =
  | { kind: 'rtsp'; url: string }
  | { kind: 'http'; format: 'flv' | 'hls' | 'mpegts' | 'h264'; url: string; headers: Record<string, string> };

/**
 * One stretch of recorded video reachable by a URL: an Eagle Eye v1 5-minute clip from an
 * offset, an Eagle Eye v3 FLV/MP4 interval, an AIPIX archive HLS playlist (VOD).
 */
export interface RecordedPiece {
  format: 'flv' | 'mp4' | 'hls' | 'mpegts' | 'h264';
  url: string;
  headers: Record<string, string>;
  /** Wall time (epoch ms) of the first frame the URL yields, as the VMS states it. */
  startMs: number;
  /** Wall time the piece ends, when known (the end of the clip or interval). */
  endMs?: number;
  /** Frame rate where the container does not carry it (raw H.264): the simulator records at 10 fps. */
  fps?: number;
}

/**
 * Controls of a playhead kept by the server (exacqVision's search session): the server decides
 * which frames it sends and at what pace, Tessera steers it.
 */
export interface RecordedPlayhead {
  setSpeed(rate: number): Promise<void>;
  step(direction: 1 | -1): Promise<void>;
  seek(atMs: number): Promise<void>;
  /** Ends the server's session; always called, also after a failure. */
  close(): Promise<void>;
}

/**
 * The forward speeds (magnitudes) a source was chosen for, (above, upTo]: a forward speed outside
 * makes the playback ask for a new source from the player's position (Eagle Eye: real-time FLV up
 * to 1×, MP4 pieces above, of the small stream above 4×).
 */
export interface RateBand {
  above: number;
  upTo: number;
}

/** Where recorded video of a camera from a time can be pulled from; consumed by main/playback. */
export type RecordedSource =
  /**
   * URL sources: play `first`, then ask `next` for the piece after the time reached (Eagle Eye
   * v1's 5-minute clips); null from next means the recording ends there (or a gap follows:
   * `nextAfter` of the coverage says where it resumes). `rates`: the speeds it serves; without
   * it, crossing 4× asks again (the sub-stream). `signal`: the playback moved on (a seek, a
   * close); whatever next still waits for (a job's poll) stops, and it rejects with the signal's reason.
   */
  | { kind: 'pieces'; first: RecordedPiece; next(afterMs: number, signal?: AbortSignal): Promise<RecordedPiece | null>; rates?: RateBand }
  /**
   * A server-side playhead: one long stream (`piece`) whose frames the server paces, steered by
   * `playhead`. It comes paused at `piece.startMs` (a playhead that moved before the reader
   * connected would start the stream elsewhere): connect to `piece.url`, then setSpeed(rate).
   */
  | { kind: 'playhead'; piece: RecordedPiece; playhead: RecordedPlayhead; parts: RecordedParts };

/**
 * The playhead's stream as multipart parts, one access unit each, whose headers say where in the
 * recording the frame lies (exacq's `TimeOffset`): the pipeline stamps every frame with the wall
 * time its part states, so a server-side jump (step, speed, reverse, a stream restarted at a
 * later keyframe) never shifts the mapping. Counting frames from `piece.startMs` would.
 */
export interface RecordedParts {
  url: string;
  headers: Record<string, string>;
  /** Wall time (epoch ms) of a part's frame from its headers (names in lower case); undefined when it gives none. */
  wallMsOf(headers: Record<string, string>): number | undefined;
}
