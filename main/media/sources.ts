/**
 * Where media of a camera can be pulled from, in the media pipeline's terms. Adapters (main/vms)
 * produce these and the pipeline consumes them; they live here so that vms depends on media and
 * never the reverse. Main only: a source may carry secrets (credentials in a URL, headers).
 */

/** Where live media of a camera can be pulled from; consumed by the media broker. */
export type LiveSource =
  | { kind: 'rtsp'; url: string }
  | { kind: 'http'; format: 'flv' | 'hls' | 'mpegts' | 'h264'; url: string; headers: Record<string, string> };
