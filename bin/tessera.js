#!/usr/bin/env node
// The `tessera` command. Runs the built main bundle; `npm run build` makes it.
import { existsSync } from 'node:fs';

const entry = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tessera: not built yet; run `npm run build` first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
