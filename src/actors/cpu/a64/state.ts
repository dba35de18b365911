/**
 * Architectural register state of one simulated AArch64 CPU as seen by EL1/EL0 guest code:
 * X0..X30, SP_EL0/SP_EL1, PC, PSTATE (NZCV, DAIF, EL, SPSel), the EL1/EL0 system registers the
 * interpreter owns (keyed by the packed sysreg key of sysregs.ts), the local exclusive monitor,
 * and the FP/Advanced SIMD state: V0..V31 (128 bits each), FPCR and FPSR.
 *
 * ADDRESSES AS NUMBERS. `pc` (and every VA handed to GuestMemory) is a JavaScript number holding
 * the 64-bit address interpreted as a SIGNED value: lower-half (TTBR0) addresses are 0..2^52,
 * upper-half (TTBR1, e.g. 0xffff_8000_1000_0000) addresses are negative numbers. Every canonical
 * VA (bits 63..52 a sign extension of bit 52 or lower) is exact in this form; {@link toVa} and
 * {@link fromVa} convert. Registers (X, SP, system registers) hold unsigned 64-bit bigints.
 *
 * REGISTER 31: `reg(31, sf, true)` is the current SP, `reg(31, sf, false)` is XZR/WZR (reads 0,
 * writes discarded). W (sf = false) reads return the low 32 bits; W writes zero-extend.
 */

import { packSysregKey } from '../../../shared/arm64/sysregs.js';

/** Low 32 bits mask. */
export const M32 = 0xffff_ffffn;
/** 64 bits mask. */
export const M64 = 0xffff_ffff_ffff_ffffn;

/** PSTATE.NZCV bits as stored in {@link A64State.nzcv} (bits 31..28). */
export const FLAG_N = 0x8000_0000;
export const FLAG_Z = 0x4000_0000;
export const FLAG_C = 0x2000_0000;
export const FLAG_V = 0x1000_0000;

/** PSTATE.DAIF bits as stored in {@link A64State.daif} (bits 9..6). */
export const DAIF_D = 0x200;
export const DAIF_A = 0x100;
export const DAIF_I = 0x80;
export const DAIF_F = 0x40;

/** Packed key of CPACR_EL1 (FPEN, bits 21:20, is cached in {@link A64State.fpen}). */
export const CPACR_EL1_KEY = packSysregKey(3, 0, 1, 0, 2);

/** Packed key of SCTLR_EL1 and its ARMv8.0 RES1 bits (the reset value used here). */
export const SCTLR_EL1_KEY = packSysregKey(3, 0, 1, 0, 0);
export const SCTLR_EL1_RES1 = 0x30d0_0800n;

/**
 * The local exclusive monitor set by LDXR/LDXP: address and total size in bytes (1..16) plus the
 * value(s) read, against which STXR/STXP compare-and-swap (value2: the second 8 bytes of a
 * 16-byte LDXP).
 */
export interface ExclusiveMonitor { addr: number; size: number; value: bigint; value2?: bigint }

/** 64-bit register value → signed-number VA (exact for canonical addresses, see the header). */
export function toVa(x: bigint): number {
  return Number(BigInt.asIntN(64, x));
}

export const TCR_EL1_KEY = packSysregKey(3, 0, 2, 0, 2);
/** TCR_EL1.TBI0 (bit 37) and TBI1 (bit 38): top byte ignored for TTBR0 / TTBR1 addresses. */
const TCR_TBI0 = 1n << 37n;
const TCR_TBI1 = 1n << 38n;

/**
 * The VA a 64-bit address names at EL0/EL1, or undefined when no exact number can hold it.
 * AddrTop: with TCR_EL1.TBIx set for the address's half (bit 55), bits 63:56 are a tag that
 * translation ignores (ARMv8.0: data accesses and branch targets alike), so the VA is bits 55:0
 * sign-extended. Only an address whose number is not exact can carry a tag: bits 63:53 equal
 * make the tag a sign extension already.
 */
export function vaOfAddr(s: A64State, x: bigint): number | undefined {
  const n = Number(BigInt.asIntN(64, x));
  if (Number.isSafeInteger(n)) return n;
  const tcr = s.sysreg(TCR_EL1_KEY);
  if ((tcr & ((x >> 55n) & 1n ? TCR_TBI1 : TCR_TBI0)) === 0n) return undefined;
  const t = Number(BigInt.asIntN(56, x));
  return Number.isSafeInteger(t) ? t : undefined;
}

