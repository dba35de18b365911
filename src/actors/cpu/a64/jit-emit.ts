/**
 * JavaScript source for one decoded instruction inside a translated block (jit.ts). Registers
 * are read and written as 32-bit halves in `R` (A64State.r32, layout RegWord): all 64-bit
 * arithmetic is done on number pairs, never on bigints. The generated statements may use the
 * block's locals (a0 a1 b0 b1 r0 r1 c t o d va nx) and:
 *   s    the A64State (nzcv, pc)            R   its register halves
 *   M    the FastMem (r/w → offset in M.dv, -1: not here)
 *   X    the runtime helpers (exec: the reference interpreter for one instruction, mul64, ...)
 *   SP   index in R of the current stack pointer, EL the exception level (constant per block)
 *   V    A64State.v32 (the V registers as words: jit-simd.ts)
 *
 * emit() returns null for an instruction it does not translate; the block then calls the
 * reference interpreter for it (same semantics, slower). `bail` is the statement that hands the
 * current instruction to the interpreter when the fast path cannot do it (it must come before
 * any register write of the instruction).
 */
import type {
  AddSubCarry, AddSubExt, AddSubImm, AddSubShift, Bitfield, CondCompare, CondSelect, Dp1, Dp2, Dp3, Extr, Insn,
  LdStImm, LdStPair, LdStReg, LdrLit, LogicImm, LogicReg, MoveWide,
} from './insn.js';
import { encodeDataAbortIss } from '../../../shared/arm64/iss-abort.js';
import { fromVa } from './state.js';

/** Context of the instruction being emitted. */
export interface EmitCtx {
  pc: number;
  /** Statement handing this instruction to the interpreter (returns from the block). */
  bail: string;
  /** Statement ending the block after a trap whose outcome stops this CPU (pc: ELR_EL2). */
  stop: (skip: boolean) => string;
}

export const lo = (n: number, sp = false): string => (n === 31 ? (sp ? 'R[SP]' : '0') : `R[${2 * n}]`);
export const hi = (n: number, sp = false): string => (n === 31 ? (sp ? 'R[SP+1]' : '0') : `R[${2 * n + 1}]`);

/** Writes (l, h) to register n (W writes pass h = '0'); nothing for XZR. */
export function put(n: number, l: string, h: string, sp = false): string {
  if (n === 31) return sp ? `R[SP]=${l};R[SP+1]=${h};` : '';
  return `R[${2 * n}]=${l};R[${2 * n + 1}]=${h};`;
}

/** 64-bit unsigned constant as [lo, hi] source literals. */
function const64(v: bigint): [string, string] {
  const u = BigInt.asUintN(64, v);
  return [String(Number(u & 0xffff_ffffn)), String(Number(u >> 32n))];
}

/** Writes a constant to register n. */
export function putConst(n: number, v: bigint): string {
  const [l, h] = const64(v);
  return put(n, l, h);
}

/** NZCV from N and Z of (r0, r1) with C = V = 0 (logical ops). */
function logicFlags(sf: boolean): string {
  return sf
    ? 's.nzcv=((r1>>>31)<<31|((r0|r1)===0?0x40000000:0))>>>0;'
    : 's.nzcv=((r0>>>31)<<31|(r0===0?0x40000000:0))>>>0;';
}

/**
 * r = a + b + cin (b already inverted for subtraction), from a0 a1 b0 b1; flags when asked.
 * 32-bit: r1 = 0 and the flags come from bit 31.
 */
function addCore(sf: boolean, cin: string, flags: boolean): string {
  if (!sf) {
    let s = `r0=a0+b0+${cin};c=r0>4294967295?1:0;r0=r0>>>0;r1=0;`;
    if (flags) s += 's.nzcv=((r0>>>31)<<31|(r0===0?0x40000000:0)|c<<29|(((a0^r0)&(b0^r0))>>>31)<<28)>>>0;';
    return s;
  }
  let s = `r0=a0+b0+${cin};c=r0>4294967295?1:0;r0=r0>>>0;r1=a1+b1+c;c=r1>4294967295?1:0;r1=r1>>>0;`;
  if (flags) s += 's.nzcv=((r1>>>31)<<31|((r0|r1)===0?0x40000000:0)|c<<29|(((a1^r1)&(b1^r1))>>>31)<<28)>>>0;';
  return s;
}

