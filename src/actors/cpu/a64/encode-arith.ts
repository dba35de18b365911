/**
 * A64 add/subtract, add/subtract with carry, logical and move-wide instructions, plus the MOV
 * aliases and {@link mov64} (shortest constant materialisation).
 *
 * Second operands ({@link Operand2}) are: a register name; an immediate (number | bigint); a
 * shifted register {reg, shift, amount}; an extended register {reg, extend, amount}; or an explicit
 * add/sub immediate {imm, lsl: 0 | 12}. Plain add/sub immediates pick LSL #12 automatically when
 * needed, and a negative add/sub immediate flips ADD<->SUB (CMP #-1 = CMN #1) as GNU as does.
 * A register second operand with sp as Rd/Rn selects the extended-register form (UXTX/UXTW).
 */
import {
  A64Error, EXTEND_CODES, SHIFT_CODES, big, fields, hex, needW, needX, regInfo, rsp, rz,
  sameWidth, uimm, zr, type Extend, type Imm, type Reg, type Shift,
} from './encode-core.js';
import { encodeBitmask, normImm, tryEncodeBitmask } from './encode-bitmask.js';

export interface ShiftedReg {
  readonly reg: Reg;
  readonly shift: Shift;
  readonly amount: number;
}
export interface ExtendedReg {
  readonly reg: Reg;
  /** 'lsl' = UXTX (64-bit) / UXTW (32-bit), only meaningful with sp operands. */
  readonly extend: Extend | 'lsl';
  readonly amount?: number;
}
export interface ShiftedImm {
  readonly imm: number;
  readonly lsl: 0 | 12;
}
export type Operand2 = Reg | Imm | ShiftedReg | ExtendedReg | ShiftedImm;

/** `{reg, shift, amount}`, e.g. shifted('x2', 'lsl', 3) for `x2, lsl #3`. */
export function shifted(reg: Reg, shift: Shift, amount: number): ShiftedReg {
  return { reg, shift, amount };
}
/** `{reg, extend, amount}`, e.g. extended('w2', 'uxtw', 2) for `w2, uxtw #2`. */
export function extended(reg: Reg, extend: Extend | 'lsl', amount = 0): ExtendedReg {
  return { reg, extend, amount };
}

function isImm(o: Operand2): o is Imm {
  return typeof o === 'number' || typeof o === 'bigint';
}
function isShiftedImm(o: Operand2): o is ShiftedImm {
  return typeof o === 'object' && 'imm' in o;
}

// ---------------------------------------------------------------------------------------------
// ADD / SUB

function addSubImm(mn: string, sub: boolean, s: boolean, rd: Reg, rn: Reg, op2: Imm | ShiftedImm): number {
  const sf = sameWidth(mn, rd, rn);
  let v: bigint;
  let sh: 0 | 1 | undefined;
  if (isShiftedImm(op2)) {
    v = big(op2.imm, mn);
    if (op2.lsl !== 0 && op2.lsl !== 12) throw new A64Error(`${mn}: immediate shift must be lsl #0 or #12`);
    sh = op2.lsl === 12 ? 1 : 0;
    if (v < 0n || v > 4095n) throw new A64Error(`${mn}: immediate ${hex(v)} out of range 0..4095`);
  } else {
    v = big(op2, mn);
    if (v < 0n) {
      sub = !sub;
      v = -v;
    }
    if (v < 4096n) sh = 0;
    else if ((v & 0xfffn) === 0n && v < 1n << 24n) {
      sh = 1;
      v >>= 12n;
    } else {
      throw new A64Error(
        `${mn}: immediate ${hex(op2 as Imm)} not encodable (must be 0..4095, optionally shifted left by 12)`,
      );
    }
  }
  const d = s ? rz(rd, `${mn} Rd`) : rsp(rd, `${mn} Rd`);
  const n = rsp(rn, `${mn} Rn`);
  return fields(0x11000000, [sf, 31], [sub ? 1 : 0, 30], [s ? 1 : 0, 29], [sh, 22], [Number(v), 10], [n, 5], [d, 0]);
}

function addSubExt(mn: string, sub: boolean, s: boolean, rd: Reg, rn: Reg, o: ExtendedReg): number {
  const sf = sameWidth(mn, rd, rn);
  const kind = o.extend.toLowerCase() as Extend | 'lsl';
  const option = kind === 'lsl' ? (sf ? 3 : 2) : EXTEND_CODES[kind];
  if (option === undefined) throw new A64Error(`${mn}: unknown extend '${o.extend}'`);
  const amount = uimm(o.amount ?? 0, 3, `${mn} extend amount`);
  if (amount > 4) throw new A64Error(`${mn}: extend amount ${amount} out of range 0..4`);
  if (sf && (option & 3) === 3) needX(o.reg, `${mn} Rm (${kind})`);
  else needW(o.reg, `${mn} Rm (${kind})`);
  const d = s ? rz(rd, `${mn} Rd`) : rsp(rd, `${mn} Rd`);
  const n = rsp(rn, `${mn} Rn`);
  const m = rz(o.reg, `${mn} Rm`);
  return fields(0x0b200000, [sf, 31], [sub ? 1 : 0, 30], [s ? 1 : 0, 29], [m, 16], [option, 13], [amount, 10], [n, 5], [d, 0]);
}

