// Cursor pagination of Eagle Eye v3 lists: followed to the end ("" or null), bounded, loops refused.
import { describe, expect, it } from 'vitest';
import { collectPages } from '../../../main/vms/eagle-eye-v3/client.js';

/** Pages of `size` from `items`, with tokens "p<offset>"; the last page ends with `end`. */
function pager(items: number[], size: number, end: '' | null | undefined) {
  const calls: (string | undefined)[] = [];
  const fetchPage = async (token: string | undefined) => {
    calls.push(token);
    const offset = token ? Number(token.slice(1)) : 0;
    const next = offset + size < items.length ? `p${offset + size}` : end;
    return { results: items.slice(offset, offset + size), ...(next === undefined ? {} : { nextPageToken: next }) };
  };
  return { fetchPage, calls };
}

describe('collectPages', () => {
  it.each([[''], [null], [undefined]] as const)('follows nextPageToken until it is %j', async (end) => {
    const { fetchPage, calls } = pager([1, 2, 3, 4, 5], 2, end);
    expect(await collectPages(fetchPage, { site: 'S', what: 'the camera list' })).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toEqual([undefined, 'p2', 'p4']);
  });

  it('reads an empty list in one call', async () => {
    const { fetchPage, calls } = pager([], 2, '');
    expect(await collectPages(fetchPage, { site: 'S', what: 'the camera list' })).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('stops at the page limit with words', async () => {
    const { fetchPage, calls } = pager(Array.from({ length: 100 }, (_, i) => i), 1, '');
    await expect(collectPages(fetchPage, { site: 'Depot', what: 'the camera list', limit: 10 })).rejects.toThrow('Depot: the camera list did not end after 10 pages; Tessera stopped reading it.');
    expect(calls).toHaveLength(10);
  });

  it('refuses a server that hands back a token it already gave', async () => {
    let n = 0;
    const fetchPage = async () => ({ results: [n], nextPageToken: (n += 1) > 2 ? 'p1' : `p${n}` });
    await expect(collectPages(fetchPage, { site: 'Depot', what: 'the layouts' })).rejects.toThrow('Depot: the layouts repeats a page (the server handed back the same page token).');
  });
});
