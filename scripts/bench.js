// `npm run bench` prints the usage and the standard set; `npm run bench:live -- …` (= `bench.js live …`)
// runs the live-video benchmark (bench/live/).
import { parseBenchArgs, usage } from '../bench/live/options.js';

const [command, ...rest] = process.argv.slice(2);

const standardSet = `Standard runs (about 3–4 minutes each on the 2-core machine):
  npm run bench:live -- --tiles 16 --seconds 60                      # 16 × 360p, the target wall
  npm run bench:live -- --tiles 9 --seconds 60 --profile main        # 9 × 720p
  npm run bench:live -- --tiles 25 --seconds 60                      # 25 × 360p, the edge
  npm run bench:live -- --tiles 64 --seconds 60                      # past capacity: degradation policy
Add --json FILE to keep the numbers.`;

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
