// Types of stats.js for the TypeScript tests (the bench itself runs as plain Node ESM).
export interface Latency { wallMs: number; latencyMs: number }
export interface Edge { wallMs: number; mediaTime: number; prevMediaTime: number }
export interface ProcSample { atMs: number; procs: { pid: number; group: string; ticks: number; rssKb: number; startTicks: number }[] }
export interface Group { cpuPct: number; rssMb: number; processes: number }
export interface Processes { mainCpuPct: number; ffmpegCpuPct: number; rendererCpuPct: number; rssMb: number; [extra: string]: unknown }
export interface TileRow { camera: string; decodedFps: number | null; droppedPct: number | null; ttffMs: number | null; latencyMs: number | null; [extra: string]: unknown }
export interface Summary { tiles: number; cleanTiles: number; decodedFpsMean: number | null; droppedPctMean: number | null; ttffMedianMs: number | null; ttffMaxMs: number | null; latencyMedianMs: number | null; stillMedianMs: number | null; tilesUpdatingEverySecond: number; modes: Record<string, number>; mainPlusFfmpegCpuPctPerStream: number | null }
export interface PhaseResult { tiles: TileRow[]; processes: Processes; summary: Summary }
export function quantile(values: readonly number[], q: number): number | null;
export function median(values: readonly number[]): number | null;
export function round(v: number | null | undefined, digits?: number): number | null;
export function cpuByGroup(samples: readonly ProcSample[], ticksPerSecond?: number): Record<string, Group>;
export function samePhaseEdges<E extends Edge>(edges: readonly E[], toleranceMs?: number): E[];
export function clockEdgeLatencies(edges: readonly Edge[], maxGapS?: number): Latency[];
export function slopePerMinute(points: readonly Latency[]): number | null;
export type StageName = 'answer' | 'start' | 'spawn' | 'fragment' | 'socket' | 'bytes' | 'buffered' | 'frame';
export type Stages = Record<StageName, number | null>;
export interface StageMarks { answeredAt?: number; startAt?: number; spawnAt?: number; fragmentAt?: number; socketAt?: number; bytesAt?: number; bufferedAt?: number | null; firstFrameAt?: number | null }
export function tileRow(a: object, b: object, extra?: { ttffMs?: number | null; stillMs?: number | null; latencies?: Latency[]; maxUpdateGapMs?: number | null; stages?: Stages; seeks?: number; speedUps?: number }): TileRow;
export function upstreamStartStages(logText: string): Record<string, { startAt: number; spawnAt: number; fragmentAt: number }>;
export const stageNames: readonly StageName[];
export function startStages(openAt: number | null | undefined, marks: StageMarks): Stages;
export function stageMedians(tiles: readonly { stages?: Partial<Record<StageName, number | null>> }[]): Stages;
export function cleanTiles(tiles: readonly TileRow[], minFps?: number, maxDroppedPct?: number): number;
export function summary(tiles: readonly TileRow[], processes: Processes, streams: number): Summary;
export function ratios(tessera: PhaseResult, baseline: PhaseResult): Record<string, number | null>;
export function processesBlock(groups: Record<string, Group>): Processes;
