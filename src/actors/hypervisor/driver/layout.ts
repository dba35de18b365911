/**
 * Globals of the jailhouse.ko model, inside the kernel SharedArrayBuffer's driver region
 * (cpu/linux/layout.ts reserves it). Word offsets are relative to DRIVER_WORD_BASE, byte
 * offsets to DRIVER_BYTE_BASE.
 */
import { DRIVER_BYTE_BASE, DRIVER_WORD_BASE } from '../../cpu/linux/layout.js';
import { maskToCpus } from '../../../shared/cpumask.js';

export const DrvWord = {
  /** jailhouse_lock: 0 free, else holder caller id + 1. Sleepers requeue on it. */
  LOCK: 0,
  /** jailhouse_enabled. */
  ENABLED: 1,
  /** call_done barrier counter of on_each_cpu(enter/leave_hypervisor). */
  CALL_DONE: 2,
  /** CPU spinning on call_done (gets kicked by each increment). */
  CALL_DONE_WAITER: 3,
  /** error_code: last non-zero result any CPU returned. */
  ERROR_CODE: 4,
  /** max_cpus computed at enable. */
  MAX_CPUS: 5,
  /** hypervisor_mem: physical base of the mapped region (lo/hi), 0 = not mapped. */
  HV_MEM_LO: 6,
  HV_MEM_HI: 7,
  HV_MEM_SIZE_LO: 8,
  HV_MEM_SIZE_HI: 9,
  /** hv_core_and_percpu_size. */
  HV_CORE_PERCPU_SIZE: 10,
  /** console_available (system flag VIRTUAL_DEBUG_CONSOLE). */
  CONSOLE_AVAILABLE: 11,
  /** Offset of the console page inside the hypervisor memory. */
  CONSOLE_PAGE_OFF: 12,
  /** last_console snapshot state. */
  LAST_CONSOLE_VALID: 13,
  LAST_CONSOLE_ID: 14,
  /** core_size of the loaded image (size of the `core` sysfs file; 0 = no file). */
  CORE_FILE_SIZE: 15,
  /** offlined_cpus mask. */
  OFFLINED_LO: 16,
  OFFLINED_HI: 17,
  /** Counts enable/disable attempts that reached on_each_cpu (pairs with per-CPU results). */
  EPOCH: 18,
  /** num_online_cpus the call_done spin waits for (the last incrementer kicks the waiter). */
  CALL_DONE_TARGET: 19,
  /** Driver cell table: CELL_SLOTS slots of CELL_WORDS words. */
  CELLS: 64,
  /** Console readers (open files of /dev/jailhouse). */
  READERS: 64 + 64 * 16,
  /**
   * Epoch log (observability, not in the real driver): for each of the last EPOCH_LOG_SLOTS
   * enable/disable attempts that reached on_each_cpu, what every CPU returned.
   */
  EPOCH_LOG: 64 + 64 * 16 + 64 * 4,
  /** Per caller: the epoch of its last enable/disable attempt (0 = none). */
  CALLER_EPOCH: 64 + 64 * 16 + 64 * 4 + 64 * 68,
} as const;

export const EPOCH_LOG_SLOTS = 64;
export const EPOCH_LOG_WORDS = 68;
export const EpochWord = {
  EPOCH: 0,
  /** 1 = enter_hypervisor (enable), 2 = leave_hypervisor (disable). */
  KIND: 1,
  /** CPUs on_each_cpu ran on. */
  EXPECTED: 2,
  /** Results recorded so far. */
  COUNT: 3,
  /** Per CPU result; EPOCH_NO_RESULT until the CPU reports. */
  RESULTS: 4,
} as const;
export const EPOCH_NO_RESULT = 0x7fffffff;

export function drvEpochWord(epoch: number, w: number): number {
  return DRIVER_WORD_BASE + DrvWord.EPOCH_LOG + (epoch % EPOCH_LOG_SLOTS) * EPOCH_LOG_WORDS + w;
}

export const CELL_SLOTS = 64;
export const CELL_WORDS = 16;
export const CellSlotWord = {
  /** 0 free; 1 registered (in the cells list); 2 prepared (sysfs visible, not yet registered). */
  USED: 0,
  ID: 1,
  CPUS_LO: 2,
  CPUS_HI: 3,
  /** Position in the cells list (creation order). */
  ORDER: 4,
  /** Number of memory regions copied into DrvByte.CELL_MEM for this slot. */
  NUM_MEM: 5,
  /** Name, 32 bytes = 8 words. */
  NAME: 8,
} as const;

export const READER_SLOTS = 64;
export const READER_WORDS = 4;
export const ReaderWord = {
  USED: 0,
  HEAD: 1,
  LAST_CONSOLE_ID: 2,
} as const;

/** Byte offsets in the driver byte region. */
export const DrvByte = {
  /** last_console.page: a copy of the 2056-byte console structure. */
  LAST_CONSOLE: 0,
  /** Per cell slot: a copy of its config's memory regions (CELL_MEM_MAX x 32 bytes), for cell load. */
  CELL_MEM: 0x1000,
} as const;
export const CELL_MEM_MAX = 64;
export const CELL_MEM_SLOT_BYTES = CELL_MEM_MAX * 32;

export function drvCellMemByte(slot: number): number {
  return DRIVER_BYTE_BASE + DrvByte.CELL_MEM + slot * CELL_MEM_SLOT_BYTES;
}

/** CPUs of a driver cell slot. */
export function readCellCpus(k32: Int32Array, slot: number): number[] {
  return maskToCpus(Atomics.load(k32, drvCellWord(slot, CellSlotWord.CPUS_LO)), Atomics.load(k32, drvCellWord(slot, CellSlotWord.CPUS_HI)));
}

/** Name of a driver cell slot (NUL-terminated, at most 31 characters). */
export function readCellName(k32: Int32Array, slot: number): string {
  let name = '';
  for (let i = 0; i < 31; i++) {
    const b = (Atomics.load(k32, drvCellWord(slot, CellSlotWord.NAME + (i >> 2))) >>> ((i & 3) * 8)) & 0xff;
    if (!b) break;
    name += String.fromCharCode(b);
  }
  return name;
}

export function drvWord(w: number): number {
  return DRIVER_WORD_BASE + w;
}
export function drvCellWord(slot: number, w: number): number {
  return DRIVER_WORD_BASE + DrvWord.CELLS + slot * CELL_WORDS + w;
}
export function drvReaderWord(slot: number, w: number): number {
  return DRIVER_WORD_BASE + DrvWord.READERS + slot * READER_WORDS + w;
}
