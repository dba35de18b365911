/**
 * Reference interpreter: loads and stores (all addressing forms, pairs, literal), exclusives,
 * load-acquire/store-release, LSE atomics, CAS/CASP and DC ZVA, all through {@link GuestMemory}.
 *
 * Each exec* function either completes the instruction (returns undefined; the caller advances
 * pc) or returns an exception result WITHOUT having modified registers. Exceptions to "no state
 * modified": a fault on the second access of STP, or on the second half of a 16-byte STXP/CASP
 * (performed as two 8-byte compare-and-swaps, the first rolled back on failure), leaves the first
 * 8 bytes written, which the architecture permits for STP (the memory contents are UNKNOWN).
 * The SIMD&FP loads/stores (simd/ldst-access.ts) use `base` and the helpers exported here and
 * follow the same rule for their multi-access stores.
 *
 * Alignment: exclusives, LDAR/STLR, atomics and CAS must be naturally aligned (to the total size
 * for pairs), always; other accesses only when SCTLR_EL1.A is set. SP alignment (SCTLR_EL1.SA /
 * SA0) is checked on the base register when it is SP.
 */
import type {
  Atomic, Cas, Casp, LdExcl, Ldar, LdStImm, LdStPair, LdStReg, LdrLit, SizeLog2, StExcl, Stlr,
} from './insn.js';
import { encodeDataAbortIss, type DataAbortIss } from '../../../shared/arm64/iss-abort.js';
import {
  type Access, type AccessKind, type AccessSize, type Fault, type GuestMemory, type StepException, faultStatusCode,
} from './interp-types.js';
import { extendValue } from './interp-alu.js';
import { type A64State, M32, SCTLR_EL1_KEY, fromVa, vaOfAddr } from './state.js';

const SIZE_MASK: readonly bigint[] = [0xffn, 0xffffn, M32, 0xffff_ffff_ffff_ffffn];

const KINDS: readonly AccessKind[] = ['load', 'store', 'fetch', 'atomic'];
/** ACCESS[kind index * 4 + el * 2 + insnIsLoadStore]: frozen constant Access objects. */
const ACCESS: readonly Access[] = KINDS.flatMap((kind) => [0, 1].flatMap((el) => [false, true].map(
  (insnIsLoadStore) => Object.freeze({ kind, insnIsLoadStore, el: el as 0 | 1 }))));
const KIND_INDEX: Readonly<Record<AccessKind, number>> = { load: 0, store: 1, fetch: 2, atomic: 3 };

/** The constant Access object for (kind, el, insnIsLoadStore). */
export function accessFor(kind: AccessKind, el: 0 | 1, insnIsLoadStore = kind !== 'fetch'): Access {
  return ACCESS[KIND_INDEX[kind] * 4 + el * 2 + (insnIsLoadStore ? 1 : 0)]!;
}

/** A 64-bit address as a VA number (a TBI tag stripped), or undefined when no exact number holds it. */
export function vaOf(addr: bigint, s: A64State): number | undefined {
  return vaOfAddr(s, addr);
}

export function unrepresentable(addr: bigint, write: boolean): Fault {
  return { fault: 'translation', va: Number(BigInt.asIntN(64, addr)), write, level: 0 };
}

/** Syndrome of an access: what ISV=1 reports (ignored when !isv). */
export interface Syn { isv: boolean; sas: SizeLog2; sse: boolean; srt: number; sf: boolean; ar: boolean }
export const NO_SYN: Syn = { isv: false, sas: 0, sse: false, srt: 0, sf: false, ar: false };

