/**
 * A bench for the device inmates without the project's GIC and PL011 models: the reference
 * interpreter runs an inmate on one or more A64 CPUs over a flat board written here from the
 * architecture (not from the simulation's hypervisor): 64 KiB of cell RAM at 0, the comm region
 * at 0x80000000 as cell_start leaves it, a PL011 at 0x09000000 (DR writes collected, FR.TXFF
 * for a configurable number of polls), GICD at 0x08000000 (reads return presets, writes are
 * logged) and one redistributor frame per CPU at 0x080a0000 + n * 0x20000 (PIDR2 arch 3, TYPER
 * affinity and Last), a GICv3 CPU interface (IAR1/EOIR1/SGI1R/CTLR/PMR/IGRPEN1 by trapped
 * MRS/MSR), the EL1 virtual timer on PPI 27, PSCI CPU_ON through SMC and DEBUG_CONSOLE_PUTC
 * through HVC. Time is a tick counter that advances with executed instructions (optional), on
 * WFE (50 µs) and, when every CPU waits in WFI, to the next timer deadline.
 *
 * It is a test double: it checks what the inmates do against the architecture, not Jailhouse's
 * filtering (no ownership checks except dropping SGIs to CPUs outside `cellCpus`).
 */
import {
  A64State, deliverToGuest, eret, retire, run, type Access, type AccessSize, type Fault, type GuestMemory,
  type InterpHooks, type StepException, type TimerReg,
} from '../src/actors/cpu/a64/index.js';
import { COMM } from '../src/actors/hypervisor/core/layout.js';

export const RAM_SIZE = 0x10000;
export const COMM_VA = 0x8000_0000;
export const UART = 0x0900_0000;
export const GICD = 0x0800_0000;
export const GICR = 0x080a_0000;
export const GICR_STRIDE = 0x2_0000;
export const FREQ = 62_500_000n;
/** WFE sleeps this long (50 µs), as the simulation's WFE does at most. */
export const WFE_TICKS = 3125n;

export interface MmioAccess { cpu: number; addr: number; size: number; write: boolean; value: bigint }
export interface SysregAccess { cpu: number; name: string; read: boolean; value: bigint }

export interface BoardOptions {
  /** CPUs of the cell (PSCI CPU_ON succeeds only for these; SGIs to others are dropped). */
  cellCpus: number[];
  /** Redistributor frames present: CPUs 0..frames-1 (default 4). */
  frames?: number;
  /** Ticks per executed instruction (0: time moves only on WFE and idle). */
  ticksPerInsn?: number;
  /** comm region flags (bit 0 DBG_PUTC_PERMITTED, bit 1 DBG_PUTC_ACTIVE). */
  commFlags?: number;
  /** comm region console type (3 = PL011, 0 = NONE) and address. */
  consoleType?: number;
  consoleAddress?: number;
  gicVersion?: number;
  uartMapped?: boolean;
  gicrMapped?: boolean;
}

class Cpu {
  readonly s = new A64State();
  on = false;
  sleeping = false;
  readonly pendingSgis = new Set<number>();
  readonly active = new Set<number>();
  /** GICR_ISENABLER0 state (bits set by writes to this CPU's frame). */
  enabled0 = 0;
  pmr = 0n;
  igrpen1 = 0n;
  ctlr = 0n;
  cntvCtl = 0n;
  cntvCval = 0n;
  /** Assert PPI 27 once regardless of the timer condition (an early delivery). */
  forceTimer = false;
  instructions = 0;
  faults: StepException[] = [];
  wfes = 0;
  constructor(readonly id: number) {}
  get mpidr(): bigint {
    return 0x8000_0000n | BigInt(this.id & 15) | (BigInt(this.id >> 4) << 8n);
  }
}

export class Board implements GuestMemory {
  readonly ram = new Uint8Array(RAM_SIZE);
  readonly comm = new Uint8Array(0x1000);
  readonly cpus: Cpu[] = [];
  uart = '';
  hvc = '';
  readonly mmio: MmioAccess[] = [];
  readonly sysregs: SysregAccess[] = [];
  readonly timerWrites: { cpu: number; reg: TimerReg; value: bigint }[] = [];
  readonly psci: { target: bigint; result: bigint }[] = [];
  /** GICD register presets by offset (reads return them, else 0). */
  readonly gicdPresets = new Map<number, bigint>();
  /** Remaining FR reads that report TXFF. */
  txffPolls = 0;
  now = 0n;
  /** Extra ticks (may be negative) after a timer deadline when the board skips ahead, per expiry. */
  timerLateness: (n: number) => bigint = () => 0n;
  private expiries = 0;
  private current = 0;
  readonly opts: Required<BoardOptions>;

