/**
 * Loads and stores for the translator's code emitter (jit-emit.ts): addresses from (a0, a1) or
 * (r0, r1) into va, RAM through FastMem (M) with the interpreter or the hypervisor (X.dabt) for
 * the rest, and the register transfers. The address helpers are jit-simd.ts's too.
 */
import type { LdStImm, LdStPair, LdStReg, LdrLit } from './insn.js';
import { encodeDataAbortIss } from '../../../shared/arm64/iss-abort.js';
import { type EmitCtx, const64, extendInto, hi, lo, put } from './jit-emit-operands.js';

/**
 * va from the 64-bit address in (a0, a1) (the base) or (r0, r1) (base + offset): a signed
 * number, exact while it is a canonical VA.
 */
export const VA = 'va=(a1|0)*4294967296+a0;';
export const VA_R = 'va=(r1|0)*4294967296+r0;';

/** The transfer of one register at offset `o` of `d` (after a successful lookup). */
function loadReg(size: number, signed: boolean, sf: boolean, rt: number, at: string): string {
  if (rt === 31) return '';
  switch (size) {
    case 0: return signed ? `t0=d.getInt8(${at});` + put(rt, 't0>>>0', sf ? '(t0>>31)>>>0' : '0')
      : put(rt, `d.getUint8(${at})`, '0');
    case 1: return signed ? `t0=d.getInt16(${at},true);` + put(rt, 't0>>>0', sf ? '(t0>>31)>>>0' : '0')
      : put(rt, `d.getUint16(${at},true)`, '0');
    case 2: return signed ? `t0=d.getInt32(${at},true);` + put(rt, 't0>>>0', '(t0>>31)>>>0')
      : put(rt, `d.getUint32(${at},true)`, '0');
    default: return put(rt, `d.getUint32(${at},true)`, `d.getUint32(${at}+4,true)`);
  }
}

function storeReg(size: number, rt: number, at: string): string {
  switch (size) {
    case 0: return `d.setUint8(${at},${lo(rt)});`;
    case 1: return `d.setUint16(${at},${lo(rt)},true);`;
    case 2: return `d.setUint32(${at},${lo(rt)},true);`;
    default: return `d.setUint32(${at},${lo(rt)},true);d.setUint32(${at}+4,${hi(rt)},true);`;
  }
}

/** a0/a1 = base register (an SP base must be 16-byte aligned, else the interpreter decides). */
export function baseInto(rn: number, ctx: EmitCtx): string {
  if (rn === 31) return `a0=R[SP];a1=R[SP+1];if((a0&15)!==0){${ctx.bail}}`;
  return `a0=${lo(rn)};a1=${hi(rn)};`;
}

/** (r0, r1) = (a0, a1) + (b0, b1). */
export const ADD64 = 'r0=a0+b0;c=r0>4294967295?1:0;r0=r0>>>0;r1=(a1+b1+c)>>>0;';

export function offsetInto(off: number): string {
  const [l, h] = const64(BigInt(off));
  return `b0=${l};b1=${h};`;
}

export function ldStImm(i: LdStImm, ctx: EmitCtx): string | null {
  if (i.unpriv) return null;
  const bytes = 1 << i.size;
  let s = baseInto(i.rn, ctx) + offsetInto(i.offset) + ADD64;
  // The access uses base + offset, or the base itself for post-index.
  s += i.writeback === 'post' ? VA : VA_R;
  const body = i.load ? loadReg(i.size, i.signed, i.sf, i.rt, 'o') : storeReg(i.size, i.rt, 'o');
  if (i.writeback === 'none') return s + access(i, ctx, body);
  return s + ramOrBail(i.load, 'va', bytes, bytes - 1, ctx) + body + put(i.rn, 'r0', 'r1', true);
}

/** d/o = the RAM behind a `span`-byte access at `va`, or the interpreter does the instruction. */
function ramOrBail(load: boolean, va: string, span: number, alignMask: number, ctx: EmitCtx): string {
  return `o=M.${load ? 'r' : 'w'}(${va},${span},${alignMask},EL);if(o<0){${ctx.bail}}d=M.dv;`;
}

/**
 * A single-register access with a valid syndrome (ISV = 1): RAM through FastMem; a stage-2
 * fault goes straight to the hypervisor (X.dabt, with the syndrome fixed at translation time),
 * which emulates the access (MMIO) and writes a loaded value into the register file itself.
 */
function access(i: LdStImm | LdStReg, ctx: EmitCtx, body: string): string {
  const bytes = 1 << i.size;
  const syn = encodeDataAbortIss({
    isv: true, sas: i.size, sse: i.load && i.signed, srt: i.rt, sf: i.sf, ar: false, wnr: !i.load,
    cm: false, s1ptw: false, ea: false, dfsc: 0,
  });
  return `o=M.${i.load ? 'r' : 'w'}(va,${bytes},${bytes - 1},EL);` +
    `if(o<0){t0=X.dabt(va,${bytes},${!i.load},${syn},EL,${ctx.pc});if(t0===0){${ctx.bail}}` +
    `if(t0===2){${ctx.stop(true)}}if(t0===3){${ctx.stop(false)}}}else{d=M.dv;${body}}`;
}

export function ldStReg(i: LdStReg, ctx: EmitCtx): string {
  const s = baseInto(i.rn, ctx) + extendInto(i.rm, i.extend, i.amount) + ADD64 + VA_R;
  return s + access(i, ctx, i.load ? loadReg(i.size, i.signed, i.sf, i.rt, 'o') : storeReg(i.size, i.rt, 'o'));
}

export function ldrLit(i: LdrLit, ctx: EmitCtx): string {
  const bytes = 1 << i.size;
  const va = ctx.pc + i.offset;
  return ramOrBail(true, String(va), bytes, bytes - 1, ctx) + loadReg(i.size, i.signed, i.sf, i.rt, 'o');
}

export function ldStPair(i: LdStPair, ctx: EmitCtx): string {
  const bytes = 1 << i.size;
  let s = baseInto(i.rn, ctx) + offsetInto(i.offset) + ADD64;
  s += i.writeback === 'post' ? VA : VA_R;
  s += ramOrBail(i.load, 'va', 2 * bytes, bytes - 1, ctx);
  if (i.load) {
    s += loadReg(i.size, i.signed, i.sf, i.rt, 'o') + loadReg(i.size, i.signed, i.sf, i.rt2, `o+${bytes}`);
  } else {
    s += storeReg(i.size, i.rt, 'o') + storeReg(i.size, i.rt2, `o+${bytes}`);
  }
  if (i.writeback !== 'none') s += put(i.rn, 'r0', 'r1', true);
  return s;
}
