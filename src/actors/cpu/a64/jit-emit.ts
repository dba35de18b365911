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
 *
 * Here: the integer data-processing instructions and emit() itself; loads and stores are in
 * jit-emit-mem.ts, the operand helpers (registers, constants, shifts, conditions) in
 * jit-emit-operands.ts.
 */
import type {
  AddSubCarry, AddSubExt, AddSubImm, AddSubShift, Bitfield, CondCompare, CondSelect, Dp1, Dp2, Dp3, Extr, Insn,
  LogicImm, LogicReg, MoveWide,
} from './insn.js';
import { fromVa } from './state.js';
import { ldStImm, ldStPair, ldStReg, ldrLit } from './jit-emit-mem.js';
import { type EmitCtx, condExpr, extendInto, hi, lo, put, putConst, shiftInto } from './jit-emit-operands.js';

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