function addSub(mn: string, sub: boolean, s: boolean, rd: Reg, rn: Reg, op2: Operand2): number {
  if (isImm(op2) || isShiftedImm(op2)) return addSubImm(mn, sub, s, rd, rn, op2);
  if (typeof op2 === 'object' && 'extend' in op2) return addSubExt(mn, sub, s, rd, rn, op2);
  const o: ShiftedReg = typeof op2 === 'string' ? { reg: op2, shift: 'lsl', amount: 0 } : op2;
  const spInvolved = (!s && regInfo(rd, mn).kind === 'sp') || regInfo(rn, mn).kind === 'sp';
  const shift = o.shift.toLowerCase() as Shift;
  if (spInvolved) {
    if (shift !== 'lsl') throw new A64Error(`${mn}: with sp only lsl (#0..#4) is allowed on Rm`);
    return addSubExt(mn, sub, s, rd, rn, { reg: o.reg, extend: 'lsl', amount: o.amount });
  }
  const sf = sameWidth(mn, rd, rn, o.reg);
  if (shift === 'ror' || SHIFT_CODES[shift] === undefined) throw new A64Error(`${mn}: shift '${o.shift}' not allowed (lsl/lsr/asr)`);
  const amount = uimm(o.amount, sf ? 6 : 5, `${mn} shift amount`);
  return fields(
    0x0b000000, [sf, 31], [sub ? 1 : 0, 30], [s ? 1 : 0, 29], [SHIFT_CODES[shift], 22],
    [rz(o.reg, `${mn} Rm`), 16], [amount, 10], [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0],
  );
}

export function add(rd: Reg, rn: Reg, op2: Operand2): number { return addSub('add', false, false, rd, rn, op2); }
export function adds(rd: Reg, rn: Reg, op2: Operand2): number { return addSub('adds', false, true, rd, rn, op2); }
export function sub(rd: Reg, rn: Reg, op2: Operand2): number { return addSub('sub', true, false, rd, rn, op2); }
export function subs(rd: Reg, rn: Reg, op2: Operand2): number { return addSub('subs', true, true, rd, rn, op2); }
/** CMP rn, op2 = SUBS zr, rn, op2. */
export function cmp(rn: Reg, op2: Operand2): number { return addSub('cmp', true, true, zr(regInfo(rn).sf), rn, op2); }
/** CMN rn, op2 = ADDS zr, rn, op2. */
export function cmn(rn: Reg, op2: Operand2): number { return addSub('cmn', false, true, zr(regInfo(rn).sf), rn, op2); }

function negOp(mn: string, s: boolean, rd: Reg, op2: Reg | ShiftedReg): number {
  if (typeof op2 !== 'string' && !(typeof op2 === 'object' && 'shift' in op2)) {
    throw new A64Error(`${mn}: operand must be a (shifted) register`);
  }
  return addSub(mn, true, s, rd, zr(regInfo(rd).sf), op2);
}
/** NEG rd, rm{, shift} = SUB rd, zr, rm. */
export function neg(rd: Reg, op2: Reg | ShiftedReg): number { return negOp('neg', false, rd, op2); }
/** NEGS rd, rm{, shift} = SUBS rd, zr, rm. */
export function negs(rd: Reg, op2: Reg | ShiftedReg): number { return negOp('negs', true, rd, op2); }

function carry(mn: string, sub: boolean, s: boolean, rd: Reg, rn: Reg, rm: Reg): number {
  const sf = sameWidth(mn, rd, rn, rm);
  return fields(0x1a000000, [sf, 31], [sub ? 1 : 0, 30], [s ? 1 : 0, 29], [rz(rm, mn), 16], [rz(rn, mn), 5], [rz(rd, mn), 0]);
}
export function adc(rd: Reg, rn: Reg, rm: Reg): number { return carry('adc', false, false, rd, rn, rm); }
export function adcs(rd: Reg, rn: Reg, rm: Reg): number { return carry('adcs', false, true, rd, rn, rm); }
export function sbc(rd: Reg, rn: Reg, rm: Reg): number { return carry('sbc', true, false, rd, rn, rm); }
export function sbcs(rd: Reg, rn: Reg, rm: Reg): number { return carry('sbcs', true, true, rd, rn, rm); }
export function ngc(rd: Reg, rm: Reg): number { return carry('ngc', true, false, rd, zr(regInfo(rd).sf), rm); }
export function ngcs(rd: Reg, rm: Reg): number { return carry('ngcs', true, true, rd, zr(regInfo(rd).sf), rm); }

