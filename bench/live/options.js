// Command line of `npm run bench:live` (pure: parsed and checked here, unit-tested).
import { parseArgs } from 'node:util';

export const usage = `npm run bench:live -- --tiles N --seconds S [--profile sub|main] [--source-url rtsp://…] [--json FILE]

Plays N live tiles in Debian Chromium through \`tessera serve\` (the wall of display browser-1),
then the same streams through a bare ffmpeg-remux + MSE page (the baseline), and reports per tile
and in total: decoded fps, dropped %, time to first frame, live latency, CPU and memory of main,
ffmpeg and the renderer, with Tessera's figures as ratios to the baseline's.

  --tiles N          tiles on the wall, 1–64 (default 16)
  --seconds S        measuring window per phase, 5–900 (default 60)
  --profile P        sub (360p, default) or main (720p): the streams the baseline plays and the
                     bench warms; main also pins every Tessera tile to main (within the stream
                     policy's main-stream budget), sub leaves the choice to the policy
  --source-url URL   one RTSP source for every tile instead of the simulator (no latency then)
  --json FILE        write the results as JSON
  --warmup S         seconds between "all tiles playing" and the window (default 8)
  --viewport WxH     browser viewport (default 1280x800, as the e2e tests)
  --no-baseline      Tessera only
  --keep-dirs        keep the temporary data folders`;

export function parseBenchArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      tiles: { type: 'string' },
      seconds: { type: 'string' },
      profile: { type: 'string' },
      'source-url': { type: 'string' },
      json: { type: 'string' },
      warmup: { type: 'string' },
      viewport: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      'keep-dirs': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const int = (name, fallback, min, max) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    return n;
  };
  const profile = values.profile ?? 'sub';
  if (profile !== 'sub' && profile !== 'main') throw new Error(`--profile must be sub or main, not ${JSON.stringify(profile)}`);
  const sourceUrl = values['source-url'];
  if (sourceUrl !== undefined && !/^rtsps?:\/\/[^\s]+$/.test(sourceUrl)) throw new Error('--source-url must be an rtsp:// address');
  const viewportText = values.viewport ?? '1280x800';
  const vp = /^(\d{3,4})x(\d{3,4})$/.exec(viewportText);
  if (!vp) throw new Error(`--viewport must look like 1280x800, not ${JSON.stringify(viewportText)}`);
  return {
    help: false,
    tiles: int('tiles', 16, 1, 64),
    seconds: int('seconds', 60, 5, 900),
    warmup: int('warmup', 8, 0, 120),
    profile,
    sourceUrl,
    json: values.json,
    viewport: { width: Number(vp[1]), height: Number(vp[2]) },
    baseline: !values['no-baseline'],
    keepDirs: Boolean(values['keep-dirs']),
  };
}

/**
 * The wall layout for N tiles: ⌈√N⌉ columns, cells in reading order, empty cells fill the grid.
 * With profile 'main' every camera tile is pinned to the main stream, so Tessera asks for the
 * baseline's 720p (left automatic, the policy gives small tiles the sub-stream); the stream
 * policy's main-stream budget still caps how many get it.
 */
export function gridLayout(cameraIds, { profile = 'sub', id = 'bench' } = {}) {
  const n = cameraIds.length;
  const columns = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const cells = [];
  for (let i = 0; i < columns * rows; i++) cells.push({ x: i % columns, y: Math.floor(i / columns), w: 1, h: 1, cameraIds: i < n ? [cameraIds[i]] : [], ...(profile === 'main' && i < n ? { pin: 'main' } : {}) });
  return { id, name: `Bench ${n} tiles`, columns, rows, cells, overlay: true };
}

/** Overall cap of one run: start-up, two phases of warm-up + window, and slack for slow starts. */
export function runCapMs(o) {
  const phase = (o.warmup + o.seconds) * 1000 + 180_000;
  return 300_000 + phase * (o.baseline ? 2 : 1);
}

/** Simulator camera of each tile: the even (audio-free) cameras 0, 2, 4 … 62, repeated past 32 tiles. */
export function simIndexes(tiles) {
  return Array.from({ length: tiles }, (_, i) => (2 * i) % 64);
}
