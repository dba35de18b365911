/**
 * JavaScript source for the SIMD&FP forms the block translator inlines instead of calling their
 * decoded closure (SimdFp.jit, see insn.ts): loads and stores of whole registers (LD1R too),
 * FMOV between general and V registers, MOVI/MVNI, and the bitwise and 32-bit-lane ADD SUB MUL
 * MLA MLS vector ops (a vectorised loop's body). `V` is the block's A64State.v32 (V[n] is
 * words 4n..4n+3, little-endian, as simd/vregs.ts lays them out); the rest is jit-emit.ts's
 * (the address and operand helpers come from jit-emit-mem.ts and jit-emit-operands.ts).
 *
 * Every form checks CPACR_EL1.FPEN first: trapped FP hands the instruction to the interpreter,
 * which takes the exception. A load or store is one FastMem lookup covering every byte it
 * moves (all registers of a pair or an LD1/ST1), so the alignment rules, Device memory and
 * page crossings are FastMem's, as for the integer accesses. When FastMem cannot serve it, the
 * instruction's closure (the reference) does the whole instruction from the start; only when
 * that faults does the block hand it to the interpreter to report the exception. The closure
 * leaves everything untouched on a fault, and the inline path writes registers, memory and the
 * base only after the lookup succeeded, so the fast path never half does an instruction.
 */
import type { SimdFp, SimdJit, WordsOp } from './insn.js';
import { ADD64, VA, VA_R, baseInto, offsetInto } from './jit-emit-mem.js';
import { type EmitCtx, extendInto, hi, lo, put } from './jit-emit-operands.js';

export interface SimdCtx extends EmitCtx {
  /** Statement running the instruction's closure and bailing when it faults. */
  slow: string;
}

type LdSt = Extract<SimdJit, { kind: 'ldst' }>;

/** V[t] = ZeroExtend(the `bytes` at d[at]): a scalar load clears the register's upper bits. */
function loadV(t: number, bytes: number, at: string): string {
  const w = 4 * t;
  switch (bytes) {
    case 1: return `V[${w}]=d.getUint8(${at});V[${w + 1}]=0;V[${w + 2}]=0;V[${w + 3}]=0;`;
    case 2: return `V[${w}]=d.getUint16(${at},true);V[${w + 1}]=0;V[${w + 2}]=0;V[${w + 3}]=0;`;
    case 4: return `V[${w}]=d.getUint32(${at},true);V[${w + 1}]=0;V[${w + 2}]=0;V[${w + 3}]=0;`;
    case 8: return `V[${w}]=d.getUint32(${at},true);V[${w + 1}]=d.getUint32(${at}+4,true);V[${w + 2}]=0;V[${w + 3}]=0;`;
    default:
      return `V[${w}]=d.getUint32(${at},true);V[${w + 1}]=d.getUint32(${at}+4,true);` +
        `V[${w + 2}]=d.getUint32(${at}+8,true);V[${w + 3}]=d.getUint32(${at}+12,true);`;
  }
}

/** The low `bytes` of V[t] to d[at] (the setters truncate the word). */
function storeV(t: number, bytes: number, at: string): string {
  const w = 4 * t;
  switch (bytes) {
    case 1: return `d.setUint8(${at},V[${w}]);`;
    case 2: return `d.setUint16(${at},V[${w}],true);`;
    case 4: return `d.setUint32(${at},V[${w}],true);`;
    default: {
      let s = '';
      for (let k = 0; k < bytes / 4; k++) s += `d.setUint32(${k === 0 ? at : `${at}+${4 * k}`},V[${w + k}],true);`;
      return s;
    }
  }
}

/**
 * V[t] = the element at d[at] in each of the first `width` bytes, the rest zeroed (LD1R). t0/t1
 * are free here: the address is computed.
 */
function replicateV(t: number, bytes: number, width: number, at: string): string {
  const w = 4 * t;
  let s: string;
  switch (bytes) {
    case 1: s = `t0=Math.imul(d.getUint8(${at}),0x1010101)>>>0;t1=t0;`; break;
    case 2: s = `t0=Math.imul(d.getUint16(${at},true),0x10001)>>>0;t1=t0;`; break;
    case 4: s = `t0=d.getUint32(${at},true);t1=t0;`; break;
    default: s = `t0=d.getUint32(${at},true);t1=d.getUint32(${at}+4,true);`; break;
  }
  return s + `V[${w}]=t0;V[${w + 1}]=t1;` + (width === 16 ? `V[${w + 2}]=t0;V[${w + 3}]=t1;` : `V[${w + 2}]=0;V[${w + 3}]=0;`);
}

/**
 * va = the access address; (r0, r1) = the written-back base for pre/post-index. A base of SP
 * must be 16-byte aligned, else the interpreter decides (SCTLR_EL1.SA), as for integer accesses.
 */
