/**
 * A64 system instructions: hints, barriers, exception generation, MRS/MSR (register and PSTATE
 * immediate), SYS/SYSL and the TLBI/DC/IC/AT aliases. Rt operands are ZR slots.
 */
import { A64Error, fields, needX, regInfo, rz, uimm, type Imm, type Reg } from './encode-core.js';
import { lookupSysreg, sysregReadable, sysregWritable, type SysReg, type SysRegSpec } from '../../../shared/arm64/sysregs.js';

// ---------------------------------------------------------------------------------------------
// Hints

/** HINT #imm (0..127). */
export function hint(imm: number): number {
  return fields(0xd503201f, [uimm(imm, 7, 'hint'), 5]);
}
export function nop(): number { return hint(0); }
/** YIELD (named yield_ because `yield` is reserved). */
export function yield_(): number { return hint(1); }
export function wfe(): number { return hint(2); }
export function wfi(): number { return hint(3); }
export function sev(): number { return hint(4); }
export function sevl(): number { return hint(5); }
export function esb(): number { return hint(16); }
export function csdb(): number { return hint(20); }

// ---------------------------------------------------------------------------------------------
// Barriers

/** Barrier options for DMB/DSB (ISB accepts only 'sy' or a number). */
export const BARRIER_OPTIONS: Readonly<Record<string, number>> = {
  oshld: 1, oshst: 2, osh: 3, nshld: 5, nshst: 6, nsh: 7, ishld: 9, ishst: 10, ish: 11,
  ld: 13, st: 14, sy: 15,
};
export type BarrierOption =
  | 'oshld' | 'oshst' | 'osh' | 'nshld' | 'nshst' | 'nsh' | 'ishld' | 'ishst' | 'ish'
  | 'ld' | 'st' | 'sy';

function barrierOpt(mn: string, opt: BarrierOption | number): number {
  if (typeof opt === 'number') return uimm(opt, 4, `${mn} option`);
  const v = BARRIER_OPTIONS[String(opt).toLowerCase()];
  if (v === undefined) throw new A64Error(`${mn}: unknown barrier option '${opt}'`);
  return v;
}
export function dmb(opt: BarrierOption | number = 'sy'): number { return fields(0xd50330bf, [barrierOpt('dmb', opt), 8]); }
export function dsb(opt: BarrierOption | number = 'sy'): number { return fields(0xd503309f, [barrierOpt('dsb', opt), 8]); }
export function isb(opt: 'sy' | number = 'sy'): number {
  if (typeof opt === 'string' && opt.toLowerCase() !== 'sy') throw new A64Error(`isb: option must be sy or #imm`);
  return fields(0xd50330df, [barrierOpt('isb', opt), 8]);
}
export function clrex(imm = 15): number { return fields(0xd503305f, [uimm(imm, 4, 'clrex'), 8]); }

// ---------------------------------------------------------------------------------------------
// Exception generation and return

function exc(mn: string, base: number, imm: Imm): number {
  return fields(base, [uimm(imm, 16, `${mn} immediate`), 5]);
}
export function svc(imm: Imm): number { return exc('svc', 0xd4000001, imm); }
export function hvc(imm: Imm): number { return exc('hvc', 0xd4000002, imm); }
export function smc(imm: Imm): number { return exc('smc', 0xd4000003, imm); }
export function brk(imm: Imm): number { return exc('brk', 0xd4200000, imm); }
export function hlt(imm: Imm): number { return exc('hlt', 0xd4400000, imm); }

// ---------------------------------------------------------------------------------------------
// System registers

function sysRegWord(l: number, spec: { op0: number; op1: number; crn: number; crm: number; op2: number }, rt: number): number {
  return fields(0xd5000000, [l, 21], [spec.op0, 19], [spec.op1, 16], [spec.crn, 12], [spec.crm, 8], [spec.op2, 5], [rt, 0]);
}

/** Like {@link lookupSysreg} but throws a clear error. */
export function sysreg(r: SysReg, mn: string): SysRegSpec {
  const s = lookupSysreg(r);
  if (!s) throw new A64Error(`${mn}: unknown system register '${typeof r === 'string' ? r : JSON.stringify(r)}'`);
  return s;
}

/** MRS xt, <sysreg>. */
export function mrs(rt: Reg, reg: SysReg): number {
  needX(rt, 'mrs Rt');
  const s = sysreg(reg, 'mrs');
  if (!sysregReadable(s)) throw new A64Error(`mrs: system register '${String(reg)}' is write-only`);
  return sysRegWord(1, s, rz(rt, 'mrs Rt'));
}

/** PSTATE fields for MSR (immediate): name -> [op1, op2]. */
export const PSTATE_FIELDS: Readonly<Record<string, readonly [number, number]>> = {
  spsel: [0, 5], daifset: [3, 6], daifclr: [3, 7], pan: [0, 4], uao: [0, 3],
};

/**
 * MSR <sysreg>, xt, or MSR <pstatefield>, #imm when `src` is a number (daifset, daifclr, spsel,
 * pan, uao).
 */
export function msr(reg: SysReg, src: Reg | number): number {
  if (typeof src === 'number') {
    const f = typeof reg === 'string' ? PSTATE_FIELDS[reg.toLowerCase()] : undefined;
    if (!f) throw new A64Error(`msr: '${String(reg)}' is not a PSTATE field (daifset, daifclr, spsel, pan, uao)`);
    return fields(0xd500401f, [f[0], 16], [uimm(src, 4, 'msr immediate'), 8], [f[1], 5]);
  }
  needX(src, 'msr Rt');
  const s = sysreg(reg, 'msr');
  if (!sysregWritable(s)) throw new A64Error(`msr: system register '${String(reg)}' is read-only`);
  return sysRegWord(0, s, rz(src, 'msr Rt'));
}

