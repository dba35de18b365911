/**
 * Reference interpreter: data processing (immediate and register). Plain BigInt arithmetic on
 * unsigned 64-bit values, masked to the operation width; flags exactly as the ARM pseudocode
 * AddWithCarry(). Each exec* function performs the instruction on the state without touching pc.
 */
import type {
  AddSubCarry, AddSubExt, AddSubImm, AddSubShift, Adr, Bitfield, CondCompare, CondSelect, Dp1, Dp2, Dp3,
  Extr, LogicImm, LogicReg, MoveWide,
} from './insn.js';
import { type A64State, M32, M64, fromVa } from './state.js';

const widthMask = (sf: boolean): bigint => (sf ? M64 : M32);
const join = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const lo32 = (v: bigint): number => Number(v & M32);
const hi32 = (v: bigint): number => Number((v >> 32n) & M32);

/**
 * AddWithCarry(a, b, carry) at the operation width; a and b are already masked to it. Sets NZCV
 * when setFlags. Returns the masked result.
 */
export function addWithCarry(s: A64State, sf: boolean, a: bigint, b: bigint, carry: bigint, setFlags: boolean): bigint {
  const mask = widthMask(sf);
  const sum = a + b + carry;
  const r = sum & mask;
  if (setFlags) {
    const top = sf ? 63n : 31n;
    s.setFlags(
      (r >> top) !== 0n,
      r === 0n,
      sum > mask,
      (((a ^ r) & (b ^ r)) >> top & 1n) !== 0n,
    );
  }
  return r;
}

/** ADD, or SUB as ADD of the inverted operand with carry-in 1 (the architecture's definition). */
function addSub(s: A64State, sf: boolean, a: bigint, b: bigint, sub: boolean, setFlags: boolean): bigint {
  return sub ? addWithCarry(s, sf, a, ~b & widthMask(sf), 1n, setFlags) : addWithCarry(s, sf, a, b, 0n, setFlags);
}

/** Sets N and Z from a logical result, clears C and V. */
function logicFlags(s: A64State, sf: boolean, r: bigint): void {
  s.setFlags((r >> (sf ? 63n : 31n)) !== 0n, r === 0n, false, false);
}

/** ShiftReg(): LSL/LSR/ASR/ROR of a width-masked value by 0..width-1. */
export function shiftValue(v: bigint, type: number, amount: number, sf: boolean): bigint {
  if (amount === 0) return v;
  const width = sf ? 64 : 32;
  const n = BigInt(amount);
  switch (type) {
    case 0: return (v << n) & widthMask(sf);
    case 1: return v >> n;
    case 2: return BigInt.asUintN(width, BigInt.asIntN(width, v) >> n);
    default: return ((v >> n) | (v << BigInt(width - amount))) & widthMask(sf);
  }
}

/** ExtendReg(): extend the low bits of v as `ext` (0..7 = UXTB..SXTX), shift left, mask. */
export function extendValue(v: bigint, ext: number, amount: number, sf: boolean): bigint {
  let x: bigint;
  switch (ext) {
    case 0: x = v & 0xffn; break;
    case 1: x = v & 0xffffn; break;
    case 2: x = v & M32; break;
    case 3: x = v; break;
    case 4: x = BigInt.asIntN(8, v); break;
    case 5: x = BigInt.asIntN(16, v); break;
    case 6: x = BigInt.asIntN(32, v); break;
    default: x = v; break;
  }
  return (x << BigInt(amount)) & widthMask(sf);
}

export function execAddSubImm(s: A64State, i: AddSubImm): void {
  const a = s.reg(i.rn, i.sf, true);
  const imm = BigInt(i.imm);
  const r = addSub(s, i.sf, a, imm, i.sub, i.setFlags);
  s.setReg(i.rd, r, i.sf, !i.setFlags);
}

export function execAddSubShift(s: A64State, i: AddSubShift): void {
  const a = s.reg(i.rn, i.sf, false);
  const b = shiftValue(s.reg(i.rm, i.sf, false), i.shift, i.amount, i.sf);
  const r = addSub(s, i.sf, a, b, i.sub, i.setFlags);
  s.setReg(i.rd, r, i.sf, false);
}

