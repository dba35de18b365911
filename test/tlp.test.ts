/**
 * PCIe TLP codec tests. The byte vectors are the reference's (shared/reference/pcie.md 6.2 and
 * 6.3), which were cross-checked there against cocotbext-pcie's packer and two CRC
 * implementations; the property tests cover everything else: round trips of every kind, the
 * ECRC coverage rules, the decoder on arbitrary bytes, completion and request splitting.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CplStatus,
  MsgRouting,
  TLP_KINDS,
  TlpError,
  bytesToDws,
  checkTlp,
  completeRead,
  completion,
  crc32,
  decodeTlp,
  ecrc,
  ecrcOfTlp,
  encodeTlp,
  errorMessage,
  formatTlp,
  formatWire,
  intxMessage,
  intxOf,
  leadingDisabled,
  messageCodeOf,
  messageName,
  newMessage,
  newTlp,
  parseBdf,
  parseHexBytes,
  pasidPrefix,
  requestByteCount,
  setSlotPowerLimit,
  splitRequest,
  swizzleIntx,
  tlpToJson,
  trailingDisabled,
  vendorMessage,
  vendorPrefix,
  type Tlp,
  type TlpKind,
  type TlpPrefix,
  KINDS,
} from '../src/actors/pcie/tlp/index.js';

const hex = (s: string): Uint8Array => parseHexBytes(s);
const le32 = (v: number): Uint8Array => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
const wire = (t: Tlp): string => formatWire(t);
/** Byte-array equality without vitest's element-by-element diffing, which is slow for 4 KB payloads. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

/** Decoding a vector gives exactly these fields (everything else at newTlp's defaults). */
function expectVector(fields: Tlp, text: string): void {
  const bytes = hex(text);
  expect(wire(fields)).toBe(text);
  expect(encodeTlp(fields)).toEqual(bytes);
  expect(decodeTlp(bytes, { checkEcrc: true })).toEqual(fields);
}

describe('reference 6.3 vectors, both ways', () => {
  it('V01 MRd32 len 1, req 01:00.0, tag 5, addr 0xF0000010, FBE F', () => {
    expectVector(newTlp('MRd', { requesterId: 0x0100, tag: 5, address: 0xf0000010n, firstBe: 0xf }), 'HDR 00000001 0100050f f0000010');
  });
  it('V04 MWr32 1 DW, data 0x12345678 (LE) at 0xF0000000', () => {
    expectVector(newTlp('MWr', { address: 0xf0000000n, data: le32(0x12345678) }), 'HDR 40000001 0000000f f0000000 ; DATA 78563412');
  });
  it('V08 CfgRd0 to 01:00.0 off 0x010, tag 1', () => {
    expectVector(newTlp('CfgRd0', { completerId: 0x0100, register: 0x10, tag: 1 }), 'HDR 04000001 0000010f 01000010');
  });
  it('V09 CfgWr0 to 01:00.0 off 0x010 data 0xFFFFFFFF, tag 2', () => {
    expectVector(newTlp('CfgWr0', { completerId: 0x0100, register: 0x10, tag: 2, data: le32(0xffffffff) }), 'HDR 44000001 0000020f 01000010 ; DATA ffffffff');
  });
  it('V12 CplD BAR0 readback 0xFFF80000, tag 2', () => {
    expectVector(newTlp('CplD', { completerId: 0x0100, tag: 2, byteCount: 4, data: le32(0xfff80000) }), 'HDR 4a000001 01000004 00000200 ; DATA 0000f8ff');
  });
  it('V27a CfgWr1 to 01:00.0 off 0x004 data 6, TD=1, tag 4: ECRC 0637d36d', () => {
    const t = newTlp('CfgWr1', { completerId: 0x0100, register: 4, tag: 4, td: true, data: le32(6) });
    const text = 'HDR 45008001 0000040f 01000004 ; DATA 06000000 ; ECRC 0637d36d';
    expect(ecrcOfTlp(t)).toBe(0x0637d36d);
    expect(wire(t)).toBe(text);
    expect(decodeTlp(hex(text), { checkEcrc: true })).toEqual({ ...t, digest: 0x0637d36d });
    expectVector({ ...t, digest: 0x0637d36d }, text);
  });
});

describe('reference 6.2 BAR sizing sequence at TLP level', () => {
  const EP = parseBdf('01:00.0');
  it('V08 -> CplD 000000f0, V09 -> Cpl SC, CfgRd0 -> V12, restore', () => {
    const rd1 = decodeTlp(hex('04000001 0000010f 01000010'));
    const c1 = completion(rd1, CplStatus.SC, EP, le32(0xf0000000));
    expect(c1).toMatchObject({ kind: 'CplD', byteCount: 4, lowerAddress: 0, tag: 1, completerId: EP, requesterId: 0 });
    expect(wire(c1)).toBe('HDR 4a000001 01000004 00000100 ; DATA 000000f0');

    const wr = decodeTlp(hex('44000001 0000020f 01000010 ffffffff'));
    const c2 = completion(wr, CplStatus.SC, EP);
    expect(c2).toMatchObject({ kind: 'Cpl', byteCount: 4, lowerAddress: 0, status: 0, length: 0 });
    expect(wire(c2)).toBe('HDR 0a000000 01000004 00000200');

    const rd2 = newTlp('CfgRd0', { completerId: EP, register: 0x10, tag: 2 });
    expect(wire(completion(rd2, CplStatus.SC, EP, le32(0xfff80000)))).toBe('HDR 4a000001 01000004 00000200 ; DATA 0000f8ff');

    const restore = newTlp('CfgWr0', { completerId: EP, register: 0x10, tag: 3, data: le32(0xf0000000) });
    expect(wire(restore)).toBe('HDR 44000001 0000030f 01000010 ; DATA 000000f0');
  });
});

