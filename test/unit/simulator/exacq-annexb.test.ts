import { describe, expect, it } from 'vitest';
import { AnnexBSplitter, type AccessUnit } from '../../../simulator/exacq/annexb.js';

// NAL header byte = type; for slices the next byte's top bit set means first_mb_in_slice = 0.
const sps = [0x67, 0x42, 0x00, 0x1e];
const pps = [0x68, 0xce, 0x38, 0x80];
const sei = [0x06, 0x05, 0x01, 0x80];
const idr = (first = true) => [0x65, first ? 0x88 : 0x08, 0x84, 0x21];
const slice = (first = true) => [0x41, first ? 0x9a : 0x1a, 0x02, 0x03];
const aud = [0x09, 0xf0];

function stream(nals: number[][], threeByte = false): Buffer {
  return Buffer.concat(nals.map((nal, i) => Buffer.from([...(threeByte && i % 2 ? [0, 0, 1] : [0, 0, 0, 1]), ...nal])));
}

function split(data: Buffer, chunk: number): AccessUnit[] {
  const splitter = new AnnexBSplitter();
  const units: AccessUnit[] = [];
  for (let i = 0; i < data.length; i += chunk) units.push(...splitter.push(data.subarray(i, i + chunk)));
  units.push(...splitter.flush());
  return units;
}

describe('exacq Annex-B access unit splitter', () => {
  const data = stream([sps, pps, idr(), idr(false), slice(), sei, slice(), aud, slice(), slice(false)], true);

  it.each([1, 3, 5, 1000])('groups NAL units into pictures (chunks of %i bytes)', (chunk) => {
    const units = split(data, chunk);
    expect(units.map((u) => u.keyframe)).toEqual([true, false, false, false]);
    // SPS, PPS and both IDR slices make the first unit; SEI opens the third; AUD the fourth.
    expect(units[0]!.data).toEqual(stream([sps, pps, idr(), idr(false)]));
    expect(units[1]!.data).toEqual(stream([slice()]));
    expect(units[2]!.data).toEqual(stream([sei, slice()]));
    expect(units[3]!.data).toEqual(stream([aud, slice(), slice(false)]));
  });

  it('drops bytes before the first start code and parameter sets without a picture at the end', () => {
    const units = split(Buffer.concat([Buffer.from([0xde, 0xad]), stream([idr(), sps])]), 2);
    expect(units).toHaveLength(1);
    expect(units[0]!.data).toEqual(stream([idr()]));
  });
});