function address(j: LdSt, ctx: SimdCtx): string {
  if (j.mode === 'lit') return `va=${ctx.pc + j.offset};`;
  const base = baseInto(j.rn, ctx);
  switch (j.mode) {
    case 'reg': return base + extendInto(j.rm, j.extend, j.amount) + ADD64 + VA_R;
    case 'postReg': return base + `b0=${lo(j.rm)};b1=${hi(j.rm)};` + ADD64 + VA;
    default:
      if (j.offset === 0 && j.writeback === 'none') return base + VA;
      return base + offsetInto(j.offset) + ADD64 + (j.writeback === 'post' ? VA : VA_R);
  }
}

function ldSt(j: LdSt, ctx: SimdCtx): string {
  const { bytes, regs } = j;
  let moves = '';
  regs.forEach((t, k) => {
    const at = k === 0 ? 'o' : `o+${k * bytes}`;
    if (!j.load) moves += storeV(t, bytes, at);
    else moves += j.replicate !== 0 ? replicateV(t, bytes, j.replicate, at) : loadV(t, bytes, at);
  });
  const wb = j.writeback !== 'none' || j.mode === 'postReg' ? put(j.rn, 'r0', 'r1', true) : '';
  return address(j, ctx) +
    `o=M.${j.load ? 'r' : 'w'}(va,${regs.length * bytes},${j.align - 1},EL);if(o<0){${ctx.slow}}else{d=M.dv;${moves}${wb}}`;
}

function fmov(j: Extract<SimdJit, { kind: 'fmov' }>): string {
  const { d, n } = j;
  if (j.toGen) {
    // FMOV Wd, Sn / Xd, Dn / Xd, Vn.D[1] (Rd = 31 is XZR: nothing written).
    const w = 4 * n + (j.top ? 2 : 0);
    return put(d, `V[${w}]`, j.sf ? `V[${w + 1}]` : '0');
  }
  if (j.top) return `V[${4 * d + 2}]=${lo(n)};V[${4 * d + 3}]=${hi(n)};`; // FMOV Vd.D[1], Xn: D[0] kept
  return `V[${4 * d}]=${lo(n)};V[${4 * d + 1}]=${j.sf ? hi(n) : '0'};V[${4 * d + 2}]=0;V[${4 * d + 3}]=0;`;
}

function movi(j: Extract<SimdJit, { kind: 'movi' }>): string {
  const w = 4 * j.d;
  return `V[${w}]=${j.lo};V[${w + 1}]=${j.hi};V[${w + 2}]=${j.q ? j.lo : 0};V[${w + 3}]=${j.q ? j.hi : 0};`;
}

/** Expression of one word of V[d] = V[n] op V[m] (32-bit lanes for the arithmetic). */
function wordExpr(op: WordsOp, a: string, b: string, acc: string): string {
  switch (op) {
    case 'and': return `${a}&${b}`;
    case 'bic': return `${a}&~${b}`;
    case 'orr': return a === b ? a : `${a}|${b}`;
    case 'orn': return `${a}|~${b}`;
    case 'eor': return `${a}^${b}`;
    case 'add': return `${a}+${b}`;
    case 'sub': return `${a}-${b}`;
    case 'mul': return `Math.imul(${a},${b})`;
    case 'mla': return `${acc}+Math.imul(${a},${b})`;
    default: return `${acc}-Math.imul(${a},${b})`;
  }
}

/** Lanes are independent, so V[d] may be V[n] or V[m]: each word is read before it is written. */
function words(j: Extract<SimdJit, { kind: 'words' }>): string {
  let s = '';
  const count = j.q ? 4 : 2;
  for (let k = 0; k < count; k++) {
    const dw = 4 * j.d + k;
    // Uint32Array stores wrap modulo 2^32, as the lanes do.
    s += `V[${dw}]=${wordExpr(j.op, `V[${4 * j.n + k}]`, `V[${4 * j.m + k}]`, `V[${dw}]`)};`;
  }
  if (!j.q) s += `V[${4 * j.d + 2}]=0;V[${4 * j.d + 3}]=0;`;
  return s;
}

/** Source for an inlined SIMD&FP instruction, or null: the block calls its closure. */
export function emitSimd(i: SimdFp, ctx: SimdCtx): string | null {
  const j = i.jit;
  if (j === undefined) return null;
  const fpen = `if(!s.fpAllowed()){${ctx.bail}}`;
  switch (j.kind) {
    case 'ldst': return fpen + ldSt(j, ctx);
    case 'fmov': return fpen + fmov(j);
    case 'words': return fpen + words(j);
    default: return fpen + movi(j);
  }
}
