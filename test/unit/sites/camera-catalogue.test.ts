import { describe, expect, it } from 'vitest';
import { cameraKnown } from '../../../main/sites/camera-catalogue.js';

const sites = [
  { id: 'hq', status: 'signed-in' },
  { id: 'depot', status: 'signing-in' },
  { id: 'old', status: 'needs-sign-in' },
];
const cameras = [{ id: 'hq/1' }, { id: 'hq/2' }];

describe('cameraKnown', () => {
  it.each([
    ['hq/1', true, 'listed by its signed-in site'],
    ['hq/9', false, 'not listed by its signed-in site'],
    ['depot/anything', true, 'its site is still signing in: the list is not known yet'],
    ['old/anything', true, 'its site needs sign-in: the stream waits and says why'],
    ['nowhere/1', false, 'no such site'],
    ['hq', false, 'no camera part'],
    ['/1', false, 'no site part'],
    ['hq/', false, 'empty camera part'],
    ['', false, 'empty'],
  ])('%s → %s (%s)', (id, expected) => {
    expect(cameraKnown(id, sites, cameras)).toBe(expected);
  });
});
