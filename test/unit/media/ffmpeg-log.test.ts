import { describe, expect, it } from 'vitest';
import { failureFromExit, InputDumpReader, planFor, tail, type InputStream } from '../../../main/media/ffmpeg-log.js';
import { defaultPlan } from '../../../main/media/ffmpeg-args.js';

/** stderr of ffmpeg 5.1 reading the simulator's live FLV (copied from a real run). */
const flvDump = `[flv @ 0x55b7a9b68b00] Stream #0: not enough frames to estimate rate; consider increasing probesize
Input #0, flv, from 'http://127.0.0.1:43051/asset/play/video.flv?id=1000a003&start_timestamp=stream_ca0e1cf2-1&end_timestamp=%2B300000&quality=low':
  Metadata:
    encoder         : Lavf59.27.100
  Duration: 00:00:00.00, start: 0.000000, bitrate: N/A
  Stream #0:0: Video: h264 (Constrained Baseline), yuv420p, 640x360 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 1k tbn
  Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp, 35 kb/s
Output #0, mp4, to 'pipe:1':
  Metadata:
    encoder         : Lavf59.27.100
  Stream #0:0: Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p, 640x360 [SAR 1:1 DAR 16:9], q=2-31, 25 fps, 25 tbr, 16k tbn
  Stream #0:1: Audio: aac (LC) (mp4a / 0x6134706D), 16000 Hz, mono, fltp, 35 kb/s
Stream mapping:
  Stream #0:0 -> #0:0 (copy)
`;

/** An HEVC camera over RTSP with G.711 audio (typical of a cheap IP camera). */
const hevcDump = `Input #0, rtsp, from 'rtsp://admin:[redacted]@10.0.0.7:554/Streaming/Channels/101':
  Metadata:
    title           : Media Presentation
  Duration: N/A, start: 0.000000, bitrate: N/A
  Stream #0:0: Video: hevc (Main), yuvj420p(pc, bt709), 2560x1440, 20 fps, 20 tbr, 90k tbn
  Stream #0:1: Audio: pcm_mulaw, 8000 Hz, mono, s16, 64 kb/s
Stream mapping:
  Stream #0:0 -> #0:0 (hevc (native) -> h264 (libx264))
`;

function read(dump: string): { reader: InputDumpReader; completedAt: number } {
  const reader = new InputDumpReader();
  let completedAt = -1;
  dump.split('\n').forEach((line, i) => {
    if (reader.line(line)) completedAt = i;
  });
  return { reader, completedAt };
}

describe('InputDumpReader', () => {
  it('lists the input streams and completes at "Output #0", ignoring the output dump', () => {
    const { reader, completedAt } = read(flvDump);
    expect(reader.streams).toEqual([
      { index: 0, type: 'video', codec: 'h264', detail: '(Constrained Baseline), yuv420p, 640x360 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 1k tbn' },
      { index: 1, type: 'audio', codec: 'aac', detail: '(LC), 16000 Hz, mono, fltp, 35 kb/s' },
    ]);
    expect(completedAt).toBe(7);
    expect(reader.complete).toBe(true);
  });

  it('completes at "Stream mapping:" and reads stream ids and languages', () => {
    const { reader, completedAt } = read(`Input #0, mpegts, from 'x':\n  Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p\n  Stream #0:1[0x101](eng): Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz\nStream mapping:`);
    expect(reader.streams.map((s) => [s.index, s.type, s.codec])).toEqual([[0, 'video', 'h264'], [1, 'audio', 'aac']]);
    expect(completedAt).toBe(3);
  });

  it('does not complete before an input dump was seen', () => {
    expect(read('[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found\nrtsp://x: Server returned 404 Not Found').reader.complete).toBe(false);
  });
});

describe('planFor', () => {
  const stream = (type: InputStream['type'], codec: string, detail = ''): InputStream => ({ index: 0, type, codec, detail });
  it.each([
    ['H.264 + AAC: copy both', [stream('video', 'h264', '(Main), yuv420p'), stream('audio', 'aac')], { video: 'copy', audio: 'copy' }],
    ['H.264 without audio: copy', [stream('video', 'h264', '(High), yuv420p(progressive)')], { video: 'copy', audio: 'copy' }],
    ['H.264 + G.711: drop the audio', [stream('video', 'h264'), stream('audio', 'pcm_alaw')], { video: 'copy', audio: 'none' }],
    ['HEVC: re-encode', [stream('video', 'hevc', '(Main)')], { video: 'h264', audio: 'copy', transcodeReason: 'the camera sends H.265 (HEVC), which the player cannot decode; Tessera converts it to H.264' }],
    ['MJPEG: re-encode', [stream('video', 'mjpeg')], { video: 'h264', audio: 'copy', transcodeReason: 'the camera sends Motion JPEG, which the player cannot decode; Tessera converts it to H.264' }],
    ['10-bit H.264: re-encode', [stream('video', 'h264', '(High 10), yuv420p10le')], { video: 'h264', audio: 'copy', transcodeReason: 'the camera sends 10-bit or 4:2:2/4:4:4 H.264, which the player cannot decode; Tessera converts it to 8-bit H.264' }],
    ['nothing known yet: unchanged', [], { video: 'copy', audio: 'copy' }],
  ])('%s', (_name, streams, expected) => {
    expect(planFor(streams, defaultPlan)).toEqual(expected);
  });

  it('reads the HEVC + G.711 camera of a real dump', () => {
    expect(planFor(read(hevcDump).reader.streams, defaultPlan)).toMatchObject({ video: 'h264', audio: 'none' });
  });

  it('keeps a plan already changed (never switches back within a run)', () => {
    const plan = { video: 'h264' as const, audio: 'none' as const, transcodeReason: 'x' };
    expect(planFor([stream('video', 'hevc'), stream('audio', 'pcm_mulaw')], plan)).toEqual(plan);
  });
});