/** Operand b for an add/sub, inverted for subtraction. */
function invertB(sf: boolean, sub: boolean): string {
  if (!sub) return '';
  return sf ? 'b0=~b0>>>0;b1=~b1>>>0;' : 'b0=~b0>>>0;';
}

/** b0/b1 = shift(t0/t1 named x0/x1, type, amount) as unsigned halves (type: LSL LSR ASR ROR). */
function shiftInto(sf: boolean, type: number, k: number, x0: string, x1: string): string {
  if (!sf) {
    if (k === 0) return `b0=${x0};b1=0;`;
    switch (type) {
      case 0: return `b0=(${x0}<<${k})>>>0;b1=0;`;
      case 1: return `b0=${x0}>>>${k};b1=0;`;
      case 2: return `b0=(${x0}>>${k})>>>0;b1=0;`;
      default: return `b0=((${x0}>>>${k})|(${x0}<<${32 - k}))>>>0;b1=0;`;
    }
  }
  if (k === 0) return `b0=${x0};b1=${x1};`;
  switch (type) {
    case 0:
      if (k < 32) return `b0=(${x0}<<${k})>>>0;b1=((${x1}<<${k})|(${x0}>>>${32 - k}))>>>0;`;
      return `b0=0;b1=(${x0}<<${k - 32})>>>0;`;
    case 1:
      if (k < 32) return `b0=((${x0}>>>${k})|(${x1}<<${32 - k}))>>>0;b1=${x1}>>>${k};`;
      return `b0=${x1}>>>${k - 32};b1=0;`;
    case 2:
      if (k < 32) return `b0=((${x0}>>>${k})|(${x1}<<${32 - k}))>>>0;b1=(${x1}>>${k})>>>0;`;
      return `b0=(${x1}>>${k - 32})>>>0;b1=(${x1}>>31)>>>0;`;
    default:
      if (k < 32) return `b0=((${x0}>>>${k})|(${x1}<<${32 - k}))>>>0;b1=((${x1}>>>${k})|(${x0}<<${32 - k}))>>>0;`;
      if (k === 32) return `b0=${x1};b1=${x0};`;
      return `b0=((${x1}>>>${k - 32})|(${x0}<<${64 - k}))>>>0;b1=((${x0}>>>${k - 32})|(${x1}<<${64 - k}))>>>0;`;
  }
}

/** b0/b1 = extend(register rm, extend) << amount (ADD/SUB extended, register-offset addressing). */
export function extendInto(rm: number, extend: number, amount: number): string {
  let s: string;
  switch (extend) {
    case 0: s = `t0=${lo(rm)}&255;t1=0;`; break;
    case 1: s = `t0=${lo(rm)}&65535;t1=0;`; break;
    case 2: s = `t0=${lo(rm)};t1=0;`; break;
    case 4: s = `t0=(${lo(rm)}<<24>>24)>>>0;t1=(t0>>31)>>>0;`; break;
    case 5: s = `t0=(${lo(rm)}<<16>>16)>>>0;t1=(t0>>31)>>>0;`; break;
    case 6: s = `t0=${lo(rm)};t1=(t0>>31)>>>0;`; break;
    default: s = `t0=${lo(rm)};t1=${hi(rm)};`; break;
  }
  return s + shiftInto(true, 0, amount, 't0', 't1');
}

/** Source of a condition-code test on s.nzcv (cond 14/15: always). */
export function condExpr(cond: number): string {
  const f = 's.nzcv';
  let e: string;
  switch (cond >> 1) {
    case 0: e = `(${f}&0x40000000)!==0`; break;
    case 1: e = `(${f}&0x20000000)!==0`; break;
    case 2: e = `(${f}&0x80000000)!==0`; break;
    case 3: e = `(${f}&0x10000000)!==0`; break;
    case 4: e = `(${f}&0x60000000)===0x20000000`; break;
    case 5: e = `((${f}>>>31)===((${f}>>>28)&1))`; break;
    case 6: e = `((${f}>>>31)===((${f}>>>28)&1)&&(${f}&0x40000000)===0)`; break;
    default: return 'true';
  }
  return (cond & 1) !== 0 ? `!(${e})` : e;
}

function addSubImm(i: AddSubImm): string {
  const sp = !i.setFlags;
  return `a0=${lo(i.rn, true)};a1=${i.sf ? hi(i.rn, true) : '0'};b0=${i.imm};b1=0;` + invertB(i.sf, i.sub) +
    addCore(i.sf, i.sub ? '1' : '0', i.setFlags) + put(i.rd, 'r0', 'r1', sp);
}

