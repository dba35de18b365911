/**
 * Decoded A64 instruction representation (executor-friendly, design-neutral).
 *
 * `decode(word)` (see decode.ts) turns a 32-bit instruction word into one of
 * the `Insn` variants below. Every field an executor needs is explicit and
 * precomputed: immediates are already scaled / sign-extended, bitmask
 * immediates are already expanded (as two unsigned 32-bit halves, never
 * BigInt), branch offsets are signed byte offsets relative to the address of
 * the instruction itself, and register numbers are plain 0..31.
 *
 * REGISTER 31 RULE
 * ----------------
 * Every register field holds 0..31. Whether 31 means the stack pointer or the
 * zero register is fixed per field and encoded in the field's type:
 *   - `RegZR`: 31 is XZR/WZR (reads as zero, writes are discarded);
 *   - `RegSP`: 31 is SP/WSP (the current stack pointer selected by PSTATE.SPSel).
 * The only SP-capable fields are:
 *   - ADDSUB_IMM.rn; ADDSUB_IMM.rd when !setFlags;
 *   - ADDSUB_EXT.rn; ADDSUB_EXT.rd when !setFlags;
 *   - LOGIC_IMM.rd when opc !== ANDS;
 *   - the base register `rn` of every load/store/prefetch/exclusive/atomic.
 * Every other register field (including all data-register fields of loads and
 * stores, and ADDSUB_EXT.rm) is `RegZR`. Fields typed `RegSPorZR` depend on
 * `setFlags`/`opc` as described above.
 *
 * `sf` means "64-bit operation" (X registers); false means W registers (the
 * result is zero-extended into the X register on write, as architected).
 *
 * CONSTRAINED UNPREDICTABLE / should-be fields: the decoder picks UNDEFINED
 * (a permitted outcome) for: STXR/STXP status register overlapping a data or
 * base register; LDXP/LDP/LDPSW/LDNP with rt === rt2; any writeback
 * load/store (single or pair) whose base (≠31) equals a transfer register;
 * CASP with odd register numbers (architecturally UNDEFINED); and any
 * should-be-one/zero field (Rs/Rt2 of LDXR/STXR/LDAR/STLR/CAS/CASP, Ra of
 * SMULH/UMULH) that does not hold its required value.
 */

import type { A64State } from './state.js';
import type { GuestMemory, StepException } from './interp-types.js';

/** Register number, 31 = XZR/WZR. */
export type RegZR = number;
/** Register number, 31 = SP/WSP. */
export type RegSP = number;
/** Register number whose 31 meaning depends on another field (documented at the use). */
export type RegSPorZR = number;

/** Shift kind in shifted-register forms (architectural encoding). */
export const Shift = { LSL: 0, LSR: 1, ASR: 2, ROR: 3 } as const;
export type ShiftType = 0 | 1 | 2 | 3;

/** Extend kind in extended-register forms (architectural `option` encoding). */
export const Extend = {
  UXTB: 0, UXTH: 1, UXTW: 2, UXTX: 3, SXTB: 4, SXTH: 5, SXTW: 6, SXTX: 7,
} as const;
export type ExtendType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Condition codes 0..15 (EQ NE CS CC MI PL VS VC HI LS GE LT GT LE AL NV). */
export const Cond = {
  EQ: 0, NE: 1, CS: 2, CC: 3, MI: 4, PL: 5, VS: 6, VC: 7,
  HI: 8, LS: 9, GE: 10, LT: 11, GT: 12, LE: 13, AL: 14, NV: 15,
} as const;
export type CondCode = number;

/** Logical operation (architectural opc): AND, ORR, EOR, ANDS. */
export const LogicOpc = { AND: 0, ORR: 1, EOR: 2, ANDS: 3 } as const;
export type LogicOpcType = 0 | 1 | 2 | 3;

/** log2 of the access size in bytes: 0 = byte, 1 = half, 2 = word, 3 = double. */
export type SizeLog2 = 0 | 1 | 2 | 3;

export type Writeback = 'none' | 'pre' | 'post';

// ---------------------------------------------------------------- DP immediate

/** ADD/ADDS/SUB/SUBS (immediate). rd is SP when !setFlags, ZR otherwise. */
export interface AddSubImm {
  op: 'ADDSUB_IMM'; sf: boolean; sub: boolean; setFlags: boolean;
  rd: RegSPorZR; rn: RegSP;
  /** Final unsigned immediate (imm12, already shifted left by 12 when shift12). */
  imm: number; shift12: boolean;
}

