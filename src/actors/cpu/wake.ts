/**
 * Waking a CPU: the one way to make a CPU's worker look for work again. Whoever may have given
 * a CPU something to do (an interrupt it may now take, a posted task, a power-on, an IPI, a
 * shutdown) bumps that CPU's wake generation word (CpuWord.WAKE) and notifies its worker; the
 * worker loads the word before it checks for work, so no wake-up is lost. Nothing else writes
 * the word.
 */
import { schedPoint, word, type Word } from '../../shared/sync.js';
import { PointKind } from '../../shared/sched/layout.js';
import { CpuWord, cpuWord } from './layout.js';

/** Wake `cpu` so it re-checks whatever it is waiting for (a bump of its wake word, then notify). */
export function kickCpu(cpus: Int32Array, cpu: number): void {
  const w = cpuWord(cpu, CpuWord.WAKE);
  Atomics.add(cpus, w, 1);
  Atomics.notify(cpus, w);
  // An IPI sent: under the controlled scheduler the target may run now (a no-op on the main thread).
  schedPoint(PointKind.KICK, cpus, w);
}

/** `cpu`'s wake word, for its own worker to wait on (Atomics.wait, waitUntil). */
export function wakeWord(cpus: Int32Array, cpu: number): Word {
  return word(cpus, cpuWord(cpu, CpuWord.WAKE));
}
