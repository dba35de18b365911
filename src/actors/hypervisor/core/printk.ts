/**
 * Hypervisor printk: appends to the virtual console page (when the system config enables it)
 * under printk_lock, with busy/tail published so the driver can take consistent snapshots.
 */
import { spinLock, spinUnlock } from '../../../shared/sync.js';
import type { Hv } from './hv.js';
import { BSS, CONSOLE, DATA, IMAGE } from './layout.js';

export function printk(hv: Hv, text: string): void {
  const lock = hv.bss(BSS.PRINTK_LOCK);
  spinLock(hv.c.policy, lock, 'printk_lock');
  try {
    consoleWrite(hv, text);
  } finally {
    spinUnlock(lock);
  }
}

function consoleWrite(hv: Hv, text: string): void {
  if (!hv.load(hv.bss(BSS.VIRTUAL_CONSOLE))) return;
  const con = hv.base + IMAGE.CONSOLE_PAGE;
  const busy = hv.word(IMAGE.CONSOLE_PAGE + CONSOLE.BUSY);
  const tailW = hv.word(IMAGE.CONSOLE_PAGE + CONSOLE.TAIL);
  const panicking = hv.bss(BSS.PANIC_IN_PROGRESS);
  const panicCpu = hv.data(DATA.PANIC_CPU);
  const content = hv.c.mem.bytes(con + CONSOLE.CONTENT, CONSOLE.CONTENT_SIZE);
  hv.store(busy, 1);
  let tail = hv.load(tailW) >>> 0;
  for (let i = 0; i < text.length; i++) {
    if (hv.load(panicking) && hv.load(panicCpu) >>> 0 !== hv.cpu) break;
    content[tail % CONSOLE.CONTENT_SIZE] = text.charCodeAt(i) & 0xff;
    tail = (tail + 1) >>> 0;
    Atomics.store(tailW.view, tailW.index, tail | 0);
  }
  hv.store(busy, 0);
}

export function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