/** AND/ORR/EOR/ANDS (bitmask immediate). rd is SP unless opc === ANDS. */
export interface LogicImm {
  op: 'LOGIC_IMM'; sf: boolean; opc: LogicOpcType; setFlags: boolean;
  rd: RegSPorZR; rn: RegZR;
  /** Decoded bitmask immediate, low and high 32 bits (unsigned; immHi = 0 when !sf). */
  immLo: number; immHi: number;
}

/**
 * MOVZ/MOVN/MOVK. `valLo/valHi` is the value to write for MOVZ/MOVN (MOVN
 * already inverted, truncated to 32 bits when !sf), and for MOVK the bits to
 * insert (imm16 << shift); MOVK keeps all bits outside [shift, shift+16).
 */
export interface MoveWide {
  op: 'MOV_WIDE'; sf: boolean; kind: 'MOVZ' | 'MOVN' | 'MOVK';
  rd: RegZR; imm16: number; /** 0, 16, 32 or 48 */ shift: number;
  valLo: number; valHi: number;
}

/** ADR/ADRP. Result = page ? (pc & ~0xfff) + imm : pc + imm. `imm` is in bytes. */
export interface Adr { op: 'ADR'; page: boolean; rd: RegZR; imm: number; }

/**
 * SBFM/BFM/UBFM with the architectural DecodeBitMasks(N, imms, immr, FALSE)
 * results precomputed (wmask/tmask, 32-bit halves; hi = 0 when !sf).
 */
export interface Bitfield {
  op: 'BITFIELD'; sf: boolean; kind: 'SBFM' | 'BFM' | 'UBFM';
  rd: RegZR; rn: RegZR; immr: number; imms: number;
  wmaskLo: number; wmaskHi: number; tmaskLo: number; tmaskHi: number;
}

/** EXTR: result = (rn:rm) >> lsb, truncated to the register width. */
export interface Extr { op: 'EXTR'; sf: boolean; rd: RegZR; rn: RegZR; rm: RegZR; lsb: number; }

// ---------------------------------------------------------------- DP register

/** ADD/SUB(S) shifted register. All registers ZR. shift is never ROR. */
export interface AddSubShift {
  op: 'ADDSUB_SHIFT'; sf: boolean; sub: boolean; setFlags: boolean;
  rd: RegZR; rn: RegZR; rm: RegZR; shift: ShiftType; amount: number;
}

/**
 * ADD/SUB(S) extended register: rn SP; rd SP when !setFlags (else ZR); rm ZR.
 * rm is read as W when (extend & 3) !== 3 (or always when !sf), then
 * extended and shifted left by amount (0..4).
 */
export interface AddSubExt {
  op: 'ADDSUB_EXT'; sf: boolean; sub: boolean; setFlags: boolean;
  rd: RegSPorZR; rn: RegSP; rm: RegZR; extend: ExtendType; amount: number;
}

/** ADC/ADCS/SBC/SBCS. */
export interface AddSubCarry {
  op: 'ADDSUB_CARRY'; sf: boolean; sub: boolean; setFlags: boolean;
  rd: RegZR; rn: RegZR; rm: RegZR;
}

/** AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS shifted register: op2 = invert ? ~shifted(rm) : shifted(rm). */
export interface LogicReg {
  op: 'LOGIC_REG'; sf: boolean; opc: LogicOpcType; invert: boolean; setFlags: boolean;
  rd: RegZR; rn: RegZR; rm: RegZR; shift: ShiftType; amount: number;
}

/**
 * CCMP (sub) / CCMN (!sub), register or immediate. If cond holds: flags =
 * compare(rn, useImm ? imm : rm); else flags = nzcv (4 bits, N=8 Z=4 C=2 V=1).
 */
export interface CondCompare {
  op: 'COND_CMP'; sf: boolean; sub: boolean; rn: RegZR;
  useImm: boolean; /** valid when !useImm */ rm: RegZR; /** valid when useImm (0..31) */ imm: number;
  nzcv: number; cond: CondCode;
}

/** CSEL/CSINC/CSINV/CSNEG: rd = cond ? rn : (invert ? ~rm : rm) + (increment ? 1 : 0). */
export interface CondSelect {
  op: 'COND_SEL'; sf: boolean; invert: boolean; increment: boolean;
  rd: RegZR; rn: RegZR; rm: RegZR; cond: CondCode;
}

/** 1-source. REV32 only exists for sf; REV with !sf reverses the 4 bytes of the W register. */
export interface Dp1 {
  op: 'DP1'; sf: boolean; kind: 'RBIT' | 'REV16' | 'REV32' | 'REV' | 'CLZ' | 'CLS';
  rd: RegZR; rn: RegZR;
}

