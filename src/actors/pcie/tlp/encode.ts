/** Tlp -> wire bytes (reference 1.3-1.9): prefixes, header, payload, digest. */
import { checkTlp } from './check.js';
import { ecrc } from './ecrc.js';
import { KINDS, fmtTypeByte, hasByteEnables, hasData, hasLength, hasPh, headerDws } from './kinds.js';
import { prefixDw } from './prefixes.js';
import type { Tlp } from './types.js';

export interface EncodeOptions {
  /** Compute the digest even when `t.digest` is set (by default a given digest is sent as is, to model corruption). */
  computeEcrc?: boolean;
}

/**
 * Wire bytes of `t`: local then end-to-end prefixes, 3- or 4-DW header, payload, and with TD the
 * digest (computed when `computeEcrc` or when `t.digest` is undefined). Throws TlpError when `t`
 * breaks a rule (see checkTlp). Fields that do not apply to the kind are not sent.
 */
export function encodeTlp(t: Tlp, opts: EncodeOptions = {}): Uint8Array {
  checkTlp(t);
  const body = encodeBody(t);
  if (!t.td) return body;
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  const digest = opts.computeEcrc || t.digest === undefined ? ecrc(body) : t.digest;
  new DataView(out.buffer).setUint32(body.length, digest);
  return out;
}

/** The digest DW `t` carries when sent with TD = 1 (the TD bit is part of the covered header). */
export function ecrcOfTlp(t: Tlp): number {
  checkTlp(t);
  return ecrc(encodeBody({ ...t, td: true }));
}

/** Prefixes, header and payload; `t` is already checked. */
function encodeBody(t: Tlp): Uint8Array {
  const hdr = headerDws(t);
  const dataLen = hasData(t.kind) ? t.data.length : 0;
  const pre = t.prefixes.length * 4;
  const out = new Uint8Array(pre + hdr * 4 + dataLen);
  const dv = new DataView(out.buffer);
  t.prefixes.forEach((p, i) => dv.setUint32(i * 4, prefixDw(p)));
  const dws = headerWords(t, hdr);
  dws.forEach((w, i) => dv.setUint32(pre + i * 4, w >>> 0));
  if (dataLen) out.set(t.data, pre + hdr * 4);
  return out;
}

function headerWords(t: Tlp, hdr: 3 | 4): number[] {
  const tag = t.tag & 0x3ff;
  const length = hasLength(t.kind) ? t.length & 0x3ff : 0;
  const dw0 =
    (fmtTypeByte(t) << 24) |
    ((tag >> 9) & 1) << 23 |
    (t.tc & 7) << 20 |
    ((tag >> 8) & 1) << 19 |
    ((t.attr >> 2) & 1) << 18 |
    (t.ln ? 1 << 17 : 0) |
    (t.th ? 1 << 16 : 0) |
    (t.td ? 1 << 15 : 0) |
    (t.ep ? 1 << 14 : 0) |
    (t.attr & 3) << 12 |
    (t.at & 3) << 10 |
    length;
  const family = KINDS[t.kind].family;
  const be = hasByteEnables(t.kind) ? ((t.lastBe & 0xf) << 4) | (t.firstBe & 0xf) : 0;
  const reqDw1 = (t.requesterId << 16) | ((tag & 0xff) << 8);
  switch (family) {
    case 'cpl':
      return [
        dw0,
        (t.completerId << 16) | ((t.status & 7) << 13) | (t.bcm ? 1 << 12 : 0) | (t.byteCount & 0xfff),
        reqDw1 | (t.lowerAddress & 0x7f),
      ];
    case 'msg':
      return [dw0, reqDw1 | (t.messageCode & 0xff), t.messageDw2, t.messageDw3];
    case 'cfg':
      return [dw0, reqDw1 | be, (t.completerId << 16) | (t.register & 0xffc)];
    default: {
      const ph = t.th && hasPh(t.kind) ? t.ph & 3 : 0;
      const lo = Number(t.address & 0xfffffffcn) | ph;
      if (hdr === 3) return [dw0, reqDw1 | be, lo];
      return [dw0, reqDw1 | be, Number(t.address >> 32n), lo];
    }
  }
}