/** Builds a data-abort result. wnr undefined: taken from fault.write. */
export function dataAbort(pc: number, f: Fault, syn: Syn, wnr?: boolean, cm = false): StepException {
  const d: DataAbortIss = {
    isv: syn.isv, sas: syn.isv ? syn.sas : 0, sse: syn.isv && syn.sse, srt: syn.isv ? syn.srt : 0,
    sf: syn.isv && syn.sf, ar: syn.isv && syn.ar, wnr: wnr ?? f.write, cm, s1ptw: f.s1ptw === true,
    ea: f.fault === 'external' || (f.fault === 'stage2' && f.stage2 === 'external'), dfsc: faultStatusCode(f),
  };
  return { kind: 'exception', pc, type: 'dataAbort', fault: f, iss: encodeDataAbortIss(d), syndrome: d };
}

export function alignmentFault(va: number, write: boolean): Fault {
  return { fault: 'alignment', va, write };
}

/** SCTLR_EL1.A: alignment checking for ordinary accesses. */
export function alignCheck(s: A64State): boolean {
  return (s.sysreg(SCTLR_EL1_KEY) & 2n) !== 0n;
}

/** Base register value, or an SP alignment fault when the base is a misaligned SP (SCTLR_EL1.SA/SA0). */
export function base(s: A64State, rn: number, pc: number): bigint | StepException {
  if (rn !== 31) return s.x[rn]!;
  const sp = s.currentSp();
  if ((sp & 15n) !== 0n && (s.sysreg(SCTLR_EL1_KEY) & (s.el === 0 ? 16n : 8n)) !== 0n) {
    return { kind: 'exception', pc, type: 'spAlignment' };
  }
  return sp;
}

const isExc = (v: unknown): v is StepException => typeof v === 'object';

/** One load or store of a general-purpose register (the ISV=1 class when `syn.isv`). */
function transfer(
  s: A64State, mem: GuestMemory, pc: number, addr: bigint, size: SizeLog2, load: boolean, signed: boolean,
  sf: boolean, rt: number, acc: Access, syn: Syn, alwaysAligned: boolean,
): StepException | undefined {
  const bytes = (1 << size) as AccessSize;
  const va = vaOf(addr, s);
  if (va === undefined) return dataAbort(pc, unrepresentable(addr, !load), syn, !load);
  if (va % bytes !== 0 && (alwaysAligned || alignCheck(s))) return dataAbort(pc, alignmentFault(va, !load), syn, !load);
  if (load) {
    const v = mem.read(va, bytes, acc);
    if (typeof v !== 'bigint') return dataAbort(pc, v, syn, false);
    s.setReg(rt, signed ? BigInt.asIntN(bytes * 8, v) : v, sf, false);
    return undefined;
  }
  const f = mem.write(va, bytes, s.xreg(rt) & SIZE_MASK[size]!, acc);
  return f === undefined ? undefined : dataAbort(pc, f, syn, true);
}

function syn(size: SizeLog2, signed: boolean, rt: number, sf: boolean, isv: boolean, ar = false): Syn {
  return isv ? { isv, sas: size, sse: signed, srt: rt, sf, ar } : NO_SYN;
}

export function execLdStImm(s: A64State, mem: GuestMemory, i: LdStImm, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const addr = i.writeback === 'post' ? b : b + BigInt(i.offset);
  const acc = accessFor(i.load ? 'load' : 'store', i.unpriv ? 0 : s.el);
  const e = transfer(s, mem, pc, addr, i.size, i.load, i.signed, i.sf, i.rt, acc,
    syn(i.size, i.signed, i.rt, i.sf, i.writeback === 'none'), false);
  if (e) return e;
  if (i.writeback !== 'none') s.setReg(i.rn, b + BigInt(i.offset), true, true);
  return undefined;
}

export function execLdStReg(s: A64State, mem: GuestMemory, i: LdStReg, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const addr = b + extendValue(s.xreg(i.rm), i.extend, i.amount, true);
  return transfer(s, mem, pc, addr, i.size, i.load, i.signed, i.sf, i.rt, accessFor(i.load ? 'load' : 'store', s.el),
    syn(i.size, i.signed, i.rt, i.sf, true), false);
}

