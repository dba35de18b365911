/**
 * The communication region (struct jailhouse_comm_region, "JHCOMM" revision 2) each cell finds
 * at its COMM_REGION address, and the message protocol over it: cell_exchange_message with its
 * passive-cell shortcut and reply timeout, cell_reconfig_ok and cell_reconfig_completed.
 */
import { CELL_OFF, CONSOLE_SIZE, CellFlags, SYS_OFF } from '../../../shared/config/layout.js';
import { HangError, sleepMs, waitUntil, word } from '../../../shared/sync.js';
import { controlledWorker } from '../../../shared/sched/current.js';
import { now } from '../../cpu/layout.js';
import { cellConfigFlags } from './cell.js';
import type { Hv } from './hv.js';
import { CELL, COMM, CellState, PAGE_SIZE } from './layout.js';
import { cellSuspend } from './percpu-control.js';
import { printk } from './printk.js';

export const COMM_REGION_ABI_REVISION = 2;
export const COMM_SIGNATURE = 'JHCOMM';

/** msg_to_cell codes. */
export const MsgToCell = { NONE: 0, SHUTDOWN_REQUEST: 1, RECONFIG_COMPLETED: 2 } as const;
/** reply_from_cell codes. */
export const ReplyFromCell = { NONE: 0, UNKNOWN: 1, REQUEST_DENIED: 2, REQUEST_APPROVED: 3, RECEIVED: 4 } as const;

/** Back-to-back polls before the waiting CPU starts sleeping briefly between polls. */
const BUSY_POLLS = 1000;
const POLL_SLEEP_MS = 0.02;
/** Duration of one poll of msg_reply_timeout (a cpu_relax() loop's turn, 100 ns), ms. */
const POLL_MS = 0.0001;

function commWord(hv: Hv, cell: number, field: number): { view: Int32Array; index: number } {
  return hv.c.mem.atomicWord(cell + CELL.COMM_PAGE + field);
}

export function commLoad(hv: Hv, cell: number, field: number): number {
  const w = commWord(hv, cell, field);
  return Atomics.load(w.view, w.index);
}

export function commStore(hv: Hv, cell: number, field: number, v: number): void {
  const w = commWord(hv, cell, field);
  Atomics.store(w.view, w.index, v);
}

export function setCellState(hv: Hv, cell: number, state: number): void {
  commStore(hv, cell, COMM.CELL_STATE, state);
}

/**
 * cell_exchange_message: true = the caller may proceed. A passive cell is never asked; a cell
 * that is shut down or failed counts as agreeing; msg_reply_timeout (poll iterations, 0 = wait
 * forever) expiring suspends the cell and marks it FAILED.
 */
export function cellExchangeMessage(hv: Hv, cell: number, msg: number, type: 'request' | 'information'): boolean {
  if (cellConfigFlags(hv, cell) & CellFlags.PASSIVE_COMMREG) return true;
  // Send: clear the reply before the message becomes visible (the store barrier).
  commStore(hv, cell, COMM.REPLY_FROM_CELL, ReplyFromCell.NONE);
  commStore(hv, cell, COMM.MSG_TO_CELL, msg);
  const timeout = hv.c.mem.read64(hv.cellConfig(cell) + CELL_OFF.msg_reply_timeout);
  const what = `cell_exchange_message: waiting for the reply of cell ${hv.cellConfigId(cell)} to message ${msg}`;
  if (controlledWorker()) return exchangeControlled(hv, cell, type, timeout, what);
  const start = now();
  // msg_reply_timeout counts polls of a cpu_relax() loop, POLL_MS each on hardware: the
  // deadline is in time, so a host thread's slow sleeps do not stretch it a thousandfold.
  const deadline = timeout > 0 ? start + timeout * POLL_MS : Infinity;
  for (let polls = 0; ; polls++) {
    const v = replyVerdict(hv, cell, type);
    if (v !== undefined) return v;
    if (now() >= deadline) return replyTimeout(hv, cell);
    if (polls >= BUSY_POLLS) {
      const waited = now() - start;
      if (waited > hv.c.policy.watchdogMs) throw new HangError(hv.cpu, what, Math.round(waited));
      sleepMs(POLL_SLEEP_MS, what);
    }
  }
}

/**
 * Under the controlled scheduler nothing changes between two polls unless another agent runs:
 * the CPU waits (waitUntil) on the reply word and the state word, until msg_reply_timeout
 * polls of POLL_MS each have passed on the virtual clock.
 */
