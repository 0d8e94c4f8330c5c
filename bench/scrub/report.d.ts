// Types of report.js for the TypeScript tests.
export interface Summary {
  n: number;
  median: number | null;
  p95: number | null;
  max: number | null;
}
export interface Verdict {
  target: string;
  limit: string;
  value: number | null | undefined;
  met: boolean | null;
}
export function percentile(xs: number[], p: number): number | null;
export function summarize(xs: number[]): Summary;
export function spread(frameTimes: number[]): number | null;
export function verdicts(f: { previewUncachedMedian: number | null; previewCachedMedian: number | null; seekMedian: number | null; firstOpenMedian?: number | null; syncMedian: number | null; syncMax: number | null }, gopMs: number): Verdict[];
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null;
export function formatScrubReport(result: object): string;