function addSubShift(i: AddSubShift): string {
  return `a0=${lo(i.rn)};a1=${i.sf ? hi(i.rn) : '0'};t0=${lo(i.rm)};t1=${i.sf ? hi(i.rm) : '0'};` +
    shiftInto(i.sf, i.shift, i.amount, 't0', 't1') + invertB(i.sf, i.sub) +
    addCore(i.sf, i.sub ? '1' : '0', i.setFlags) + put(i.rd, 'r0', 'r1');
}

function addSubExt(i: AddSubExt): string {
  return `a0=${lo(i.rn, true)};a1=${i.sf ? hi(i.rn, true) : '0'};` + extendInto(i.rm, i.extend, i.amount) +
    (i.sf ? '' : 'b1=0;') + invertB(i.sf, i.sub) + addCore(i.sf, i.sub ? '1' : '0', i.setFlags) +
    put(i.rd, 'r0', 'r1', !i.setFlags);
}

function addSubCarry(i: AddSubCarry): string {
  return `a0=${lo(i.rn)};a1=${i.sf ? hi(i.rn) : '0'};b0=${lo(i.rm)};b1=${i.sf ? hi(i.rm) : '0'};` +
    invertB(i.sf, i.sub) + addCore(i.sf, '((s.nzcv>>>29)&1)', i.setFlags) + put(i.rd, 'r0', 'r1');
}

const LOGIC_OP = ['&', '|', '^', '&'] as const;

function logicImm(i: LogicImm): string {
  const op = LOGIC_OP[i.opc];
  let s = `r0=(${lo(i.rn)}${op}${i.immLo})>>>0;r1=${i.sf ? `(${hi(i.rn)}${op}${i.immHi})>>>0` : '0'};`;
  if (i.setFlags) s += logicFlags(i.sf);
  return s + put(i.rd, 'r0', 'r1', !i.setFlags);
}

function logicReg(i: LogicReg): string {
  const op = LOGIC_OP[i.opc];
  let s = `t0=${lo(i.rm)};t1=${i.sf ? hi(i.rm) : '0'};` + shiftInto(i.sf, i.shift, i.amount, 't0', 't1');
  if (i.invert) s += i.sf ? 'b0=~b0;b1=~b1;' : 'b0=~b0;';
  s += `r0=(${lo(i.rn)}${op}b0)>>>0;r1=${i.sf ? `(${hi(i.rn)}${op}b1)>>>0` : '0'};`;
  if (i.setFlags) s += logicFlags(i.sf);
  return s + put(i.rd, 'r0', 'r1');
}

function moveWide(i: MoveWide): string {
  if (i.kind !== 'MOVK') return put(i.rd, String(i.valLo), String(i.valHi));
  if (i.rd === 31) return '';
  const keepLo = i.shift === 0 ? 0xffff0000 : i.shift === 16 ? 0xffff : 0xffffffff;
  const keepHi = i.shift === 32 ? 0xffff0000 : i.shift === 48 ? 0xffff : 0xffffffff;
  const l = `((${lo(i.rd)}&${keepLo})|${i.valLo})>>>0`;
  const h = i.sf ? `((${hi(i.rd)}&${keepHi})|${i.valHi})>>>0` : '0';
  return `r0=${l};r1=${h};` + put(i.rd, 'r0', 'r1');
}

function bitfield(i: Bitfield): string {
  const sf = i.sf;
  let s = `t0=${lo(i.rn)};t1=${sf ? hi(i.rn) : '0'};` + shiftInto(sf, 3, i.immr, 't0', 't1');
  // bot = (dst & ~wmask) | (ROR(src, immr) & wmask); top = SBFM ? replicate(src<imms>) : dst (0 for UBFM).
  const dst0 = i.kind === 'BFM' ? lo(i.rd) : '0';
  const dst1 = i.kind === 'BFM' && sf ? hi(i.rd) : '0';
  s += `a0=((${dst0}&${~i.wmaskLo >>> 0})|(b0&${i.wmaskLo}))>>>0;a1=${sf ? `((${dst1}&${~i.wmaskHi >>> 0})|(b1&${i.wmaskHi}))>>>0` : '0'};`;
  if (i.kind === 'SBFM') {
    const bit = i.imms < 32 ? `(t0>>>${i.imms})&1` : `(t1>>>${i.imms - 32})&1`;
    s += `c=-(${bit});`;
    s += `r0=((c&${~i.tmaskLo >>> 0})|(a0&${i.tmaskLo}))>>>0;r1=${sf ? `((c&${~i.tmaskHi >>> 0})|(a1&${i.tmaskHi}))>>>0` : '0'};`;
  } else {
    s += `r0=((${dst0}&${~i.tmaskLo >>> 0})|(a0&${i.tmaskLo}))>>>0;r1=${sf ? `((${dst1}&${~i.tmaskHi >>> 0})|(a1&${i.tmaskHi}))>>>0` : '0'};`;
  }
  return s + put(i.rd, 'r0', 'r1');
}

