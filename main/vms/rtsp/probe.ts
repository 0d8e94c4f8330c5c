/** Asks an RTSP camera what it streams (DESCRIBE + a little probing) with ffprobe, bounded in time. */
import { execFile } from 'node:child_process';
import { ffprobePath } from '../../media/ffmpeg-binary.js';
import { redactString } from '../../logging/redact.js';
import { watchChild } from '../../processes/child-reaper.js';

export interface RtspProbe {
  ok: boolean;
  unauthorized: boolean;
  codec?: string;
  width?: number;
  height?: number;
  error?: string;
}

export function probeRtsp(url: string, timeoutMs = 10_000): Promise<RtspProbe> {
  const args = ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', String(timeoutMs * 1000), '-probesize', '500000', '-analyzeduration', '0',
    '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', url];
  return new Promise((resolve) => {
    const child = execFile(ffprobePath(), args, { timeout: timeoutMs + 2000, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const text = redactString(String(stderr || err.message));
        resolve({ ok: false, unauthorized: /401|Unauthorized/i.test(text), error: text.trim().split('\n').pop() ?? 'probe failed' });
        return;
      }
      try {
        const stream = (JSON.parse(stdout) as { streams?: { codec_name?: string; width?: number; height?: number }[] }).streams?.[0];
        resolve({ ok: Boolean(stream), unauthorized: false, ...(stream?.codec_name ? { codec: stream.codec_name } : {}), ...(stream?.width ? { width: stream.width } : {}), ...(stream?.height ? { height: stream.height } : {}) });
      } catch {
        resolve({ ok: false, unauthorized: false, error: 'ffprobe printed something unexpected' });
      }
    });
    watchChild(child);
  });
}
