/**
 * Little-endian accessors over the config bytes that were actually read. A non-root reader only
 * gets 64 bytes, so every consumer asks `has()` before decoding anything past the header and
 * prints "<access denied>" the way pciutils does instead of decoding zeros.
 */
export class ConfigView {
  constructor(readonly bytes: Uint8Array) {}

  get length(): number {
    return this.bytes.length;
  }

  has(off: number, len: number): boolean {
    return off >= 0 && off + len <= this.bytes.length;
  }

  /** Bytes past the end read as 0 so callers that already checked `has()` stay simple. */
  byte(off: number): number {
    return off >= 0 && off < this.bytes.length ? this.bytes[off]! : 0;
  }

  word(off: number): number {
    return this.byte(off) | (this.byte(off + 1) << 8);
  }

  long(off: number): number {
    return (this.word(off) | (this.word(off + 2) << 16)) >>> 0;
  }

  headerType(): number {
    return this.byte(0x0e) & 0x7f;
  }
}

/** "bb:dd.f" with an optional "dddd:" prefix. */
export function slotName(domain: number, bdf: number, withDomain: boolean): string {
  const bus = (bdf >> 8) & 0xff;
  const dev = (bdf >> 3) & 0x1f;
  const fn = bdf & 7;
  const s = `${hex(bus, 2)}:${hex(dev, 2)}.${fn.toString(16)}`;
  return withDomain ? `${hex(domain, 4)}:${s}` : s;
}

export function hex(v: number | bigint, width: number): string {
  return v.toString(16).padStart(width, '0');
}