function exchangeControlled(hv: Hv, cell: number, type: 'request' | 'information', timeout: number, what: string): boolean {
  const deadline = timeout > 0 ? now() + timeout * POLL_MS : undefined;
  const reply = commWord(hv, cell, COMM.REPLY_FROM_CELL);
  const state = commWord(hv, cell, COMM.CELL_STATE);
  let verdict: boolean | undefined;
  const answered = (): boolean => (verdict = replyVerdict(hv, cell, type)) !== undefined || (deadline !== undefined && now() >= deadline);
  waitUntil(hv.c.policy, word(reply.view, reply.index), answered, what, false, deadline, [word(state.view, state.index)]);
  return verdict ?? replyTimeout(hv, cell);
}

/** The cell's answer so far: true (go on), false (denied or unknown), undefined (none yet). */
function replyVerdict(hv: Hv, cell: number, type: 'request' | 'information'): boolean | undefined {
  const reply = commLoad(hv, cell, COMM.REPLY_FROM_CELL);
  const state = commLoad(hv, cell, COMM.CELL_STATE);
  if (state === CellState.SHUT_DOWN || state === CellState.FAILED) return true;
  if ((type === 'request' && reply === ReplyFromCell.REQUEST_APPROVED) || (type === 'information' && reply === ReplyFromCell.RECEIVED)) return true;
  if (reply !== ReplyFromCell.NONE) return false;
  return undefined;
}

function replyTimeout(hv: Hv, cell: number): true {
  printk(hv, 'Timeout expired while waiting for reply from target cell\n');
  cellSuspend(hv, cell);
  setCellState(hv, cell, CellState.FAILED);
  return true;
}

/** cell_shutdown_ok: the cell approves a SHUTDOWN_REQUEST (or cannot be asked). */
export function cellShutdownOk(hv: Hv, cell: number): boolean {
  return cellExchangeMessage(hv, cell, MsgToCell.SHUTDOWN_REQUEST, 'request');
}

/** cell_reconfig_ok: no non-root cell other than `excluded` is RUNNING_LOCKED. */
export function cellReconfigOk(hv: Hv, excluded: number): boolean {
  for (const c of hv.cells()) {
    if (c === hv.rootCell || c === excluded) continue;
    if (commLoad(hv, c, COMM.CELL_STATE) === CellState.RUNNING_LOCKED) return false;
  }
  return true;
}

/** cell_reconfig_completed: RECONFIG_COMPLETED to every non-root cell, results ignored. */
export function cellReconfigCompleted(hv: Hv): void {
  for (const c of hv.cells()) if (c !== hv.rootCell) cellExchangeMessage(hv, c, MsgToCell.RECONFIG_COMPLETED, 'information');
}

/**
 * The comm page as cell_start leaves it: zeroed (state RUNNING, no message), then signature,
 * revision, console flags and descriptor, the PCI and GIC addresses (arch_cell_reset).
 */
export function commRegionReset(hv: Hv, cell: number): void {
  const m = hv.c.mem;
  const comm = cell + CELL.COMM_PAGE;
  const cfg = hv.cellConfig(cell);
  const sys = hv.systemConfig;
  m.fill(comm, PAGE_SIZE, 0);
  for (let i = 0; i < COMM_SIGNATURE.length; i++) m.write8(comm + COMM.SIGNATURE + i, COMM_SIGNATURE.charCodeAt(i));
  m.write16(comm + COMM.REVISION, COMM_REGION_ABI_REVISION);
  const flags = cellConfigFlags(hv, cell);
  m.write32(comm + COMM.FLAGS, (flags & CellFlags.VIRTUAL_CONSOLE_PERMITTED ? 1 : 0) | (flags & CellFlags.VIRTUAL_CONSOLE_ACTIVE ? 2 : 0));
  m.copyIn(comm + COMM.CONSOLE, m.copyOut(cfg + CELL_OFF.console, CONSOLE_SIZE));
  m.write64(comm + COMM.PCI_MMCONFIG_BASE, m.read64(sys + SYS_OFF.pci_mmconfig_base));
  m.write8(comm + COMM.GIC_VERSION, m.read8(sys + SYS_OFF.arm_gic_version));
  m.write64(comm + COMM.GICD_BASE, m.read64(sys + SYS_OFF.arm_gicd_base));
  m.write64(comm + COMM.GICC_BASE, m.read64(sys + SYS_OFF.arm_gicc_base));
  m.write64(comm + COMM.GICR_BASE, m.read64(sys + SYS_OFF.arm_gicr_base));
  m.write32(comm + COMM.VPCI_IRQ_BASE, m.read32(cfg + CELL_OFF.vpci_irq_base));
}
