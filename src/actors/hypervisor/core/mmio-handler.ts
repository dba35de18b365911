/**
 * MMIO handlers by ID. Jailhouse's mmio_region_register(cell, start, size, handler, arg) stores
 * a function pointer and its argument in the cell's mmio_handlers[] (struct
 * mmio_region_handler). jhsim's region tables are in hypervisor memory, which cannot hold code,
 * so an entry stores a small numeric ID instead of `function`, and every CPU's worker resolves
 * the ID here to the same function, as every CPU of the real machine jumps into the one
 * hypervisor image.
 *
 * The IDs are fixed numbers, not handed out in load order: they are data in hypervisor memory,
 * written by one CPU and read by whichever CPU traps, so an ID must name the same function in
 * every worker whatever order it loaded its modules in. Each is declared by the module that
 * registers regions with it (mmio.ts for sub-pages, the units for theirs); the functions are
 * bound to them by defineUnit (unit.ts) or, for mmio.c's own sub-page handler, by mmio.ts.
 * Nothing here knows a unit.
 */
import type { Hv } from './hv.js';
import type { MmioAccess, MmioResultCode } from './mmio-access.js';

/**
 * mmio_handler: `arg` is the handler_arg mmio_region_register stored with the region (an
 * address in hypervisor memory, a CPU number: whatever the handler asked for).
 */
export type MmioHandlerFn = (hv: Hv, access: MmioAccess, arg: number) => MmioResultCode;

/** One handler: the ID its regions store, and the function the ID stands for. */
export interface MmioHandlerDef {
  readonly id: number;
  /** The Jailhouse function it models (for the message when two claim one ID). */
  readonly name: string;
  readonly handler: MmioHandlerFn;
}

const handlers: (MmioHandlerDef | undefined)[] = [];

/** Binds `def.id` to its function; an ID bound twice is a programming error, found at load. */
export function mmioHandlerDefine(def: MmioHandlerDef): void {
  if (!Number.isInteger(def.id) || def.id <= 0) throw new RangeError(`MMIO handler ${def.name}: ID ${def.id} is not a positive integer`);
  const taken = handlers[def.id];
  if (taken) throw new Error(`MMIO handler ID ${def.id} defined twice: ${taken.name} and ${def.name}`);
  handlers[def.id] = def;
}

/** The function an mmio_handlers[] entry's ID stands for; undefined for an ID nothing defined. */
export function mmioHandlerOf(id: number): MmioHandlerFn | undefined {
  return handlers[id]?.handler;
}

/** The Jailhouse function an ID stands for (profiler reports), undefined for an unknown ID. */
export function mmioHandlerName(id: number): string | undefined {
  return handlers[id]?.name;
}
