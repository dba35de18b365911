/**
 * A64 encoder core: register names, condition codes, shift/extend kinds and field checks shared by
 * every instruction class (`encode-*.ts`). Pure and dependency-free.
 *
 * Registers are written as strings, exactly as in GNU assembly:
 *   - 64-bit: 'x0'..'x30', 'xzr', 'sp' (aliases 'fp' = x29, 'lr' = x30)
 *   - 32-bit: 'w0'..'w30', 'wzr', 'wsp'
 * The operand width of an instruction follows from its register names (x = 64-bit, w = 32-bit).
 *
 * Register number 31 means SP in some operand slots and ZR in others (ARM ARM "Rn|SP" vs "Rn").
 * Every encoder knows which one each of its slots means and accepts only that spelling: passing
 * 'sp' where the slot means ZR (or 'xzr' where it means SP) throws an {@link A64Error}. The rule
 * per slot is the architectural one, e.g. ADD/SUB (immediate and extended) Rd and Rn, ADDS/SUBS
 * Rn, logical-immediate Rd (not ANDS), load/store base and exclusive/atomic base are SP slots;
 * every other slot is a ZR slot. Aliases that hide a register use the matching one (CMP = SUBS
 * with Rd = xzr, MOV to/from sp = ADD #0, MOV reg = ORR with Rn = xzr).
 */

/** Thrown for every invalid operand, unencodable immediate or out-of-range offset. */
export class A64Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'A64Error';
  }
}

type GpNum =
  | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15
  | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30;

/** A 64-bit general-purpose register name. */
export type XReg = `x${GpNum}` | 'xzr' | 'sp' | 'fp' | 'lr';
/** A 32-bit general-purpose register name. */
export type WReg = `w${GpNum}` | 'wzr' | 'wsp';
/** Any general-purpose register name. */
export type Reg = XReg | WReg;

/** Decoded register name: number 0..31, width (sf = 1 for 64-bit) and what 31 stands for. */
export interface RegInfo {
  readonly n: number;
  readonly sf: 0 | 1;
  readonly kind: 'gp' | 'zr' | 'sp';
}

const REG_RE = /^([xw])([0-9]|[12][0-9]|30)$/;

/** Parses a register name (case-insensitive); undefined if it is not one. */
export function parseReg(name: string): RegInfo | undefined {
  const s = name.toLowerCase();
  const m = REG_RE.exec(s);
  if (m) return { n: Number(m[2]), sf: m[1] === 'x' ? 1 : 0, kind: 'gp' };
  switch (s) {
    case 'xzr': return { n: 31, sf: 1, kind: 'zr' };
    case 'wzr': return { n: 31, sf: 0, kind: 'zr' };
    case 'sp': return { n: 31, sf: 1, kind: 'sp' };
    case 'wsp': return { n: 31, sf: 0, kind: 'sp' };
    case 'fp': return { n: 29, sf: 1, kind: 'gp' };
    case 'lr': return { n: 30, sf: 1, kind: 'gp' };
    default: return undefined;
  }
}

/** True if `name` is a general-purpose register name. */
export function isReg(name: string): name is Reg {
  return parseReg(name) !== undefined;
}

/** Register info, throwing for anything that is not a register name. */
export function regInfo(r: string, what = 'operand'): RegInfo {
  const info = typeof r === 'string' ? parseReg(r) : undefined;
  if (!info) throw new A64Error(`${what}: '${String(r)}' is not a general-purpose register`);
  return info;
}

/** The register number for a slot where 31 means ZR (rejects sp/wsp). */
export function rz(r: Reg, what: string): number {
  const i = regInfo(r, what);
  if (i.kind === 'sp') throw new A64Error(`${what}: '${r}' not allowed here (register 31 is xzr/wzr in this operand)`);
  return i.n;
}

/** The register number for a slot where 31 means SP (rejects xzr/wzr). */
export function rsp(r: Reg, what: string): number {
  const i = regInfo(r, what);
  if (i.kind === 'zr') throw new A64Error(`${what}: '${r}' not allowed here (register 31 is sp/wsp in this operand)`);
  return i.n;
}

/** Width (sf) of a register. */
export function sfOf(r: Reg, what = 'operand'): 0 | 1 {
  return regInfo(r, what).sf;
}

/** Common width of several registers; throws if they mix x and w. */
export function sameWidth(mn: string, ...regs: Reg[]): 0 | 1 {
  const sf = sfOf(regs[0]!, mn);
  for (const r of regs) {
    if (sfOf(r, mn) !== sf) throw new A64Error(`${mn}: registers must all be x or all be w (got ${regs.join(', ')})`);
  }
  return sf;
}

/** Requires a 64-bit register. */
export function needX(r: Reg, what: string): void {
  if (sfOf(r, what) !== 1) throw new A64Error(`${what}: expected a 64-bit x register, got '${r}'`);
}

/** Requires a 32-bit register. */
export function needW(r: Reg, what: string): void {
  if (sfOf(r, what) !== 0) throw new A64Error(`${what}: expected a 32-bit w register, got '${r}'`);
}

/** The zero register of a width. */
export function zr(sf: 0 | 1): Reg {
  return sf ? 'xzr' : 'wzr';
}