describe('header fields', () => {
  it('Length 1024 is sent as 0 and a Length field of 0 decodes as 1024', () => {
    const t = newTlp('MRd', { address: 0x10000n, length: 1024 });
    const b = encodeTlp(t);
    expect(b[2]! & 3).toBe(0);
    expect(b[3]).toBe(0);
    expect(decodeTlp(b).length).toBe(1024);
    const w = newTlp('MWr', { address: 0x2000n, length: 1024 });
    expect(decodeTlp(encodeTlp(w))).toEqual(w);
  });
  it('Byte Count 4096 is sent as 0 and decodes back', () => {
    const c = newTlp('CplD', { byteCount: 4096, length: 32 });
    const b = encodeTlp(c);
    expect(((b[6]! & 0xf) << 8) | b[7]!).toBe(0);
    expect(decodeTlp(b).byteCount).toBe(4096);
  });
  it('10-bit tags: T9 in DW0 bit 23, T8 in bit 19, Tag[7:0] in the header', () => {
    const b = encodeTlp(newTlp('MRd', { tag: 0x2a5, address: 0x1000n }));
    expect(b[1]).toBe(0x80);
    expect(b[6]).toBe(0xa5);
    expect(decodeTlp(encodeTlp(newTlp('MRd', { tag: 0x1ff }))).tag).toBe(0x1ff);
    const c = encodeTlp(newTlp('Cpl', { tag: 0x3ff }));
    expect(c[1]).toBe(0x88);
    expect(c[10]).toBe(0xff);
  });
  it('DW0 bits: TC, Attr[2] at bit 18, LN, TH, TD, EP, Attr[1:0], AT', () => {
    const t = newTlp('MWr', { tc: 5, attr: 7, ln: true, th: true, ph: 2, ep: true, at: 2, address: 0x100n });
    const b = encodeTlp(t);
    expect(bytesToDws(b.subarray(0, 12))).toBe('40577801 0000000f 00000102');
    expect(decodeTlp(b)).toEqual(t);
  });
  it('addresses above 4 GB use the 4-DW form, below it the 3-DW form', () => {
    const t = newTlp('MRd', { address: 0x1_2345_6780n, length: 2, requesterId: 0x0100 });
    expect(wire(t)).toBe('HDR 20000002 010000ff 00000001 23456780');
    expect(decodeTlp(encodeTlp(t))).toEqual(t);
    expect(wire(newTlp('FetchAdd', { address: 0xffff_fff8n, length: 2 }))).toBe('HDR 4c000002 00000000 fffffff8 ; DATA 00000000 00000000');
    expect(() => decodeTlp(hex('20000001 0000000f 00000000 f0000000'))).toThrow(/below 4 GB must use the 3-DW form/);
  });
  it('messages: 4-DW header, routing in Type, code in DW1, bytes 8..15 as given', () => {
    const t = newTlp('Msg', { routing: MsgRouting.BY_ID, messageCode: 0x7f, requesterId: 0x0100, tag: 3, messageDw2: 0x02001af4, messageDw3: 0xdeadbeef });
    expect(wire(t)).toBe('HDR 32000000 0100037f 02001af4 deadbeef');
    expect(decodeTlp(encodeTlp(t))).toEqual(t);
  });
  it('prefixes: local first, then end-to-end, each one DW before the header', () => {
    const prefixes: TlpPrefix[] = [vendorPrefix(false, 0, 0xabcdef), pasidPrefix(0x12345)];
    const t = newTlp('MRd', { prefixes, address: 0x1000n });
    expect(wire(t)).toBe('PFX 8eabcdef 91012345 ; HDR 00000001 0000000f 00001000');
    expect(decodeTlp(encodeTlp(t))).toEqual(t);
  });
  it('a given digest is sent as is unless computeEcrc', () => {
    const t = newTlp('MWr', { td: true, digest: 0x11223344, address: 0x40n });
    expect(wire(t)).toMatch(/ECRC 11223344$/);
    const fixed = encodeTlp(t, { computeEcrc: true });
    expect(decodeTlp(fixed, { checkEcrc: true }).digest).toBe(ecrcOfTlp(t));
    expect(() => decodeTlp(encodeTlp(t), { checkEcrc: true })).toThrow(/ECRC mismatch: digest 0x11223344/);
    expect(decodeTlp(encodeTlp(t)).digest).toBe(0x11223344);
  });
});

