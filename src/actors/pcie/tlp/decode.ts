/**
 * Wire bytes -> Tlp, the inverse of encodeTlp. Every byte string either decodes into a Tlp that
 * encodeTlp accepts or throws TlpError saying what is wrong; reserved bits are ignored, as a
 * receiver must.
 */
import { checkTlp } from './check.js';
import { ecrc } from './ecrc.js';
import { TlpError } from './error.js';
import { KINDS, hasByteEnables, hasData, hasLength, hasPh, kindOf } from './kinds.js';
import { newTlp } from './new-tlp.js';
import type { Tlp, TlpPrefix } from './types.js';

export interface DecodeOptions {
  /** Recompute the ECRC of a TLP with TD = 1 and throw TlpError when the digest differs. */
  checkEcrc?: boolean;
}

const hex32 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

export function decodeTlp(bytes: Uint8Array, opts: DecodeOptions = {}): Tlp {
  const len = bytes.length;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (len === 0) throw new TlpError('empty TLP: no header', 'header');
  const prefixes: TlpPrefix[] = [];
  let at = 0;
  while (at < len && bytes[at]! >>> 5 === 4) {
    if (at + 4 > len) throw new TlpError(`truncated prefix: ${len - at} of 4 bytes at offset ${at}`, 'prefixes');
    const w = dv.getUint32(at);
    prefixes.push({ endToEnd: (w & 0x10000000) !== 0, subtype: (w >>> 24) & 0xf, body: w & 0xffffff });
    at += 4;
  }
  if (at === len) throw new TlpError(`${prefixes.length} prefix DW(s) not followed by a header`, 'prefixes');
  const fmt = bytes[at]! >>> 5;
  if (fmt > 4) throw new TlpError(`reserved Fmt ${fmt.toString(2)}b (byte 0x${bytes[at]!.toString(16)} at offset ${at})`, 'fmt');
  const { kind, routing } = kindOf(fmt, bytes[at]! & 0x1f);
  const hdrBytes = fmt & 1 ? 16 : 12;
  if (len - at < hdrBytes) throw new TlpError(`truncated header: ${len - at} of ${hdrBytes} bytes of a ${kind} header`, 'header');

  const dw0 = dv.getUint32(at);
  const dw1 = dv.getUint32(at + 4);
  const dw2 = dv.getUint32(at + 8);
  const dw3 = hdrBytes === 16 ? dv.getUint32(at + 12) : 0;
  const td = (dw0 & 0x8000) !== 0;
  const lengthField = dw0 & 0x3ff;
  const length = hasLength(kind) ? lengthField || 1024 : 0;
  const dataBytes = hasData(kind) ? length * 4 : 0;
  const rest = len - at - hdrBytes;
  if (rest !== dataBytes + (td ? 4 : 0)) {
    const what = `a ${kind} with Length ${length} carries ${dataBytes} data bytes${td ? ' + a 4-byte digest' : ''}`;
    if (td && rest === dataBytes) throw new TlpError(`TD set but the digest is missing: ${what}, got ${rest}`, 'td');
    if (!td && rest === dataBytes + 4) throw new TlpError(`4 bytes follow the payload but TD is 0: ${what}, got ${rest}`, 'td');
    throw new TlpError(`payload size mismatch: ${what}, got ${rest} bytes after the header`, 'length');
  }

  const tag = ((dw0 >>> 23) & 1) << 9 | ((dw0 >>> 19) & 1) << 8 | ((dw1 >>> 8) & 0xff);
  const f: Partial<Tlp> = {
    prefixes,
    tc: (dw0 >>> 20) & 7,
    attr: (((dw0 >>> 18) & 1) << 2) | ((dw0 >>> 12) & 3),
    ln: (dw0 & 0x20000) !== 0,
    th: (dw0 & 0x10000) !== 0,
    td,
    ep: (dw0 & 0x4000) !== 0,
    at: (dw0 >>> 10) & 3,
    length,
    tag,
    requesterId: dw1 >>> 16,
    // A copy in a plain Uint8Array: Buffer.slice would share the caller's memory.
    data: new Uint8Array(bytes.subarray(at + hdrBytes, at + hdrBytes + dataBytes)),
  };
  if (hasByteEnables(kind)) {
    f.firstBe = dw1 & 0xf;
    f.lastBe = (dw1 >>> 4) & 0xf;
  }
  const family = KINDS[kind].family;
  // Attr[2] is reserved for Cfg and IO requests, and a receiver ignores reserved bits.
  if (family === 'cfg' || family === 'io') f.attr! &= 3;
  if (family === 'cpl') {
    f.completerId = dw1 >>> 16;
    f.status = (dw1 >>> 13) & 7;
    f.bcm = (dw1 & 0x1000) !== 0;
    f.byteCount = dw1 & 0xfff || 4096;
    f.requesterId = dw2 >>> 16;
    f.tag = (tag & 0x300) | ((dw2 >>> 8) & 0xff);
    f.lowerAddress = dw2 & 0x7f;
  } else if (family === 'msg') {
    f.routing = routing;
    f.messageCode = dw1 & 0xff;
    f.messageDw2 = dw2;
    f.messageDw3 = dw3;
  } else if (family === 'cfg') {
    f.completerId = dw2 >>> 16;
    f.register = dw2 & 0xffc;
  } else {
    const lo = hdrBytes === 16 ? dw3 : dw2;
    f.address = (hdrBytes === 16 ? BigInt(dw2) << 32n : 0n) | BigInt((lo & ~3) >>> 0);
    if (f.th && hasPh(kind)) f.ph = lo & 3;
    if (hdrBytes === 16 && f.address <= 0xffffffffn) {
      throw new TlpError(`address 0x${f.address.toString(16)} in a 4-DW ${kind} header: addresses below 4 GB must use the 3-DW form`, 'address');
    }
  }
  if (td) f.digest = dv.getUint32(len - 4);
  const t = newTlp(kind, f);
  checkTlp(t);
  if (td && opts.checkEcrc) {
    const want = ecrc(bytes, len - 4);
    if (want !== t.digest) throw new TlpError(`ECRC mismatch: digest 0x${hex32(t.digest!)}, computed 0x${hex32(want)}`, 'digest');
  }
  return t;
}
