/**
 * The vmexit recorder's shared buffer (jhsim's profiler, not Jailhouse state): one ring of
 * fixed-size records per CPU. Each CPU writes only its own ring (head, records, dropped); the
 * supervisor only advances its tail. So recording never waits for another thread: a full ring
 * drops the record and counts what it stood for.
 *
 * Layout: NR_CPUS headers of RING_HDR_WORDS Int32 words, then NR_CPUS rings of RING_CAPACITY
 * records of REC_SLOTS Float64 slots each.
 */

/** Records per CPU ring (a power of two: the index is a mask). */
export const RING_CAPACITY = 1 << 16;
/**
 * Int32 words of one CPU's ring header: 128 bytes, the producer's words in the first cache line
 * and the consumer's in the second, so the CPU writing HEAD and the supervisor writing TAIL do
 * not pull one line back and forth on every record.
 */
export const RING_HDR_WORDS = 32;
/** Float64 slots of one record. */
export const REC_SLOTS = 8;

/** Int32 words of a ring header. */
export const RingWord = {
  /** Records written so far (wrapping int32), stored by the CPU after the record is complete. */
  HEAD: 0,
  /** Exits (and state, entry and phase records) the CPU could not record: the ring was full. */
  DROPPED: 1,
  /** Records the supervisor has consumed (wrapping int32); in the header's second cache line. */
  TAIL: 16,
  /**
   * Bumped by the supervisor at every drain (every few ms): the recorder's cheap clock for
   * telling a flood of exits (many within one tick) from ordinary ones.
   */
  TICK: 17,
} as const;

/** Float64 slots of a record. */
export const RecSlot = {
  /** RecKind | reason << 4 | ESR EC << 8 (an integer). */
  KIND: 0,
  /** When the exit (or state change) began: ms on the machine's shared monotonic clock (layout.ts now()). */
  T0: 1,
  /**
   * Time spent in the hypervisor handling the exit, ms (0 for a state change), or UNTIMED for an
   * exit the recorder did not time (a flood of exits: see exit-recorder.ts).
   */
  DUR: 2,
  /** Id of the cell the CPU belonged to at the exit (its config's id; 0 = root). */
  CELL: 3,
  /**
   * The finer cause: MMIO IPA, IRQ/SGI INTID, hypercall code, PSCI/SMCCC function id, the
   * SGI INTID written to ICC_SGI1R_EL1, the new CpuState of a state change, or the result
   * (0 or -errno) of an ENTRY.
   */
  DETAIL: 4,
  /**
   * MMIO: access size | write << 4 | handler id << 8 (mmio-handler.ts ids; 0 = none found).
   * ENTRY: ms from T0 until the CPU left entry barrier A.
   */
  AUX: 5,
  /** Number of physical interrupts acknowledged in an IRQ exit. */
  COUNT: 6,
  /**
   * EXIT records: how many exits the record stands for. 1 for a timed exit; in a flood, untimed
   * exits of one cause (the same KIND, CELL, DETAIL, AUX and COUNT) share a record, whose T0 is
   * the end of the last timed exit before the first of them (exit-recorder.ts). 0 in other
   * records.
   */
  EXITS: 7,
} as const;

/** RecSlot.KIND of an exit counted first as `reason` (Stat index) with ESR_EL2.EC `ec` (0: IRQ exit). */
export function exitKind(reason: number, ec: number): number {
  return RecKind.EXIT | (reason << 4) | (ec << 8);
}

/** RecSlot.KIND & 15. */
export const RecKind = {
  /** A trap or IRQ exit into the hypervisor (arch_handle_trap, irqchip_handle_irq). */
  EXIT: 1,
  /** The CPU's CpuState changed (parked, suspended, failed, back to the guest …). */
  STATE: 2,
  /** The hypervisor's entry on this CPU (enable: entry() to the guest's return); DUR is its length. */
  ENTRY: 3,
  /** A phase of cell management inside a hypercall; DETAIL indexes MGMT_PHASES, DUR is its length. */
  PHASE: 4,
} as const;

/** The cell-management phases a PHASE record names (RecSlot.DETAIL), as Jailhouse's code has them. */
export const MGMT_PHASES = [
  'cell_suspend (wait for the cell\'s CPUs in check_events)',
  'unit cell_init',
  'park the new cell\'s CPUs (arch_park_cpu)',
  'move memory (unmap from root, map to the cell)',
  'cell_destroy_internal: park CPUs, memory back to root, unit cell_exit',
] as const;

/** Index of each MGMT_PHASES entry. */
export const MgmtPhase = { SUSPEND: 0, UNIT_INIT: 1, PARK: 2, MAP: 3, DESTROY: 4 } as const;

/**
 * The exit reason in RecSlot.KIND bits 4..7: Jailhouse's arm64 statistics index (Stat in
 * hypervisor/core/layout.ts: 1 mmio … 8 smccc) of the first category the exit counted, or
 * REASON_OTHER for an exit counted only in vmexits_total (a trapped ICC_SGI1R_EL1 write, a
 * fatal trap).
 */
export const REASON_OTHER = 0;

/**
 * RecSlot.DUR of exits recorded without timing them; their T0 is the end of the last timed exit
 * before them.
 */
export const UNTIMED = -1;

export function exitRingBytes(nrCpus: number): number {
  return nrCpus * RING_HDR_WORDS * 4 + nrCpus * RING_CAPACITY * REC_SLOTS * 8;
}

/** Int32 index of `cpu`'s header word `w`. */
export function ringWord(cpu: number, w: number): number {
  return cpu * RING_HDR_WORDS + w;
}

/** Float64 index of `cpu`'s record `i` (i already masked), slot 0. */
export function recIndex(nrCpus: number, cpu: number, i: number): number {
  return (nrCpus * RING_HDR_WORDS * 4) / 8 + (cpu * RING_CAPACITY + i) * REC_SLOTS;
}
