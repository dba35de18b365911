/**
 * The generic timer as one CPU's guest sees it: CNTFRQ_EL0 (the board's frequency, 62.5 MHz on
 * QEMU virt), the physical and virtual counters following the host's monotonic clock
 * (CNTVOFF_EL2 = 0 under Jailhouse, so both read the same), and the EL1 virtual and physical
 * timers' CTL/CVAL/TVAL registers with ISTATUS. Raising PPI 27/30 when a timer fires is the
 * interrupt controller's job (GICv3 model).
 */
import type { TimerReg } from '../a64/interp-types.js';
import { now } from '../layout.js';

const CTL_ENABLE = 1n;
const CTL_IMASK = 2n;
const CTL_ISTATUS = 4n;

interface TimerRegs { ctl: bigint; cval: bigint }

export class GenericTimer {
  private readonly hz: bigint;
  private virt: TimerRegs = { ctl: 0n, cval: 0n };
  private phys: TimerRegs = { ctl: 0n, cval: 0n };
  /** Bumped by every register write and reset (invalidates the cached deadline). */
  private gen = 0;
  private cachedGen = -1;
  private cachedFireAt = Infinity;

  constructor(hz: number) {
    this.hz = BigInt(hz);
  }

  reset(): void {
    this.virt = { ctl: 0n, cval: 0n };
    this.phys = { ctl: 0n, cval: 0n };
    this.gen++;
  }

  /**
   * When (on the shared monotonic clock, ms) the first enabled, unmasked timer fires or fired
   * (a time in the past if it has); Infinity if none. Cheap: recomputed only after a register
   * write, so running guest code can poll it between short runs. A timer that had already
   * fired when this was computed counts too: a host thread descheduled past a deadline must
   * still find it due.
   */
  fireAt(): number {
    if (this.cachedGen !== this.gen) {
      this.cachedGen = this.gen;
      // One reading of the clock for both: a thread descheduled between two readings would
      // put the deadline late.
      const t = now();
      const ms = this.msToDeadline(this.counterAt(t), true);
      // 1 µs early: the counter is floored to microseconds, so the guest may see CVAL reached
      // up to that much before the exact deadline; checking early never misses it.
      this.cachedFireAt = t + ms - 0.001;
    }
    return this.cachedFireAt;
  }

  /** An enabled, unmasked timer's line is up now (its CNTx_CTL.ISTATUS set, IMASK clear). */
  firing(): boolean {
    return this.virtualFiring() || this.physicalFiring();
  }

  /** The system counter: microseconds of the shared monotonic clock scaled to the frequency. */
  counter(): bigint {
    return this.counterAt(now());
  }

  /** The system counter at `t` (ms on the shared clock). */
  private counterAt(t: number): bigint {
    return (BigInt(Math.floor(t * 1000)) * this.hz) / 1_000_000n;
  }

  private ctl(t: TimerRegs): bigint {
    const fired = (t.ctl & CTL_ENABLE) !== 0n && this.counter() >= t.cval;
    return (t.ctl & (CTL_ENABLE | CTL_IMASK)) | (fired ? CTL_ISTATUS : 0n);
  }

  /** The timer condition is met and not masked (the PPI would be asserted). */
  virtualFiring(): boolean {
    return (this.ctl(this.virt) & (CTL_ISTATUS | CTL_IMASK)) === CTL_ISTATUS;
  }

  physicalFiring(): boolean {
    return (this.ctl(this.phys) & (CTL_ISTATUS | CTL_IMASK)) === CTL_ISTATUS;
  }

  /** Milliseconds until an enabled, unmasked timer that has not fired yet fires (Infinity if none). */
  msUntilFire(): number {
    return this.msToDeadline(this.counter(), false);
  }

  /**
   * Milliseconds from `counter` to the first deadline of an enabled, unmasked timer (Infinity if
   * none); a timer that has fired by then counts (a negative result) only with `fired`.
   */
  private msToDeadline(counter: bigint, fired: boolean): number {
    let best = Infinity;
    for (const t of [this.virt, this.phys]) {
      if ((t.ctl & (CTL_ENABLE | CTL_IMASK)) !== CTL_ENABLE || (!fired && t.cval <= counter)) continue;
      best = Math.min(best, (Number(t.cval - counter) * 1000) / Number(this.hz));
    }
    return best;
  }

  read(reg: TimerReg): bigint {
    switch (reg) {
      case 'CNTFRQ_EL0': return this.hz;
      case 'CNTPCT_EL0': case 'CNTVCT_EL0': return this.counter();
      case 'CNTV_CTL_EL0': return this.ctl(this.virt);
      case 'CNTP_CTL_EL0': return this.ctl(this.phys);
      case 'CNTV_CVAL_EL0': return this.virt.cval;
      case 'CNTP_CVAL_EL0': return this.phys.cval;
      // TVAL reads as the signed 32-bit distance to CVAL.
      case 'CNTV_TVAL_EL0': return BigInt.asUintN(32, this.virt.cval - this.counter());
      case 'CNTP_TVAL_EL0': return BigInt.asUintN(32, this.phys.cval - this.counter());
    }
  }

  write(reg: TimerReg, v: bigint): void {
    this.gen++;
    switch (reg) {
      case 'CNTV_CTL_EL0': this.virt.ctl = v & (CTL_ENABLE | CTL_IMASK); break;
      case 'CNTP_CTL_EL0': this.phys.ctl = v & (CTL_ENABLE | CTL_IMASK); break;
      case 'CNTV_CVAL_EL0': this.virt.cval = BigInt.asUintN(64, v); break;
      case 'CNTP_CVAL_EL0': this.phys.cval = BigInt.asUintN(64, v); break;
      // TVAL writes set CVAL = counter + SignExtend(TVAL[31:0]).
      case 'CNTV_TVAL_EL0': this.virt.cval = BigInt.asUintN(64, this.counter() + BigInt.asIntN(32, v)); break;
      case 'CNTP_TVAL_EL0': this.phys.cval = BigInt.asUintN(64, this.counter() + BigInt.asIntN(32, v)); break;
      default: break;
    }
  }
}
