/**
 * struct mmio_access and enum mmio_result (include/jailhouse/mmio.h): what a trapped MMIO access
 * hands to the handler of the region it hit, and what the handler answers. A file of its own
 * so the handlers (the units') and the handler registry (mmio-handler.ts) can name them without
 * importing the MMIO dispatcher, which must import no unit.
 */

/** enum mmio_result. */
export const MmioResult = { ERROR: -1, UNHANDLED: 0, HANDLED: 1 } as const;
export type MmioResultCode = (typeof MmioResult)[keyof typeof MmioResult];

/**
 * struct mmio_access: address is guest-physical on entry, region-relative in the handler. The
 * 64-bit value is held as two unsigned 32-bit halves, the form the guest's register file and
 * RAM have, so a trapped access the sub-page handler serves creates no bigint; handlers that
 * compute on the value (the GIC's) use `value`, a 64-bit view of the same halves.
 */
export class MmioAccess {
  /**
   * jhsim: the id (mmio-handler.ts) of the handler of the region the access hit, 0 if none (set
   * by mmioHandleAccess); the vmexit recorder names it with the exit.
   */
  handler = 0;

  constructor(
    public address = 0,
    public size: 1 | 2 | 4 | 8 = 4,
    public isWrite = false,
    /** Bits 31..0 of the write value, or of the read result. */
    public lo = 0,
    /** Bits 63..32. */
    public hi = 0,
  ) {}

  /** Write value, or the read result (64-bit, unsigned). */
  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Stores the value modulo 2^64, as a 64-bit register would hold it. */
  set value(v: bigint) {
    this.lo = Number(BigInt.asUintN(32, v));
    this.hi = Number(BigInt.asUintN(32, v >> 32n));
  }
}