describe('ECRC', () => {
  it('is the standard CRC-32 (check value)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('survives a Type 1 -> Type 0 conversion and poisoning on the way', () => {
    const b = encodeTlp(newTlp('CfgWr1', { completerId: 0x0100, register: 4, tag: 4, td: true, data: le32(6) }));
    const converted = b.slice();
    converted[0] = 0x44;
    converted[2]! |= 0x40;
    const t = decodeTlp(converted, { checkEcrc: true });
    expect(t).toMatchObject({ kind: 'CfgWr0', ep: true, digest: 0x0637d36d });
  });
  it('never writes into the caller\'s bytes, also when they are a Buffer', () => {
    const b = Buffer.from(hex('45008001 0000040f 01000004 06000000 0637d36d'));
    const copy = Buffer.from(b);
    const t = decodeTlp(b, { checkEcrc: true });
    expect(b.equals(copy)).toBe(true);
    t.data[0] = 0xee;
    expect(b[12]).toBe(6);
    expect(Object.getPrototypeOf(t.data)).toBe(Uint8Array.prototype);
  });
  it('covers end-to-end prefixes but not local ones', () => {
    const base = newTlp('MRd', { td: true, address: 0x1000n });
    const withLocal = { ...base, prefixes: [vendorPrefix(false, 1, 0x123456)] };
    const withE2e = { ...base, prefixes: [pasidPrefix(1)] };
    expect(ecrcOfTlp(withLocal)).toBe(ecrcOfTlp(base));
    expect(ecrcOfTlp(withE2e)).not.toBe(ecrcOfTlp(base));
  });
});

describe('decodeTlp errors', () => {
  const bad: [string, string, RegExp][] = [
    ['empty', '', /empty TLP/],
    ['truncated header', '00000001 0100050f', /truncated header: 8 of 12 bytes of a MRd header/],
    ['truncated prefix', '91 01', /truncated prefix: 2 of 4 bytes/],
    ['reserved Fmt', 'a0000001 00000000 00000000', /reserved Fmt 101b/],
    ['unknown Type', '03000001 00000000 00000000', /unknown TLP type: Fmt 000b .* Type 00011b/],
    ['DMWr is left out', '5b000001 00000000 00000000 00000000', /unknown TLP type/],
    ['3-DW message', '10000000 00000000 00000000', /Msg with a 3-DW header/],
    ['4-DW completion', '2a000000 00000004 00000000 00000000', /Cpl with a 4-DW header/],
    ['payload shorter than Length', '40000002 000000ff f0000000 00000000', /payload size mismatch: a MWr with Length 2 carries 8 data bytes, got 4/],
    ['payload on a read', '00000001 0000000f f0000000 00000000', /4 bytes follow the payload but TD is 0/],
    ['TD without digest', '40008001 0000000f f0000000 00000000', /TD set but the digest is missing/],
    ['prefix alone', '91000001', /prefix DW\(s\) not followed by a header/],
    ['five end-to-end prefixes', '9e000000 9e000000 9e000000 9e000000 9e000000 00000001 0000000f 00000000', /5 end-to-end prefixes, at most 4/],
    ['local after end-to-end', '91000001 8e000000 00000001 0000000f 00000000', /local prefix after an end-to-end one/],
    ['Cfg with Length 2', '04000002 000000ff 01000010', /length 2: CfgRd0 requests carry exactly 1 DW/],
    ['Cfg with TC 1', '04100001 0000000f 01000010', /tc 1: must be 0 for CfgRd0 requests/],
    ['Last BE on 1 DW', '00000001 000000ff f0000000', /lastBe 1111b: must be 0000b/],
    ['First BE 0 on 2 DW', '00000002 000000f0 f0000000', /firstBe 0000b: not allowed for a 2-DW MRd/],
    ['non-contiguous BEs on 3 DW', '00000003 000000f5 f0000000', /firstBe 0101b: the enabled bytes/],
    ['4 KB crossing', '00000002 000000ff 00000ffc', /crosses a 4 KB boundary/],
    ['CAS with 3 DW', '4e000003 00000000 00001000 00000000 00000000 00000000', /length 3: a CAS carries 2, 4, 8 DW/],
    ['misaligned FetchAdd', '4c000002 00000000 00001004 00000000 00000000', /must be aligned to 8/],
  ];
  for (const [what, text, msg] of bad) {
    it(what, () => {
      expect(() => decodeTlp(hex(text))).toThrow(TlpError);
      expect(() => decodeTlp(hex(text))).toThrow(msg);
    });
  }
  it('ECRC mismatch only when asked to check', () => {
    const b = hex('45008001 0000040f 01000004 06000000 0637d36e');
    expect(decodeTlp(b).digest).toBe(0x0637d36e);
    expect(() => decodeTlp(b, { checkEcrc: true })).toThrow(/ECRC mismatch: digest 0x0637d36e, computed 0x0637d36d/);
  });
});

