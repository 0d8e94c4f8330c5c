/**
 * Exact command lines, like go2rtc's ffmpeg_test: any change to what ffmpeg is asked to do shows
 * up here as a diff of the whole argv.
 */
import { describe, expect, it } from 'vitest';
import { defaultPlan, liveArgs, redactArgs, type LiveArgsOptions, type MediaPlan } from '../../../main/media/ffmpeg-args.js';
import type { LiveSource } from '../../../main/media/sources.js';

const head = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
const httpProbe = ['-probesize', '262144', '-analyzeduration', '500000', '-fpsprobesize', '0'];
const rawProbe = ['-probesize', '32768', '-analyzeduration', '0', '-fpsprobesize', '0'];
const fmp4 = ['-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '40000', 'pipe:1'];
/** With audio copied from an in-band AAC config (ADTS, FLV), the init segment waits for the first packet (delay_moov). */
const fmp4Audio = ['-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof+delay_moov', '-frag_duration', '40000', 'pipe:1'];
const copyAv = ['-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'copy', '-c:a', 'copy'];
const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0'];
const hevcPlan: MediaPlan = { video: 'h264', audio: 'copy', transcodeReason: 'HEVC' };

const rtsp: LiveSource = { kind: 'rtsp', url: 'rtsp://admin:s3cret@10.0.0.7:554/Streaming/Channels/102' };
const flv: LiveSource = { kind: 'http', format: 'flv', url: 'https://c001.eagleeyenetworks.com/asset/play/video.flv?id=1000a001&start_timestamp=stream_ca0e1cf2-1&end_timestamp=%2B86400000', headers: { Cookie: 'auth_key=c001~abc' } };
const hls: LiveSource = { kind: 'http', format: 'hls', url: 'https://media.example/live/uuid/index.m3u8?token=T0K3N', headers: {} };
const ts: LiveSource = { kind: 'http', format: 'mpegts', url: 'http://nvr.local/live.ts', headers: { Authorization: 'Bearer abc', 'X-Client': 'tessera' } };
const h264: LiveSource = { kind: 'http', format: 'h264', url: 'http://exacq.local/v1/video.web?s=SESSION&camera=4590337&format=5', headers: {} };

describe('liveArgs', () => {
  it.each<[string, LiveSource, MediaPlan, Omit<LiveArgsOptions, 'plan'>, string[]]>([
    [
      'RTSP, remux: TCP, 5 s socket timeout, fast probe (the SDP has the parameter sets and the AAC config: the init goes out at once, no delay_moov)',
      rtsp, defaultPlan, {},
      [...head, '-rtsp_transport', 'tcp', '-timeout', '5000000', '-probesize', '32', '-analyzeduration', '0', '-i', rtsp.url, ...copyAv, ...fmp4],
    ],
    [
      'RTSP, HEVC camera: re-encode with x264 ultrafast/zerolatency, 2 s GOP',
      rtsp, hevcPlan, {},
      [...head, '-rtsp_transport', 'tcp', '-timeout', '5000000', '-probesize', '32', '-analyzeduration', '0', '-i', rtsp.url, '-map', '0:v:0', '-map', '0:a:0?', ...x264, '-c:a', 'copy', ...fmp4],
    ],
    [
      'RTSP after a fast probe found no picture size (SDP without parameter sets): probe 2 MB / 2 s',
      rtsp, { video: 'copy', audio: 'copy', probe: 'thorough' }, {},
      [...head, '-rtsp_transport', 'tcp', '-timeout', '5000000', '-probesize', '2000000', '-analyzeduration', '2000000', '-i', rtsp.url, ...copyAv, ...fmp4],
    ],
    [
      'HTTP-FLV probing longer too',
      flv, { video: 'copy', audio: 'copy', probe: 'thorough' }, {},
      [...head, '-rw_timeout', '5000000', '-headers', 'Cookie: auth_key=c001~abc\r\n', '-probesize', '2000000', '-analyzeduration', '2000000', '-f', 'flv', '-i', flv.url, ...copyAv, ...fmp4Audio],
    ],
    [
      'Eagle Eye live FLV with its session cookie as a header',
      flv, defaultPlan, {},
      [...head, '-rw_timeout', '5000000', '-headers', 'Cookie: auth_key=c001~abc\r\n', ...httpProbe, '-f', 'flv', '-i', flv.url, ...copyAv, ...fmp4Audio],
    ],
    [
      'HLS (AIPIX): MPEG-TS segments piped in by the HLS follower, read at real time (-re); ADTS AAC to MP4 form; no URL (no token) on the command line',
      hls, defaultPlan, {},
      [...head, ...httpProbe, '-re', '-f', 'mpegts', '-i', 'pipe:0', ...copyAv, '-bsf:a', 'aac_adtstoasc', ...fmp4Audio],
    ],
    [
      'HLS with fMP4 segments: ffmpeg reads the playlist itself, newest segment first, at real time',
      hls, { ...defaultPlan, hls: 'demuxer' }, {},
      [...head, '-rw_timeout', '5000000', ...httpProbe, '-re', '-live_start_index', '-1', '-f', 'hls', '-i', hls.url, ...copyAv, '-bsf:a', 'aac_adtstoasc', ...fmp4Audio],
    ],
    [
      'MPEG-TS over HTTP with two headers, audio dropped (G.711)',
      ts, { video: 'copy', audio: 'none' }, {},
      [...head, '-rw_timeout', '5000000', '-headers', 'Authorization: Bearer abc\r\nX-Client: tessera\r\n', ...httpProbe, '-f', 'mpegts', '-i', ts.url, '-map', '0:v:0', '-c:v', 'copy', '-an', ...fmp4],
    ],
    [
      'exacq native H.264 (raw Annex-B, stamped at 25 fps; no audio, so no delay_moov)',
      h264, defaultPlan, {},
      [...head, '-rw_timeout', '5000000', ...rawProbe, '-framerate', '25', '-f', 'h264', '-i', h264.url, ...copyAv, ...fmp4],
    ],
    [
      'raw H.264 at a known rate, longer fragments, re-encode with a 60-frame GOP',
      h264, { video: 'h264', audio: 'none' }, { rawFrameRate: 30, fragmentUs: 100000, transcodeGop: 60 },
      [...head, '-rw_timeout', '5000000', ...rawProbe, '-framerate', '30', '-f', 'h264', '-i', h264.url, '-map', '0:v:0',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-an',
        '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '100000', 'pipe:1'],
    ],
  ])('%s', (_name, source, plan, options, expected) => {
    expect(liveArgs(source, { ...options, plan })).toEqual(expected);
  });

  it('never fragments on keyframes alone (that adds a whole GOP of latency)', () => {
    for (const source of [rtsp, flv, hls, ts, h264]) {
      const args = liveArgs(source, { plan: defaultPlan });
      expect(args[args.indexOf('-frag_duration') + 1]).toBe('40000');
    }
  });
});

describe('redactArgs', () => {
  it('hides header values and URL secrets, keeps the rest', () => {
    expect(redactArgs(liveArgs(rtsp, { plan: defaultPlan })).join(' ')).toContain('-i rtsp://admin:[redacted]@10.0.0.7:554/Streaming/Channels/102 ');
    const flvArgs = redactArgs(liveArgs(flv, { plan: defaultPlan }));
    expect(flvArgs[flvArgs.indexOf('-headers') + 1]).toBe('[redacted]');
    expect(flvArgs.join(' ')).not.toContain('c001~abc');
    expect(redactArgs(liveArgs(hls, { plan: { ...defaultPlan, hls: 'demuxer' } })).join(' ')).toContain('index.m3u8?token=[redacted]');
    expect(redactArgs(liveArgs(ts, { plan: defaultPlan })).join(' ')).not.toContain('Bearer abc');
  });
});
