/**
 * Mnemonic handlers of the A64 text front end: each turns parsed operands into Assembler calls.
 */
import type { Assembler } from './asm.js';
import {
  expectCond, expectIdent, expectImm, expectMem, expectNum, expectReg, expectTarget, expectXReg,
  type Constants, type MemOperand, type Operand, type TargetResolver,
} from './asm-operands.js';
import {
  A64Error, ENCODERS as E, idx, mem, post, pre, extended, shifted, loadStore, lse, stlse, cas, casp,
  type Addr, type AtomicOp, type LdStKind, type Operand2, type Order, type Reg, type SubSize, type XReg,
} from './encode.js';

export interface Ctx {
  readonly a: Assembler;
  readonly mn: string;
  readonly ops: readonly Operand[];
  readonly consts: Constants;
  readonly res: TargetResolver;
}
type Handler = (c: Ctx) => void;

function count(c: Ctx, min: number, max = min): void {
  if (c.ops.length < min || c.ops.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new A64Error(`${c.mn}: expected ${want} operand${max === 1 ? '' : 's'}, got ${c.ops.length}`);
  }
}
const R = (c: Ctx, i: number): Reg => expectReg(c.ops[i], `${c.mn} operand ${i + 1}`);
const X = (c: Ctx, i: number): XReg => expectXReg(c.ops[i], `${c.mn} operand ${i + 1}`);
const I = (c: Ctx, i: number): number => expectNum(c.ops[i], `${c.mn} operand ${i + 1}`);

/** Second operand at index i, with an optional shift/extend at i+1. */
function op2(c: Ctx, i: number): Operand2 {
  const o = c.ops[i];
  const m = c.ops[i + 1];
  if (c.ops.length > i + 2) throw new A64Error(`${c.mn}: too many operands`);
  if (o?.k === 'imm') {
    if (!m) return o.v;
    if (m.k !== 'shift' || m.op !== 'lsl' || (m.amount !== 0 && m.amount !== 12)) {
      throw new A64Error(`${c.mn}: immediate shift must be lsl #0 or lsl #12`);
    }
    return { imm: Number(o.v), lsl: m.amount };
  }
  const r = expectReg(o, `${c.mn} operand ${i + 1}`);
  if (!m) return r;
  if (m.k === 'shift') return shifted(r, m.op, m.amount);
  if (m.k === 'ext') return extended(r, m.op, m.amount ?? 0);
  throw new A64Error(`${c.mn}: expected a shift or extend after ${r}`);
}
function regOrShifted(c: Ctx, i: number): Reg | { reg: Reg; shift: 'lsl' | 'lsr' | 'asr' | 'ror'; amount: number } {
  const v = op2(c, i);
  if (typeof v === 'string' || (typeof v === 'object' && 'shift' in v)) return v;
  throw new A64Error(`${c.mn}: operand ${i + 1} must be a (shifted) register`);
}

function regs(n: number, fn: (...r: Reg[]) => number): Handler {
  return (c) => {
    count(c, n);
    c.a.emit(fn(...c.ops.map((_, i) => R(c, i))));
  };
}

const addSubOps: Record<string, (rd: Reg, rn: Reg, o: Operand2) => number> = { add: E.add, adds: E.adds, sub: E.sub, subs: E.subs };
const logicalOps: Record<string, (rd: Reg, rn: Reg, o: never) => number> = {
  and: E.and, orr: E.orr, eor: E.eor, ands: E.ands, bic: E.bic, bics: E.bics, orn: E.orn, eon: E.eon,
};

/** Converts a parsed [..] (plus an optional post-index immediate) to an encoder address. */
function addr(c: Ctx, m: MemOperand, postImm: Operand | undefined): Addr {
  if (m.lo12) throw new A64Error(`${c.mn}: :lo12: offset not allowed here`);
  if (postImm) {
    if (m.offset !== undefined || m.index || m.writeback) throw new A64Error(`${c.mn}: post-index needs a plain [xN] base`);
    return post(m.base, Number(expectImm(postImm, `${c.mn} post-index offset`)));
  }
  if (m.index) return idx(m.base, m.index, m.extend, m.shift);
  const off = Number(m.offset ?? 0n);
  return m.writeback ? pre(m.base, off) : mem(m.base, off);
}