describe('encodeTlp errors name the field and value', () => {
  const cases: [string, Tlp, RegExp][] = [
    ['tag > 1023', newTlp('MRd', { tag: 1024 }), /tag 1024 \(0x400\): expected an integer from 0 to 1023/],
    ['data length', newTlp('MWr', { length: 2, data: new Uint8Array(4) }), /data 4 bytes: a MWr with length 2 carries 8/],
    ['five end-to-end prefixes', newTlp('MRd', { prefixes: Array.from({ length: 5 }, () => pasidPrefix(1)) }), /5 end-to-end prefixes/],
    ['local after end-to-end', newTlp('MRd', { prefixes: [pasidPrefix(1), vendorPrefix(false, 0, 0)] }), /prefixes\[1\]: a local prefix after an end-to-end one/],
    ['bad BE', newTlp('MWr', { length: 1, lastBe: 0xf }), /lastBe 1111b: must be 0000b for a 1-DW MWr/],
    ['address bits 1:0', newTlp('MRd', { address: 0x1002n }), /address 0x1002: bits 1:0 must be 0/],
    ['64-bit IO', newTlp('IORd', { address: 0x1_0000_0000n }), /address 0x100000000: IO requests are 32-bit/],
    ['byte count 0', newTlp('Cpl', { byteCount: 0 }), /byteCount 0: expected an integer from 1 to 4096/],
    ['register not aligned', newTlp('CfgRd0', { register: 0x11 }), /register 0x11: must be DW aligned/],
    ['length 1025', newTlp('MRd', { length: 1025 }), /length 1025 \(0x401\): expected an integer from 1 to 1024/],
  ];
  for (const [what, t, msg] of cases) {
    it(what, () => {
      expect(() => encodeTlp(t)).toThrow(TlpError);
      expect(() => encodeTlp(t)).toThrow(msg);
    });
  }
});

describe('byte enables', () => {
  it('total bytes per the reference 1.11 table', () => {
    const one = (fbe: number): number => requestByteCount(newTlp('MRd', { firstBe: fbe }));
    for (const [fbe, n] of [[0b1001, 4], [0b1111, 4], [0b0101, 3], [0b1010, 3], [0b0011, 2], [0b0110, 2], [0b1100, 2], [0b0001, 1], [0b1000, 1], [0, 1]] as const) expect(one(fbe)).toBe(n);
    expect(requestByteCount(newTlp('MRd', { length: 3, firstBe: 0b1100, lastBe: 0b0001 }))).toBe(12 - 2 - 3);
    expect(leadingDisabled(0b1000)).toBe(3);
    expect(trailingDisabled(0b0011)).toBe(2);
  });
  it('a QW-aligned 2-DW memory request may have non-contiguous BEs, an unaligned one may not', () => {
    expect(() => encodeTlp(newTlp('MRd', { address: 0x1008n, length: 2, firstBe: 0b0101, lastBe: 0b1010 }))).not.toThrow();
    expect(() => encodeTlp(newTlp('MRd', { address: 0x1004n, length: 2, firstBe: 0b0101, lastBe: 0b1010 }))).toThrow(/firstBe 0101b/);
  });
  it('TH on a read turns the BEs into ST[7:0] (not checked, full enables implied)', () => {
    const t = newTlp('MRd', { th: true, ph: 1, address: 0x1000n, length: 4, firstBe: 0x5, lastBe: 0xa });
    expect(decodeTlp(encodeTlp(t))).toEqual(t);
    expect(requestByteCount(t)).toBe(16);
  });
});