export function execLdrLit(s: A64State, mem: GuestMemory, i: LdrLit, pc: number): StepException | undefined {
  return transfer(s, mem, pc, fromVa(pc) + BigInt(i.offset), i.size, true, i.signed, i.sf, i.rt,
    accessFor('load', s.el), syn(i.size, i.signed, i.rt, i.sf, true), false);
}

export function execLdar(s: A64State, mem: GuestMemory, i: Ldar | Stlr, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const load = i.op === 'LDAR';
  return transfer(s, mem, pc, b, i.size, load, false, i.size === 3, i.rt, accessFor(load ? 'load' : 'store', s.el),
    syn(i.size, false, i.rt, i.size === 3, true, true), true);
}

export function execLdStPair(s: A64State, mem: GuestMemory, i: LdStPair, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const bytes = (1 << i.size) as AccessSize;
  const addr = i.writeback === 'post' ? b : b + BigInt(i.offset);
  const va1 = vaOf(addr, s);
  const va2 = vaOf(addr + BigInt(bytes), s);
  if (va1 === undefined) return dataAbort(pc, unrepresentable(addr, !i.load), NO_SYN, !i.load);
  if (va2 === undefined) return dataAbort(pc, unrepresentable(addr + BigInt(bytes), !i.load), NO_SYN, !i.load);
  if (va1 % bytes !== 0 && alignCheck(s)) return dataAbort(pc, alignmentFault(va1, !i.load), NO_SYN, !i.load);
  const acc = accessFor(i.load ? 'load' : 'store', s.el);
  if (i.load) {
    const v1 = mem.read(va1, bytes, acc);
    if (typeof v1 !== 'bigint') return dataAbort(pc, v1, NO_SYN, false);
    const v2 = mem.read(va2, bytes, acc);
    if (typeof v2 !== 'bigint') return dataAbort(pc, v2, NO_SYN, false);
    s.setReg(i.rt, i.signed ? BigInt.asIntN(32, v1) : v1, i.sf, false);
    s.setReg(i.rt2, i.signed ? BigInt.asIntN(32, v2) : v2, i.sf, false);
  } else {
    const m = SIZE_MASK[i.size]!;
    const d1 = s.xreg(i.rt) & m;
    const d2 = s.xreg(i.rt2) & m;
    const f1 = mem.write(va1, bytes, d1, acc);
    if (f1) return dataAbort(pc, f1, NO_SYN, true);
    const f2 = mem.write(va2, bytes, d2, acc);
    if (f2) return dataAbort(pc, f2, NO_SYN, true);
  }
  if (i.writeback !== 'none') s.setReg(i.rn, b + BigInt(i.offset), true, true);
  return undefined;
}

/** Address of an always-aligned access (exclusives, atomics): VA or an abort. */
function alignedVa(s: A64State, addr: bigint, total: number, write: boolean, pc: number): number | StepException {
  const va = vaOf(addr, s);
  if (va === undefined) return dataAbort(pc, unrepresentable(addr, write), NO_SYN, write);
  if (va % total !== 0) return dataAbort(pc, alignmentFault(va, write), NO_SYN, write);
  return va;
}

export function execLdExcl(s: A64State, mem: GuestMemory, i: LdExcl, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const total = i.pair ? 2 << i.size : 1 << i.size;
  const va = alignedVa(s, b, total, false, pc);
  if (isExc(va)) return va;
  const acc = accessFor('load', s.el);
  if (total === 16) {
    const v1 = mem.read(va, 8, acc);
    if (typeof v1 !== 'bigint') return dataAbort(pc, v1, NO_SYN, false);
    const v2 = mem.read(va + 8, 8, acc);
    if (typeof v2 !== 'bigint') return dataAbort(pc, v2, NO_SYN, false);
    s.setReg(i.rt, v1, true, false);
    s.setReg(i.rt2, v2, true, false);
    s.exclusive = { addr: va, size: 16, value: v1, value2: v2 };
    return undefined;
  }
  const v = mem.read(va, total as AccessSize, acc);
  if (typeof v !== 'bigint') return dataAbort(pc, v, NO_SYN, false);
  if (i.pair) {
    s.setReg(i.rt, v & M32, false, false);
    s.setReg(i.rt2, v >> 32n, false, false);
  } else {
    s.setReg(i.rt, v, i.size === 3, false);
  }
  s.exclusive = { addr: va, size: total, value: v };
  return undefined;
}