/** Signed-number VA → unsigned 64-bit register value. */
export function fromVa(va: number): bigint {
  return BigInt.asUintN(64, BigInt(va));
}

/**
 * The register file's layout in 32-bit words: X0..X30 then SP_EL0 and SP_EL1, each as a
 * little-endian (low, high) pair. The interpreter sees it as 64-bit bigints ({@link A64State.x}),
 * the block translator's generated code as 32-bit halves ({@link A64State.r32}) over the same
 * bytes, so switching between the two executors copies nothing.
 */
export const RegWord = {
  /** Low half of Xn is word 2n, high half 2n + 1 (n = 0..30). */
  X0: 0,
  /** SP_EL0 (low, high). */
  SP_EL0: 62,
  /** SP_EL1 (low, high). */
  SP_EL1: 64,
  /** Words in the register file. */
  COUNT: 66,
} as const;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  // The 32-bit halves view assumes the host stores the low word first.
  throw new Error('jhsim needs a little-endian host');
}

export class A64State {
  /** The register file's bytes (layout: RegWord). */
  private readonly regBuf = new ArrayBuffer(RegWord.COUNT * 4);
  /** X0..X30 (unsigned 64-bit). */
  readonly x = new BigUint64Array(this.regBuf, 0, 31);
  /** The same registers and SP_EL0/SP_EL1 as 32-bit halves (see RegWord). */
  readonly r32 = new Uint32Array(this.regBuf);
  private readonly sps = new BigUint64Array(this.regBuf, RegWord.SP_EL0 * 4, 2);
  get spEl0(): bigint { return this.sps[0]!; }
  set spEl0(v: bigint) { this.sps[0] = v; }
  get spEl1(): bigint { return this.sps[1]!; }
  set spEl1(v: bigint) { this.sps[1] = v; }
  /** Address of the next instruction (signed-number VA, see the header). */
  pc = 0;
  /** PSTATE.{N,Z,C,V} in bits 31..28 (always a non-negative number). */
  nzcv = 0;
  el: 0 | 1 = 1;
  /** PSTATE.SP: 0 = SP_EL0, 1 = SP_ELx (only meaningful at EL1). */
  spsel: 0 | 1 = 1;
  /** PSTATE.{D,A,I,F} in bits 9..6; reset value: all masked. */
  daif = 0x3c0;
  /** Interpreter-owned EL1/EL0 system registers by packed key (absent = 0, see interp-sys.ts). */
  readonly sysregs = new Map<number, bigint>();
  exclusive: ExclusiveMonitor | undefined = undefined;

  /**
   * V0..V31, 16 bytes each, little-endian (V[n] byte b at n * 16 + b; lane k of element size
   * e bytes at n * 16 + k * e). Read and written as bit patterns, never through a float view
   * (a float view may change a NaN's payload): see simd/vregs.ts.
   */
  readonly vbuf = new ArrayBuffer(32 * 16);
  readonly v8 = new Uint8Array(this.vbuf);
  readonly v16 = new Uint16Array(this.vbuf);
  readonly v32 = new Uint32Array(this.vbuf);
  readonly v64 = new BigUint64Array(this.vbuf);
  /** FPCR (AHP 26, DN 25, FZ 24, RMode 23:22, FZ16 19; trap enables read as zero). */
  fpcr = 0;
  /** FPSR (N Z C V of AArch32 unused; QC 27; IDC 7, IXC 4, UFC 3, OFC 2, DZC 1, IOC 0). */
  fpsr = 0;
  /** CPACR_EL1.FPEN (0..3), kept in step with the register by setSysreg. */
  fpen = 0;

  constructor() {
    this.sysregs.set(SCTLR_EL1_KEY, SCTLR_EL1_RES1);
  }

  /** Reads register n: 31 is SP when `sp`, else ZR; W reads return the low 32 bits. */
  reg(n: number, sf: boolean, sp: boolean): bigint {
    let v: bigint;
    if (n === 31) {
      if (!sp) return 0n;
      v = this.currentSp();
    } else {
      v = this.x[n]!;
    }
    return sf ? v : v & M32;
  }

