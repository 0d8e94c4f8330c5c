/**
 * Hostile request payloads for every channel of the contract, generated (not hand-listed): each
 * channel has one valid sample input below, and the attacks are that sample with one place
 * replaced by an oversized number, a 10k-entry list or record, deep nesting, or (in every id-like
 * field and record key) a name every plain object inherits. Every attack must be answered
 * `bad-request`. The attacks take a way to send, so the same ones run through the IpcRouter in
 * process and over a real serve bridge WebSocket.
 */
import type { z } from 'zod';
import { requestChannels, requests, type RequestChannel, type RequestInput, type Result } from '../../../preload/contract/index.js';

/** Sends one request and resolves with its Result (never rejects on a refusal). */
export type Send = (channel: RequestChannel, input: unknown) => Promise<Result<unknown>>;

export interface Attack {
  channel: RequestChannel;
  /** What was replaced where, for the failure list: "cells.0.x = 1e+21". */
  name: string;
  input: unknown;
}

export interface Outcome {
  attack: Attack;
  result: Result<unknown>;
}

export const reservedNames = ['__proto__', 'constructor', 'prototype'] as const;
/** Past every bound in the contract, past safe integers, and the largest doubles. */
export const oversizedNumbers = [2 ** 53, 1e21, 1e308, -1e308];
export const hugeCount = 10_000;
export const nestingDepth = 2_000;

const sampleLayout = {
  id: 'sample-layout',
  name: 'Sample',
  columns: 2,
  rows: 1,
  cells: [
    { x: 0, y: 0, w: 1, h: 1, cameraIds: ['no-such-site/camera-1', 'no-such-site/camera-2'], dwellMs: 5000, pin: 'sub' as const },
    { x: 1, y: 0, w: 1, h: 1, cameraIds: [] },
  ],
  overlay: true,
  source: { siteId: 'no-such-site', serverId: 'view-1' },
};

/**
 * One valid input per request channel, with every optional field present so it gets attacked
 * too. Destructive channels point at ids that do not exist. A channel added to the contract
 * without a sample here fails to compile and fails the coverage test.
 */
export const sampleInputs: { [C in RequestChannel]: RequestInput<C> } = {
  'app:info': undefined,
  'settings:get': undefined,
  'settings:set': { displays: 'all', windowModes: { 'browser-1': 'windowed' }, defaultWindowMode: 'windowed', tileOverlay: true, theme: 'dark', tourIdleResumeSeconds: 30 },
  'settings:set-window-mode': { displayId: 'browser-1', mode: 'windowed' },
  'sites:list': undefined,
  'sites:add': {
    name: 'Gate',
    kind: 'rtsp',
    url: '',
    username: '',
    password: 'not-a-secret',
    savePassword: false,
    rtspCameras: [{ name: 'Gate', url: 'rtsp://127.0.0.1:9/none', id: 'gate-camera' }],
  },
  'sites:remove': { siteId: 'no-such-site' },
  'sites:sign-in': { siteId: 'no-such-site', password: 'not-a-secret', savePassword: false },
  'sites:sign-out': { siteId: 'no-such-site' },
  'sites:two-factor-choose': { siteId: 'no-such-site', channel: 'sms' },
  'sites:two-factor-verify': { siteId: 'no-such-site', code: '123456' },
  'sites:layouts': { siteId: 'no-such-site' },
  'cameras:list': undefined,
  'cameras:still': { cameraId: 'no-such-site/camera-1', width: 640 },
  'recordings:coverage': { cameraId: 'no-such-site/camera-1', fromMs: 1_700_000_000_000, toMs: 1_700_003_600_000 },
  'playback:open': { cameraId: 'no-such-site/camera-1', atMs: 1_700_000_000_000, rate: 1, profile: 'main' },
  'playback:seek': { playbackId: 'no-such-playback', atMs: 1_700_000_000_000 },
  'playback:set-speed': { playbackId: 'no-such-playback', rate: 2, atMs: 1_700_000_000_000 },
  'playback:step': { playbackId: 'no-such-playback', direction: 1 },
  'playback:pause': { playbackId: 'no-such-playback', paused: true },
  'playback:close': { playbackId: 'no-such-playback' },
  'media:open': { cameraId: 'no-such-site/camera-1', profile: 'sub' },
  'media:close': { streamId: 'no-such-stream' },
  'wall:get': undefined,
  'wall:save-layout': sampleLayout,
  'wall:delete-layout': { layoutId: 'no-such-layout' },
  'wall:save-tour': { id: 'sample-tour', name: 'Sample', steps: [{ layoutId: 'no-such-layout', dwellMs: 5000 }] },
  'wall:delete-tour': { tourId: 'no-such-tour' },
  'export:create': { cameraIds: ['no-such-site/camera-1'], fromMs: 1_700_000_000_000, toMs: 1_700_000_120_000, folder: '/tmp', incident: 'Loading dock 2026-11-22', burnTimestamp: true },
  'export:list': undefined,
  'export:cancel': { exportId: 'no-such-export' },
  'export:retry': { exportId: 'no-such-export' },
  'export:remove': { exportId: 'no-such-export' },
  'export:reveal': { exportId: 'no-such-export' },
  'wall:set-display': { displayId: 'browser-1', layoutId: null, draft: sampleLayout, tour: { tourId: 'no-such-tour', stepIndex: 0, running: true }, maximisedCell: 0 },
};