describe('read completions (reference 1.11)', () => {
  it('a 512-byte read at 0x1010 with MPS 128, RCB 64: cut at RCB boundaries', () => {
    const req = newTlp('MRd', { address: 0x1010n, length: 128, requesterId: 0x0100, tag: 7 });
    const data = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);
    const c = completeRead(req, data, { completerId: 0x0200, mps: 128, rcb: 64 });
    expect(c.map((x) => [x.length * 4, x.byteCount, x.lowerAddress])).toEqual([
      [0x70, 512, 0x10],
      [128, 400, 0x00],
      [128, 272, 0x00],
      [128, 144, 0x00],
      [16, 16, 0x00],
    ]);
    expect(c.every((x) => x.kind === 'CplD' && x.tag === 7 && x.requesterId === 0x0100 && x.completerId === 0x0200)).toBe(true);
    expect(Uint8Array.from(c.flatMap((x) => [...x.data]))).toEqual(data);
  });
  it('with partial BEs: the first Lower Address skips disabled bytes, Byte Count counts enabled ones', () => {
    const req = newTlp('MRdLk', { address: 0x10f8n, length: 4, firstBe: 0b1100, lastBe: 0b0111 });
    const c = completeRead(req, new Uint8Array(16), { completerId: 1, mps: 128, rcb: 128 });
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ kind: 'CplDLk', byteCount: 16 - 2 - 1, lowerAddress: 0x7a, length: 4 });
    expect(completeRead(req, new Uint8Array(16), { completerId: 1, mps: 128, rcb: 64 })).toHaveLength(1);
    const split = completeRead(req, new Uint8Array(16), { completerId: 1, mps: 128, rcb: 64, splitAtEveryRcb: true });
    expect(split.map((x) => [x.length, x.byteCount, x.lowerAddress])).toEqual([[2, 13, 0x7a], [2, 7, 0x00]]);
  });
  it('accepts just the enabled bytes and pads them into the DW span', () => {
    const req = newTlp('MRd', { address: 0x2000n, firstBe: 0b0110 });
    const [c] = completeRead(req, Uint8Array.of(0xaa, 0xbb), { completerId: 0, mps: 128, rcb: 64 });
    expect(c!.data).toEqual(Uint8Array.of(0, 0xaa, 0xbb, 0));
    expect(c).toMatchObject({ byteCount: 2, lowerAddress: 1 });
  });
  it('a 4096-byte read gives Byte Count 4096 (sent as 0) on its first completion', () => {
    const req = newTlp('MRd', { address: 0x3000n, length: 1024 });
    const c = completeRead(req, new Uint8Array(4096), { completerId: 0, mps: 4096, rcb: 128 });
    expect(c).toHaveLength(1);
    expect(decodeTlp(encodeTlp(c[0]!)).byteCount).toBe(4096);
  });
  it('completion(): UR/CA/CRS without data, Byte Count 4 for Cfg/IO, operand size for AtomicOps', () => {
    const cfg = newTlp('CfgRd1', { completerId: 0x0300, tag: 9 });
    expect(completion(cfg, CplStatus.UR, 0)).toMatchObject({ kind: 'Cpl', status: 1, byteCount: 4, lowerAddress: 0, tag: 9 });
    expect(completion(cfg, CplStatus.CRS, 0).status).toBe(2);
    expect(completion(newTlp('IOWr', { address: 0x60n, data: new Uint8Array(4) }), CplStatus.CA, 5)).toMatchObject({ kind: 'Cpl', status: 4, byteCount: 4 });
    const cas = newTlp('CAS', { address: 0x1000n, length: 4 });
    expect(completion(cas, CplStatus.SC, 0, new Uint8Array(8))).toMatchObject({ kind: 'CplD', byteCount: 8, length: 2, lowerAddress: 0 });
    expect(completion(newTlp('MRd', { address: 0x1044n, length: 2, firstBe: 0b1110 }), CplStatus.UR, 0)).toMatchObject({ kind: 'Cpl', byteCount: 7, lowerAddress: 0x45 });
    expect(completion(newTlp('MRdLk', { address: 0x1040n }), CplStatus.UR, 0).kind).toBe('CplLk');
    expect(() => completion(newTlp('MWr'), CplStatus.SC, 0)).toThrow(/posted request/);
    expect(() => completion(cfg, CplStatus.SC, 0)).toThrow(/carries data/);
  });
});

describe('messages (reference 1.7)', () => {
  it('names and codes', () => {
    expect(messageName(0x1b)).toBe('PME_TO_Ack');
    expect(messageName(0x53, true)).toBe('PTM_ResponseD');
    expect(messageName(0x3f)).toBe('reserved_0x3f');
    expect(messageCodeOf('assert-intc')).toBe(0x22);
    expect(messageCodeOf('0x50')).toBe(0x50);
    expect(messageCodeOf('nope')).toBeUndefined();
    expect(intxOf(0x25)).toEqual({ pin: 1, assert: false });
    expect(swizzleIntx(3, 2)).toBe(1);
  });
  it('builders pick the routing and kind the table gives', () => {
    expect(wire(intxMessage(0, true, 0x0100))).toBe('HDR 34000000 01000020 00000000 00000000');
    expect(wire(errorMessage('FATAL', 0x0100))).toBe('HDR 30000000 01000033 00000000 00000000');
    expect(wire(newMessage(0x19))).toBe('HDR 33000000 00000019 00000000 00000000');
    expect(wire(newMessage(0x1b))).toBe('HDR 35000000 0000001b 00000000 00000000');
    expect(wire(setSlotPowerLimit(250, 1, 0))).toBe('HDR 74000001 00000050 00000000 00000000 ; DATA fa010000');
    const v = vendorMessage({ type: 1, routing: MsgRouting.BY_ID, requesterId: 0x0100, vendorId: 0x1af4, destinationId: 0x0200, vendorData: 7, data: new Uint8Array(8) });
    expect(wire(v)).toBe('HDR 72000002 0100007f 02001af4 00000007 ; DATA 00000000 00000000');
  });
});

describe('formatTlp', () => {
  it('shows what matters for the kind', () => {
    const cfg = formatTlp(decodeTlp(hex('45008001 0000040f 01000004 06000000 0637d36d')));
    expect(cfg).toContain('CfgWr1 (byte 0 0x45 = Fmt 010b Type 00101b)');
    expect(cfg).toContain('target     01:00.0  register 0x004');
    expect(cfg).toContain('ECRC       0637d36d ok');
    expect(formatTlp(decodeTlp(hex('45008001 0000040f 01000004 06000000 00000000')))).toContain('ECRC       00000000 bad (expected 0637d36d)');
    const cpl = formatTlp(completion(newTlp('CfgRd0', { tag: 3 }), CplStatus.CRS, 0x0208));
    expect(cpl).toMatch(/completer  02:01\.0  status CRS/);
    expect(formatTlp(intxMessage(2, false, 0x0100))).toMatch(/message    Deassert_INTC \(code 0x26\)  routing 100b local[\s\S]*INTC deasserted/);
    expect(formatTlp(newTlp('MRd', { prefixes: [pasidPrefix(0xabcde)] }))).toContain('end-to-end PASID (0x91) body 0x0abcde: PASID 0xabcde');
    expect(formatTlp(newTlp('MWr', { address: 0x1_0000_0000n, ep: true, attr: 3 }))).toMatch(/0x100000000 \(64-bit\)[\s\S]*attr RO\|NS  EP \(poisoned\)/);
    expect(tlpToJson(newTlp('CplD', { status: 0, completerId: 0x0100 })).fields).toMatchObject({ completerId: '01:00.0', statusName: 'SC' });
  });
});

