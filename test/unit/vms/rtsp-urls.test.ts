import { describe, expect, it } from 'vitest';
import { rtspCameraId, withCredentials } from '../../../main/vms/rtsp/rtsp-urls.js';
import { stillGrabArgs } from '../../../main/media/grab-still.js';

describe('RTSP URLs', () => {
  it('inserts percent-encoded credentials', () => {
    expect(withCredentials('rtsp://10.0.0.5:554/Streaming/101', 'admin', 'p@ss:w/rd')).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/Streaming/101');
  });

  it('leaves the URL alone without a user', () => {
    expect(withCredentials('rtsp://cam/live', '', '')).toBe('rtsp://cam/live');
  });

  it('derives the same id with or without credentials, different ids for different streams', () => {
    expect(rtspCameraId('rtsp://a:b@cam/1')).toBe(rtspCameraId('rtsp://cam/1'));
    expect(rtspCameraId('rtsp://cam/1')).not.toBe(rtspCameraId('rtsp://cam/2'));
    expect(rtspCameraId('rtsp://cam/1')).toMatch(/^rtsp-[0-9a-f]{10}$/);
  });
});

describe('stillGrabArgs', () => {
  it('asks for one frame over RTSP/TCP, scaled, as JPEG on stdout', () => {
    expect(stillGrabArgs('rtsp://cam/1', { rtsp: true, width: 160 })).toEqual([
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-rtsp_transport', 'tcp', '-timeout', '5000000',
      '-i', 'rtsp://cam/1', '-an', '-frames:v', '1', '-vf', 'scale=160:-2', '-q:v', '4', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1',
    ]);
  });

  it('passes HTTP headers for HTTP inputs', () => {
    const args = stillGrabArgs('http://h/x.flv', { rtsp: false, headers: { Cookie: 'auth_key=1' } });
    expect(args.slice(4, 8)).toEqual(['-rw_timeout', '5000000', '-headers', 'Cookie: auth_key=1\r\n']);
  });

  it('seeks after opening the input, to the frame that far in (a recording starting on the keyframe before)', () => {
    const args = stillGrabArgs('http://h/index.m3u8', { rtsp: false, seekSeconds: 3 });
    expect(args.slice(6, 10)).toEqual(['-i', 'http://h/index.m3u8', '-ss', '3.000']);
    expect(stillGrabArgs('http://h/index.m3u8', { rtsp: false, seekSeconds: 0 })).not.toContain('-ss');
  });

  it('lets an archive input stall for readTimeoutMs per read (segments cut on request), live inputs 5 s', () => {
    expect(stillGrabArgs('http://h/index.m3u8', { rtsp: false, readTimeoutMs: 20_000 }).slice(4, 6)).toEqual(['-rw_timeout', '20000000']);
    expect(stillGrabArgs('http://h/live.m3u8', { rtsp: false }).slice(4, 6)).toEqual(['-rw_timeout', '5000000']);
  });
});
