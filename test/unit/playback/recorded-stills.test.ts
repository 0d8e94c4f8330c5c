// Recorded stills for scrubbing (main/playback/recorded-stills.ts, still-transport.ts): one VMS
// request per camera × time bucket, shared by every asker; aborted at the VMS only when nobody
// waits any more; bounded memory; a malformed query named precisely.
import { describe, expect, it } from 'vitest';
import { RecordedStills, type RecordedStill } from '../../../main/playback/recorded-stills.js';
import { parseStillQuery } from '../../../main/playback/still-transport.js';

function setup(o: { maxBytes?: number } = {}) {
  const asked: { key: string; signal: AbortSignal; settle: (still: RecordedStill) => void }[] = [];
  const stills = new RecordedStills({
    fetch: (cameraId, atMs, width, signal) =>
      new Promise<RecordedStill>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted at the VMS')));
        asked.push({ key: `${cameraId} ${atMs} ${width}`, signal, settle: resolve });
      }),
    bucketMs: 500,
    ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
  });
  return { stills, asked };
}
const jpeg = (bytes: number, timestampMs: number): RecordedStill => ({ jpeg: Buffer.alloc(bytes, 1), timestampMs });

describe('RecordedStills', () => {
  it('asks once per camera × bucket: concurrent askers share it, later ones get it from memory', async () => {
    const { stills, asked } = setup();
    const a = stills.get('s/1', 10_100, 320);
    const b = stills.get('s/1', 10_400, 320);
    expect(asked.map((x) => x.key)).toEqual(['s/1 10100 320']);
    asked[0]!.settle(jpeg(10, 10_050));
    expect((await a).timestampMs).toBe(10_050);
    expect((await b).timestampMs).toBe(10_050);
    expect((await stills.get('s/1', 10_499, 160)).timestampMs).toBe(10_050);
    // Another bucket, another camera, or wider than kept: asked.
    void stills.get('s/1', 10_500, 320);
    void stills.get('s/2', 10_100, 320);
    void stills.get('s/1', 10_100, 640);
    expect(asked.map((x) => x.key)).toEqual(['s/1 10100 320', 's/1 10500 320', 's/2 10100 320', 's/1 10100 640']);
  });

  it('aborts the VMS request only when every asker went away', async () => {
    const { stills, asked } = setup();
    const first = new AbortController();
    const second = new AbortController();
    const a = stills.get('s/1', 20_000, undefined, first.signal);
    const b = stills.get('s/1', 20_100, undefined, second.signal);
    first.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    expect(asked[0]!.signal.aborted).toBe(false);
    second.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(asked[0]!.signal.aborted).toBe(true);
    // The next asker starts afresh.
    void stills.get('s/1', 20_000, undefined);
    expect(asked).toHaveLength(2);
  });

  it('keeps at most maxBytes of pictures, the least recently used going first', async () => {
    const { stills, asked } = setup({ maxBytes: 25 });
    for (const at of [0, 1_000, 2_000]) {
      const p = stills.get('s/1', at, undefined);
      asked.at(-1)!.settle(jpeg(10, at));
      await p;
    }
    expect(stills.size).toBe(2);
    void stills.get('s/1', 0, undefined);
    expect(asked).toHaveLength(4);
  });
});

describe('parseStillQuery', () => {
  it('takes camera, at and width; names what is wrong', () => {
    expect(parseStillQuery(new URLSearchParams('camera=s%2F1&at=1700000000000&width=320'))).toEqual({ ok: true, request: { cameraId: 's/1', atMs: 1_700_000_000_000, width: 320 } });
    expect(parseStillQuery(new URLSearchParams('camera=s%2F1&at=1700000000000'))).toEqual({ ok: true, request: { cameraId: 's/1', atMs: 1_700_000_000_000 } });
    expect(parseStillQuery(new URLSearchParams('camera=s%2F1&at=yesterday'))).toMatchObject({ ok: false, text: expect.stringMatching(/^The still request is malformed: at /) });
    expect(parseStillQuery(new URLSearchParams('at=1'))).toMatchObject({ ok: false, text: expect.stringMatching(/: camera /) });
    expect(parseStillQuery(new URLSearchParams('camera=s%2F1&at=1&width=99999'))).toMatchObject({ ok: false, text: expect.stringMatching(/: width /) });
  });
});