  /** Writes register n (31: SP when `sp`, else discarded); W writes zero-extend. */
  setReg(n: number, value: bigint, sf: boolean, sp: boolean): void {
    const v = sf ? BigInt.asUintN(64, value) : value & M32;
    if (n === 31) {
      if (sp) this.setCurrentSp(v);
      return;
    }
    this.x[n] = v;
  }

  /** Convenience: X[n] as a 64-bit value (n = 31 reads as zero). */
  xreg(n: number): bigint {
    return n === 31 ? 0n : this.x[n]!;
  }

  /** The stack pointer selected by PSTATE (EL0 always uses SP_EL0). */
  currentSp(): bigint {
    return this.el === 0 || this.spsel === 0 ? this.spEl0 : this.spEl1;
  }

  setCurrentSp(v: bigint): void {
    if (this.el === 0 || this.spsel === 0) this.spEl0 = BigInt.asUintN(64, v);
    else this.spEl1 = BigInt.asUintN(64, v);
  }

  get flagN(): boolean { return (this.nzcv & FLAG_N) !== 0; }
  get flagZ(): boolean { return (this.nzcv & FLAG_Z) !== 0; }
  get flagC(): boolean { return (this.nzcv & FLAG_C) !== 0; }
  get flagV(): boolean { return (this.nzcv & FLAG_V) !== 0; }

  /** Sets all four flags. */
  setFlags(n: boolean, z: boolean, c: boolean, v: boolean): void {
    this.nzcv = (n ? FLAG_N : 0) + (z ? FLAG_Z : 0) + (c ? FLAG_C : 0) + (v ? FLAG_V : 0);
  }

  /** Sets the flags from a 4-bit value (N = 8, Z = 4, C = 2, V = 1), as CCMP's #nzcv. */
  setNzcv4(nzcv: number): void {
    this.nzcv = ((nzcv & 15) << 28) >>> 0;
  }

  /** ConditionHolds(cond) for cond 0..15 (AL and NV always hold). */
  condHolds(cond: number): boolean {
    const f = this.nzcv;
    let r: boolean;
    switch (cond >> 1) {
      case 0: r = (f & FLAG_Z) !== 0; break;
      case 1: r = (f & FLAG_C) !== 0; break;
      case 2: r = (f & FLAG_N) !== 0; break;
      case 3: r = (f & FLAG_V) !== 0; break;
      case 4: r = (f & FLAG_C) !== 0 && (f & FLAG_Z) === 0; break;
      case 5: r = ((f & FLAG_N) !== 0) === ((f & FLAG_V) !== 0); break;
      case 6: r = ((f & FLAG_N) !== 0) === ((f & FLAG_V) !== 0) && (f & FLAG_Z) === 0; break;
      default: return true;
    }
    return (cond & 1) !== 0 ? !r : r;
  }

  /** PSTATE in SPSR_ELx layout: NZCV (31..28), DAIF (9..6), M[3:0] = EL:0:SPSel (EL0t = 0). */
  pstate(): number {
    const m = this.el === 0 ? 0 : 4 | this.spsel;
    return (this.nzcv | this.daif | m) >>> 0;
  }

  /** A system register owned by the interpreter (0 when never written). */
  sysreg(key: number): bigint {
    return this.sysregs.get(key) ?? 0n;
  }

  setSysreg(key: number, value: bigint): void {
    this.sysregs.set(key, BigInt.asUintN(64, value));
    if (key === CPACR_EL1_KEY) this.fpen = Number((value >> 20n) & 3n);
  }

  /** CPACR_EL1.FPEN lets the current EL use FP/Advanced SIMD (else EC 0x07 to EL1). */
  fpAllowed(): boolean {
    return this.fpen === 3 || (this.fpen === 1 && this.el === 1);
  }

  /** Deep copy (for differential testing against other executors). */
  clone(): A64State {
    const c = new A64State();
    c.x.set(this.x);
    c.spEl0 = this.spEl0;
    c.spEl1 = this.spEl1;
    c.pc = this.pc;
    c.nzcv = this.nzcv;
    c.el = this.el;
    c.spsel = this.spsel;
    c.daif = this.daif;
    for (const [k, v] of this.sysregs) c.sysregs.set(k, v);
    c.exclusive = this.exclusive === undefined ? undefined : { ...this.exclusive };
    c.v8.set(this.v8);
    c.fpcr = this.fpcr;
    c.fpsr = this.fpsr;
    c.fpen = this.fpen;
    return c;
  }
}
