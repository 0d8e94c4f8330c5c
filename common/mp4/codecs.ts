/**
 * RFC 6381 codec strings from an MP4's decoder configuration boxes, as MSE's isTypeSupported and
 * the stream-info overlay want them ("avc1.4d401e", "hvc1.1.6.L93.B0", "mp4a.40.2").
 */
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** avc1.PPCCLL from an AVCDecoderConfigurationRecord (ISO 14496-15 §5.3.3.1). */
export function avcCodecString(format: string, avcC: Uint8Array): string {
  if (avcC.byteLength < 4) return format;
  return `${format}.${hex2(avcC[1]!)}${hex2(avcC[2]!)}${hex2(avcC[3]!)}`;
}

/** hvc1.P.C.TL.B… from an HEVCDecoderConfigurationRecord (ISO 14496-15 Annex E.3). */
export function hevcCodecString(format: string, hvcC: Uint8Array): string {
  if (hvcC.byteLength < 13) return format;
  const b1 = hvcC[1]!;
  const space = ['', 'A', 'B', 'C'][b1 >> 6]!;
  const tier = (b1 >> 5) & 1 ? 'H' : 'L';
  const profile = b1 & 0x1f;
  // The 32 compatibility flags are written in reverse bit order, as hex without leading zeros.
  let compat = new DataView(hvcC.buffer, hvcC.byteOffset, hvcC.byteLength).getUint32(2);
  let reversed = 0;
  for (let i = 0; i < 32; i += 1) {
    reversed = (reversed << 1) | (compat & 1);
    compat >>>= 1;
  }
  const level = hvcC[12]!;
  const constraints = [...hvcC.subarray(6, 12)];
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const tail = constraints.map((c) => `.${c.toString(16).toUpperCase()}`).join('');
  return `${format}.${space}${profile}.${(reversed >>> 0).toString(16).toUpperCase()}.${tier}${level}${tail}`;
}

/** Reads an MPEG-4 descriptor length (1–4 bytes, 7 bits each). */
function descriptorLength(bytes: Uint8Array, offset: number): { length: number; next: number } {
  let length = 0;
  let next = offset;
  for (let i = 0; i < 4 && next < bytes.byteLength; i += 1) {
    const byte = bytes[next++]!;
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return { length, next };
}

/** mp4a.OO[.A] from an esds box payload (ISO 14496-1 ES_Descriptor → DecoderConfig → AudioSpecificConfig). */
export function esdsCodecString(format: string, esds: Uint8Array): string {
  // esds is a full box: version + flags first.
  let offset = 4;
  if (esds[offset] !== 0x03) return format;
  let d = descriptorLength(esds, offset + 1);
  offset = d.next;
  const flags = esds[offset + 2] ?? 0;
  offset += 3;
  if (flags & 0x80) offset += 2; // dependsOn_ES_ID
  if (flags & 0x40) offset += 1 + (esds[offset] ?? 0); // URL
  if (flags & 0x20) offset += 2; // OCR_ES_Id
  if (esds[offset] !== 0x04) return format;
  d = descriptorLength(esds, offset + 1);
  offset = d.next;
  const objectType = esds[offset];
  if (objectType === undefined) return format;
  const base = `${format}.${hex2(objectType)}`;
  offset += 13;
  if (esds[offset] !== 0x05) return base;
  d = descriptorLength(esds, offset + 1);
  const asc = esds[d.next];
  if (objectType !== 0x40 || asc === undefined) return base;
  let audioObjectType = asc >> 3;
  if (audioObjectType === 31 && esds[d.next + 1] !== undefined) audioObjectType = 32 + (((asc & 0x07) << 3) | (esds[d.next + 1]! >> 5));
  return `${base}.${audioObjectType}`;
}

/** The `codecs="…"` parameter of a MIME type such as `video/mp4; codecs="avc1.64001f,mp4a.40.2"`. */
export function codecsOf(mime: string): string[] {
  const match = /codecs\s*=\s*"?([^";]+)"?/i.exec(mime);
  return match ? match[1]!.split(',').map((c) => c.trim()).filter(Boolean) : [];
}
