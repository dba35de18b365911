/**
 * paging_dump_stats (hypervisor/paging.c): the page pools' use on the console after setup and
 * after each cell change. Its own file as setup and cell management both print it, and paging.ts
 * is the engine, which knows no Hv.
 */
import type { Hv } from './hv.js';
import { printk } from './printk.js';

/** paging_dump_stats: "Page pool usage after <when>" on the console. */
export function poolStats(hv: Hv, when: string): void {
  printk(
    hv,
    `Page pool usage after ${when}: mem ${hv.memPool.usedPages}/${hv.memPool.pages}, remap ${hv.remapPool.usedPages}/${hv.remapPool.pages}\n`,
  );
}
