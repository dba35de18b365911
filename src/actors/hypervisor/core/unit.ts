/**
 * The unit table (include/jailhouse/unit.h): the hypervisor's subsystems that take part in
 * setup, shutdown, cell management and the sizing of the MMIO region tables, each through the
 * same hooks, so setup.ts, cell-mgmt.ts, config-commit.ts and mmio.ts walk the table instead of
 * calling each subsystem by name (and importing it, which made every unit and the MMIO
 * dispatcher import each other).
 *
 * Jailhouse's DEFINE_UNIT puts a struct unit into the .units section, and for_each_unit walks
 * __unit_array_start..__unit_array_end in link order. jhsim's table is filled by unit-list.ts,
 * in the order it lists the units, when a CPU's worker loads the hypervisor code; each worker
 * has its own copy, all alike, as each CPU runs the same image. This module imports no unit:
 * the units import it (for the Unit type), and unit-list.ts imports them all.
 */
import type { Hv } from './hv.js';
import { mmioHandlerDefine, type MmioHandlerDef } from './mmio-handler.js';

/** struct unit, with jhsim's two extra hooks (cellReset, configCommit) and the unit's MMIO handlers. */
export interface Unit {
  /** unit.name. */
  readonly name: string;
  /**
   * unit.init: once, on the master CPU at init_late, after every CPU's cpu_init; the unit's
   * part of the root cell (as Jailhouse's irqchip_init and pci_init, which end in their
   * cell_init for the root cell). 0 or a negative errno, which fails the enable.
   */
  readonly init: (hv: Hv) => number;
  /** unit.shutdown: at disable, and after a failed enable; walked in reverse. */
  readonly shutdown: (hv: Hv) => void;
  /** unit.mmio_count_regions: how many MMIO regions the unit can register in `cell` (mmio_cell_init). */
  readonly mmioCountRegions: (hv: Hv, cell: number) => number;
  /** unit.cell_init: at cell_create; 0 or a negative errno, which rolls back the units before it. */
  readonly cellInit: (hv: Hv, cell: number) => number;
  /** unit.cell_exit: at cell destruction, and for the rollback of a failed cell_create. */
  readonly cellExit: (hv: Hv, cell: number) => void;
  /**
   * At cell_start. Not a unit hook in Jailhouse: cell_start calls pci_cell_reset and
   * arch_cell_reset (which calls irqchip_cell_reset) by name.
   */
  readonly cellReset?: (hv: Hv, cell: number) => void;
  /**
   * At config_commit, after the vCPU caches were flushed; `cellAddedRemoved` 0 when none was.
   * Not a unit hook in Jailhouse: config_commit calls arch_config_commit (irqchip_config_commit)
   * and pci_config_commit by name.
   */
  readonly configCommit: (hv: Hv, cellAddedRemoved: number) => void;
  /**
   * The handlers the unit's MMIO regions name (the `handler` of mmio_region_register), bound to
   * their IDs when the unit is defined.
   */
  readonly mmioHandlers: readonly MmioHandlerDef[];
}

const table: Unit[] = [];

/**
 * DEFINE_UNIT: appends the unit to the table (so the order of the calls is the link order) and
 * binds its MMIO handlers to their IDs.
 */
export function defineUnit(unit: Unit): void {
  if (table.some((u) => u.name === unit.name)) throw new Error(`unit ${unit.name} defined twice`);
  for (const h of unit.mmioHandlers) mmioHandlerDefine(h);
  table.push(unit);
}

/** for_each_unit: the units in link order. */
export function forEachUnit(): readonly Unit[] {
  return table;
}

/** for_each_unit_reverse: the units last-linked first. */
export function forEachUnitReverse(): readonly Unit[] {
  return table.slice().reverse();
}

/** for_each_unit_before_reverse(unit, before): the units linked before `before`, last first. */
export function forEachUnitBeforeReverse(before: Unit): readonly Unit[] {
  const at = table.indexOf(before);
  return table.slice(0, at < 0 ? 0 : at).reverse();
}
