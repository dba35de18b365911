/**
 * ECRC (TLP Digest, reference 1.9): the reflected CRC-32 (poly 04C11DB7, seed ffffffff,
 * complemented; zlib's crc32) over the end-to-end prefixes, the header and the payload, with
 * the variant bits Type[0] and EP taken as 1, so that a switch turning CfgWr1 into CfgWr0 or
 * poisoning a TLP on the way keeps the digest valid. The digest travels least significant byte
 * first, which as the big-endian DW the Tlp stores is bswap32(crc).
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Standard CRC-32 (check value crc32("123456789") = 0xcbf43926). Pass a previous result to continue. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/**
 * The digest DW (as the Tlp's `digest` holds it) for the wire bytes `wire[0, end)`: prefixes,
 * header and payload, without a digest. Leading prefix DWs (Fmt 100b) are covered when
 * end-to-end and skipped when local; the first other DW starts the header, whose variant bits
 * are forced to 1.
 */
export function ecrc(wire: Uint8Array, end = wire.length): number {
  let at = 0;
  let c = 0;
  while (at + 4 <= end && wire[at] >>> 5 === 4) {
    if (wire[at] & 0x10) c = crc32(wire.subarray(at, at + 4), c);
    at += 4;
  }
  if (at < end) {
    // A copy, even for a Buffer (whose slice would alias the caller's bytes).
    const head = new Uint8Array(wire.subarray(at, Math.min(end, at + 4)));
    head[0] |= 0x01;
    if (head.length > 2) head[2] |= 0x40;
    c = crc32(head, c);
    if (at + 4 < end) c = crc32(wire.subarray(at + 4, end), c);
  }
  return bswap32(c);
}
