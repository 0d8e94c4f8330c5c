/**
 * Cursor pagination as API v3 does it: `pageSize` + opaque `pageToken`, answers carry
 * `nextPageToken` / `prevPageToken` (empty when there is no such page). Pure.
 *
 * A token remembers which list it belongs to (endpoint + a hash of the filter parameters), where
 * the page starts, and the "now" of the first page, so that lists that run "up to now" (such as
 * /media) do not shift under a client while it pages.
 */
import { createHash } from 'node:crypto';
import { fail } from './errors.js';

export interface PageState {
  /** Which list: "cameras", "media", ... */
  kind: string;
  /** Hash of the filter parameters of the first request. */
  filters: string;
  offset: number;
  /** Clock of the first page, ms. */
  snapshotMs: number;
}

export interface Page<T> {
  results: T[];
  nextPageToken: string | null;
  prevPageToken: string | null;
}

/** Spec: default 100, range 1–500, out-of-range values are clamped, not refused. */
export const defaultPageSize = 100;
export const maxPageSize = 500;

export function hashFilters(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('base64url').slice(0, 12);
}

function checksum(payload: string): string {
  // Not a secret: the check only makes a hand-edited or truncated token fail loudly.
  return createHash('sha256').update(`een-v3-page:${payload}`).digest('base64url').slice(0, 8);
}

export function encodePageToken(state: PageState): string {
  const payload = Buffer.from(JSON.stringify([state.kind, state.filters, state.offset, state.snapshotMs])).toString('base64url');
  return `${payload}.${checksum(payload)}`;
}

export function decodePageToken(token: string): PageState | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  if (checksum(payload) !== token.slice(dot + 1)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 4) return null;
    const [kind, filters, offset, snapshotMs] = value as unknown[];
    if (typeof kind !== 'string' || typeof filters !== 'string') return null;
    if (!Number.isInteger(offset) || (offset as number) < 0 || !Number.isFinite(snapshotMs)) return null;
    return { kind, filters, offset: offset as number, snapshotMs: snapshotMs as number };
  } catch {
    return null;
  }
}

/** Clamp a requested page size into 1..min(500, cap); a non-integer is a 400. */
export function pageSizeFrom(raw: string | undefined, cap: number): number {
  const upper = Math.max(1, Math.min(maxPageSize, cap));
  if (raw === undefined) return Math.min(defaultPageSize, upper);
  if (!/^-?\d+$/.test(raw)) throw fail.wrong('pageSize', 'must be an integer');
  return Math.min(upper, Math.max(1, Number(raw)));
}

/**
 * Where a page starts: at 0 with a fresh snapshot, or where the token says. A token from another
 * list, or used with other filters, is a 400 (as Google-style AIP-158 APIs answer).
 */
export function pageStart(kind: string, fingerprint: string, pageToken: string | undefined, nowMs: number): PageState {
  const filters = hashFilters(fingerprint);
  if (pageToken === undefined || pageToken === '') return { kind, filters, offset: 0, snapshotMs: nowMs };
  const state = decodePageToken(pageToken);
  if (!state || state.kind !== kind) throw fail.wrong('pageToken', 'is not a valid page token for this request');
  if (state.filters !== filters) throw fail.wrong('pageToken', 'was issued for different filter parameters');
  return state;
}

export function paginate<T>(items: readonly T[], start: PageState, pageSize: number, empty: '' | null): Page<T> {
  const results = items.slice(start.offset, start.offset + pageSize);
  const nextOffset = start.offset + pageSize;
  const prevOffset = Math.max(0, start.offset - pageSize);
  return {
    results,
    nextPageToken: nextOffset < items.length ? encodePageToken({ ...start, offset: nextOffset }) : empty,
    prevPageToken: start.offset > 0 ? encodePageToken({ ...start, offset: prevOffset }) : empty,
  };
}