export function execAddSubExt(s: A64State, i: AddSubExt): void {
  const a = s.reg(i.rn, i.sf, true);
  const b = extendValue(s.xreg(i.rm), i.extend, i.amount, i.sf);
  const r = addSub(s, i.sf, a, b, i.sub, i.setFlags);
  s.setReg(i.rd, r, i.sf, !i.setFlags);
}

export function execAddSubCarry(s: A64State, i: AddSubCarry): void {
  const a = s.reg(i.rn, i.sf, false);
  let b = s.reg(i.rm, i.sf, false);
  if (i.sub) b = ~b & widthMask(i.sf);
  const r = addWithCarry(s, i.sf, a, b, s.flagC ? 1n : 0n, i.setFlags);
  s.setReg(i.rd, r, i.sf, false);
}

function logicOp(opc: number, a: bigint, b: bigint): bigint {
  switch (opc) {
    case 1: return a | b;
    case 2: return a ^ b;
    default: return a & b;
  }
}

export function execLogicImm(s: A64State, i: LogicImm): void {
  const imm = join(i.immHi, i.immLo);
  const r = logicOp(i.opc, s.reg(i.rn, i.sf, false), imm);
  if (i.setFlags) logicFlags(s, i.sf, r);
  s.setReg(i.rd, r, i.sf, !i.setFlags);
}

export function execLogicReg(s: A64State, i: LogicReg): void {
  let b = shiftValue(s.reg(i.rm, i.sf, false), i.shift, i.amount, i.sf);
  if (i.invert) b = ~b & widthMask(i.sf);
  const r = logicOp(i.opc, s.reg(i.rn, i.sf, false), b);
  if (i.setFlags) logicFlags(s, i.sf, r);
  s.setReg(i.rd, r, i.sf, false);
}

export function execMoveWide(s: A64State, i: MoveWide): void {
  if (i.kind !== 'MOVK') {
    s.setReg(i.rd, join(i.valHi, i.valLo), i.sf, false);
    return;
  }
  const sh = BigInt(i.shift);
  const old = s.reg(i.rd, i.sf, false);
  s.setReg(i.rd, (old & ~(0xffffn << sh)) | (BigInt(i.imm16) << sh), i.sf, false);
}

export function execAdr(s: A64State, i: Adr, pc: number): void {
  const base = i.page ? Math.floor(pc / 4096) * 4096 : pc;
  s.setReg(i.rd, fromVa(base) + BigInt(i.imm), true, false);
}

function rotateRight(v: bigint, r: number, sf: boolean): bigint {
  return shiftValue(v, 3, r, sf);
}

export function execBitfield(s: A64State, i: Bitfield): void {
  const mask = widthMask(i.sf);
  const wmask = join(i.wmaskHi, i.wmaskLo) & mask;
  const tmask = join(i.tmaskHi, i.tmaskLo) & mask;
  const src = s.reg(i.rn, i.sf, false);
  const dst = i.kind === 'BFM' ? s.reg(i.rd, i.sf, false) : 0n;
  const bot = (dst & ~wmask) | (rotateRight(src, i.immr, i.sf) & wmask);
  const top = i.kind === 'SBFM' ? ((src >> BigInt(i.imms)) & 1n ? mask : 0n) : dst;
  s.setReg(i.rd, ((top & ~tmask) | (bot & tmask)) & mask, i.sf, false);
}

export function execExtr(s: A64State, i: Extr): void {
  const width = i.sf ? 64n : 32n;
  const concat = (s.reg(i.rn, i.sf, false) << width) | s.reg(i.rm, i.sf, false);
  s.setReg(i.rd, (concat >> BigInt(i.lsb)) & widthMask(i.sf), i.sf, false);
}