/** SYS #op1, Cn, Cm, #op2{, xt}. */
export function sys(op1: number, crn: number, crm: number, op2: number, rt: Reg = 'xzr'): number {
  needX(rt, 'sys Rt');
  const spec = { op0: 1, op1: uimm(op1, 3, 'sys op1'), crn: uimm(crn, 4, 'sys CRn'), crm: uimm(crm, 4, 'sys CRm'), op2: uimm(op2, 3, 'sys op2') };
  return sysRegWord(0, spec, rz(rt, 'sys Rt'));
}
/** SYSL xt, #op1, Cn, Cm, #op2. */
export function sysl(rt: Reg, op1: number, crn: number, crm: number, op2: number): number {
  needX(rt, 'sysl Rt');
  const spec = { op0: 1, op1: uimm(op1, 3, 'sysl op1'), crn: uimm(crn, 4, 'sysl CRn'), crm: uimm(crm, 4, 'sysl CRm'), op2: uimm(op2, 3, 'sysl op2') };
  return sysRegWord(1, spec, rz(rt, 'sysl Rt'));
}

/** [op1, CRn, CRm, op2, takes a register]. */
type SysOp = readonly [number, number, number, number, boolean];

export const TLBI_OPS: Readonly<Record<string, SysOp>> = {
  vmalle1is: [0, 8, 3, 0, false], vmalle1: [0, 8, 7, 0, false],
  vae1is: [0, 8, 3, 1, true], vae1: [0, 8, 7, 1, true],
  aside1is: [0, 8, 3, 2, true], aside1: [0, 8, 7, 2, true],
  vaae1is: [0, 8, 3, 3, true], vaae1: [0, 8, 7, 3, true],
  vale1is: [0, 8, 3, 5, true], vale1: [0, 8, 7, 5, true],
  vaale1is: [0, 8, 3, 7, true], vaale1: [0, 8, 7, 7, true],
  ipas2e1is: [4, 8, 0, 1, true], ipas2e1: [4, 8, 4, 1, true],
  ipas2le1is: [4, 8, 0, 5, true], ipas2le1: [4, 8, 4, 5, true],
  alle2is: [4, 8, 3, 0, false], alle2: [4, 8, 7, 0, false],
  vae2is: [4, 8, 3, 1, true], vae2: [4, 8, 7, 1, true],
  alle1is: [4, 8, 3, 4, false], alle1: [4, 8, 7, 4, false],
  vale2is: [4, 8, 3, 5, true], vale2: [4, 8, 7, 5, true],
  vmalls12e1is: [4, 8, 3, 6, false], vmalls12e1: [4, 8, 7, 6, false],
};
export const DC_OPS: Readonly<Record<string, SysOp>> = {
  ivac: [0, 7, 6, 1, true], isw: [0, 7, 6, 2, true], csw: [0, 7, 10, 2, true], cisw: [0, 7, 14, 2, true],
  zva: [3, 7, 4, 1, true], cvac: [3, 7, 10, 1, true], cvau: [3, 7, 11, 1, true], cvap: [3, 7, 12, 1, true],
  civac: [3, 7, 14, 1, true],
};
export const IC_OPS: Readonly<Record<string, SysOp>> = {
  ialluis: [0, 7, 1, 0, false], iallu: [0, 7, 5, 0, false], ivau: [3, 7, 5, 1, true],
};
export const AT_OPS: Readonly<Record<string, SysOp>> = {
  s1e1r: [0, 7, 8, 0, true], s1e1w: [0, 7, 8, 1, true], s1e0r: [0, 7, 8, 2, true], s1e0w: [0, 7, 8, 3, true],
  s1e2r: [4, 7, 8, 0, true], s1e2w: [4, 7, 8, 1, true], s12e1r: [4, 7, 8, 4, true], s12e1w: [4, 7, 8, 5, true],
  s12e0r: [4, 7, 8, 6, true], s12e0w: [4, 7, 8, 7, true],
};

function sysAlias(mn: string, table: Readonly<Record<string, SysOp>>, op: string, rt?: Reg): number {
  const e = table[String(op).toLowerCase()];
  if (!e) throw new A64Error(`${mn}: unknown operation '${op}' (known: ${Object.keys(table).join(', ')})`);
  const [op1, crn, crm, op2, takesReg] = e;
  if (takesReg && rt === undefined) throw new A64Error(`${mn} ${op}: needs a register operand`);
  if (!takesReg && rt !== undefined) throw new A64Error(`${mn} ${op}: takes no register operand`);
  if (rt !== undefined && regInfo(rt, mn).kind === 'sp') throw new A64Error(`${mn}: sp not allowed`);
  return sys(op1, crn, crm, op2, rt ?? 'xzr');
}
/** TLBI <op>{, xt}. */
export function tlbi(op: string, rt?: Reg): number { return sysAlias('tlbi', TLBI_OPS, op, rt); }
/** DC <op>, xt. */
export function dc(op: string, rt: Reg): number { return sysAlias('dc', DC_OPS, op, rt); }
/** IC <op>{, xt}. */
export function ic(op: string, rt?: Reg): number { return sysAlias('ic', IC_OPS, op, rt); }
/** AT <op>, xt. */
export function at(op: string, rt: Reg): number { return sysAlias('at', AT_OPS, op, rt); }

export const SYS_INSTRUCTIONS = {
  hint, nop, yield_, wfe, wfi, sev, sevl, esb, csdb, dmb, dsb, isb, clrex, svc, hvc, smc, brk, hlt,
  mrs, msr, sys, sysl, tlbi, dc, ic, at,
} as const;