export function execStExcl(s: A64State, mem: GuestMemory, i: StExcl, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const total = i.pair ? 2 << i.size : 1 << i.size;
  const va = alignedVa(s, b, total, true, pc);
  if (isExc(va)) return va;
  const acc = accessFor('store', s.el);
  const mon = s.exclusive;
  let ok = false;
  if (mon !== undefined && mon.addr === va && mon.size === total) {
    if (total === 16) {
      const r = cas128(mem, va, mon.value, mon.value2 ?? 0n, s.xreg(i.rt), s.xreg(i.rt2), acc);
      if (isFault(r)) return dataAbort(pc, r, NO_SYN, true);
      ok = r[0] === mon.value && r[1] === mon.value2;
    } else {
      const d = i.pair
        ? (s.xreg(i.rt) & M32) | ((s.xreg(i.rt2) & M32) << 32n)
        : s.xreg(i.rt) & SIZE_MASK[i.size]!;
      const old = mem.cas(va, total as AccessSize, mon.value, d, acc);
      if (typeof old !== 'bigint') return dataAbort(pc, old, NO_SYN, true);
      ok = old === mon.value;
    }
  }
  s.exclusive = undefined;
  s.setReg(i.rs, ok ? 0n : 1n, false, false);
  return undefined;
}

const isFault = (v: unknown): v is Fault => !Array.isArray(v);

/**
 * 16-byte compare-and-swap as two 8-byte ones (atomic per half only): returns the old halves;
 * memory is changed iff both matched (the first half is restored when the second does not).
 */
function cas128(
  mem: GuestMemory, va: number, e1: bigint, e2: bigint, d1: bigint, d2: bigint, acc: Access,
): [bigint, bigint] | Fault {
  const o1 = mem.cas(va, 8, e1, d1, acc);
  if (typeof o1 !== 'bigint') return o1;
  if (o1 !== e1) {
    const o2 = mem.read(va + 8, 8, acc);
    return typeof o2 === 'bigint' ? [o1, o2] : o2;
  }
  const o2 = mem.cas(va + 8, 8, e2, d2, acc);
  if (typeof o2 !== 'bigint' || o2 !== e2) mem.cas(va, 8, d1, e1, acc);
  return typeof o2 === 'bigint' ? [o1, o2] : o2;
}

function atomicOp(aop: Atomic['aop'], bits: number, x: bigint): (old: bigint) => bigint {
  const m = (1n << BigInt(bits)) - 1n;
  const sx = BigInt.asIntN(bits, x);
  switch (aop) {
    case 'ADD': return (o) => (o + x) & m;
    case 'CLR': return (o) => o & ~x & m;
    case 'EOR': return (o) => (o ^ x) & m;
    case 'SET': return (o) => (o | x) & m;
    case 'SMAX': return (o) => (BigInt.asIntN(bits, o) >= sx ? o : x);
    case 'SMIN': return (o) => (BigInt.asIntN(bits, o) <= sx ? o : x);
    case 'UMAX': return (o) => (o >= x ? o : x);
    case 'UMIN': return (o) => (o <= x ? o : x);
    default: return () => x;
  }
}