function loadStoreHandler(kind: LdStKind, unscaled: boolean, literal?: 'ldr' | 'ldrsw'): Handler {
  return (c) => {
    count(c, 2, 3);
    const rt = R(c, 0);
    const o = c.ops[1];
    if (o?.k === 'sym' && literal) {
      count(c, 2);
      const t = expectTarget(o, c.consts, c.res, `${c.mn} literal`);
      if (literal === 'ldr') c.a.ldrLit(rt, t);
      else c.a.ldrswLit(rt, t);
      return;
    }
    const m = expectMem(o, `${c.mn} address`);
    if (m.lo12) {
      if (unscaled || c.ops.length > 2) throw new A64Error(`${c.mn}: bad :lo12: addressing`);
      c.a.ldstLo12(kind, rt, m.base, { label: c.res.resolveLabel(m.lo12.sym), addend: m.lo12.addend });
      return;
    }
    c.a.emit(loadStore(kind, rt, addr(c, m, c.ops[2]), unscaled));
  };
}

function pairHandler(fn: (a: Reg, b: Reg, m: never) => number): Handler {
  return (c) => {
    count(c, 3, 4);
    c.a.emit(fn(R(c, 0), R(c, 1), addr(c, expectMem(c.ops[2], `${c.mn} address`), c.ops[3]) as never));
  };
}

/** [xN] or [xN, #0] for exclusives/atomics. */
function baseOf(c: Ctx, i: number): XReg {
  const m = expectMem(c.ops[i], `${c.mn} address`);
  if (m.index || m.lo12 || m.writeback || (m.offset ?? 0n) !== 0n || c.ops.length > i + 1) {
    throw new A64Error(`${c.mn}: address must be [xN] or [xN, #0]`);
  }
  return m.base;
}
function exLoad(fn: (rt: Reg, b: XReg) => number): Handler {
  return (c) => {
    count(c, 2);
    c.a.emit(fn(R(c, 0), baseOf(c, 1)));
  };
}
function exStore(fn: (ws: Reg, rt: Reg, b: XReg) => number): Handler {
  return (c) => {
    count(c, 3);
    c.a.emit(fn(R(c, 0), R(c, 1), baseOf(c, 2)));
  };
}
function exStorePair(fn: (ws: Reg, r1: Reg, r2: Reg, b: XReg) => number): Handler {
  return (c) => {
    count(c, 4);
    c.a.emit(fn(R(c, 0), R(c, 1), R(c, 2), baseOf(c, 3)));
  };
}

function cond(fnCond: (c: Ctx) => number): Handler {
  return (c) => c.a.emit(fnCond(c));
}

function sysCrn(c: Ctx, i: number): number {
  const o = c.ops[i];
  const m = o?.k === 'sym' ? /^c([0-9]|1[0-5])$/i.exec(o.text) : null;
  if (!m) throw new A64Error(`${c.mn}: operand ${i + 1} must be C0..C15`);
  return Number(m[1]);
}

function noOps(fn: () => number): Handler {
  return (c) => {
    count(c, 0);
    c.a.emit(fn());
  };
}
function imm16(fn: (v: number) => number): Handler {
  return (c) => {
    count(c, 1);
    c.a.emit(fn(I(c, 0)));
  };
}
function barrier(fn: (o: never) => number, optional: boolean): Handler {
  return (c) => {
    count(c, optional ? 0 : 1, 1);
    const o = c.ops[0];
    if (!o) c.a.emit(fn(undefined as never));
    else c.a.emit(fn((o.k === 'imm' ? Number(o.v) : expectIdent(o, `${c.mn} option`)) as never));
  };
}