export function execCondCompare(s: A64State, i: CondCompare): void {
  if (!s.condHolds(i.cond)) {
    s.setNzcv4(i.nzcv);
    return;
  }
  const a = s.reg(i.rn, i.sf, false);
  const b = i.useImm ? BigInt(i.imm) : s.reg(i.rm, i.sf, false);
  addSub(s, i.sf, a, b, i.sub, true);
}

export function execCondSelect(s: A64State, i: CondSelect): void {
  let r: bigint;
  if (s.condHolds(i.cond)) {
    r = s.reg(i.rn, i.sf, false);
  } else {
    r = s.reg(i.rm, i.sf, false);
    if (i.invert) r = ~r & widthMask(i.sf);
    if (i.increment) r = (r + 1n) & widthMask(i.sf);
  }
  s.setReg(i.rd, r, i.sf, false);
}

function rbit32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

function rev16x32(x: number): number {
  return (((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff)) >>> 0;
}

function clz(hi: number, lo: number, sf: boolean): number {
  if (!sf) return Math.clz32(lo);
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

export function execDp1(s: A64State, i: Dp1): void {
  const v = s.reg(i.rn, i.sf, false);
  const lo = lo32(v);
  const hi = hi32(v);
  let r: bigint;
  switch (i.kind) {
    case 'RBIT': r = i.sf ? join(rbit32(lo), rbit32(hi)) : BigInt(rbit32(lo)); break;
    case 'REV16': r = join(rev16x32(hi), rev16x32(lo)); break;
    case 'REV32': r = join(bswap32(hi), bswap32(lo)); break;
    case 'REV': r = i.sf ? join(bswap32(lo), bswap32(hi)) : BigInt(bswap32(lo)); break;
    case 'CLZ': r = BigInt(clz(hi, lo, i.sf)); break;
    default: {
      // CLS: leading bits equal to the sign bit, not counting the sign bit itself.
      const t = (v ^ (BigInt.asUintN(i.sf ? 64 : 32, BigInt.asIntN(i.sf ? 64 : 32, v) >> 1n)));
      r = BigInt(clz(hi32(t), lo32(t), i.sf) - 1);
      break;
    }
  }
  s.setReg(i.rd, r, i.sf, false);
}

export function execDp2(s: A64State, i: Dp2): void {
  const width = i.sf ? 64 : 32;
  const a = s.reg(i.rn, i.sf, false);
  const b = s.reg(i.rm, i.sf, false);
  let r: bigint;
  switch (i.kind) {
    case 'UDIV': r = b === 0n ? 0n : a / b; break;
    case 'SDIV': {
      const sb = BigInt.asIntN(width, b);
      r = sb === 0n ? 0n : BigInt.asUintN(width, BigInt.asIntN(width, a) / sb);
      break;
    }
    default: {
      const amount = Number(b % BigInt(width));
      const type = i.kind === 'LSLV' ? 0 : i.kind === 'LSRV' ? 1 : i.kind === 'ASRV' ? 2 : 3;
      r = shiftValue(a, type, amount, i.sf);
      break;
    }
  }
  s.setReg(i.rd, r, i.sf, false);
}

export function execDp3(s: A64State, i: Dp3): void {
  const n = s.xreg(i.rn);
  const m = s.xreg(i.rm);
  const a = s.xreg(i.ra);
  let r: bigint;
  switch (i.kind) {
    case 'MADD': r = a + n * m; break;
    case 'MSUB': r = a - n * m; break;
    case 'SMADDL': r = a + BigInt.asIntN(32, n) * BigInt.asIntN(32, m); break;
    case 'SMSUBL': r = a - BigInt.asIntN(32, n) * BigInt.asIntN(32, m); break;
    case 'UMADDL': r = a + (n & M32) * (m & M32); break;
    case 'UMSUBL': r = a - (n & M32) * (m & M32); break;
    case 'SMULH': r = (BigInt.asIntN(64, n) * BigInt.asIntN(64, m)) >> 64n; break;
    default: r = (n * m) >> 64n; break;
  }
  s.setReg(i.rd, BigInt.asUintN(64, r), i.sf, false);
}
