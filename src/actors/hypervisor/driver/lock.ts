/**
 * jailhouse_lock, the driver's mutex around every ioctl and sysfs write that changes cells, and
 * err(), how the driver reports a refusal. Their own file because the ioctl halves
 * (main.ts: enable/disable; cell-ioctl.ts: cell management, whose destroy-all disable needs)
 * and sysfs all take them.
 */
import type { Kernel } from '../../cpu/linux/kernel.js';
import { Sleep } from '../../cpu/linux/sleep.js';
import { DrvWord, drvWord } from './layout.js';

/** A driver error: the reason in the kernel log ("jailhouse: ..."), the negative errno returned. */
export function err(k: Kernel, errno: number, msg: string): number {
  k.printk(`jailhouse: ${msg}`);
  return -errno;
}

/** mutex_lock_interruptible(&jailhouse_lock), as a try: sleeping means retrying the task. */
export function lockJailhouse(k: Kernel, caller: number): void {
  const w = drvWord(DrvWord.LOCK);
  const prev = Atomics.compareExchange(k.c.k32, w, 0, caller + 1);
  if (prev !== 0) throw new Sleep('kernel', w, prev, 'jailhouse_lock');
}

/** mutex_unlock(&jailhouse_lock), waking a task waiting for it. */
export function unlockJailhouse(k: Kernel): void {
  const w = drvWord(DrvWord.LOCK);
  Atomics.store(k.c.k32, w, 0);
  Atomics.notify(k.c.k32, w);
}
