/**
 * Splits a stream of concatenated JPEGs (ffmpeg image2pipe + mjpeg) into whole images by walking
 * the markers: header segments are skipped by their length, and inside the entropy-coded data an
 * 0xFF is always followed by 0x00 or a restart marker, so the first other FF xx there is the end.
 * Pure: bytes in, images out.
 */
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

export class JpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const images: Buffer[] = [];
    for (;;) {
      const end = this.findEnd();
      if (end === null) break;
      if (end < 0) {
        // Not a JPEG start: drop bytes up to the next FF D8.
        const next = this.buffer.indexOf(Buffer.from([0xff, SOI]), 1);
        this.buffer = next < 0 ? Buffer.alloc(0) : this.buffer.subarray(next);
        continue;
      }
      images.push(Buffer.from(this.buffer.subarray(0, end)));
      this.buffer = this.buffer.subarray(end);
    }
    return images;
  }

  /** Byte length of the first whole image, null if incomplete, -1 if the buffer does not start with SOI. */
  private findEnd(): number | null {
    const b = this.buffer;
    if (b.length < 4) return null;
    if (b[0] !== 0xff || b[1] !== SOI) return -1;
    let i = 2;
    // Header segments: FF xx LL LL ... up to and including SOS.
    for (;;) {
      if (i + 4 > b.length) return null;
      if (b[i] !== 0xff) return -1;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i += 1; // fill byte
        continue;
      }
      if (marker === EOI) return i + 2;
      const length = b.readUInt16BE(i + 2);
      i += 2 + length;
      if (marker === SOS) break;
    }
    // Entropy-coded data until a marker that is neither stuffing (FF 00) nor a restart (FF D0–D7).
    for (; i + 1 < b.length; i += 1) {
      if (b[i] !== 0xff) continue;
      const next = b[i + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
      if (next === EOI) return i + 2;
      // Another marker (e.g. a second scan): keep walking as header segments would need; rare in mjpeg.
    }
    return null;
  }
}
