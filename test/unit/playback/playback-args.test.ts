// The ffmpeg command line of a recorded piece, exactly (main/playback/playback-args.ts).
import { describe, expect, it } from 'vitest';
import { playbackArgs, playheadArgs } from '../../../main/playback/playback-args.js';
import type { RecordedPiece } from '../../../main/media/sources.js';

const piece = (format: RecordedPiece['format'], extra: Partial<RecordedPiece> = {}): RecordedPiece => ({ format, url: 'http://127.0.0.1:9/clip', headers: {}, startMs: 1_700_000_000_000, ...extra });
const quiet = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
const output = ['-map', '0:v:0', '-an', '-c:v', 'copy', '-b:v', '0', '-video_track_timescale', '90000', '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '100000', 'pipe:1'];
const probe = ['-probesize', '262144', '-analyzeduration', '500000', '-fpsprobesize', '0'];

describe('playbackArgs', () => {
  it('FLV with a cookie: no -re (flow control paces it), a 30 s I/O timeout (cold archives), 90 kHz fMP4 without audio', () => {
    expect(playbackArgs(piece('flv', { headers: { Cookie: 'auth_key=k' } }))).toEqual([
      ...quiet, '-rw_timeout', '30000000', '-headers', 'Cookie: auth_key=k\r\n', ...probe, '-f', 'flv', '-i', 'http://127.0.0.1:9/clip', ...output,
    ]);
  });

  it('raw H.264 is stamped at the piece’s frame rate (the simulator records at 10 fps), 25 when it says none', () => {
    expect(playbackArgs(piece('h264', { fps: 10 }))).toEqual([
      ...quiet, '-rw_timeout', '30000000', '-probesize', '32768', '-analyzeduration', '0', '-fpsprobesize', '0', '-framerate', '10', '-f', 'h264', '-i', 'http://127.0.0.1:9/clip', ...output,
    ]);
    expect(playbackArgs(piece('h264'))).toContain('25');
  });

  it('VOD HLS starts at its first segment; MP4 is read by the mov demuxer; MPEG-TS as such', () => {
    expect(playbackArgs(piece('hls'))).toEqual([...quiet, '-rw_timeout', '30000000', ...probe, '-live_start_index', '0', '-f', 'hls', '-i', 'http://127.0.0.1:9/clip', ...output]);
    expect(playbackArgs(piece('mp4'))).toEqual([...quiet, '-rw_timeout', '30000000', '-f', 'mov', '-i', 'http://127.0.0.1:9/clip', ...output]);
    expect(playbackArgs(piece('mpegts'))).toEqual([...quiet, '-rw_timeout', '30000000', ...probe, '-f', 'mpegts', '-i', 'http://127.0.0.1:9/clip', ...output]);
  });

  it('a server playhead’s frames come on stdin, one fragment each (each is stamped with its own frame’s time)', () => {
    expect(playheadArgs(10)).toEqual([
      ...quiet, '-probesize', '32768', '-analyzeduration', '0', '-fpsprobesize', '0', '-framerate', '10', '-f', 'h264', '-i', 'pipe:0',
      ...output.map((a) => (a.startsWith('frag_keyframe') ? 'frag_keyframe+frag_every_frame+empty_moov+default_base_moof' : a)),
    ]);
  });
});