// ---------------------------------------------------------------------------------------------
// Logical

function logical(mn: string, opc: number, invert: boolean, rd: Reg, rn: Reg, op2: Reg | Imm | ShiftedReg): number {
  if (isImm(op2)) {
    const sf = sameWidth(mn, rd, rn);
    const width = sf ? 64 : 32;
    let v = normImm(op2, width, mn);
    if (invert) v = ~v & ((1n << BigInt(width)) - 1n);
    const f = encodeBitmask(v, width, mn);
    const d = opc === 3 ? rz(rd, `${mn} Rd`) : rsp(rd, `${mn} Rd`);
    return fields(0x12000000, [sf, 31], [opc, 29], [f.n, 22], [f.immr, 16], [f.imms, 10], [rz(rn, `${mn} Rn`), 5], [d, 0]);
  }
  if (typeof op2 === 'object' && !('shift' in op2)) throw new A64Error(`${mn}: extended register operand not allowed`);
  const o: ShiftedReg = typeof op2 === 'string' ? { reg: op2, shift: 'lsl', amount: 0 } : op2;
  const sf = sameWidth(mn, rd, rn, o.reg);
  const shift = SHIFT_CODES[o.shift.toLowerCase() as Shift];
  if (shift === undefined) throw new A64Error(`${mn}: unknown shift '${o.shift}'`);
  const amount = uimm(o.amount, sf ? 6 : 5, `${mn} shift amount`);
  return fields(
    0x0a000000, [sf, 31], [opc, 29], [shift, 22], [invert ? 1 : 0, 21], [rz(o.reg, `${mn} Rm`), 16],
    [amount, 10], [rz(rn, `${mn} Rn`), 5], [rz(rd, `${mn} Rd`), 0],
  );
}

type LogicalOp2 = Reg | Imm | ShiftedReg;
export function and(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('and', 0, false, rd, rn, op2); }
export function orr(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('orr', 1, false, rd, rn, op2); }
export function eor(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('eor', 2, false, rd, rn, op2); }
export function ands(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('ands', 3, false, rd, rn, op2); }
/** BIC; an immediate is inverted and encoded as AND (as GNU as does). */
export function bic(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('bic', 0, !isImm(op2), rd, rn, invertIfImm(op2, rd)); }
export function orn(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('orn', 1, !isImm(op2), rd, rn, invertIfImm(op2, rd)); }
export function eon(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('eon', 2, !isImm(op2), rd, rn, invertIfImm(op2, rd)); }
export function bics(rd: Reg, rn: Reg, op2: LogicalOp2): number { return logical('bics', 3, !isImm(op2), rd, rn, invertIfImm(op2, rd)); }
/** TST rn, op2 = ANDS zr, rn, op2. */
export function tst(rn: Reg, op2: LogicalOp2): number { return logical('tst', 3, false, zr(regInfo(rn).sf), rn, op2); }
/** MVN rd, rm{, shift} = ORN rd, zr, rm. */
export function mvn(rd: Reg, op2: Reg | ShiftedReg): number {
  if (isImm(op2)) throw new A64Error('mvn: operand must be a (shifted) register');
  return logical('mvn', 1, true, rd, zr(regInfo(rd).sf), op2);
}

function invertIfImm(op2: LogicalOp2, rd: Reg): LogicalOp2 {
  if (!isImm(op2)) return op2;
  const width = regInfo(rd).sf ? 64 : 32;
  return ~normImm(op2, width, 'immediate') & ((1n << BigInt(width)) - 1n);
}

// ---------------------------------------------------------------------------------------------
// Move wide

function moveWide(mn: string, opc: number, rd: Reg, imm16: Imm, shift: number): number {
  const sf = regInfo(rd, mn).sf;
  const v = uimm(imm16, 16, `${mn} immediate`);
  if (shift % 16 !== 0 || shift < 0 || shift >= (sf ? 64 : 32)) {
    throw new A64Error(`${mn}: shift must be lsl #0/16${sf ? '/32/48' : ''}, got ${shift}`);
  }
  return fields(0x12800000, [sf, 31], [opc, 29], [shift / 16, 21], [v, 5], [rz(rd, `${mn} Rd`), 0]);
}
/** MOVN rd, #imm16{, lsl #shift}. */
export function movn(rd: Reg, imm16: Imm, shift = 0): number { return moveWide('movn', 0, rd, imm16, shift); }
/** MOVZ rd, #imm16{, lsl #shift}. */
export function movz(rd: Reg, imm16: Imm, shift = 0): number { return moveWide('movz', 2, rd, imm16, shift); }
/** MOVK rd, #imm16{, lsl #shift}. */
export function movk(rd: Reg, imm16: Imm, shift = 0): number { return moveWide('movk', 3, rd, imm16, shift); }

