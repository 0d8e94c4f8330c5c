/** The committed fMP4 fixture (see test/fixtures/README.md), split once for the tests. */
import { readFileSync } from 'node:fs';
import { Fmp4Splitter, parseFragment, parseInit, type FragmentInfo, type InitInfo } from '../../../main/media/fmp4.js';

export const fixtureBytes = readFileSync(new URL('../../fixtures/media/live-160x90.mp4', import.meta.url));

export interface SplitFixture {
  init: Buffer;
  initInfo: InitInfo;
  fragments: { bytes: Buffer; info: FragmentInfo }[];
}

export function splitFixture(): SplitFixture {
  const segments = new Fmp4Splitter().push(fixtureBytes);
  const init = segments[0]!.bytes;
  const initInfo = parseInit(init);
  return { init, initInfo, fragments: segments.slice(1).map((s) => ({ bytes: s.bytes, info: parseFragment(s.bytes, initInfo) })) };
}