function extr(i: Extr): string {
  const k = i.lsb;
  if (!i.sf) {
    const r = k === 0 ? lo(i.rm) : `((${lo(i.rm)}>>>${k})|(${lo(i.rn)}<<${32 - k}))>>>0`;
    return `r0=${r};r1=0;` + put(i.rd, 'r0', 'r1');
  }
  // (rn:rm) >> k: the low half from rm shifted right, the high from rn shifted left by 64 - k.
  let s = `t0=${lo(i.rm)};t1=${hi(i.rm)};` + shiftInto(true, 1, k, 't0', 't1') + 'r0=b0;r1=b1;';
  if (k !== 0) s += `t0=${lo(i.rn)};t1=${hi(i.rn)};` + shiftInto(true, 0, 64 - k, 't0', 't1') + 'r0=(r0|b0)>>>0;r1=(r1|b1)>>>0;';
  return s + put(i.rd, 'r0', 'r1');
}

function condSelect(i: CondSelect): string {
  let s = `if(${condExpr(i.cond)}){r0=${lo(i.rn)};r1=${i.sf ? hi(i.rn) : '0'};}else{r0=${lo(i.rm)};r1=${i.sf ? hi(i.rm) : '0'};`;
  if (i.invert) s += i.sf ? 'r0=~r0>>>0;r1=~r1>>>0;' : 'r0=~r0>>>0;';
  if (i.increment) s += i.sf ? 'r0=r0+1;c=r0>4294967295?1:0;r0=r0>>>0;r1=(r1+c)>>>0;' : 'r0=(r0+1)>>>0;';
  return s + '}' + put(i.rd, 'r0', 'r1');
}

function condCompare(i: CondCompare): string {
  const b0 = i.useImm ? String(i.imm) : lo(i.rm);
  const b1 = i.useImm || !i.sf ? '0' : hi(i.rm);
  return `if(${condExpr(i.cond)}){a0=${lo(i.rn)};a1=${i.sf ? hi(i.rn) : '0'};b0=${b0};b1=${b1};` +
    invertB(i.sf, i.sub) + addCore(i.sf, i.sub ? '1' : '0', true) + `}else{s.nzcv=${(i.nzcv << 28) >>> 0};}`;
}

function dp1(i: Dp1): string | null {
  switch (i.kind) {
    case 'CLZ':
      if (!i.sf) return `r0=Math.clz32(${lo(i.rn)});r1=0;` + put(i.rd, 'r0', 'r1');
      return `t1=${hi(i.rn)};r0=t1!==0?Math.clz32(t1):32+Math.clz32(${lo(i.rn)});r1=0;` + put(i.rd, 'r0', 'r1');
    case 'REV':
      if (!i.sf) return `r0=X.bswap(${lo(i.rn)});r1=0;` + put(i.rd, 'r0', 'r1');
      return `t0=${lo(i.rn)};t1=${hi(i.rn)};r0=X.bswap(t1);r1=X.bswap(t0);` + put(i.rd, 'r0', 'r1');
    default:
      return null;
  }
}

