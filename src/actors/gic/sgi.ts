/**
 * Software-generated interrupt state of the GICv3 redistributors, as far as IPIs need it until
 * the full GIC model lands: per CPU, the pending bits of the 16 physical SGIs, and a stand-in
 * for the virtual CPU interface's list registers holding virtual SGIs/IRQs the hypervisor
 * injected. One 64-byte slot per CPU.
 */
import { CpuWord, cpuWord } from '../cpu/layout.js';

export const GIC_SLOT_WORDS = 16;

export const GicWord = {
  /** Physical SGI pending bits (bit n = SGI n), set by senders, cleared by the acknowledging CPU. */
  SGI_PENDING: 0,
  /** Virtual SGI pending bits injected by the hypervisor (list-register stand-in). */
  VIRT_PENDING: 1,
  /** Physical SGIs delivered to this CPU, for tests and profiles. */
  SGI_DELIVERED: 2,
} as const;

/** Hypervisor-reserved physical SGIs (Jailhouse arm-common). */
export const SGI_INJECT = 0;
export const SGI_EVENT = 1;

/** Linux arm64 IPI numbers (its SGIs). */
export const LinuxIpi = {
  RESCHEDULE: 0,
  CALL_FUNC: 1,
  CPU_STOP: 2,
} as const;

export function gicSabSize(nrCpus: number): number {
  return nrCpus * GIC_SLOT_WORDS * 4;
}

export function gicWord(cpu: number, w: number): number {
  return cpu * GIC_SLOT_WORDS + w;
}

/**
 * Raise physical SGI `sgi` on `target`: the pending bit in the redistributor plus a notify of
 * the target's wake word, which is what pulls it out of WFI.
 */
export function sendPhysicalSgi(gic: Int32Array, cpus: Int32Array, target: number, sgi: number): void {
  Atomics.or(gic, gicWord(target, GicWord.SGI_PENDING), 1 << sgi);
  const w = cpuWord(target, CpuWord.WAKE);
  Atomics.add(cpus, w, 1);
  Atomics.notify(cpus, w);
}

/** Acknowledge all pending physical SGIs of `cpu` (ICC_IAR1 in a loop): returns the bits. */
export function ackPhysicalSgis(gic: Int32Array, cpu: number): number {
  const bits = Atomics.exchange(gic, gicWord(cpu, GicWord.SGI_PENDING), 0);
  if (bits) Atomics.add(gic, gicWord(cpu, GicWord.SGI_DELIVERED), 1);
  return bits;
}

export function hasPendingSgi(gic: Int32Array, cpu: number): boolean {
  return Atomics.load(gic, gicWord(cpu, GicWord.SGI_PENDING)) !== 0;
}
