/** `tessera sim`: the local VMS simulator (Eagle Eye v1/v3, exacqVision, AIPIX, RTSP) on 127.0.0.1. */
import { resolveUserDataDir, simulatorCacheDir } from '../paths.js';
import { startFullSimulator } from '../demo/simulator.js';
import { commonOptions, commonUsage, integerOption, stringOption, UsageError, type Command, type OptionValues } from './command.js';

function rate(values: OptionValues, name: string): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || n < 0 || n > 1) throw new UsageError(`--${name} must be a number from 0 to 1, not ${JSON.stringify(raw)}`);
  return n;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'run the local VMS simulator (demo site and test peer)',
  usage: `tessera sim [--port N] [--cameras K] [--hours H] [--json] [fault knobs]

Starts simulated Eagle Eye (API v1 and v3), exacqVision and AIPIX servers and real RTSP cameras
on 127.0.0.1, with synthetic cameras whose pictures carry their name and a UTC clock. Media is
generated with ffmpeg on first use and cached in the data folder.

  --port N             first port (services take consecutive ports); default: free ports
  --cameras K          number of cameras, 1–64 (default 8)
  --hours H            hours of recorded history, 1–48 (default 2)
  --no-rtsp            do not start the RTSP server (HTTP media only)
  --no-pace            send recorded FLV as fast as it is cut (default: at the recording's pace)
Fault knobs (also at runtime: POST <admin>/faults, /sessions/expire, /cameras/N/offline|online):
  --latency MS         extra delay before every answer
  --drop-rate R        share of requests whose connection is dropped (0–1)
  --error-rate R       share of requests answered 500/503 (0–1)
  --slow-transcode F   multiply transcode and export waits by F
  --stall-exports      exports never complete (jobs stop making progress; an AIPIX archive
                       MP4, whose download is the export, stops part-way)
  --cut-downloads R    every download (export file, MP4 clip) is cut off after share R (0–1)
${commonUsage}`,
  options: {
    ...commonOptions,
    port: { type: 'string' },
    cameras: { type: 'string' },
    hours: { type: 'string' },
    'no-rtsp': { type: 'boolean' },
    'no-pace': { type: 'boolean' },
    latency: { type: 'string' },
    'drop-rate': { type: 'string' },
    'error-rate': { type: 'string' },
    'slow-transcode': { type: 'string' },
    'stall-exports': { type: 'boolean' },
    'cut-downloads': { type: 'string' },
  },
  async run(values, _positionals, io) {
    const port = integerOption(values, 'port', 0, 0, 65400);
    const cameras = integerOption(values, 'cameras', 8, 1, 64);
    const hours = integerOption(values, 'hours', 2, 1, 48);
    const faults = {
      latencyMs: integerOption(values, 'latency', 0, 0, 60_000),
      dropRate: rate(values, 'drop-rate'),
      errorRate: rate(values, 'error-rate'),
      slowTranscodeFactor: integerOption(values, 'slow-transcode', 1, 1, 1000),
      stallExports: Boolean(values['stall-exports']),
      cutDownloads: rate(values, 'cut-downloads'),
    };
    const dataDir = resolveUserDataDir(stringOption(values, 'data-dir'), io.env);
    const started = Date.now();
    const sim = await startFullSimulator({
      ...(port ? { port } : {}),
      cameras,
      hours,
      cacheDir: simulatorCacheDir(dataDir, io.env),
      rtsp: !values['no-rtsp'],
      paceRecorded: !values['no-pace'],
      faults,
      onProgress: (message) => io.stderr.write(`sim: ${message}\n`),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(sim.sites)}\n`);
      io.stderr.write(`sim: ready in ${seconds} s; fault knobs at ${sim.adminUrl}\n`);
    } else {
      io.stdout.write(`Tessera VMS simulator ready in ${seconds} s (${cameras} cameras, ${hours} h of history).\n`);
      for (const [kind, site] of Object.entries(sim.sites)) {
        if (Array.isArray(site)) io.stdout.write(`  ${kind.padEnd(12)} ${site.length ? `${site.length} cameras, e.g. ${site[0]!.url}` : 'unavailable (needs the GStreamer RTSP server)'}\n`);
        else io.stdout.write(`  ${kind.padEnd(12)} ${site.url}  user ${site.username}  password ${site.password}\n`);
      }
      io.stdout.write(`  fault knobs  ${sim.adminUrl}\n(Ctrl-C stops it)\n`);
    }
    await io.stopSignal;
    await sim.stop();
    return 0;
  },
};