/** 2-source. Division by zero yields 0; shifts use rm modulo the width. */
export interface Dp2 {
  op: 'DP2'; sf: boolean; kind: 'UDIV' | 'SDIV' | 'LSLV' | 'LSRV' | 'ASRV' | 'RORV';
  rd: RegZR; rn: RegZR; rm: RegZR;
}

/**
 * 3-source. MADD/MSUB: rd = ra ± rn*rm (width sf). xMADDL/xMSUBL (sf always
 * true): rd = ra ± ext32(rn)*ext32(rm). SMULH/UMULH: high 64 bits; ra = 31 (unused).
 */
export interface Dp3 {
  op: 'DP3'; sf: boolean;
  kind: 'MADD' | 'MSUB' | 'SMADDL' | 'SMSUBL' | 'UMADDL' | 'UMSUBL' | 'SMULH' | 'UMULH';
  rd: RegZR; rn: RegZR; rm: RegZR; ra: RegZR;
}

// ---------------------------------------------------------------- branches

/** B / BL. offset: signed byte offset from this instruction. BL writes pc+4 to X30. */
export interface Branch { op: 'B'; link: boolean; offset: number; }
/** B.cond. */
export interface BranchCond { op: 'B_COND'; cond: CondCode; offset: number; }
/** CBZ / CBNZ. */
export interface CompareBranch { op: 'CB'; sf: boolean; nonZero: boolean; rt: RegZR; offset: number; }
/** TBZ / TBNZ: test bit `bit` (0..63) of X[rt] (W when bit < 32 in the assembly syntax). */
export interface TestBranch { op: 'TB'; nonZero: boolean; rt: RegZR; bit: number; offset: number; }
/** BR / BLR / RET (indirect to X[rn]). BLR writes pc+4 to X30 (after reading rn). */
export interface BranchReg { op: 'BR_REG'; kind: 'BR' | 'BLR' | 'RET'; rn: RegZR; }
/** ERET. */
export interface Eret { op: 'ERET'; }

// ---------------------------------------------------------------- exceptions & system

/** SVC/HVC/SMC/BRK/HLT with their 16-bit immediate. */
export interface ExceptionGen { op: 'EXCEPTION'; kind: 'SVC' | 'HVC' | 'SMC' | 'BRK' | 'HLT'; imm16: number; }

/**
 * HINT space (CRm:op2 = imm, 0..127). kind names the hints an executor must
 * implement; every other hint (incl. PAC/BTI/ESB/CSDB hint-space encodings)
 * is 'OTHER' and executes as NOP on a CPU without those features.
 */
export interface Hint { op: 'HINT'; kind: 'NOP' | 'YIELD' | 'WFE' | 'WFI' | 'SEV' | 'SEVL' | 'OTHER'; imm: number; }

/**
 * DSB/DMB/ISB/CLREX; option = CRm (for DSB/DMB the domain/type, e.g. 15 = SY,
 * 11 = ISH; DSB 0 = SSBB, 4 = PSSBB).
 */
export interface Barrier { op: 'BARRIER'; kind: 'DSB' | 'DMB' | 'ISB' | 'CLREX'; option: number; }

/**
 * MSR (immediate) to a PSTATE field; imm = CRm: the 4-bit DAIF mask (D=8 A=4
 * I=2 F=1) for DAIFSet/DAIFClr, 0 or 1 for the single-bit fields.
 */
export interface MsrImm {
  op: 'MSR_IMM'; field: 'SPSel' | 'DAIFSet' | 'DAIFClr' | 'PAN' | 'UAO' | 'DIT' | 'SSBS'; imm: number;
}

/** Fields shared by MRS and MSR (register). */
export interface SysRegFields {
  /** op0 is 2 or 3. */
  op0: number; op1: number; crn: number; crm: number; op2: number;
  /** Packed key op0<<14 | op1<<11 | crn<<7 | crm<<3 | op2 (see sysregKey). */
  sysreg: number;
  /** Architectural upper-case name for known registers (e.g. 'SCTLR_EL1'), else null. */
  name: string | null;
}
/** MRS Xt, <sysreg>. */
export interface Mrs extends SysRegFields { op: 'MRS'; rt: RegZR; }
/** MSR <sysreg>, Xt. */
export interface MsrReg extends SysRegFields { op: 'MSR_REG'; rt: RegZR; }

/**
 * SYS (op0 = 1, L = 0): cache maintenance, TLB maintenance and address
 * translation all decode here with their tuple; `kind`/`name` identify known
 * operations (name e.g. 'CIVAC', 'VMALLE1IS'); `hasRt` says whether the known
 * operation takes a register argument (unknown: rt !== 31).
 */
