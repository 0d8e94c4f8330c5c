/** Words for the info overlay and the tile: how a source delivers its video, why it could not be had. Pure. */
import { AppFailure } from '../../preload/contract/index.js';
import type { FailureWords } from './ffmpeg-log.js';
import type { LiveSource } from './sources.js';

/** How a source delivers its video, for the info overlay. */
export function deliveryWords(source: LiveSource): string {
  if (source.kind === 'rtsp') return 'RTSP';
  const words: Record<typeof source.format, string> = { flv: 'HTTP-FLV', mpegts: 'MPEG-TS over HTTP', hls: 'HLS segments, read at real time', h264: 'raw H.264 over HTTP' };
  return words[source.format];
}

/** Words for a failure to get the source from the site. */
export function failureFromResolve(err: unknown): FailureWords {
  if (err instanceof AppFailure) {
    const { code, message } = err.error;
    if (code === 'unsupported') return { reason: message, permanent: true };
    if (code === 'unauthorized' || code === 'two-factor-required') return { reason: `sign-in needed: ${message}` };
    if (code === 'not-found') return { reason: `camera not found: ${message}` };
    if (code === 'unreachable') return { reason: `site unreachable: ${message}` };
    if (code === 'timeout') return { reason: `site not answering: ${message}` };
    return { reason: message };
  }
  return { reason: 'the address of the camera’s video could not be obtained' };
}
