/** TLP prefix types (reference 1.2/1.8): names and builders for the ones a model uses. */
import { checkInt } from './error.js';
import type { TlpPrefix } from './types.js';

const LOCAL_NAMES: Readonly<Record<number, string>> = { 0: 'MR-IOV', 13: 'FlitModePrefix', 14: 'VendPrefixL0', 15: 'VendPrefixL1' };
const E2E_NAMES: Readonly<Record<number, string>> = { 0: 'ExtTPH', 1: 'PASID', 2: 'IDE', 14: 'VendPrefixE0', 15: 'VendPrefixE1' };

/** `PASID`, `VendPrefixL0`, or `reserved local 5` for types the spec leaves undefined. */
export function prefixName(p: Pick<TlpPrefix, 'endToEnd' | 'subtype'>): string {
  const known = (p.endToEnd ? E2E_NAMES : LOCAL_NAMES)[p.subtype];
  return known ?? `reserved ${p.endToEnd ? 'end-to-end' : 'local'} ${p.subtype}`;
}

/** Byte 0 of a prefix DW: 0x80..0x8f local, 0x90..0x9f end-to-end. */
export function prefixByte(p: Pick<TlpPrefix, 'endToEnd' | 'subtype'>): number {
  return 0x80 | (p.endToEnd ? 0x10 : 0) | (p.subtype & 0xf);
}

/** The whole prefix DW as sent (big-endian). */
export function prefixDw(p: TlpPrefix): number {
  return ((prefixByte(p) << 24) | (p.body & 0xffffff)) >>> 0;
}

/**
 * PASID prefix (0x91): PASID[19:0] in the low 20 bits. The Execute/Privileged Mode Requested
 * flags sit in byte 1 bits 7:4, but their exact bit positions are not certain (reference 1.8),
 * so they are passed as that raw nibble rather than as named flags.
 */
export function pasidPrefix(pasid: number, flagsNibble = 0): TlpPrefix {
  checkInt('pasid', pasid, 0, 0xfffff);
  checkInt('flagsNibble', flagsNibble, 0, 15);
  return { endToEnd: true, subtype: 1, body: (flagsNibble << 20) | pasid };
}

/** Extended TPH prefix (0x90): byte 1 = ST[15:8]; byte 2 bits 7:5 AMA, bit 4 AV. */
export function extTphPrefix(stHigh: number, ama = 0, av = false): TlpPrefix {
  checkInt('stHigh', stHigh, 0, 0xff);
  checkInt('ama', ama, 0, 7);
  return { endToEnd: true, subtype: 0, body: (stHigh << 16) | (ama << 13) | (av ? 1 << 12 : 0) };
}

/** Vendor-defined prefix: local (0x8e/0x8f) or end-to-end (0x9e/0x9f), index 0 or 1. */
export function vendorPrefix(endToEnd: boolean, index: 0 | 1, body: number): TlpPrefix {
  checkInt('body', body, 0, 0xffffff);
  return { endToEnd, subtype: 14 + index, body };
}
