/** How each kind of live source delivers its video, in the words of the info overlay. */
import { expect, it } from 'vitest';
import { deliveryWords } from '../../../main/media/delivery-words.js';
import type { LiveSource } from '../../../main/media/sources.js';

const http = (format: 'flv' | 'mpegts' | 'hls' | 'h264'): LiveSource => ({ kind: 'http', format, url: 'http://127.0.0.1/x', headers: {} });

it.each([
  [{ kind: 'rtsp', url: 'rtsp://127.0.0.1/cam' } as LiveSource, 'RTSP'],
  [http('flv'), 'HTTP-FLV'],
  [http('mpegts'), 'MPEG-TS over HTTP'],
  [http('hls'), 'HLS segments, read at real time'],
  [http('h264'), 'raw H.264 over HTTP'],
])('%o → %s', (source, words) => expect(deliveryWords(source)).toBe(words));
