// Types of options.js for the TypeScript tests.
export interface ScrubOptions {
  samples: number;
  scrubs: number;
  opens: number;
  baselineMinutes: number;
  long: boolean;
  sync: number[];
  json: string | null;
  help: boolean;
}
export const usage: string;
export function parseScrubArgs(argv: string[]): ScrubOptions;
export function runCapMs(o: ScrubOptions): number;
