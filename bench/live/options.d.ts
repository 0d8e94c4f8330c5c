// Types of options.js for the TypeScript tests.
export interface BenchOptions { help: boolean; tiles: number; seconds: number; warmup: number; profile: 'sub' | 'main'; sourceUrl?: string; json?: string; viewport: { width: number; height: number }; baseline: boolean; keepDirs: boolean }
export const usage: string;
export function parseBenchArgs(argv: string[]): BenchOptions;
export function gridLayout(cameraIds: readonly string[], options?: { profile?: 'sub' | 'main'; id?: string }): { id: string; name: string; columns: number; rows: number; cells: { x: number; y: number; w: number; h: number; cameraIds: string[]; pin?: 'main' }[]; overlay: boolean };
export function runCapMs(o: BenchOptions): number;
export function simIndexes(tiles: number): number[];
