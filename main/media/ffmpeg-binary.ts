/**
 * Which ffmpeg/ffprobe to run: FFMPEG_BIN / FFPROBE_BIN when set (Debian's here), else the
 * binary ffmpeg-static ships (rewritten to app.asar.unpacked inside a packaged app, since a
 * binary cannot execute from inside an asar archive), else whatever is on PATH.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

function fromFfmpegStatic(): string | null {
  try {
    const path = createRequire(import.meta.url)('ffmpeg-static') as string | null;
    if (!path) return null;
    const unpacked = path.replace(`app.asar${'/'}`, `app.asar.unpacked/`).replace('app.asar\\', 'app.asar.unpacked\\');
    return existsSync(unpacked) ? unpacked : null;
  } catch {
    return null; // ffmpeg-static not installed (its binary download is optional)
  }
}

export function ffmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FFMPEG_BIN || fromFfmpegStatic() || 'ffmpeg';
}

export function ffprobePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FFPROBE_BIN || 'ffprobe';
}
