/**
 * What makes a Tlp value sendable. encodeTlp checks it before writing bytes and decodeTlp after
 * reading them, so whatever decodes also encodes: a packet the codec would not build does not
 * come out of the decoder either (Malformed TLP, in the spec's words).
 */
import { checkByteEnables } from './byte-enables.js';
import { TlpError, checkInt } from './error.js';
import { KINDS, hasAddress, hasByteEnables, hasData, hasLength, isTlpKind } from './kinds.js';
import type { Tlp } from './types.js';

const U32 = 0xffffffff;

/** Throws TlpError naming the first field that breaks a rule; returns quietly otherwise. */
export function checkTlp(t: Tlp): void {
  if (!isTlpKind(t.kind)) throw new TlpError(`kind ${String(t.kind)}: not a TLP kind`, 'kind');
  const k = KINDS[t.kind];
  checkPrefixes(t);
  checkInt('tc', t.tc, 0, 7);
  checkInt('attr', t.attr, 0, 7);
  checkInt('at', t.at, 0, 3);
  checkInt('tag', t.tag, 0, 1023);
  checkInt('requesterId', t.requesterId, 0, 0xffff);
  if (t.digest !== undefined) checkInt('digest', t.digest, 0, U32);
  if (hasLength(t.kind)) checkInt('length', t.length, 1, 1024);
  if (hasData(t.kind) && t.data.length !== t.length * 4) {
    throw new TlpError(`data ${t.data.length} bytes: a ${t.kind} with length ${t.length} carries ${t.length * 4}`, 'data');
  }
  if (hasAddress(t.kind)) checkAddress(t);
  if (hasByteEnables(t.kind)) {
    checkInt('firstBe', t.firstBe, 0, 15);
    checkInt('lastBe', t.lastBe, 0, 15);
  }
  switch (k.family) {
    case 'mem':
      checkByteEnables(t);
      checkNo4kCrossing(t);
      break;
    case 'io':
    case 'cfg':
      if (t.length !== 1) throw new TlpError(`length ${t.length}: ${t.kind} requests carry exactly 1 DW`, 'length');
      for (const f of ['tc', 'attr', 'at'] as const) if (t[f] !== 0) throw new TlpError(`${f} ${t[f]}: must be 0 for ${t.kind} requests`, f);
      checkByteEnables(t);
      if (k.family === 'cfg') {
        checkInt('completerId', t.completerId, 0, 0xffff);
        checkInt('register', t.register, 0, 0xffc);
        if (t.register & 3) throw new TlpError(`register 0x${t.register.toString(16)}: must be DW aligned`, 'register');
      }
      break;
    case 'atomic':
      checkAtomic(t);
      break;
    case 'msg':
      checkInt('routing', t.routing, 0, 7);
      checkInt('messageCode', t.messageCode, 0, 0xff);
      checkInt('messageDw2', t.messageDw2, 0, U32);
      checkInt('messageDw3', t.messageDw3, 0, U32);
      break;
    case 'cpl':
      checkInt('completerId', t.completerId, 0, 0xffff);
      checkInt('status', t.status, 0, 7);
      checkInt('byteCount', t.byteCount, 1, 4096);
      checkInt('lowerAddress', t.lowerAddress, 0, 0x7f);
      break;
  }
}

function checkPrefixes(t: Tlp): void {
  let e2e = 0;
  t.prefixes.forEach((p, i) => {
    checkInt(`prefixes[${i}].subtype`, p.subtype, 0, 15);
    checkInt(`prefixes[${i}].body`, p.body, 0, 0xffffff);
    if (p.endToEnd) e2e++;
    else if (e2e > 0) throw new TlpError(`prefixes[${i}]: a local prefix after an end-to-end one (all local prefixes come first)`, 'prefixes');
  });
  if (e2e > 4) throw new TlpError(`prefixes: ${e2e} end-to-end prefixes, at most 4 are allowed`, 'prefixes');
}

function checkAddress(t: Tlp): void {
  const a = t.address;
  const hex = `0x${a.toString(16)}`;
  if (typeof a !== 'bigint' || a < 0n || a > 0xffffffffffffffffn) throw new TlpError(`address ${String(a)}: expected a 64-bit unsigned bigint`, 'address');
  if (a & 3n) throw new TlpError(`address ${hex}: bits 1:0 must be 0 (the byte enables select bytes)`, 'address');
  if (KINDS[t.kind].family === 'io' && a > 0xffffffffn) throw new TlpError(`address ${hex}: IO requests are 32-bit`, 'address');
  if (t.th && KINDS[t.kind].family !== 'io') checkInt('ph', t.ph, 0, 3);
}

/** Optional receiver check in the spec, mandatory for requesters: a memory request stays within one 4 KB page. */
function checkNo4kCrossing(t: Tlp): void {
  const off = Number(t.address & 0xfffn);
  if (off + t.length * 4 > 0x1000) {
    throw new TlpError(`length ${t.length}: ${t.kind} at address 0x${t.address.toString(16)} crosses a 4 KB boundary`, 'length');
  }
}

/** FetchAdd/Swap: 1 or 2 DW (32/64-bit operand); CAS: 2, 4 or 8 DW (two operands); address aligned to the operand. */
function checkAtomic(t: Tlp): void {
  const ok = t.kind === 'CAS' ? [2, 4, 8] : [1, 2];
  if (!ok.includes(t.length)) throw new TlpError(`length ${t.length}: a ${t.kind} carries ${ok.join(', ')} DW`, 'length');
  const operand = t.kind === 'CAS' ? t.length * 2 : t.length * 4;
  if (t.address % BigInt(operand) !== 0n) {
    throw new TlpError(`address 0x${t.address.toString(16)}: a ${t.kind} with a ${operand}-byte operand must be aligned to ${operand}`, 'address');
  }
}