/** Same register number, other width (x5 <-> w5; sp <-> wsp; xzr <-> wzr). */
export function withWidth(r: Reg, sf: 0 | 1): Reg {
  const i = regInfo(r);
  if (i.kind === 'sp') return sf ? 'sp' : 'wsp';
  if (i.kind === 'zr') return sf ? 'xzr' : 'wzr';
  return `${sf ? 'x' : 'w'}${i.n}` as Reg;
}

// ---------------------------------------------------------------------------------------------
// Condition codes

/** Condition code names (hs = cs, lo = cc). */
export type Cond =
  | 'eq' | 'ne' | 'cs' | 'hs' | 'cc' | 'lo' | 'mi' | 'pl'
  | 'vs' | 'vc' | 'hi' | 'ls' | 'ge' | 'lt' | 'gt' | 'le' | 'al' | 'nv';

/** Condition name -> 4-bit code. */
export const COND_CODES: Readonly<Record<Cond, number>> = {
  eq: 0, ne: 1, cs: 2, hs: 2, cc: 3, lo: 3, mi: 4, pl: 5,
  vs: 6, vc: 7, hi: 8, ls: 9, ge: 10, lt: 11, gt: 12, le: 13, al: 14, nv: 15,
};

/** Canonical names by code (for decoders / disassembly). */
export const COND_NAMES: readonly Cond[] = [
  'eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv',
];

/** 4-bit code of a condition (case-insensitive); throws for unknown names. */
export function condCode(c: Cond | string): number {
  const v = (COND_CODES as Record<string, number>)[String(c).toLowerCase()];
  if (v === undefined) throw new A64Error(`unknown condition '${c}'`);
  return v;
}

/** True if `s` is a condition name. */
export function isCond(s: string): s is Cond {
  return Object.hasOwn(COND_CODES, s.toLowerCase());
}

/** Code of the inverted condition; rejects al/nv as the aliases that invert do. */
export function invertedCondCode(c: Cond, mn: string): number {
  const v = condCode(c);
  if (v >= 14) throw new A64Error(`${mn}: condition '${c}' (al/nv) is not allowed`);
  return v ^ 1;
}

// ---------------------------------------------------------------------------------------------
// Shifts and extends

export type Shift = 'lsl' | 'lsr' | 'asr' | 'ror';
export type Extend = 'uxtb' | 'uxth' | 'uxtw' | 'uxtx' | 'sxtb' | 'sxth' | 'sxtw' | 'sxtx';

export const SHIFT_CODES: Readonly<Record<Shift, number>> = { lsl: 0, lsr: 1, asr: 2, ror: 3 };
export const EXTEND_CODES: Readonly<Record<Extend, number>> = {
  uxtb: 0, uxth: 1, uxtw: 2, uxtx: 3, sxtb: 4, sxth: 5, sxtw: 6, sxtx: 7,
};

export function isShift(s: string): s is Shift {
  return Object.hasOwn(SHIFT_CODES, s.toLowerCase());
}
export function isExtend(s: string): s is Extend {
  return Object.hasOwn(EXTEND_CODES, s.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Immediates and fields

/** An integer immediate given as number (must be a safe integer) or bigint. */
export type Imm = number | bigint;

/** Converts to bigint, rejecting non-integers and unsafe numbers. */
export function big(v: Imm, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new A64Error(`${what}: ${String(v)} is not a safe integer (pass a bigint for 64-bit values)`);
  }
  return BigInt(v);
}

/** Converts to a safe-integer number. */
export function num(v: Imm, what: string): number {
  const b = big(v, what);
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new A64Error(`${what}: ${hex(b)} is out of range`);
  }
  return Number(b);
}

/** Formats a value as (signed) hex for messages. */
export function hex(v: Imm): string {
  const b = BigInt(v);
  return b < 0n ? `-0x${(-b).toString(16)}` : `0x${b.toString(16)}`;
}

/** Checks 0 <= v < 2^bits and returns v. */
export function uimm(v: Imm, bits: number, what: string): number {
  const n = num(v, what);
  if (n < 0 || n >= 2 ** bits) throw new A64Error(`${what}: ${n} out of range 0..${2 ** bits - 1}`);
  return n;
}

/** Checks -2^(bits-1) <= v < 2^(bits-1) and returns the two's complement field. */
export function simm(v: Imm, bits: number, what: string): number {
  const n = num(v, what);
  const lim = 2 ** (bits - 1);
  if (n < -lim || n >= lim) throw new A64Error(`${what}: ${n} out of range ${-lim}..${lim - 1}`);
  return n < 0 ? n + 2 ** bits : n;
}

/** A signed, scaled field: v must be a multiple of `scale` and v/scale fit `bits` signed bits. */
export function simmScaled(v: Imm, scale: number, bits: number, what: string): number {
  const n = num(v, what);
  if (n % scale !== 0) throw new A64Error(`${what}: ${n} is not a multiple of ${scale}`);
  const lim = 2 ** (bits - 1) * scale;
  if (n < -lim || n >= lim) throw new A64Error(`${what}: ${n} out of range ${-lim}..${lim - scale}`);
  return simm(n / scale, bits, what);
}

/** Forces a 32-bit result to an unsigned number. */
export function u32(v: number): number {
  return v >>> 0;
}

/** Assembles a word from [value, lsb] pairs (values must already fit their fields). */
export function fields(base: number, ...parts: [number, number][]): number {
  let w = base >>> 0;
  for (const [v, lsb] of parts) w = (w | (v * 2 ** lsb)) >>> 0;
  return w >>> 0;
}
