// `npm run bench` prints the usage and the standard set; `npm run bench:live -- …` (= `bench.js live …`)
// runs the live-video benchmark (bench/live/); `npm run bench:export` the export one (bench/export/,
// TypeScript on main's export code: bundled with esbuild first, like the tests' child processes);
// `npm run bench:scrub` the looking-back one (bench/scrub/).
import { parseBenchArgs, usage } from '../bench/live/options.js';

const [command, ...rest] = process.argv.slice(2);

const standardSet = `Standard runs (about 3–4 minutes each on the 2-core machine):
  npm run bench:live -- --tiles 16 --seconds 60                      # 16 × 360p, the target wall
  npm run bench:live -- --tiles 9 --seconds 60 --profile main        # 9 × 720p
  npm run bench:live -- --tiles 25 --seconds 60                      # 25 × 360p, the edge
  npm run bench:live -- --tiles 64 --seconds 60                      # past capacity: degradation policy
Add --json FILE to keep the numbers.
  npm run bench:export                                               # 10-min export vs bare ffmpeg copy, 1-min burn-in vs bare transcode
  npm run bench:export -- --minutes 10 --burn-minutes 1 --runs 3
  npm run bench:scrub                                                # stills, seek, step, memory on serve --demo vs LAB-NOTES §5`;

if (command === 'export') {
  const { build } = await import('esbuild');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  // Inside node_modules so the bundle's bare imports (zod, fluent-ffmpeg) resolve.
  const outfile = `${root}node_modules/.cache/tessera-bench/export-${process.pid}.mjs`;
  await build({ entryPoints: [`${root}bench/export/run.ts`], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' });
  const { rmSync } = await import('node:fs');
  try {
    await import(outfile);
  } finally {
    rmSync(outfile, { force: true });
  }
  process.exit(0);
}

if (command === 'scrub') {
  const { parseScrubArgs, usage: scrubUsage } = await import('../bench/scrub/options.js');
  let scrubOptions;
  try {
    scrubOptions = parseScrubArgs(rest);
  } catch (err) {
    process.stderr.write(`bench: ${err.message}\n\n${scrubUsage}\n`);
    process.exit(1);
  }
  if (scrubOptions.help) {
    process.stdout.write(`${scrubUsage}\n`);
    process.exit(0);
  }
  const { runScrub } = await import('../bench/scrub/run.js');
  await runScrub(scrubOptions);
  process.exit(0);
}

if (command !== 'live') {
  process.stdout.write(`${usage}\n\n${standardSet}\n`);
  process.exit(command === undefined || command === 'help' ? 0 : 1);
}

let options;
try {
  options = parseBenchArgs(rest);
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n\n${usage}\n`);
  process.exit(1);
}
if (options.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const { runLive } = await import('../bench/live/run.js');
await runLive(options);
process.exit(0);