// ---- property tests ------------------------------------------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const lengthArb = fc.oneof(fc.constant(1024), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1024 }));
const bytesArb = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });

const prefixesArb: fc.Arbitrary<TlpPrefix[]> = fc
  .tuple(
    fc.array(fc.record({ endToEnd: fc.constant(false), subtype: fc.integer({ min: 0, max: 15 }), body: fc.integer({ min: 0, max: 0xffffff }) }), { maxLength: 3 }),
    fc.array(fc.record({ endToEnd: fc.constant(true), subtype: fc.integer({ min: 0, max: 15 }), body: fc.integer({ min: 0, max: 0xffffff }) }), { maxLength: 4 }),
  )
  .map(([l, e]) => [...l, ...e]);

/** The DW0/requester fields every kind has, with TD and an optional given digest. */
const commonArb = fc.record({
  prefixes: prefixesArb,
  tc: fc.integer({ min: 0, max: 7 }),
  attr: fc.integer({ min: 0, max: 7 }),
  ln: fc.boolean(),
  th: fc.boolean(),
  td: fc.boolean(),
  ep: fc.boolean(),
  at: fc.integer({ min: 0, max: 3 }),
  tag: fc.integer({ min: 0, max: 1023 }),
  requesterId: fc.integer({ min: 0, max: 0xffff }),
  digest: fc.option(u32, { nil: undefined }),
});

/** A memory address `len * 4` bytes long inside one 4 KB page, 3-DW or 4-DW form. */
function pageAddress(bytes: number, align = 4): fc.Arbitrary<bigint> {
  const page = fc.oneof(fc.bigInt({ min: 0n, max: 0xfffffn }), fc.bigInt({ min: 0x100000n, max: 0xfffffffffffffn }));
  return fc.tuple(page, fc.integer({ min: 0, max: (0x1000 - bytes) / align })).map(([p, o]) => (p << 12n) | BigInt(o * align));
}

const CONTIG_FIRST = [0xf, 0xe, 0xc, 0x8];
const CONTIG_LAST = [0x1, 0x3, 0x7, 0xf];

function memArb(kind: TlpKind): fc.Arbitrary<Partial<Tlp>> {
  return lengthArb.chain((length) =>
    fc.record({
      length: fc.constant(length),
      address: pageAddress(length * 4),
      fbe: fc.integer({ min: 0, max: 15 }),
      lbe: fc.integer({ min: 1, max: 15 }),
      c: fc.integer({ min: 0, max: 3 }),
      d: fc.integer({ min: 0, max: 3 }),
      ph: fc.integer({ min: 0, max: 3 }),
      data: bytesArb(KINDS[kind].data ? length * 4 : 0),
    }).map(({ length, address, fbe, lbe, c, d, ph, data }) => {
      let firstBe = fbe;
      let lastBe = lbe;
      if (length === 1) lastBe = 0;
      else if (length === 2 && (address & 7n) === 0n) firstBe = fbe || 1;
      else [firstBe, lastBe] = [CONTIG_FIRST[c]!, CONTIG_LAST[d]!];
      return { length, address, firstBe, lastBe, ph, ...(KINDS[kind].data ? { data } : {}) };
    }),
  );
}

function kindArb(kind: TlpKind): fc.Arbitrary<Partial<Tlp>> {
  const data = KINDS[kind].data;
  switch (KINDS[kind].family) {
    case 'mem':
      return memArb(kind);
    case 'io':
      return fc.record({ address: u32.map((a) => BigInt(a) & 0xfffffffcn), firstBe: fc.integer({ min: 0, max: 15 }), data: bytesArb(data ? 4 : 0) });
    case 'cfg':
      return fc.record({ completerId: fc.integer({ min: 0, max: 0xffff }), register: fc.integer({ min: 0, max: 0x3ff }).map((r) => r * 4), firstBe: fc.integer({ min: 0, max: 15 }), data: bytesArb(data ? 4 : 0) });
    case 'msg':
      return fc.record({
        routing: fc.integer({ min: 0, max: 7 }),
        messageCode: fc.integer({ min: 0, max: 0xff }),
        messageDw2: u32,
        messageDw3: u32,
        ...(data ? { data: lengthArb.chain((n) => bytesArb(n * 4)) } : {}),
      });
    case 'cpl':
      return fc.record({
        completerId: fc.integer({ min: 0, max: 0xffff }),
        status: fc.integer({ min: 0, max: 7 }),
        bcm: fc.boolean(),
        byteCount: fc.oneof(fc.constant(4096), fc.integer({ min: 1, max: 4096 })),
        lowerAddress: fc.integer({ min: 0, max: 0x7f }),
        ...(data ? { data: lengthArb.chain((n) => bytesArb(n * 4)) } : {}),
      });
    case 'atomic':
      return fc.constantFrom(...(kind === 'CAS' ? [2, 4, 8] : [1, 2])).chain((length) => {
        const operand = kind === 'CAS' ? length * 2 : length * 4;
        return fc.record({ length: fc.constant(length), address: pageAddress(operand, operand), ph: fc.integer({ min: 0, max: 3 }), data: bytesArb(length * 4) });
      });
  }
}

