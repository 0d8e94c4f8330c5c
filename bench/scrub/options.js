// `npm run bench:scrub -- …`: the command line of the scrub benchmark (see bench/README.md).
export const usage = `usage: npm run bench:scrub -- [--samples N] [--scrubs N] [--opens N] [--baseline-minutes M] [--long] [--json FILE]
  --samples N           still requests per vendor, uncached and again cached (default 20)
  --scrubs N            scrubs (a still per vendor tile each) before the memory reading (default 100)
  --opens N             playback:open → first presented frame, then a frame step, per vendor (default 3; 0 skips)
  --baseline-minutes M  length of the baseline's 720p25 recording (default 10; made once, cached)
  --sync LIST           tile counts of the sync spread (default 4,9; none skips)
  --long                sync spread also after 5 min (off by default: CI time)
  --json FILE           keep the numbers`;

const positive = (name, raw) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number, got ${raw ?? 'nothing'}`);
  return n;
};

const count = (name, raw) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number, got ${raw ?? 'nothing'}`);
  return n;
};

function syncList(raw) {
  if (raw === 'none') return [];
  const list = String(raw ?? '').split(',').map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 2 || n > 16)) throw new Error(`--sync needs tile counts of 2–16 like 4,9 (or none), got ${raw ?? 'nothing'}`);
  return list;
}

export function parseScrubArgs(argv) {
  const o = { samples: 20, scrubs: 100, opens: 3, baselineMinutes: 10, long: false, sync: [4, 9], json: null, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--long') o.long = true;
    else if (a === '--json') o.json = argv[++i] ?? (() => { throw new Error('--json needs a file'); })();
    else if (a === '--sync') o.sync = syncList(argv[++i]);
    else if (a === '--samples') o.samples = Math.round(positive('samples', argv[++i]));
    else if (a === '--scrubs') o.scrubs = count('scrubs', argv[++i]);
    else if (a === '--opens') o.opens = count('opens', argv[++i]);
    else if (a === '--baseline-minutes') o.baselineMinutes = positive('baseline-minutes', argv[++i]);
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** The whole run's cap: demo start, the stills, the opens, the baseline recording, 5 min more with --long. */
export function runCapMs(o) {
  return (6 * 60 + o.samples * 8 + o.scrubs * 2 + o.opens * 30 + o.baselineMinutes * 30 + o.sync.length * (o.long ? 420 : 120)) * 1000;
}
