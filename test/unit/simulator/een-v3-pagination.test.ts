import { describe, expect, it } from 'vitest';
import { ApiV3Failure } from '../../../simulator/een-v3/errors.js';
import { decodePageToken, encodePageToken, pageSizeFrom, pageStart, paginate } from '../../../simulator/een-v3/pagination.js';

const items = Array.from({ length: 7 }, (_, i) => `cam${i}`);

function walk(pageSize: number, empty: '' | null) {
  const pages: string[][] = [];
  let token: string | undefined;
  const seen: (string | null)[] = [];
  do {
    const start = pageStart('cameras', 'include=status', token, 1000);
    const page = paginate(items, start, pageSize, empty);
    pages.push(page.results);
    seen.push(page.prevPageToken);
    token = page.nextPageToken || undefined;
    if (!page.nextPageToken) expect(page.nextPageToken).toBe(empty);
  } while (token);
  return { pages, prevTokens: seen };
}

describe('cursor pagination', () => {
  it('walks every item once with opaque tokens, "" at the end by default', () => {
    const { pages, prevTokens } = walk(3, '');
    expect(pages).toEqual([['cam0', 'cam1', 'cam2'], ['cam3', 'cam4', 'cam5'], ['cam6']]);
    expect(prevTokens[0]).toBe('');
    expect(prevTokens[1]).not.toBe('');
  });

  it('can end with null instead (the spec allows both)', () => {
    expect(walk(5, null).pages).toHaveLength(2);
  });

  it('prevPageToken leads back to the previous page', () => {
    const first = paginate(items, pageStart('cameras', '', undefined, 0), 3, '');
    const second = paginate(items, pageStart('cameras', '', first.nextPageToken!, 0), 3, '');
    const back = paginate(items, pageStart('cameras', '', second.prevPageToken!, 0), 3, '');
    expect(back.results).toEqual(first.results);
  });

  it('tokens are opaque, remember the first page clock, and refuse tampering', () => {
    const token = encodePageToken({ kind: 'media', filters: 'abc', offset: 100, snapshotMs: 1234 });
    expect(token).not.toMatch(/media|100/);
    expect(decodePageToken(token)).toEqual({ kind: 'media', filters: 'abc', offset: 100, snapshotMs: 1234 });
    const tampered = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    expect(decodePageToken(tampered)).toBeNull();
    expect(decodePageToken('garbage')).toBeNull();
  });

  it('a token used on another list or with other filters is a 400', () => {
    const token = paginate(items, pageStart('cameras', 'a=1', undefined, 0), 2, '').nextPageToken!;
    expect(() => pageStart('feeds', 'a=1', token, 0)).toThrow(ApiV3Failure);
    expect(() => pageStart('cameras', 'a=2', token, 0)).toThrow(/different filter/);
    expect(pageStart('cameras', 'a=1', token, 99).snapshotMs).toBe(0);
  });

  it('clamps pageSize into 1..cap instead of refusing; non-integers are 400', () => {
    expect(pageSizeFrom(undefined, 100)).toBe(100);
    expect(pageSizeFrom(undefined, 20)).toBe(20);
    expect(pageSizeFrom('1000', 100)).toBe(100);
    expect(pageSizeFrom('1000', 1000)).toBe(500);
    expect(pageSizeFrom('0', 100)).toBe(1);
    expect(pageSizeFrom('-5', 100)).toBe(1);
    expect(() => pageSizeFrom('ten', 100)).toThrow(ApiV3Failure);
  });
});