type Path = (string | number)[];

/** Every attack on every channel of the contract's channel table. */
export function allAttacks(): Attack[] {
  return requestChannels.flatMap((channel) => attacksOn(channel));
}

export function attacksOn(channel: RequestChannel): Attack[] {
  const sample = sampleInputs[channel] as unknown;
  const schema = requests[channel].input;
  const attacks: Attack[] = [];
  const add = (path: Path, what: string, value: unknown): void => {
    attacks.push({ channel, name: `${path.join('.') || 'input'} = ${what}`, input: replaceAt(sample, path, value) });
  };
  // The whole input, even where none is expected: numbers, a 10k list, a 10k record, deep nesting.
  for (const n of oversizedNumbers) add([], String(n), n);
  add([], `nesting ${nestingDepth} deep`, deepNesting());
  add([], `${hugeCount} numbers`, Array(hugeCount).fill(0));
  add([], `${hugeCount} entries`, hugeObject({}, 0));
  if (isObject(sample)) attacks.push({ channel, name: 'own __proto__ key', input: { ...(sample as object), ...JSON.parse('{"__proto__":{"layoutId":"polluted"}}') } });

  for (const { path, value } of places(sample)) {
    for (const n of oversizedNumbers) add(path, String(n), n);
    add(path, `nesting ${nestingDepth} deep`, deepNesting());
    if (Array.isArray(value)) add(path, `${hugeCount} copies of its first item`, Array(hugeCount).fill(small(value[0] ?? 0)));
    if (isObject(value)) add(path, `${hugeCount} more entries`, hugeObject(value, small(Object.values(value)[0] ?? 0)));
    if (isIdLike(path)) for (const name of reservedNames) add(path, JSON.stringify(name), name);
  }
  for (const path of recordPaths(schema, sample)) {
    const record = valueAt(sample, path) as Record<string, unknown>;
    for (const name of reservedNames) add(path, `a record keyed ${JSON.stringify(name)}`, ownKey(name, Object.values(record)[0] ?? 0));
  }
  return attacks;
}

/** Sends every attack one after the other (no flood: this is about content, not rate). */
export async function runAttacks(send: Send, attacks: Attack[] = allAttacks()): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const attack of attacks) outcomes.push({ attack, result: await send(attack.channel, attack.input) });
  return outcomes;
}

/** The attacks not answered `bad-request`, in words, for an assertion that lists them all. */
export function notRefused(outcomes: readonly Outcome[]): string[] {
  return outcomes
    .filter(({ result }) => result.ok || result.error.code !== 'bad-request')
    .map(({ attack, result }) => `${attack.channel} ${attack.name}: ${result.ok ? 'ok' : `${result.error.code} ${result.error.message.slice(0, 120)}`}`);
}