export const HANDLERS: Readonly<Record<string, Handler>> = {
  // ---- arithmetic / logical
  ...Object.fromEntries(Object.entries(addSubOps).map(([k, fn]) => [k, (c: Ctx) => {
    count(c, 3, 4);
    const o = c.ops[2];
    if (o?.k === 'lo12') {
      if (k !== 'add' || c.ops.length !== 3) throw new A64Error(`${c.mn}: :lo12: only with add rd, rn, :lo12:sym`);
      c.a.addLo12(R(c, 0), R(c, 1), { label: c.res.resolveLabel(o.sym), addend: o.addend });
      return;
    }
    c.a.emit(fn(R(c, 0), R(c, 1), op2(c, 2)));
  }])),
  ...Object.fromEntries(Object.entries(logicalOps).map(([k, fn]) => [k, (c: Ctx) => {
    count(c, 3, 4);
    if (c.ops[2]?.k === 'ext') throw new A64Error(`${k}: extend not allowed`);
    c.a.emit(fn(R(c, 0), R(c, 1), op2(c, 2) as never));
  }])),
  cmp: (c) => { count(c, 2, 3); c.a.emit(E.cmp(R(c, 0), op2(c, 1))); },
  cmn: (c) => { count(c, 2, 3); c.a.emit(E.cmn(R(c, 0), op2(c, 1))); },
  tst: (c) => { count(c, 2, 3); c.a.emit(E.tst(R(c, 0), op2(c, 1) as never)); },
  neg: (c) => { count(c, 2, 3); c.a.emit(E.neg(R(c, 0), regOrShifted(c, 1))); },
  negs: (c) => { count(c, 2, 3); c.a.emit(E.negs(R(c, 0), regOrShifted(c, 1))); },
  mvn: (c) => { count(c, 2, 3); c.a.emit(E.mvn(R(c, 0), regOrShifted(c, 1))); },
  adc: regs(3, E.adc), adcs: regs(3, E.adcs), sbc: regs(3, E.sbc), sbcs: regs(3, E.sbcs),
  ngc: regs(2, E.ngc), ngcs: regs(2, E.ngcs),
  mov: (c) => {
    count(c, 2);
    const o = c.ops[1];
    c.a.emit(E.mov(R(c, 0), o?.k === 'imm' ? o.v : R(c, 1)));
  },
  mov64: (c) => { count(c, 2); c.a.emit(E.mov64(R(c, 0), expectImm(c.ops[1], 'mov64 value'))); },
  ...Object.fromEntries((['movz', 'movn', 'movk'] as const).map((k) => [k, (c: Ctx) => {
    count(c, 2, 3);
    const s = c.ops[2];
    if (s && (s.k !== 'shift' || s.op !== 'lsl')) throw new A64Error(`${k}: expected lsl #0/16/32/48`);
    c.a.emit(E[k](R(c, 0), I(c, 1), s ? s.amount : 0));
  }])),
  // ---- bitfield / shifts
  ...Object.fromEntries((['sbfm', 'bfm', 'ubfm', 'ubfx', 'sbfx', 'bfi', 'bfxil', 'ubfiz', 'sbfiz'] as const).map((k) => [k, (c: Ctx) => {
    count(c, 4);
    c.a.emit(E[k](R(c, 0), R(c, 1), I(c, 2), I(c, 3)));
  }])),
  bfc: (c) => { count(c, 3); c.a.emit(E.bfc(R(c, 0), I(c, 1), I(c, 2))); },
  extr: (c) => { count(c, 4); c.a.emit(E.extr(R(c, 0), R(c, 1), R(c, 2), I(c, 3))); },
  ...Object.fromEntries((['lsl', 'lsr', 'asr', 'ror'] as const).map((k) => [k, (c: Ctx) => {
    count(c, 3);
    const o = c.ops[2];
    c.a.emit(E[k](R(c, 0), R(c, 1), o?.k === 'imm' ? Number(o.v) : R(c, 2)));
  }])),
  sxtb: regs(2, E.sxtb), sxth: regs(2, E.sxth), sxtw: regs(2, E.sxtw), uxtb: regs(2, E.uxtb), uxth: regs(2, E.uxth),
  lslv: regs(3, E.lslv), lsrv: regs(3, E.lsrv), asrv: regs(3, E.asrv), rorv: regs(3, E.rorv),
  udiv: regs(3, E.udiv), sdiv: regs(3, E.sdiv), mul: regs(3, E.mul), mneg: regs(3, E.mneg),
  smull: regs(3, E.smull), umull: regs(3, E.umull), smnegl: regs(3, E.smnegl), umnegl: regs(3, E.umnegl),
  smulh: regs(3, E.smulh), umulh: regs(3, E.umulh),
  madd: regs(4, E.madd), msub: regs(4, E.msub), smaddl: regs(4, E.smaddl), smsubl: regs(4, E.smsubl),
  umaddl: regs(4, E.umaddl), umsubl: regs(4, E.umsubl),
  rbit: regs(2, E.rbit), rev16: regs(2, E.rev16), rev32: regs(2, E.rev32), rev: regs(2, E.rev),
  rev64: regs(2, E.rev64), clz: regs(2, E.clz), cls: regs(2, E.cls),
  // ---- conditional
  ...Object.fromEntries((['csel', 'csinc', 'csinv', 'csneg'] as const).map((k) => [k, cond((c) => {
    count(c, 4);
    return E[k](R(c, 0), R(c, 1), R(c, 2), expectCond(c.ops[3]));
  })])),
  cset: cond((c) => { count(c, 2); return E.cset(R(c, 0), expectCond(c.ops[1])); }),
  csetm: cond((c) => { count(c, 2); return E.csetm(R(c, 0), expectCond(c.ops[1])); }),
  ...Object.fromEntries((['cinc', 'cinv', 'cneg'] as const).map((k) => [k, cond((c) => {
    count(c, 3);
    return E[k](R(c, 0), R(c, 1), expectCond(c.ops[2]));
  })])),
  ...Object.fromEntries((['ccmp', 'ccmn'] as const).map((k) => [k, cond((c) => {
    count(c, 4);
    const o = c.ops[1];
    return E[k](R(c, 0), o?.k === 'imm' ? Number(o.v) : R(c, 1), I(c, 2), expectCond(c.ops[3]));
  })])),
  // ---- PC-relative
  adr: (c) => { count(c, 2); c.a.adr(R(c, 0), expectTarget(c.ops[1], c.consts, c.res)); },
  adrp: (c) => { count(c, 2); c.a.adrp(R(c, 0), expectTarget(c.ops[1], c.consts, c.res)); },
  b: (c) => { count(c, 1); c.a.b(expectTarget(c.ops[0], c.consts, c.res)); },
  bl: (c) => { count(c, 1); c.a.bl(expectTarget(c.ops[0], c.consts, c.res)); },
  cbz: (c) => { count(c, 2); c.a.cbz(R(c, 0), expectTarget(c.ops[1], c.consts, c.res)); },
  cbnz: (c) => { count(c, 2); c.a.cbnz(R(c, 0), expectTarget(c.ops[1], c.consts, c.res)); },
  tbz: (c) => { count(c, 3); c.a.tbz(R(c, 0), I(c, 1), expectTarget(c.ops[2], c.consts, c.res)); },
  tbnz: (c) => { count(c, 3); c.a.tbnz(R(c, 0), I(c, 1), expectTarget(c.ops[2], c.consts, c.res)); },
  br: (c) => { count(c, 1); c.a.emit(E.br(X(c, 0))); },
  blr: (c) => { count(c, 1); c.a.emit(E.blr(X(c, 0))); },
  ret: (c) => { count(c, 0, 1); c.a.emit(E.ret(c.ops.length ? X(c, 0) : 'x30')); },
  eret: noOps(E.eret),
  // ---- loads and stores
  ldr: loadStoreHandler('ldr', false, 'ldr'), str: loadStoreHandler('str', false),
  ldrb: loadStoreHandler('ldrb', false), strb: loadStoreHandler('strb', false),
  ldrh: loadStoreHandler('ldrh', false), strh: loadStoreHandler('strh', false),
  ldrsb: loadStoreHandler('ldrsb', false), ldrsh: loadStoreHandler('ldrsh', false),
  ldrsw: loadStoreHandler('ldrsw', false, 'ldrsw'),
  ldur: loadStoreHandler('ldr', true), stur: loadStoreHandler('str', true),
  ldurb: loadStoreHandler('ldrb', true), sturb: loadStoreHandler('strb', true),
  ldurh: loadStoreHandler('ldrh', true), sturh: loadStoreHandler('strh', true),
  ldursb: loadStoreHandler('ldrsb', true), ldursh: loadStoreHandler('ldrsh', true),
  ldursw: loadStoreHandler('ldrsw', true),
  prfm: (c) => {
    count(c, 2);
    const o = c.ops[0];
    const op = o?.k === 'imm' ? Number(o.v) : expectIdent(o, 'prfm operation');
    const t = c.ops[1];
    if (t?.k === 'sym') c.a.prfmLit(op, expectTarget(t, c.consts, c.res));
    else c.a.emit(E.prfm(op, addr(c, expectMem(t, 'prfm address'), undefined)));
  },
  ldp: pairHandler(E.ldp), stp: pairHandler(E.stp), ldpsw: pairHandler(E.ldpsw),
  ldnp: pairHandler(E.ldnp), stnp: pairHandler(E.stnp),
  // ---- exclusives / ordered
  ldxr: exLoad(E.ldxr), ldxrb: exLoad(E.ldxrb), ldxrh: exLoad(E.ldxrh),
  ldaxr: exLoad(E.ldaxr), ldaxrb: exLoad(E.ldaxrb), ldaxrh: exLoad(E.ldaxrh),
  ldar: exLoad(E.ldar), ldarb: exLoad(E.ldarb), ldarh: exLoad(E.ldarh),
  stlr: exLoad(E.stlr), stlrb: exLoad(E.stlrb), stlrh: exLoad(E.stlrh),
  stxr: exStore(E.stxr), stxrb: exStore(E.stxrb), stxrh: exStore(E.stxrh),
  stlxr: exStore(E.stlxr), stlxrb: exStore(E.stlxrb), stlxrh: exStore(E.stlxrh),
  ldxp: exStore(E.ldxp), ldaxp: exStore(E.ldaxp),
  stxp: exStorePair(E.stxp), stlxp: exStorePair(E.stlxp),
  // ---- system
  nop: noOps(E.nop), yield: noOps(E.yield_), wfe: noOps(E.wfe), wfi: noOps(E.wfi), sev: noOps(E.sev),
  sevl: noOps(E.sevl), esb: noOps(E.esb), csdb: noOps(E.csdb),
  hint: imm16(E.hint),
  dmb: barrier(E.dmb, false), dsb: barrier(E.dsb, false), isb: barrier(E.isb, true), clrex: barrier(E.clrex, true),
  svc: imm16(E.svc), hvc: imm16(E.hvc), smc: imm16(E.smc), brk: imm16(E.brk), hlt: imm16(E.hlt),
  mrs: (c) => {
    count(c, 2);
    c.a.emit(E.mrs(R(c, 0), expectIdent(c.ops[1], 'mrs system register')));
  },
  msr: (c) => {
    count(c, 2);
    const o = c.ops[1];
    c.a.emit(E.msr(expectIdent(c.ops[0], 'msr system register'), o?.k === 'imm' ? Number(o.v) : R(c, 1)));
  },
  sys: (c) => {
    count(c, 4, 5);
    c.a.emit(E.sys(I(c, 0), sysCrn(c, 1), sysCrn(c, 2), I(c, 3), c.ops[4] ? R(c, 4) : 'xzr'));
  },
  sysl: (c) => { count(c, 5); c.a.emit(E.sysl(R(c, 0), I(c, 1), sysCrn(c, 2), sysCrn(c, 3), I(c, 4))); },
  ...Object.fromEntries((['tlbi', 'dc', 'ic', 'at'] as const).map((k) => [k, (c: Ctx) => {
    count(c, 1, 2);
    const fn = E[k] as (op: string, rt?: Reg) => number;
    c.a.emit(fn(expectIdent(c.ops[0], `${k} operation`), c.ops[1] ? R(c, 1) : undefined));
  }])),
};