/** Any valid TLP; fields the kind does not have stay at newTlp's defaults, as decodeTlp leaves them. */
const tlpArb: fc.Arbitrary<Tlp> = fc.constantFrom(...TLP_KINDS).chain((kind) =>
  fc.tuple(commonArb, kindArb(kind)).map(([common, own]) => {
    const f: Partial<Tlp> = { ...common, ...own };
    const family = KINDS[kind].family;
    const hasPh = family === 'mem' || family === 'atomic';
    // Cfg and IO requests have TC, Attr and AT fixed at 0.
    if (family === 'cfg' || family === 'io') Object.assign(f, { tc: 0, attr: 0, at: 0 });
    if (!(f.th && hasPh)) delete f.ph;
    if (!f.td) delete f.digest;
    if (KINDS[kind].data) f.length = f.data!.length / 4;
    else delete f.data;
    return newTlp(kind, f);
  }),
);

/** What decoding the encoding of `t` must give: the digest filled in when TD asked for it to be computed. */
const expected = (t: Tlp): Tlp => (t.td ? { ...t, digest: t.digest ?? ecrcOfTlp(t) } : t);

describe('properties', () => {
  it('every generated TLP is valid (sanity of the generator)', () => {
    fc.assert(fc.property(tlpArb, (t) => checkTlp(t)), { numRuns: 300 });
  });

  it('decode(encode(t)) = t and encode(decode(b)) = b, for every kind', () => {
    fc.assert(
      fc.property(tlpArb, (t) => {
        const b = encodeTlp(t);
        const d = decodeTlp(b, { checkEcrc: t.digest === undefined });
        expect(d).toEqual(expected(t));
        expect(encodeTlp(d)).toEqual(b);
      }),
      { numRuns: 400 },
    );
  });

  it('covers every kind, Length 1024, Byte Count 4096, 10-bit tags and four end-to-end prefixes', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(tlpArb, (t) => {
        seen.add(t.kind);
        if (t.length === 1024) seen.add('len1024');
        if (t.byteCount === 4096 && KINDS[t.kind].family === 'cpl') seen.add('bc4096');
        if (t.tag > 255) seen.add('tag10');
        if (t.prefixes.filter((p) => p.endToEnd).length === 4) seen.add('e2e4');
        if (t.td && t.digest === undefined) seen.add('ecrc');
      }),
      { numRuns: 600, seed: 1 },
    );
    for (const k of [...TLP_KINDS, 'len1024', 'bc4096', 'tag10', 'e2e4', 'ecrc']) expect(seen).toContain(k);
  });

  it('flipping Type[0] or EP leaves the ECRC unchanged', () => {
    fc.assert(
      fc.property(tlpArb, fc.boolean(), (t0, type0) => {
        const t = { ...t0, td: true, digest: undefined };
        const b = encodeTlp(t);
        const end = b.length - 4;
        const h = t.prefixes.length * 4;
        const f = b.slice();
        f[h + (type0 ? 0 : 2)]! ^= type0 ? 0x01 : 0x40;
        expect(ecrc(f, end)).toBe(ecrc(b, end));
        expect(ecrc(b, end)).toBe(new DataView(b.buffer).getUint32(end));
      }),
      { numRuns: 300 },
    );
  });

  it('flipping a bit of an end-to-end prefix changes the ECRC, of a local prefix does not', () => {
    const withPrefix = fc.tuple(tlpArb, prefixesArb.filter((p) => p.length > 0)).map(([t, prefixes]) => ({ ...t, prefixes, td: true, digest: undefined }));
    fc.assert(
      fc.property(withPrefix, fc.nat(), fc.integer({ min: 0, max: 27 }), (t, pick, bitPick) => {
        const i = pick % t.prefixes.length;
        const b = encodeTlp(t);
        const end = b.length - 4;
        // Bits 3:0 of byte 0 (the prefix type) and all of bytes 1..3: the DW stays a prefix of the same kind.
        const bit = bitPick + 4;
        const f = b.slice();
        f[i * 4 + (bit >> 3)]! ^= 0x80 >> (bit & 7);
        if (t.prefixes[i]!.endToEnd) expect(ecrc(f, end)).not.toBe(ecrc(b, end));
        else expect(ecrc(f, end)).toBe(ecrc(b, end));
      }),
      { numRuns: 300 },
    );
  });

  const decodesOrTlpError = (b: Uint8Array, checkEcrc: boolean): void => {
    let d: Tlp;
    try {
      d = decodeTlp(b, { checkEcrc });
    } catch (e) {
      expect(e).toBeInstanceOf(TlpError);
      return;
    }
    // Whatever decodes also encodes, and decodes again to the same value.
    expect(decodeTlp(encodeTlp(d))).toEqual(d);
  };

  it('arbitrary bytes either decode or throw TlpError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (b, c) => decodesOrTlpError(b, c)), { numRuns: 1500 });
  });

  it('mutated valid TLPs (bit flips, truncation, extra bytes) either decode or throw TlpError', () => {
    const mutated = fc.tuple(tlpArb, fc.array(fc.nat(), { maxLength: 4 }), fc.integer({ min: -8, max: 8 })).map(([t, flips, cut]) => {
      const b = encodeTlp(t);
      for (const f of flips) b[(f >> 3) % b.length]! ^= 1 << (f & 7);
      if (cut < 0) return b.subarray(0, Math.max(0, b.length + cut));
      const out = new Uint8Array(b.length + cut);
      out.set(b);
      return out;
    });
    fc.assert(fc.property(mutated, fc.boolean(), (b, c) => decodesOrTlpError(b, c)), { numRuns: 1000 });
  });

  const readArb = fc.tuple(
    fc.constantFrom<TlpKind>('MRd', 'MRdLk'),
    memArb('MRd'),
    fc.boolean(),
    fc.constantFrom(128, 256, 512, 1024, 2048, 4096),
    fc.constantFrom<64 | 128>(64, 128),
    fc.boolean(),
  ).map(([kind, f, th, mps, rcb, splitAtEveryRcb]) => ({ req: newTlp(kind, { ...f, th }), mps, rcb, splitAtEveryRcb }));

  it('completeRead: bytes add up, RCB-aligned ends, <= MPS, Byte Count and Lower Address as the spec says', () => {
    fc.assert(
      fc.property(readArb, ({ req, mps, rcb, splitAtEveryRcb }) => {
        const span = req.length * 4;
        const data = Uint8Array.from({ length: span }, (_, i) => (i * 7) & 0xff);
        const total = requestByteCount(req);
        const lead = leadingDisabled(req.th ? 0xf : req.firstBe);
        const cpls = completeRead(req, data, { completerId: 0x0100, mps, rcb, splitAtEveryRcb });
        const base = Number(req.address & 0xfffn);
        expect(cpls[0]!.byteCount).toBe(total);
        expect(cpls[0]!.lowerAddress).toBe((base + lead) & 0x7f);
        let off = 0;
        let remaining = total;
        cpls.forEach((c, i) => {
          const last = i === cpls.length - 1;
          expect(c.kind).toBe(req.kind === 'MRdLk' ? 'CplDLk' : 'CplD');
          expect(c.length * 4).toBeLessThanOrEqual(splitAtEveryRcb ? rcb : mps);
          expect(c.byteCount).toBe(remaining);
          if (i > 0) expect(c.lowerAddress).toBe((base + off) & 0x7f);
          off += c.length * 4;
          if (!last) expect((base + off) % rcb).toBe(0);
          else expect(c.byteCount).toBeLessThanOrEqual(4 * c.length - (c.lowerAddress & 3));
          remaining -= c.length * 4 - (i === 0 ? lead : 0);
          encodeTlp(c);
        });
        expect(off).toBe(span);
        expect(sameBytes(concat(cpls.map((c) => c.data)), data)).toBe(true);
        // What is left after the last completion is the trailing disabled bytes, never enabled ones.
        expect(remaining + (req.length === 1 ? span - lead - total : trailingDisabled(req.th ? 0xf : req.lastBe))).toBe(0);
        if (Math.floor(base / rcb) === Math.floor((base + span - 1) / rcb)) expect(cpls).toHaveLength(1);
      }),
      { numRuns: 400 },
    );
  });

  it('splitRequest: reads within MRRS, writes within MPS, no 4 KB crossing, bytes add up in order', () => {
    const sizes = fc.constantFrom(128, 256, 512, 1024, 2048, 4096);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0x1_0000_ffffn }), fc.integer({ min: 0, max: 9000 }), sizes, sizes, (address, n, mrrs, mps) => {
        const reads = splitRequest('MRd', address, n, { mrrs, mps, fields: { requesterId: 0x0100, tag: 250 } });
        let at = address;
        for (const [i, r] of reads.entries()) {
          expect(r.length * 4).toBeLessThanOrEqual(mrrs);
          expect(r.tag).toBe((250 + i) % 256);
          if (n > 0) expect(r.address + BigInt(leadingDisabled(r.firstBe))).toBe(at);
          if (i > 0) expect(at % 128n).toBe(0n);
          at += BigInt(n === 0 ? 0 : requestByteCount(r));
          encodeTlp(r);
        }
        expect(at - address).toBe(BigInt(n));
        const data = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
        const writes = splitRequest('MWr', address, data, { mrrs, mps });
        const back: Uint8Array[] = [];
        for (const w of writes) {
          expect(w.length * 4).toBeLessThanOrEqual(mps);
          encodeTlp(w);
          if (n) back.push(w.data.subarray(leadingDisabled(w.firstBe), leadingDisabled(w.firstBe) + requestByteCount(w)));
        }
        expect(sameBytes(concat(back), data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
