/** The committed fMP4 fixture (see test/fixtures/README.md), split once for the tests. */
import { readFileSync } from 'node:fs';
import { Fmp4Splitter, parseFragment, parseInit, type FragmentInfo, type InitInfo } from '../../../common/mp4/index.js';

export const fixtureBytes = readFileSync(new URL('../../fixtures/media/live-160x90.mp4', import.meta.url));

export interface SplitFixture {
  init: Buffer;
  initInfo: InitInfo;
  fragments: { bytes: Buffer; info: FragmentInfo }[];
}

export function splitFixture(): SplitFixture {
  // Buffers over the same memory: the media code under test is fed Node stream chunks.
  const segments = new Fmp4Splitter().push(fixtureBytes).map((s) => ({ ...s, bytes: Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength) }));
  const init = segments[0]!.bytes;
  const initInfo = parseInit(init);
  return { init, initInfo, fragments: segments.slice(1).map((s) => ({ bytes: s.bytes, info: parseFragment(s.bytes, initInfo) })) };
}