export interface Sys {
  op: 'SYS'; kind: 'AT' | 'DC' | 'IC' | 'TLBI' | 'SYS'; name: string | null; hasRt: boolean;
  op1: number; crn: number; crm: number; op2: number; rt: RegZR;
}
/** SYSL Xt, #op1, Cn, Cm, #op2. */
export interface Sysl { op: 'SYSL'; op1: number; crn: number; crm: number; op2: number; rt: RegZR; }

// ---------------------------------------------------------------- loads / stores

/**
 * Common single-register load/store fields. `signed` loads sign-extend to the
 * register width; `sf` is the width of rt (X when true).
 */
interface LdStCommon { size: SizeLog2; load: boolean; signed: boolean; sf: boolean; rt: RegZR; rn: RegSP; }

/**
 * Immediate-offset load/store: unsigned scaled offset (LDR), unscaled (LDUR,
 * `unscaled`), pre/post-index writeback, and unprivileged (LDTR, `unpriv`).
 * Address = rn + offset (for 'post', the access uses rn and rn += offset afterwards).
 */
export interface LdStImm extends LdStCommon {
  op: 'LDST_IMM'; offset: number; writeback: Writeback; unscaled: boolean; unpriv: boolean;
}

/**
 * Register-offset load/store: address = rn + (extend(rm, extend) << amount).
 * extend is UXTW, UXTX (= LSL), SXTW or SXTX; rm is a W register for UXTW/SXTW.
 * sBit is the encoded S bit (only matters for disassembly of byte accesses).
 */
export interface LdStReg extends LdStCommon {
  op: 'LDST_REG'; rm: RegZR; extend: ExtendType; amount: number; sBit: boolean;
}

/** LDR (literal) / LDRSW (literal): address = pc + offset. */
export interface LdrLit { op: 'LDR_LIT'; size: 2 | 3; signed: boolean; sf: boolean; rt: RegZR; offset: number; }

/**
 * PRFM/PRFUM (any addressing form): a hint, executes as NOP. Fields mirror
 * the addressing form for disassembly; prfop is the 5-bit Rt field.
 */
export interface Prfm {
  op: 'PRFM'; mode: 'imm' | 'unscaled' | 'reg' | 'lit'; prfop: number;
  rn: RegSP; offset: number; rm: RegZR; extend: ExtendType; amount: number; sBit: boolean;
}

/** LDP/STP/LDPSW/LDNP/STNP. size is per register (2 or 3); offset in bytes. */
export interface LdStPair {
  op: 'LDST_PAIR'; size: 2 | 3; load: boolean; signed: boolean; sf: boolean;
  rt: RegZR; rt2: RegZR; rn: RegSP; offset: number; writeback: Writeback; nonTemporal: boolean;
}

/** LDXR/LDAXR (+B/H) and LDXP/LDAXP. For pairs size is per register (2|3); rt2 = 31 when !pair. */
export interface LdExcl { op: 'LDXR'; size: SizeLog2; acquire: boolean; pair: boolean; rt: RegZR; rt2: RegZR; rn: RegSP; }
/** STXR/STLXR (+B/H) and STXP/STLXP. rs (W) receives 0 on success, 1 on failure. */
export interface StExcl {
  op: 'STXR'; size: SizeLog2; release: boolean; pair: boolean; rs: RegZR; rt: RegZR; rt2: RegZR; rn: RegSP;
}
/** LDAR/LDARB/LDARH. */
export interface Ldar { op: 'LDAR'; size: SizeLog2; rt: RegZR; rn: RegSP; }
/** STLR/STLRB/STLRH. */
export interface Stlr { op: 'STLR'; size: SizeLog2; rt: RegZR; rn: RegSP; }

/** LSE LD<op>/SWP: rt = old [rn]; [rn] = op(old, rs). ST<op> is the alias with rt = 31 and !acquire. */
export interface Atomic {
  op: 'ATOMIC'; aop: 'ADD' | 'CLR' | 'EOR' | 'SET' | 'SMAX' | 'SMIN' | 'UMAX' | 'UMIN' | 'SWP';
  size: SizeLog2; acquire: boolean; release: boolean; rs: RegZR; rt: RegZR; rn: RegSP;
}
/** CAS{A}{L}{B,H}: compare with rs, store rt if equal; rs receives the old value. */
export interface Cas { op: 'CAS'; size: SizeLog2; acquire: boolean; release: boolean; rs: RegZR; rt: RegZR; rn: RegSP; }
/** CASP{A}{L}: pairs (rs, rs+1) and (rt, rt+1), both even; size per register (2|3). */
export interface Casp { op: 'CASP'; size: 2 | 3; acquire: boolean; release: boolean; rs: RegZR; rt: RegZR; rn: RegSP; }