/** What a polluted Object.prototype shows: names added to it, and ids found on a fresh object. */
export function prototypePollution(baseline: readonly string[]): string[] {
  const added = Object.getOwnPropertyNames(Object.prototype).filter((name) => !baseline.includes(name));
  const probe = {} as Record<string, unknown>;
  const inherited = ['layoutId', 'draft', 'tour', 'maximisedCell', 'polluted'].filter((key) => probe[key] !== undefined);
  return [...added, ...inherited.map((key) => `({}).${key}`)];
}

/**
 * After the attacks: the server still answers, and a strict request (a polluted prototype made
 * every one fail with "Unrecognized key") still succeeds. Returns the problems, empty when fine.
 */
export async function stillServing(send: Send): Promise<string[]> {
  const problems: string[] = [];
  const info = await send('app:info', undefined);
  if (!info.ok) problems.push(`app:info: ${info.error.code} ${info.error.message}`);
  const display = await send('wall:set-display', { displayId: 'browser-1', layoutId: null, maximisedCell: null });
  if (!display.ok) problems.push(`wall:set-display: ${display.error.code} ${display.error.message}`);
  const mode = await send('settings:set-window-mode', { displayId: 'browser-1', mode: 'windowed' });
  if (!mode.ok) problems.push(`settings:set-window-mode: ${mode.error.code} ${mode.error.message}`);
  return problems;
}

/** Every path in a sample (containers and leaves), root excluded. */
function places(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const here = path.length > 0 ? [{ path, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => places(item, [...path, i]))];
  if (isObject(value)) return [...here, ...Object.entries(value).flatMap(([key, item]) => places(item, [...path, key]))];
  return here;
}

/** An id, a site id, a camera id…, or an element of a list of ids (cameraIds). */
function isIdLike(path: Path): boolean {
  const last = path.at(-1);
  if (typeof last === 'string') return /^id$|Id$/.test(last);
  const parent = path.at(-2);
  return typeof parent === 'string' && /Ids$/.test(parent);
}

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; options?: z.ZodType[] };

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema's own kinds through wrappers (optional, nullable, pipes and transforms, unions). */
function kinds(schema: z.ZodType): Def[] {
  const def = defOf(schema);
  if (def.innerType) return kinds(def.innerType);
  if (def.type === 'pipe') return [...kinds(def.in!), ...kinds(def.out!)];
  if (def.type === 'union') return def.options!.flatMap(kinds);
  return [def];
}

/** Paths in the sample where the schema has a record (keys chosen by the caller, not fixed). */
function recordPaths(schema: z.ZodType, value: unknown, path: Path = []): Path[] {
  const defs = kinds(schema);
  const found: Path[] = defs.some((d) => d.type === 'record') && isObject(value) ? [path] : [];
  const children = (pick: (d: Def) => z.ZodType | undefined): z.ZodType[] => defs.map(pick).filter((s): s is z.ZodType => s !== undefined);
  if (Array.isArray(value)) {
    for (const element of children((d) => d.element)) value.forEach((item, i) => found.push(...recordPaths(element, item, [...path, i])));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      for (const child of children((d) => (d.type === 'object' ? d.shape?.[key] : d.type === 'record' ? d.valueType : undefined))) found.push(...recordPaths(child, item, [...path, key]));
    }
  }
  return found;
}

function replaceAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) return root.map((item, i) => (i === head ? replaceAt(item, rest, value) : item));
  return { ...(root as object), [head!]: replaceAt((root as Record<string, unknown>)[head!], rest, value) };
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], root);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object with 10k more entries under id-shaped keys (a record would accept each key alone). */
function hugeObject(base: object, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (let i = 0; i < hugeCount; i += 1) out[`key-${i}`] = value;
  return out;
}

/** A copied value that keeps a 10k-entry message under the bridge's 1 MiB frame limit. */
function small(value: unknown): unknown {
  return JSON.stringify(value).length <= 60 ? value : 0;
}

function deepNesting(): unknown {
  let value: unknown = 0;
  for (let i = 0; i < nestingDepth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** `{ [name]: value }` as an own property even for "__proto__" (as JSON.parse makes it). */
function ownKey(name: string, value: unknown): Record<string, unknown> {
  return JSON.parse(`{${JSON.stringify(name)}:${JSON.stringify(value)}}`) as Record<string, unknown>;
}