function halfwords(v: bigint, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  return out;
}

/** The single instruction GNU `mov rd, #imm` produces (MOVZ, then MOVN, then ORR), if any. */
export function tryMovImm(rd: Reg, value: Imm): number | undefined {
  const info = regInfo(rd, 'mov');
  const width = info.sf ? 64 : 32;
  const v = normImm(value, width, 'mov');
  if (info.kind !== 'sp') {
    const h = halfwords(v, width / 16);
    const nz = h.map((x, i) => (x !== 0 ? i : -1)).filter((i) => i >= 0);
    if (nz.length <= 1) return movz(rd, h[nz[0] ?? 0]!, 16 * (nz[0] ?? 0));
    const nf = h.map((x, i) => (x !== 0xffff ? i : -1)).filter((i) => i >= 0);
    if (nf.length <= 1) return movn(rd, ~h[nf[0] ?? 0]! & 0xffff, 16 * (nf[0] ?? 0));
  }
  if (info.kind === 'zr') return undefined;
  if (tryEncodeBitmask(v, width)) return orr(rd, zr(info.sf), v);
  return undefined;
}

/**
 * MOV alias: register move (ORR rd, zr, rm; ADD rd, rn, #0 when either is sp) or a single-
 * instruction immediate (MOVZ / MOVN / ORR bitmask). Use {@link mov64} for arbitrary constants.
 */
export function mov(rd: Reg, src: Reg | Imm): number {
  if (typeof src === 'string') {
    const sf = sameWidth('mov', rd, src);
    if (regInfo(rd).kind === 'sp' || regInfo(src).kind === 'sp') return add(rd, src, 0);
    return orr(rd, zr(sf), src);
  }
  const w = tryMovImm(rd, src);
  if (w === undefined) {
    throw new A64Error(`mov: immediate ${hex(big(src, 'mov'))} cannot be moved into ${rd} with one instruction; use mov64`);
  }
  return w;
}

/**
 * Shortest sequence loading a constant into rd: a single MOVZ/MOVN/ORR if possible, otherwise the
 * shortest of MOVZ+MOVK*, MOVN+MOVK* and ORR(bitmask)+MOVK* (ties prefer MOVZ, then MOVN).
 * Negative values are two's complement in the register's width.
 */
export function mov64(rd: Reg, value: Imm): number[] {
  const info = regInfo(rd, 'mov64');
  if (info.kind === 'sp') throw new A64Error('mov64: destination cannot be sp');
  const single = tryMovImm(rd, value);
  if (single !== undefined) return [single];
  const width = info.sf ? 64 : 32;
  const v = normImm(value, width, 'mov64');
  const n = width / 16;
  const h = halfwords(v, n);

  const movzSeq = (): number[] => {
    const out: number[] = [];
    h.forEach((x, i) => {
      if (x !== 0) out.push(out.length === 0 ? movz(rd, x, 16 * i) : movk(rd, x, 16 * i));
    });
    return out;
  };
  const movnSeq = (): number[] => {
    const out: number[] = [];
    h.forEach((x, i) => {
      if (x !== 0xffff) out.push(out.length === 0 ? movn(rd, ~x & 0xffff, 16 * i) : movk(rd, x, 16 * i));
    });
    return out;
  };
  let best = movzSeq();
  const mn = movnSeq();
  if (mn.length < best.length) best = mn;

  // ORR of a replicated pattern, then MOVK the halfwords that differ.
  const patterns = new Set<bigint>();
  for (const x of h) {
    let p = 0n;
    for (let i = 0; i < n; i++) p |= BigInt(x) << BigInt(16 * i);
    patterns.add(p);
  }
  if (width === 64) {
    patterns.add((v & 0xffffffffn) | ((v & 0xffffffffn) << 32n));
    patterns.add((v >> 32n) | (v & 0xffffffff00000000n));
  }
  for (const p of patterns) {
    if (!tryEncodeBitmask(p, width)) continue;
    const ph = halfwords(p, n);
    const diff = h.map((x, i) => (x !== ph[i] ? i : -1)).filter((i) => i >= 0);
    if (1 + diff.length < best.length) {
      best = [orr(rd, zr(info.sf), p), ...diff.map((i) => movk(rd, h[i]!, 16 * i))];
    }
  }
  return best;
}

export const ARITH_INSTRUCTIONS = {
  add, adds, sub, subs, cmp, cmn, neg, negs, adc, adcs, sbc, sbcs, ngc, ngcs,
  and, orr, eor, ands, bic, orn, eon, bics, tst, mvn, movn, movz, movk, mov, mov64,
} as const;