const LSE_RE = /^(?:ld(add|clr|eor|set|smax|smin|umax|umin)|(swp)|(cas))(al|a|l)?(b|h)?$/;
const ST_RE = /^st(add|clr|eor|set|smax|smin|umax|umin)(l)?(b|h)?$/;
const CASP_RE = /^casp(al|a|l)?$/;

/** Handler for a mnemonic (including b.<cond> and LSE families), or undefined. */
export function handlerFor(mn: string): Handler | undefined {
  const h = Object.hasOwn(HANDLERS, mn) ? HANDLERS[mn] : undefined;
  if (h) return h;
  const bc = /^b\.(\w+)$/.exec(mn);
  if (bc) {
    return (c) => {
      count(c, 1);
      c.a.bcond(expectCond({ k: 'sym', text: bc[1]! }, `${mn} condition`), expectTarget(c.ops[0], c.consts, c.res));
    };
  }
  const cp = CASP_RE.exec(mn);
  if (cp) {
    return (c) => {
      count(c, 5);
      c.a.emit(casp(R(c, 0), R(c, 1), R(c, 2), R(c, 3), baseOf(c, 4), (cp[1] ?? '') as Order));
    };
  }
  const l = LSE_RE.exec(mn);
  if (l) {
    const order = (l[4] ?? '') as Order;
    const size = l[5] as SubSize | undefined;
    return (c) => {
      count(c, 3);
      if (l[3]) c.a.emit(cas(R(c, 0), R(c, 1), baseOf(c, 2), order, size));
      else c.a.emit(lse((l[1] ?? 'swp') as AtomicOp, R(c, 0), R(c, 1), baseOf(c, 2), order, size));
    };
  }
  const s = ST_RE.exec(mn);
  if (s) {
    return (c) => {
      count(c, 2);
      c.a.emit(stlse(s[1] as Exclude<AtomicOp, 'swp'>, R(c, 0), baseOf(c, 1), (s[2] ?? '') as '' | 'l', s[3] as SubSize | undefined));
    };
  }
  return undefined;
}
