/**
 * The machine as a failed stress run left it, for the failure bundle: the hypervisor console,
 * root Linux's dmesg and the `cpus` table (state, cell, vmexits, guest PC of every CPU).
 */
import { cpuTopology } from '../../actors/cpu/board.js';
import type { Machine } from '../../actors/cpu/supervisor.js';
import { cpusTable } from '../inspect/cpus-table.js';
import { cpuCellName } from '../inspect/inspect-cells.js';
import { cpuViews, hvConsoleSince } from '../inspect/inspect.js';

export interface MachineSnapshot {
  hvConsole: string;
  dmesg: string;
  cpus: string;
}

export function machineSnapshot(m: Machine): MachineSnapshot {
  let cpus: string;
  try {
    cpus = cpusTable(cpuViews(m, cpuTopology(m.board)), cpuCellName(m));
  } catch (e) {
    // Hypervisor memory a bug left inconsistent must not hide the rest of the bundle.
    cpus = `(the CPU table could not be read: ${(e as Error).message})`;
  }
  return { hvConsole: hvConsoleSince(m, 0).text, dmesg: m.kernelLog(0).text, cpus };
}