export function execAtomic(s: A64State, mem: GuestMemory, i: Atomic, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const bytes = (1 << i.size) as AccessSize;
  const va = alignedVa(s, b, bytes, true, pc);
  if (isExc(va)) return va;
  const x = s.xreg(i.rs) & SIZE_MASK[i.size]!;
  const old = mem.atomic(va, bytes, atomicOp(i.aop, bytes * 8, x), accessFor('atomic', s.el));
  if (typeof old !== 'bigint') return dataAbort(pc, old, NO_SYN);
  s.setReg(i.rt, old, i.size === 3, false);
  return undefined;
}

export function execCas(s: A64State, mem: GuestMemory, i: Cas, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const bytes = (1 << i.size) as AccessSize;
  const va = alignedVa(s, b, bytes, true, pc);
  if (isExc(va)) return va;
  const m = SIZE_MASK[i.size]!;
  const old = mem.cas(va, bytes, s.xreg(i.rs) & m, s.xreg(i.rt) & m, accessFor('atomic', s.el));
  if (typeof old !== 'bigint') return dataAbort(pc, old, NO_SYN);
  s.setReg(i.rs, old, i.size === 3, false);
  return undefined;
}

export function execCasp(s: A64State, mem: GuestMemory, i: Casp, pc: number): StepException | undefined {
  const b = base(s, i.rn, pc);
  if (isExc(b)) return b;
  const total = 2 << i.size;
  const va = alignedVa(s, b, total, true, pc);
  if (isExc(va)) return va;
  const acc = accessFor('atomic', s.el);
  if (i.size === 2) {
    const e = (s.xreg(i.rs) & M32) | ((s.xreg(i.rs + 1) & M32) << 32n);
    const d = (s.xreg(i.rt) & M32) | ((s.xreg(i.rt + 1) & M32) << 32n);
    const old = mem.cas(va, 8, e, d, acc);
    if (typeof old !== 'bigint') return dataAbort(pc, old, NO_SYN);
    s.setReg(i.rs, old, false, false);
    s.setReg(i.rs + 1, old >> 32n, false, false);
    return undefined;
  }
  const r = cas128(mem, va, s.xreg(i.rs), s.xreg(i.rs + 1), s.xreg(i.rt), s.xreg(i.rt + 1), acc);
  if (isFault(r)) return dataAbort(pc, r, NO_SYN);
  s.setReg(i.rs, r[0], true, false);
  s.setReg(i.rs + 1, r[1], true, false);
  return undefined;
}

/** DC ZVA: zeroes the 64-byte block (DCZID_EL0.BS = 4) containing Xt. */
/**
 * DC IVAC/CVAC/CVAU/CIVAC/CVAP/CVADP: no data moves (the caches are coherent here), but the VA
 * is translated like an access, so an address outside the cell's stage 2 takes a data abort
 * with CM = 1 and WnR = 1 and no instruction syndrome. Only DC IVAC needs write permission
 * (it may discard data); the others report translation and access faults only.
 */
export function execDcByVa(s: A64State, mem: GuestMemory, name: string, value: bigint, pc: number): StepException | undefined {
  if (mem.probe === undefined) return undefined;
  const va = vaOf(value, s);
  if (va === undefined) return dataAbort(pc, unrepresentable(value, true), NO_SYN, true, true);
  const f = mem.probe(va, name === 'IVAC', accessFor('store', s.el, false));
  if (f === undefined) return undefined;
  const permission = f.fault === 'permission' || (f.fault === 'stage2' && f.stage2 === 'permission');
  if (permission && name !== 'IVAC') return undefined;
  return dataAbort(pc, f, NO_SYN, true, true);
}

export function execDcZva(s: A64State, mem: GuestMemory, value: bigint, pc: number): StepException | undefined {
  const addr = value & ~63n;
  const va = vaOf(addr, s);
  if (va === undefined) return dataAbort(pc, unrepresentable(addr, true), NO_SYN, true);
  const acc = accessFor('store', s.el, false);
  for (let k = 0; k < 64; k += 8) {
    const f = mem.write(va + k, 8, 0n, acc);
    if (f) return dataAbort(pc, f, NO_SYN, true);
  }
  return undefined;
}
