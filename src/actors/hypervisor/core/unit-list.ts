/**
 * The units linked into the hypervisor, in link order: Jailhouse's .units section between
 * __unit_array_start and __unit_array_end, whose order is the order the Makefile links the
 * objects in. The order is the order every walk of the table follows (init, cell_init,
 * cell_exit, cell reset, config_commit; shutdown and cell_create's rollback in reverse), and is
 * the order jhsim called the units in by name before the table: the irqchip, then PCI.
 *
 * The one module that imports every unit. The hypervisor's entry points import it for its
 * effect: setup.ts (hypervisor entry, where a CPU's Hv is made) and trap-dispatch.ts
 * (arch_handle_trap, the way in for every exit); so each CPU worker that runs hypervisor code has
 * the table filled before a hook or an MMIO handler is needed. Code that reaches the hypervisor
 * some other way (a test driving mmio_handle_access directly) imports it too.
 */
import { irqchipUnit } from './irqchip-unit.js';
import { pciUnit } from './pci-unit.js';
import { defineUnit } from './unit.js';

defineUnit(irqchipUnit);
defineUnit(pciUnit);