  constructor(image: Uint8Array, opts: BoardOptions) {
    this.opts = {
      frames: 4, ticksPerInsn: 0, commFlags: 0, consoleType: 3, consoleAddress: UART, gicVersion: 3,
      uartMapped: true, gicrMapped: true, ...opts,
    };
    this.ram.set(image);
    for (let i = 0; i < 16; i++) this.cpus.push(new Cpu(i));
    const dv = new DataView(this.comm.buffer);
    [...'JHCOMM'].forEach((c, i) => { this.comm[COMM.SIGNATURE + i] = c.charCodeAt(0); });
    dv.setUint16(COMM.REVISION, 2, true);
    dv.setUint32(COMM.FLAGS, this.opts.commFlags, true);
    dv.setBigUint64(COMM.CONSOLE, BigInt(this.opts.consoleAddress), true);
    dv.setUint16(COMM.CONSOLE + 12, this.opts.consoleType, true);
    dv.setUint8(COMM.GIC_VERSION, this.opts.gicVersion);
    dv.setBigUint64(COMM.GICD_BASE, BigInt(GICD), true);
    dv.setBigUint64(COMM.GICR_BASE, BigInt(GICR), true);
  }

  /** Starts `cpu` at `pc` with x0 = `x0` (the cell's first CPU: cell start). */
  start(cpu: number, pc = 0, x0 = 0n): void {
    const c = this.cpus[cpu]!;
    c.on = true;
    c.s.pc = pc;
    c.s.x[0] = x0;
  }

  cpu(n: number): Cpu {
    return this.cpus[n]!;
  }

  commWord(off: number): number {
    return new DataView(this.comm.buffer).getUint32(off, true);
  }
  setCommWord(off: number, v: number): void {
    new DataView(this.comm.buffer).setUint32(off, v, true);
  }

