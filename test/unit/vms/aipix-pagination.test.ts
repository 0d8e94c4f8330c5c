// Which page comes next, from each shape AIPIX servers page their camera list in (pagination.ts).
import { describe, expect, it } from 'vitest';
import { readPage, shortfallNote } from '../../../main/vms/aipix/pagination.js';
import { cameraPageSchema } from '../../../main/vms/aipix/wire-types.js';

const cams = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

describe('AIPIX camera pages', () => {
  it.each<[string, unknown, number, { more: boolean; total: number | undefined }]>([
    ['resource, not last', { data: cams(25), meta: { current_page: 1, last_page: 2, total: 30 }, links: { next: 'n' } }, 25, { more: true, total: 30 }],
    ['resource, last', { data: cams(5), meta: { current_page: 2, last_page: 2, total: 30 }, links: { next: null } }, 25, { more: false, total: 30 }],
    ['links only', { data: cams(25), links: { next: 'n' } }, 25, { more: true, total: undefined }],
    ['paginator, not last', { data: cams(25), current_page: 1, last_page: 2, next_page_url: 'n', per_page: 25, total: 30 }, 25, { more: true, total: 30 }],
    ['paginator, last (numbers as strings)', { data: cams(5), current_page: '2', last_page: '2', next_page_url: null, per_page: '25', total: '30' }, 25, { more: false, total: 30 }],
    ['simplePaginate, not last', { data: cams(25), current_page: 1, next_page_url: 'n', per_page: 25 }, 25, { more: true, total: undefined }],
    ['simplePaginate, last', { data: cams(25), current_page: 2, next_page_url: null, per_page: 25 }, 25, { more: false, total: undefined }],
    ['page number and total only', { data: cams(25), current_page: 1, total: 30 }, 25, { more: true, total: 30 }],
    ['bare, full page', { data: cams(25) }, 25, { more: true, total: undefined }],
    ['bare, short page', { data: cams(5) }, 25, { more: false, total: undefined }],
    ['bare, empty page', { data: [] }, 0, { more: false, total: undefined }],
  ])('%s', (_label, body, firstPageSize, verdict) => {
    expect(readPage(cameraPageSchema.parse(body), firstPageSize)).toEqual(verdict);
  });

  it('words a count that disagrees with the list, and says nothing when it agrees or is unknown', () => {
    expect(shortfallNote('Plaza', 30, 25)).toBe('Plaza: the server reports 30 cameras but listed only 25; 5 cannot be shown.');
    expect(shortfallNote('Plaza', 20, 25)).toBe('Plaza: the server reports 20 cameras but listed 25.');
    expect(shortfallNote('Plaza', 25, 25)).toBeUndefined();
    expect(shortfallNote('Plaza', undefined, 25)).toBeUndefined();
  });
});
