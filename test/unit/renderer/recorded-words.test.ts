/** What a recorded tile says (CameraTile): the time of the picture on screen, and why it does not play. */
import { describe, expect, it } from 'vitest';
import { emptyRecordedView, type RecordedView } from '../../../renderer/src/player/recorded-view.js';
import { recordedStatusWords, shownTimeMs } from '../../../renderer/src/player/recorded-words.js';

const view = (over: Partial<RecordedView>): RecordedView => ({ ...emptyRecordedView(), active: true, ...over });

describe('recorded tile words', () => {
  it('the time shown is the picture’s: the frame’s, the still’s, none without a picture (not a still taken down)', () => {
    expect(shownTimeMs(view({ picture: 'video', frameTimeMs: 2000, stillTimeMs: 1000 }))).toBe(2000);
    expect(shownTimeMs(view({ picture: 'still', frameTimeMs: 2000, stillTimeMs: 1000 }))).toBe(1000);
    // A refused still or a gap took the picture down: its time goes with it.
    expect(shownTimeMs(view({ picture: 'none', stillTimeMs: 1000, status: { kind: 'failed', text: 'x' } }))).toBeUndefined();
  });

  it('says why the tile does not play, and nothing while it plays, scrubs or holds', () => {
    expect(recordedStatusWords(view({ status: { kind: 'failed', text: 'Demo · exacqVision: expected the recording search answer but got malformed or truncated JSON.' } }))).toBe(
      'Failed: Demo · exacqVision: expected the recording search answer but got malformed or truncated JSON.',
    );
    expect(recordedStatusWords(view({ status: { kind: 'gap', text: 'No recording at 02:14:03' } }))).toBe('No recording at 02:14:03');
    expect(recordedStatusWords(view({ status: { kind: 'opening', text: '' } }))).toBe('Opening the recording…');
    expect(recordedStatusWords(view({ picture: 'video', status: { kind: 'opening', text: '' } }))).toBe('');
    for (const kind of ['scrubbing', 'playing', 'paused', 'holding'] as const) expect(recordedStatusWords(view({ status: { kind, text: '' } }))).toBe('');
  });
});