describe('failureFromExit', () => {
  const exit = (stderr: string, code: number | null = 1, signal: string | null = null) => failureFromExit({ stderr, code, signal });
  it.each([
    ['[rtsp @ 0x5] method DESCRIBE failed: 401 Unauthorized\nrtsp://u:[redacted]@h/x: Server returned 401 Unauthorized (authorization failed)', { reason: 'sign-in expired', auth: true }],
    ['http://h/asset/play/video.flv?id=1: Server returned 403 Forbidden (access denied)', { reason: 'sign-in expired', auth: true }],
    ['[rtsp @ 0x5] method DESCRIBE failed: 404 Not Found\nrtsp://h/cam/1000a001/sub: Server returned 404 Not Found', { reason: 'camera offline (the server has no video for it)' }],
    ['http://h/live.ts: Server returned 5XX Server Error reply', { reason: 'the video server reported an error' }],
    ['[tcp @ 0x5] Connection to tcp://127.0.0.1:1 failed: Connection refused\nrtsp://127.0.0.1:1/x: Connection refused', { reason: 'connection refused' }],
    ['[tcp @ 0x5] Connection to tcp://10.9.9.9:554 failed: No route to host', { reason: 'network unreachable' }],
    ['[tcp @ 0x5] Connection to tcp://10.9.9.9:554 failed: Connection timed out', { reason: 'the camera did not answer in time' }],
    ['[rtsp @ 0x5] Error reading from stream: Connection reset by peer', { reason: 'connection lost' }],
    ["Stream map '0:v:0' matches no streams.\nTo ignore this, add a trailing '?' to the map.", { reason: 'the source sends no video' }],
    ['[mp4 @ 0x5] Could not find tag for codec pcm_alaw in stream #1, codec not currently supported in container', { reason: 'codec not supported' }],
    ['http://h/x.flv: Invalid data found when processing input', { reason: 'the source sent something that is not playable video' }],
    // Measured: a server that answers OPTIONS but never DESCRIBE, ffmpeg -timeout 5 s.
    ['rtsp://127.0.0.1:554/cam/x/sub?esn=x&access_token=t: Invalid data found when processing input', { reason: 'the camera did not answer the request for its video (RTSP) in time' }],
    ["[flv @ 0x5] Could not find codec parameters for stream 0 (Video: h264, none): unspecified size\nConsider increasing the value for the 'analyzeduration' (0) and 'probesize' (32) options", { reason: 'the picture size could not be read from the stream', probe: true }],
    ['[mp4 @ 0x5] dimensions not set\nCould not write header for output file #0 (incorrect codec parameters ?): Invalid argument', { reason: 'the picture size could not be read from the stream', probe: true }],
  ])('%s', (stderr, expected) => {
    expect(exit(stderr)).toEqual(expected);
  });

  it('tells a clean end, a signal and an unknown failure apart, never repeating a secret', () => {
    expect(exit('frame= 100', 0)).toEqual({ reason: 'the camera ended the stream' });
    expect(exit('', null, 'SIGKILL')).toEqual({ reason: 'the video process stopped unexpectedly (SIGKILL)' });
    expect(exit('something odd at rtsp://admin:pw@cam/x', 1)).toEqual({ reason: 'the video process failed (something odd at rtsp://admin:[redacted]@cam/x)' });
    expect(exit('rtsp://127.0.0.1:554/cam/x/sub?esn=x&stream_session=0f3e&access_token=secret: Operation not permitted', 1)).toEqual({ reason: 'the video process failed (Operation not permitted)' });
    expect(exit('', 187)).toEqual({ reason: 'the video process failed (exit 187)' });
  });

  it('says ffmpeg is missing, for good', () => {
    expect(failureFromExit({ stderr: '', code: null, signal: null, spawnError: '/opt/ffmpeg was not found' })).toEqual({
      reason: 'the video tool (ffmpeg) could not be started: /opt/ffmpeg was not found; set FFMPEG_BIN',
      permanent: true,
    });
  });
});

describe('tail', () => {
  it('keeps the last characters, cut at a line start', () => {
    expect(tail('', 'abc\n', 10)).toBe('abc\n');
    expect(tail('line one\nline two\n', 'line three\n', 20)).toBe('line three\n');
  });
});
