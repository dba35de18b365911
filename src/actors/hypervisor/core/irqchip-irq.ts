/**
 * irqchip_handle_irq (arm-common/irqchip.c): the physical IRQ exit loop on ICC_IAR1 — SGI_INJECT
 * and the maintenance interrupt drain the pending_irqs ring into the list registers, SGI_EVENT
 * runs check_events, PPIs and SPIs go to the guest. Apart from irqchip.ts because check_events
 * (percpu-control.ts) resets the CPU's GIC interface through irqchip.ts: kept in one file, the
 * two would import each other.
 */
import { SGI_EVENT, SGI_INJECT, SPURIOUS_IRQ } from '../../gic/index.js';
import type { Hv } from './hv.js';
import { irqchipInjectPending, irqchipSetPending, maintenanceIrq } from './irqchip.js';
import { Stat } from './layout.js';
import { checkEvents, RESUME, type CpuAction } from './percpu-control.js';
import { printk } from './printk.js';

/**
 * irqchip_handle_irq: acknowledge physical interrupts until the spurious ID; only the first one
 * of the call is counted (by its kind: vmexits_total belongs to the exit that called it). SGIs and the maintenance interrupt are the hypervisor's (EOI and
 * deactivate); everything else goes to this CPU's guest with the HW link and stays physically
 * active until the guest deactivates it. Returns what the CPU does next.
 */
export function irqchipHandleIrq(hv: Hv): CpuAction {
  const ic = hv.c.gicc;
  const mnt = maintenanceIrq(hv);
  let count = 1;
  let action: CpuAction = RESUME;
  for (;;) {
    const irq = ic.ack();
    if (irq === SPURIOUS_IRQ) break;
    hv.c.rec?.irq(irq);
    let handled = true;
    if (irq < 16) {
      if (irq === SGI_INJECT) {
        hv.count(Stat.VSGI, count);
        irqchipInjectPending(hv);
      } else if (irq === SGI_EVENT) {
        hv.count(Stat.MANAGEMENT, count);
        const a = checkEvents(hv);
        if (a.kind !== 'resume') action = a;
      } else {
        printk(hv, `WARN: unknown SGI received ${irq}\n`);
      }
    } else if (irq === mnt) {
      hv.count(Stat.MAINTENANCE, count);
      irqchipInjectPending(hv);
    } else {
      hv.count(Stat.VIRQ, count);
      irqchipSetPending(hv, hv.cpu, irq);
      handled = false;
    }
    count = 0;
    ic.eoi(irq);
    if (handled) ic.dir(irq);
    // A park or reset ends the exit: the CPU does not go back to the interrupted context.
    if (action.kind !== 'resume') break;
  }
  return action;
}
