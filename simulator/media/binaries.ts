/** Where ffmpeg and ffprobe come from. FFMPEG_BIN / FFPROBE_BIN override the PATH lookup. */
export const ffmpegBin = (): string => process.env.FFMPEG_BIN ?? 'ffmpeg';
export const ffprobeBin = (): string => process.env.FFPROBE_BIN ?? 'ffprobe';
/** The Debian interpreter: it has `gi` and GstRtspServer; a pyenv python on PATH does not. */
export const systemPython = (): string => process.env.SIM_PYTHON_BIN ?? '/usr/bin/python3';