/** Unallocated, reserved, CONSTRAINED UNPREDICTABLE (see header) or unsupported (SVE, ...). */
export interface Undefined { op: 'UNDEFINED'; word: number; }

/**
 * Runs one decoded FP/Advanced SIMD instruction on the state (the caller has checked
 * CPACR_EL1.FPEN and set nothing else): returns the exception of a faulting load/store, else
 * undefined after writing its results (pc is advanced by the caller).
 */
export type SimdExec = (s: A64State, mem: GuestMemory, pc: number) => StepException | undefined;

/**
 * An FP/Advanced SIMD instruction (decoded by simd/decode.ts): its fields live in the closure
 * `exec`, so executors need no per-form switch. `text` is its disassembly (objdump style).
 */
export interface SimdFp {
  op: 'SIMD';
  /** Upper-case mnemonic (FADD, LD1, ...). */
  name: string;
  text: string;
  /** It accesses memory (loads and stores). */
  mem: boolean;
  exec: SimdExec;
  /** The form, for the block translator, when it is one it generates code for (exec stays the reference). */
  jit?: SimdJit;
}

/**
 * The few SIMD&FP forms the block translator emits inline (jit-simd.ts), described by their
 * decoded fields since an exec closure keeps its fields to itself.
 *
 *   ldst  whole registers at consecutive addresses: LDR/STR/LDUR/STUR of B/H/S/D/Q, LDP/STP/
 *         LDNP/STNP of S/D/Q, LDR (literal), LD1/ST1 (multiple structures, 1 to 4 registers),
 *         and LD1R (one element replicated into every lane)
 *   fmov  FMOV between a general register and the low S/D (or, `top`, the upper D) of a V register
 *   movi  V[d] = the 64-bit pattern (lo, hi), repeated when q, else upper half zero (MOVI/MVNI)
 *   words V[d] = V[n] op V[m] on each 32-bit word (4 when q, else 2 and the upper half zeroed)
 */
export type SimdJit =
  | {
    kind: 'ldst'; load: boolean;
    /** Bytes of memory per register (a 64-bit vector: 8, and a load zeroes its upper half). */
    bytes: 1 | 2 | 4 | 8 | 16;
    /** The registers, one after the other in memory. */
    regs: readonly number[];
    /** LD1R: the element fills 8 or 16 bytes of the register (8: upper half zeroed); else 0. */
    replicate: 0 | 8 | 16;
    /** The alignment SCTLR_EL1.A demands: the register size, or the element size of a vector. */
    align: number;
    /**
     * imm: [Xn|SP, #offset], pre/post-indexed by writeback; reg: [Xn|SP, Rm, extend #amount];
     * lit: pc + offset; postReg: [Xn|SP], post-indexed by Xm.
     */
    mode: 'imm' | 'reg' | 'lit' | 'postReg'; rn: RegSP; offset: number; writeback: 'none' | 'pre' | 'post';
    rm: RegZR; extend: ExtendType; amount: number;
  }
  | { kind: 'fmov'; toGen: boolean; sf: boolean; top: boolean; d: number; n: number }
  | { kind: 'movi'; d: number; lo: number; hi: number; q: boolean }
  | { kind: 'words'; op: WordsOp; d: number; n: number; m: number; q: boolean };

/**
 * The vector operations the translator inlines word by word (SimdJit `words`): the bitwise
 * three-same ops on any arrangement, and ADD SUB MUL MLA MLS on 32-bit lanes (.2S/.4S).
 */
export type WordsOp = 'and' | 'bic' | 'orr' | 'orn' | 'eor' | 'add' | 'sub' | 'mul' | 'mla' | 'mls';

export type Insn =
  | AddSubImm | LogicImm | MoveWide | Adr | Bitfield | Extr
  | AddSubShift | AddSubExt | AddSubCarry | LogicReg | CondCompare | CondSelect | Dp1 | Dp2 | Dp3
  | Branch | BranchCond | CompareBranch | TestBranch | BranchReg | Eret
  | ExceptionGen | Hint | Barrier | MsrImm | Mrs | MsrReg | Sys | Sysl
  | LdStImm | LdStReg | LdrLit | Prfm | LdStPair | LdExcl | StExcl | Ldar | Stlr | Atomic | Cas | Casp
  | SimdFp | Undefined;

export type InsnOp = Insn['op'];

/** Packed system register key (op0<<14 | op1<<11 | crn<<7 | crm<<3 | op2); see sysregs.ts. */
export { packSysregKey as sysregKey } from '../../../shared/arm64/sysregs.js';
