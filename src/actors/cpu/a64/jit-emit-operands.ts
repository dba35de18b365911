/**
 * The operand helpers of the translator's code emitter (jit-emit.ts, jit-emit-mem.ts,
 * jit-simd.ts): the emit context, register halves in `R`, constants, shifted and extended
 * operands into b0/b1, and condition tests on s.nzcv. See jit-emit.ts for the names the
 * generated statements may use.
 */
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
export function const64(v: bigint): [string, string] {
  const u = BigInt.asUintN(64, v);
  return [String(Number(u & 0xffff_ffffn)), String(Number(u >> 32n))];
}

/** Writes a constant to register n. */
export function putConst(n: number, v: bigint): string {
  const [l, h] = const64(v);
  return put(n, l, h);
}

/** b0/b1 = shift(t0/t1 named x0/x1, type, amount) as unsigned halves (type: LSL LSR ASR ROR). */
export function shiftInto(sf: boolean, type: number, k: number, x0: string, x1: string): string {
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