  // ------------------------------------------------------------------------------ memory
  private ext(va: number, write: boolean): Fault {
    return { fault: 'external', va, write };
  }
  private get64(buf: Uint8Array, off: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]!);
    return v;
  }
  private set64(buf: Uint8Array, off: number, size: number, value: bigint): void {
    let v = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) {
      buf[off + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  private frameOf(va: number): number | undefined {
    if (!this.opts.gicrMapped || va < GICR) return undefined;
    const n = Math.floor((va - GICR) / GICR_STRIDE);
    return n < this.opts.frames ? n : undefined;
  }

  read(va: number, size: AccessSize, _acc: Access): bigint | Fault {
    if (va >= 0 && va + size <= RAM_SIZE) return this.get64(this.ram, va, size);
    if (va >= COMM_VA && va + size <= COMM_VA + 0x1000) return this.get64(this.comm, va - COMM_VA, size);
    const log = (value: bigint): bigint => {
      this.mmio.push({ cpu: this.current, addr: va, size, write: false, value });
      return value;
    };
    if (this.opts.uartMapped && va >= UART && va < UART + 0x1000) {
      if (va - UART === 0x18) {
        if (this.txffPolls > 0) {
          this.txffPolls--;
          return log(0x20n);
        }
        return log(0n);
      }
      return log(0n);
    }
    if (va >= GICD && va < GICD + 0x10000) return log(this.gicdPresets.get(va - GICD) ?? 0n);
    const n = this.frameOf(va);
    if (n !== undefined) {
      const off = va - GICR - n * GICR_STRIDE;
      const last = n === this.opts.frames - 1;
      switch (off) {
        case 0xffe8: return log(0x30n);
        case 0x08: return log(BigInt((n << 8) | (last ? 0x10 : 0)));
        case 0x0c: return log(BigInt(n & 15) | (BigInt(n >> 4) << 8n));
        case 0x10100: return log(BigInt(this.cpus[n]!.enabled0));
        default: return log(0n);
      }
    }
    return this.ext(va, false);
  }

  write(va: number, size: AccessSize, value: bigint, _acc: Access): Fault | undefined {
    if (va >= 0 && va + size <= RAM_SIZE) {
      this.set64(this.ram, va, size, value);
      return undefined;
    }
    if (va >= COMM_VA && va + size <= COMM_VA + 0x1000) {
      this.set64(this.comm, va - COMM_VA, size, value);
      return undefined;
    }
    const inUart = this.opts.uartMapped && va >= UART && va < UART + 0x1000;
    const n = this.frameOf(va);
    if (!inUart && !(va >= GICD && va < GICD + 0x10000) && n === undefined) return this.ext(va, true);
    this.mmio.push({ cpu: this.current, addr: va, size, write: true, value });
    if (inUart && va === UART) this.uart += String.fromCharCode(Number(value & 0xffn));
    if (n !== undefined && va - GICR - n * GICR_STRIDE === 0x10100) this.cpus[n]!.enabled0 |= Number(value & 0xffff_ffffn);
    return undefined;
  }

  atomic(va: number, size: AccessSize, op: (old: bigint) => bigint, acc: Access): bigint | Fault {
    const old = this.read(va, size, acc);
    if (typeof old !== 'bigint') return old;
    return this.write(va, size, op(old), acc) ?? old;
  }

  cas(va: number, size: AccessSize, expected: bigint, desired: bigint, acc: Access): bigint | Fault {
    const old = this.read(va, size, acc);
    if (typeof old !== 'bigint') return old;
    if (old === expected) {
      const f = this.write(va, size, desired, acc);
      if (f) return f;
    }
    return old;
  }

  fetch(va: number): number | Fault {
    if (va >= 0 && va + 4 <= RAM_SIZE) return Number(this.get64(this.ram, va, 4));
    return this.ext(va, false);
  }

  // ------------------------------------------------------------------------------ GIC + timer
  private timerLevel(c: Cpu): boolean {
    return c.forceTimer || ((c.cntvCtl & 3n) === 1n && this.now >= c.cntvCval);
  }

  /** Lowest INTID this CPU's interface would signal (enabled, not active), or undefined. */
  private highest(c: Cpu): number | undefined {
    const ids: number[] = [];
    for (const id of c.pendingSgis) if ((c.enabled0 >> id) & 1 && !c.active.has(id)) ids.push(id);
    if ((c.enabled0 >> 27) & 1 && !c.active.has(27) && this.timerLevel(c)) ids.push(27);
    return ids.length ? Math.min(...ids) : undefined;
  }

  private signalled(c: Cpu): boolean {
    return c.igrpen1 === 1n && c.pmr > 0x80n && this.highest(c) !== undefined;
  }

  private hooks(c: Cpu): InterpHooks {
    return {
      mpidr: () => c.mpidr,
      timerRead: (reg) => {
        switch (reg) {
          case 'CNTFRQ_EL0': return FREQ;
          case 'CNTPCT_EL0': case 'CNTVCT_EL0': return this.now;
          case 'CNTV_CTL_EL0': return c.cntvCtl | ((c.cntvCtl & 1n) === 1n && this.now >= c.cntvCval ? 4n : 0n);
          case 'CNTV_CVAL_EL0': return c.cntvCval;
          case 'CNTV_TVAL_EL0': return BigInt.asUintN(32, c.cntvCval - this.now);
          default: return 0n;
        }
      },
      timerWrite: (reg, v) => {
        this.timerWrites.push({ cpu: c.id, reg, value: v });
        if (reg === 'CNTV_CTL_EL0') c.cntvCtl = v & 3n;
        else if (reg === 'CNTV_TVAL_EL0') c.cntvCval = this.now + BigInt.asIntN(32, v);
        else if (reg === 'CNTV_CVAL_EL0') c.cntvCval = v;
      },
      irqPending: () => this.signalled(c),
    };
  }

  private sysreg(c: Cpu, r: StepException & { type: 'sysreg' }): bigint {
    const name = r.name ?? '?';
    let value = r.value;
    if (r.read) {
      switch (name) {
        case 'ICC_IAR1_EL1': {
          const id = c.igrpen1 === 1n ? this.highest(c) : undefined;
          if (id === undefined) value = 1023n;
          else {
            c.active.add(id);
            c.pendingSgis.delete(id);
            if (id === 27) c.forceTimer = false;
            value = BigInt(id);
          }
          break;
        }
        case 'ICC_PMR_EL1': value = c.pmr; break;
        case 'ICC_IGRPEN1_EL1': value = c.igrpen1; break;
        case 'ICC_CTLR_EL1': value = c.ctlr; break;
        default: value = 0n;
      }
    } else {
      switch (name) {
        case 'ICC_EOIR1_EL1': c.active.delete(Number(value & 0xff_ffffn)); break;
        case 'ICC_PMR_EL1': c.pmr = value & 0xffn; break;
        case 'ICC_IGRPEN1_EL1': c.igrpen1 = value & 1n; break;
        case 'ICC_CTLR_EL1': c.ctlr = value; break;
        case 'ICC_SGI1R_EL1': {
          const id = Number((value >> 24n) & 0xfn);
          const aff = (value >> 16n) & 0xffn | ((value >> 32n) & 0xffn) << 8n | ((value >> 48n) & 0xffn) << 16n;
          const rs = Number((value >> 44n) & 0xfn);
          for (let bit = 0; bit < 16; bit++) {
            if (!((value >> BigInt(bit)) & 1n)) continue;
            const target = (Number(aff & 0xffn) << 4) + rs * 16 + bit;
            if (aff >> 8n !== 0n || !this.opts.cellCpus.includes(target)) continue;
            this.cpus[target]!.pendingSgis.add(id);
          }
          break;
        }
        default: break;
      }
    }
    this.sysregs.push({ cpu: c.id, name, read: r.read, value });
    return value;
  }

  private smc(c: Cpu): void {
    const fn = c.s.x[0]!;
    if (fn !== 0xc400_0003n) {
      c.s.x[0] = BigInt.asUintN(64, -1n);
      return;
    }
    const target = c.s.x[1]!;
    const id = Number(target & 0xffn) + Number((target >> 8n) & 0xffn) * 16;
    let result: bigint;
    if (!this.opts.cellCpus.includes(id) || (target & ~0xffffn) !== 0n) result = -3n;
    else if (this.cpus[id]!.on) result = -4n;
    else {
      this.start(id, Number(c.s.x[2]!), c.s.x[3]!);
      result = 0n;
    }
    this.psci.push({ target, result });
    c.s.x[0] = BigInt.asUintN(64, result);
  }

  private handle(c: Cpu, r: StepException): void {
    switch (r.type) {
      case 'irq': deliverToGuest(c.s, r); return;
      case 'eret': eret(c.s); return;
      case 'wfi':
        retire(c.s, r);
        if (!(this.highest(c) !== undefined && c.igrpen1 === 1n)) c.sleeping = true;
        return;
      case 'wfe':
        retire(c.s, r);
        c.wfes++;
        this.now += WFE_TICKS;
        return;
      case 'sev': case 'sevl': case 'yield': retire(c.s, r); return;
      case 'hvc':
        if (r.imm16 === 0x4a48 && c.s.x[0] === 8n) {
          this.hvc += String.fromCharCode(Number(c.s.x[1]! & 0xffn));
          c.s.x[0] = 0n;
        } else {
          c.s.x[0] = BigInt.asUintN(64, -38n);
        }
        retire(c.s, r);
        return;
      case 'smc': this.smc(c); retire(c.s, r); return;
      case 'sysreg': retire(c.s, r, this.sysreg(c, r)); return;
      case 'brk': throw new Error(`CPU ${c.id}: brk at 0x${r.pc.toString(16)}`);
      default:
        c.faults.push(r);
        if (c.faults.length > 10) throw new Error(`CPU ${c.id}: fault storm (${r.type} at 0x${r.pc.toString(16)})`);
        if (!deliverToGuest(c.s, r)) throw new Error(`CPU ${c.id}: cannot deliver ${r.type}`);
    }
  }

  /**
   * Runs the started CPUs round-robin in slices until `done()` or the instruction budget is
   * spent; returns whether `done()` became true. When every CPU waits in WFI, time skips to the
   * earliest armed virtual timer (plus `timerLateness`), or the run stops (nothing can happen).
   */
  runUntil(done: () => boolean, budget = 5_000_000, slice = 200): boolean {
    let spent = 0;
    while (!done()) {
      if (spent >= budget) return false;
      let ran = false;
      for (const c of this.cpus) {
        if (!c.on) continue;
        if (c.sleeping && this.highest(c) !== undefined && c.igrpen1 === 1n) c.sleeping = false;
        if (c.sleeping) continue;
        ran = true;
        this.current = c.id;
        const { result, executed } = run(c.s, this, this.hooks(c), slice);
        c.instructions += executed;
        spent += executed + 1;
        this.now += BigInt(Math.floor(executed * (this.opts.ticksPerInsn)));
        if (result.kind === 'exception') this.handle(c, result);
        if (done()) return true;
      }
      if (!ran) {
        const armed = this.cpus.filter((c) => c.on && (c.cntvCtl & 3n) === 1n && (c.enabled0 >> 27) & 1);
        if (armed.length === 0) return done();
        const next = armed.reduce((a, b) => (a.cntvCval <= b.cntvCval ? a : b));
        const late = this.timerLateness(this.expiries++);
        this.now = next.cntvCval + late > this.now ? next.cntvCval + late : this.now;
        if (late < 0n) next.forceTimer = true;
      }
    }
    return true;
  }
}
