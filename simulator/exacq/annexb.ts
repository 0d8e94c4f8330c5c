/**
 * Splits an H.264 Annex-B byte stream into access units (one coded picture each, with any
 * SPS/PPS/SEI/AUD in front), the unit a native video.web stream sends per multipart part.
 * Boundary rules (ITU-T H.264 §7.4.1.2.3): an AUD, or an SPS/PPS/SEI after a picture, or a slice
 * whose first_mb_in_slice is 0 after a picture, starts a new access unit.
 */

export interface AccessUnit {
  /** NAL units with 4-byte start codes. */
  data: Buffer;
  /** Contains an IDR slice. */
  keyframe: boolean;
}

const startCode = Buffer.from([0, 0, 0, 1]);

export class AnnexBSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private nals: Buffer[] = [];
  private hasPicture = false;
  private keyframe = false;

  /** Feeds bytes; returns the access units completed by them. */
  push(chunk: Buffer): AccessUnit[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: AccessUnit[] = [];
    const starts = findStartCodes(this.pending);
    // Every NAL but the last is complete; the last may still grow.
    for (let i = 0; i + 1 < starts.length; i++) {
      const nal = this.pending.subarray(starts[i]!.payload, starts[i + 1]!.code);
      this.addNal(nal, out);
    }
    const last = starts[starts.length - 1];
    this.pending = last ? Buffer.from(this.pending.subarray(last.code)) : this.pending;
    return out;
  }

  /** End of stream: the last NAL and access unit are complete. */
  flush(): AccessUnit[] {
    const out: AccessUnit[] = [];
    const starts = findStartCodes(this.pending);
    const last = starts[0];
    if (last) this.addNal(this.pending.subarray(last.payload), out);
    this.pending = Buffer.alloc(0);
    this.emit(out);
    return out;
  }

  private addNal(nal: Buffer, out: AccessUnit[]): void {
    // Trailing zero bytes belong to the next start code (zero_byte), not to this NAL.
    let end = nal.length;
    while (end > 0 && nal[end - 1] === 0) end--;
    const body = nal.subarray(0, end);
    if (body.length === 0) return;
    const type = body[0]! & 0x1f;
    const vcl = type === 1 || type === 5;
    const firstSliceOfPicture = vcl && body.length > 1 && (body[1]! & 0x80) !== 0;
    const startsUnit =
      type === 9 || (this.hasPicture && (type === 6 || type === 7 || type === 8 || (type >= 14 && type <= 18) || firstSliceOfPicture));
    if (startsUnit) this.emit(out);
    this.nals.push(startCode, Buffer.from(body));
    if (vcl) this.hasPicture = true;
    if (type === 5) this.keyframe = true;
  }

  private emit(out: AccessUnit[]): void {
    if (this.nals.length && this.hasPicture) out.push({ data: Buffer.concat(this.nals), keyframe: this.keyframe });
    this.nals = [];
    this.hasPicture = false;
    this.keyframe = false;
  }
}

interface StartCode {
  /** Index of the first 0 of the start code. */
  code: number;
  /** Index of the NAL header byte. */
  payload: number;
}

function findStartCodes(buffer: Buffer): StartCode[] {
  const found: StartCode[] = [];
  let i = 0;
  while (i + 2 < buffer.length) {
    const at = buffer.indexOf(1, i + 2);
    if (at < 0) break;
    if (buffer[at - 1] === 0 && buffer[at - 2] === 0) {
      const code = at >= 3 && buffer[at - 3] === 0 ? at - 3 : at - 2;
      found.push({ code, payload: at + 1 });
      i = at + 1;
    } else {
      i = at - 1;
    }
  }
  return found;
}
