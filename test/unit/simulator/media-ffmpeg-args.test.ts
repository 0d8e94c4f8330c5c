import { describe, expect, it } from 'vitest';
import { catalogueEntry } from '../../../simulator/media/catalogue.js';
import {
  clipArgs, concatList, drawtextSafe, liveEncodeArgs, liveRemuxArgs, loopSourceArgs, overlayFilter, recordingArgs,
  stillFromFileArgs,
} from '../../../simulator/media/ffmpeg-args.js';

const { camera, scene } = catalogueEntry(1);

describe('ffmpeg command lines', () => {
  it('burns the recording clock as segment start + pts, with escaped colons', () => {
    const vf = overlayFilter({
      name: camera.name, esn: camera.esn, scene, width: 640, height: 360, clock: { kind: 'recording', startSec: 1763770000 },
    });
    expect(vf).toContain("text='%{pts\\:gmtime\\:1763770000\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S} UTC'");
    expect(vf).toContain("text='Parking North'");
    expect(vf).toContain('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf');
  });

  it('says a loop is a loop', () => {
    const vf = overlayFilter({ name: 'x', esn: 'e', scene, width: 640, height: 360, clock: { kind: 'loop' } });
    expect(vf).toContain("text='LIVE LOOP%{pts\\:hms}'");
  });

  it('strips characters that would break drawtext', () => {
    expect(drawtextSafe("Bob's: 100%, [a];b\\")).toBe('Bobs 100 ab');
  });

  it('encodes a segment: single-thread ultrafast, GOP in frames, faststart MP4, audio when the camera has it', () => {
    const args = recordingArgs({
      scene, name: camera.name, esn: camera.esn, profile: camera.profiles.sub, gopSeconds: 4, audio: true, fps: 10,
      startMs: 1763770000000, durationMs: 300_000, motion: [{ startMs: 1763770010000, endMs: 1763770020000 }], out: '/tmp/x.mp4',
    });
    const joined = args.join(' ');
    expect(joined).toContain('-f lavfi -i smptebars=size=640x360:rate=10');
    expect(joined).toContain('-f lavfi -i sine=frequency=340:sample_rate=32000');
    expect(joined).toContain('-t 300.000');
    expect(joined).toContain('-c:v libx264 -preset ultrafast -threads 1 -bf 0 -g 40 -keyint_min 40 -sc_threshold 0 -b:v 250k');
    expect(joined).toContain("enable='between(t\\,10\\,20)'");
    expect(args.slice(-5)).toEqual(['-movflags', '+faststart', '-f', 'mp4', '/tmp/x.mp4']);
  });

  it('publishes a loop with stream copy to stdout and RTP (tee), video first', () => {
    expect(loopSourceArgs('/c/l.ts', true, 5004)).toEqual([
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', '/c/l.ts', '-c', 'copy',
      '-map', '0:v', '-map', '0:a', '-f', 'tee', '[f=mpegts]pipe:1|[select=v:f=rtp:bsfs/v=dump_extra]rtp://127.0.0.1:5004',
    ]);
    expect(loopSourceArgs('/c/l.ts', false, null).slice(-5)).toEqual(['-map', '0:v', '-f', 'mpegts', 'pipe:1']);
  });

  it('encodes live single-slice with the wall clock', () => {
    const args = liveEncodeArgs({
      scene, name: camera.name, esn: camera.esn, profile: camera.profiles.main, gopSeconds: 1, audio: false,
      clockOffsetSec: 0, rtpPort: 5000,
    });
    const vf = args[args.indexOf('-vf') + 1]!;
    expect(vf.startsWith('settb=AVTB,setpts=RTCTIME,')).toBe(true);
    expect(vf.endsWith(',setpts=N/(25*TB)')).toBe(true);
    expect(vf).toContain('%{pts\\:gmtime\\:0.000\\:');
    expect(args.join(' ')).toContain('-g 25 -keyint_min 25');
    expect(args.join(' ')).toContain('-tune zerolatency -x264-params sliced-threads=0:threads=1');
  });

  it('seeks loops one GOP early (MPEG-TS seeks fail inside the last GOP)', () => {
    expect(stillFromFileArgs('/l.ts', 30.5, undefined, 640, 24).slice(3, 10)).toEqual(['-nostdin', '-ss', '24.000', '-i', '/l.ts', '-ss', '6.500']);
  });

  it('concatenates and grabs stills with stream copy / accurate seek', () => {
    expect(clipArgs('/l.txt', 'mp4', '/b.mp4').join(' ')).toBe(
      '-hide_banner -loglevel error -nostdin -y -f concat -safe 0 -i /l.txt -map 0 -c copy -movflags +faststart -f mp4 /b.mp4',
    );
    expect(concatList([{ file: "/x/it's.mp4", inSec: 8, outSec: 300 }, { file: '/y.mp4', inSec: 0, outSec: 12.5 }])).toBe(
      "ffconcat version 1.0\nfile '/x/it'\\''s.mp4'\ninpoint 8.000\noutpoint 300.000\nfile '/y.mp4'\noutpoint 12.500\n",
    );
    expect(clipArgs('/l.txt', 'flv', null).slice(-4)).toEqual(['copy', '-f', 'flv', 'pipe:1']);
    // The concat demuxer loses the pieces' creation_time: the clip gets its first frame's time.
    expect(clipArgs('/l.txt', 'mp4', '/b.mp4', Date.UTC(2026, 10, 22, 2, 14, 0)).slice(-7)).toEqual([
      '-metadata', 'creation_time=2026-11-22T02:14:00.000Z', '-movflags', '+faststart', '-f', 'mp4', '/b.mp4',
    ]);
    expect(stillFromFileArgs('/a.mp4', 12, 320, 640)).toContain('scale=320:-2');
    expect(stillFromFileArgs('/a.mp4', 12, undefined, 640)).not.toContain('-vf');
    expect(liveRemuxArgs('ts').slice(-6)).toEqual(['-map', '0', '-c', 'copy', '-f', 'mpegts', 'pipe:1'].slice(-6));
  });
});