function dp2(i: Dp2): string | null {
  if (!i.sf) {
    const n = lo(i.rn);
    const m = lo(i.rm);
    switch (i.kind) {
      case 'UDIV': return `t0=${m};r0=t0===0?0:Math.floor(${n}/t0)>>>0;r1=0;` + put(i.rd, 'r0', 'r1');
      case 'SDIV': return `t0=${m}|0;r0=t0===0?0:Math.trunc((${n}|0)/t0)>>>0;r1=0;` + put(i.rd, 'r0', 'r1');
      case 'LSLV': return `r0=(${n}<<(${m}&31))>>>0;r1=0;` + put(i.rd, 'r0', 'r1');
      case 'LSRV': return `r0=${n}>>>(${m}&31);r1=0;` + put(i.rd, 'r0', 'r1');
      case 'ASRV': return `r0=(${n}>>(${m}&31))>>>0;r1=0;` + put(i.rd, 'r0', 'r1');
      default: return `t0=${m}&31;t1=${n};r0=t0===0?t1:((t1>>>t0)|(t1<<(32-t0)))>>>0;r1=0;` + put(i.rd, 'r0', 'r1');
    }
  }
  const kind = ['LSLV', 'LSRV', 'ASRV', 'RORV'].indexOf(i.kind);
  if (kind < 0) return null;
  return `X.shift64(${kind},${lo(i.rn)},${hi(i.rn)},${lo(i.rm)}&63);` + put(i.rd, 'X.lo', 'X.hi');
}

function dp3(i: Dp3): string | null {
  const sub = i.kind === 'MSUB' || i.kind === 'SMSUBL' || i.kind === 'UMSUBL';
  switch (i.kind) {
    case 'MADD': case 'MSUB':
      if (!i.sf) {
        return `r0=(${lo(i.ra)}${sub ? '-' : '+'}Math.imul(${lo(i.rn)},${lo(i.rm)}))>>>0;r1=0;` + put(i.rd, 'r0', 'r1');
      }
      return `X.mul64(${lo(i.rn)},${hi(i.rn)},${lo(i.rm)},${hi(i.rm)});b0=X.lo;b1=X.hi;a0=${lo(i.ra)};a1=${hi(i.ra)};` +
        invertB(true, sub) + addCore(true, sub ? '1' : '0', false) + put(i.rd, 'r0', 'r1');
    case 'UMADDL': case 'UMSUBL': case 'SMADDL': case 'SMSUBL': {
      const signed = i.kind[0] === 'S';
      return `X.mul32(${lo(i.rn)},${lo(i.rm)},${signed});b0=X.lo;b1=X.hi;a0=${lo(i.ra)};a1=${hi(i.ra)};` +
        invertB(true, sub) + addCore(true, sub ? '1' : '0', false) + put(i.rd, 'r0', 'r1');
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------- loads and stores

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

function ldStImm(i: LdStImm, ctx: EmitCtx): string | null {
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

function ldStReg(i: LdStReg, ctx: EmitCtx): string {
  const s = baseInto(i.rn, ctx) + extendInto(i.rm, i.extend, i.amount) + ADD64 + VA_R;
  return s + access(i, ctx, i.load ? loadReg(i.size, i.signed, i.sf, i.rt, 'o') : storeReg(i.size, i.rt, 'o'));
}

function ldrLit(i: LdrLit, ctx: EmitCtx): string {
  const bytes = 1 << i.size;
  const va = ctx.pc + i.offset;
  return ramOrBail(true, String(va), bytes, bytes - 1, ctx) + loadReg(i.size, i.signed, i.sf, i.rt, 'o');
}

function ldStPair(i: LdStPair, ctx: EmitCtx): string {
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

/** Source for a non-branch instruction, or null when the interpreter must execute it. */
export function emit(i: Insn, ctx: EmitCtx): string | null {
  switch (i.op) {
    case 'ADDSUB_IMM': return addSubImm(i);
    case 'ADDSUB_SHIFT': return addSubShift(i);
    case 'ADDSUB_EXT': return addSubExt(i);
    case 'ADDSUB_CARRY': return addSubCarry(i);
    case 'LOGIC_IMM': return logicImm(i);
    case 'LOGIC_REG': return logicReg(i);
    case 'MOV_WIDE': return moveWide(i);
    case 'ADR': {
      const v = i.page ? (ctx.pc - (((ctx.pc % 4096) + 4096) % 4096)) + i.imm : ctx.pc + i.imm;
      return putConst(i.rd, fromVa(v));
    }
    case 'BITFIELD': return bitfield(i);
    case 'EXTR': return extr(i);
    case 'COND_SEL': return condSelect(i);
    case 'COND_CMP': return condCompare(i);
    case 'DP1': return dp1(i);
    case 'DP2': return dp2(i);
    case 'DP3': return dp3(i);
    case 'LDST_IMM': return ldStImm(i, ctx);
    case 'LDST_REG': return ldStReg(i, ctx);
    case 'LDR_LIT': return ldrLit(i, ctx);
    case 'LDST_PAIR': return ldStPair(i, ctx);
    case 'PRFM': return '';
    default: return null;
  }
}
