/**
 * Names the profiler prints: exit reasons (Jailhouse's arm64 statistics), exception classes,
 * hypercall codes, PSCI/SMCCC functions and MMIO handlers, and the --event classes.
 */
import { STAT_NAMES, Hc } from '../../actors/hypervisor/core/layout.js';
import { EC } from '../../shared/arm64/exception-class.js';
import { mmioHandlerName } from '../../actors/hypervisor/core/mmio-handler.js';
import { Psci, Smccc } from '../../actors/hypervisor/core/psci.js';
// The units bind their MMIO handler ids when their modules load.
import '../../actors/hypervisor/core/unit-list.js';

/** Reason index 0 = counted only in vmexits_total; 1..8 = STAT_NAMES[i] without "vmexits_". */
export const REASON_NAMES: readonly string[] = ['other', ...STAT_NAMES.slice(1).map((n) => n.replace(/^vmexits_/, ''))];
export const NUM_REASONS = REASON_NAMES.length;

const EC_NAMES = new Map<number, string>(Object.entries(EC).map(([k, v]) => [v, k]));

export function ecName(ec: number): string {
  return ec === 0 ? 'IRQ' : (EC_NAMES.get(ec) ?? `EC 0x${ec.toString(16)}`);
}

const HC_NAMES = new Map<number, string>(Object.entries(Hc).map(([k, v]) => [v as number, k]));

/** JAILHOUSE_HC_* name of a hypercall code. */
export function hypercallName(code: number): string {
  return HC_NAMES.get(code) ?? `hypercall ${code}`;
}

/**
 * PSCI and SMCCC function names: the ones the hypervisor dispatches (psci.ts), named as in
 * arm-common/psci.c and smccc.c, plus SYSTEM_OFF and SYSTEM_RESET, which guests call and
 * Jailhouse refuses.
 */
const FN_NAMES = new Map<number, string>([
  ...Object.entries(Psci).map(([k, v]): [number, string] => [v, k === 'VERSION' || k === 'FEATURES' ? `PSCI_${k}` : k]),
  ...Object.entries(Smccc).map(([k, v]): [number, string] => [v, `SMCCC_${k}`]),
  [0x84000008, 'SYSTEM_OFF'], [0x84000009, 'SYSTEM_RESET'],
]);

export function smcName(fid: number): string {
  return FN_NAMES.get(fid >>> 0) ?? `0x${(fid >>> 0).toString(16)}`;
}

export function handlerName(id: number): string {
  return id === 0 ? 'no region' : (mmioHandlerName(id) ?? `handler ${id}`);
}

/** --event classes, as `perf kvm stat --event` picks a kind of exit. */
export const EVENT_CLASSES = ['mmio', 'hvc', 'irq', 'sgi', 'psci'] as const;
export type EventClass = (typeof EVENT_CLASSES)[number];

const R = Object.fromEntries(REASON_NAMES.map((n, i) => [n, i])) as Record<string, number>;

/** Whether an exit with this reason and EC belongs to an --event class. */
export function inEventClass(cls: EventClass, reason: number, ec: number): boolean {
  switch (cls) {
    case 'mmio': return reason === R.mmio;
    case 'hvc': return ec === EC.HVC64;
    case 'irq': return ec === 0;
    // SGIs received (the hypervisor's SGI_INJECT and SGI_EVENT) and sent (trapped ICC_SGI1R_EL1 writes).
    case 'sgi': return (ec === 0 && (reason === R.virt_sgi || reason === R.management)) || ec === EC.SYSREG;
    case 'psci': return ec === EC.SMC64;
  }
}

/** A short text for the finer cause of one exit. */
export function causeText(reason: number, ec: number, detail: number, aux: number): string {
  if (ec === EC.DABT_LOWER) return `${aux & 16 ? 'write' : 'read'}${aux & 15} 0x${detail.toString(16)} ${handlerName(Math.floor(aux / 256))}`;
  if (ec === EC.HVC64) return hypercallName(detail);
  if (ec === EC.SMC64) return smcName(detail);
  if (ec === EC.SYSREG) return `ICC_SGI1R_EL1 SGI ${detail}`;
  if (ec === 0) return `INTID ${detail}`;
  return REASON_NAMES[reason] ?? '';
}
