/**
 * config_commit (hypervisor/control.c): after the root cell or the set of cells changed, every
 * CPU of root (and of the cell added or removed) flushes its vCPU caches, then each unit commits
 * the new configuration: the irqchip routes SPIs where their owner runs, PCI hands root's
 * MSI/MSI-X back (Jailhouse calls arch_config_commit and pci_config_commit by name; here it is
 * the units' configCommit, in link order, which is the same order).
 */
import { CpuWord } from '../../cpu/layout.js';
import type { Hv } from './hv.js';
import { PUB } from './layout.js';
import { forEachUnit } from './unit.js';

/** arch_flush_cell_vcpu_caches: the caller flushes itself, the others on their next check_events. */
function archFlushCellVcpuCaches(hv: Hv, cell: number): void {
  for (const cpu of hv.cellCpus(cell)) {
    if (cpu === hv.cpu) Atomics.store(hv.c.cpus, hv.c.my(CpuWord.TLB_FLUSH), 1);
    else hv.store(hv.pubWord(cpu, PUB.FLUSH_VCPU_CACHES), 1);
  }
}

/**
 * config_commit(cell_added_removed): 0 when only root's memory changed (cell start and
 * set_loadable); init_late commits root itself.
 */
export function configCommit(hv: Hv, changed: number): void {
  archFlushCellVcpuCaches(hv, hv.rootCell);
  if (changed && changed !== hv.rootCell) archFlushCellVcpuCaches(hv, changed);
  for (const unit of forEachUnit()) unit.configCommit(hv, changed);
}
