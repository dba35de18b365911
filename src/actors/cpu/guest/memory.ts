/**
 * The guest's view of memory on one CPU: every access goes through the CPU's software TLB
 * (stage 1 at EL1 ∘ the owning cell's stage 2) to simulated RAM. Exclusives and LSE atomics use
 * Atomics on the shared RAM buffers, so they stay atomic against the other CPUs' workers.
 *
 * A single-copy load or store whose physical address is not RAM goes to the board's devices
 * (phys.mmio: the PL011 UARTs), without an exit to EL2: a cell whose stage 2 maps a device page
 * drives the device directly, as Jailhouse maps the UART page of an inmate (IO | ROOTSHARED).
 * The block translator gets here too: its RAM cache declines non-RAM pages and hands the
 * instruction to the interpreter, which calls read/write below. An address no device decodes,
 * an access the device rejects (width, alignment), a page-crossing access, an instruction
 * fetch, or an exclusive store / atomic on a device ends with a synchronous external abort,
 * which the guest's own EL1 vectors take, as on a bus that returns a decode error.
 */
import type { PhysicalMemory, RamView } from '../../../shared/phys-mem.js';
import type { Access, AccessSize, Fault, GuestMemory, Stage2FaultKind } from '../a64/interp-types.js';
import { ACC_FETCH, ACC_READ, ACC_WRITE, P_DEVICE, type AccessCode, type MmuFault } from '../a64/mmu-types.js';
import { TLB_FAULT, type SoftTlb } from '../a64/mmu-tlb.js';


const S2_KIND: Readonly<Record<MmuFault['kind'], Stage2FaultKind>> = {
  translation: 'translation',
  permission: 'permission',
  access: 'accessFlag',
  address_size: 'translation',
  external: 'external',
};

export class CpuGuestMemory implements GuestMemory {
  /** Told of every store's physical address (the block translator watches its code pages). */
  onWrite: ((pa: number, size: number) => void) | undefined = undefined;

  constructor(
    readonly phys: PhysicalMemory,
    readonly tlb: SoftTlb,
  ) {}

  /**
   * Host PA of va for a `size`-byte access, or a Fault. An unaligned access that stage 1 makes
   * Device memory (the MMU off, or a Device mapping) is an alignment fault at EL1 even where
   * stage 2 would fault: the alignment fault caused by the memory type comes first (Arm ARM
   * R_XCHFJ), so such an access never reaches the hypervisor's MMIO emulation.
   */
  private translate(va: number, acc: AccessCode, el: 0 | 1, write: boolean, size = 1): number | Fault {
    const pa = this.tlb.translateVa(va, acc, el);
    if (pa !== TLB_FAULT) return pa;
    const f = this.tlb.fault!;
    if (f.stage === 2 && this.tlb.faultS1Device && va % size !== 0) return { fault: 'alignment', va, write };
    return toFault(f, va, write);
  }

  /** For an access crossing a page: an alignment fault if its first byte is Device memory. */
  private deviceSplit(va: number, acc: AccessCode, el: 0 | 1, write: boolean, size: number): Fault | undefined {
    const pa = this.translate(va, acc, el, write, size);
    if (typeof pa !== 'number') return pa;
    return (this.tlb.lastPerm & P_DEVICE) !== 0 ? { fault: 'alignment', va, write } : undefined;
  }

  private ram(pa: number, size: number, va: number, write: boolean, align: boolean): RamView | Fault {
    return this.ramOrDevice(pa, size, va, write, align) ?? { fault: 'external', va, write };
  }

  /** As ram(), but undefined when pa is not RAM (a device, or nothing: see phys.mmio). */
  private ramOrDevice(pa: number, size: number, va: number, write: boolean, align: boolean): RamView | Fault | undefined {
    if (align && (this.tlb.lastPerm & P_DEVICE) !== 0 && pa % size !== 0) return { fault: 'alignment', va, write };
    return this.phys.ramAt(pa, size);
  }

  read(va: number, size: AccessSize, acc: Access): bigint | Fault {
    const el = acc.el ?? 1;
    if (pageOffset(va) + size > 0x1000) return this.deviceSplit(va, ACC_READ, el, false, size) ?? this.readSplit(va, size, el);
    const pa = this.translate(va, ACC_READ, el, false, size);
    if (typeof pa !== 'number') return pa;
    const r = this.ramOrDevice(pa, size, va, false, true);
    if (r === undefined) return this.phys.mmio?.read(pa, size) ?? { fault: 'external', va, write: false };
    if (!('u8' in r)) return r;
    const o = pa - r.base;
    switch (size) {
      case 1: return BigInt(r.u8[o]!);
      case 2: return BigInt(r.dv.getUint16(o, true));
      case 4: return BigInt(r.dv.getUint32(o, true));
      default: return r.dv.getBigUint64(o, true);
    }
  }

  /** An access crossing a page: byte by byte, each byte translated (faults report that byte's VA). */
  private readSplit(va: number, size: AccessSize, el: 0 | 1): bigint | Fault {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const pa = this.translate(va + i, ACC_READ, el, false);
      if (typeof pa !== 'number') return pa;
      const r = this.ram(pa, 1, va + i, false, false);
      if (!('u8' in r)) return r;
      v = (v << 8n) | BigInt(r.u8[pa - r.base]!);
    }
    return v;
  }

  write(va: number, size: AccessSize, value: bigint, acc: Access): Fault | undefined {
    const el = acc.el ?? 1;
    if (pageOffset(va) + size > 0x1000) return this.deviceSplit(va, ACC_WRITE, el, true, size) ?? this.writeSplit(va, size, value, el);
    const pa = this.translate(va, ACC_WRITE, el, true, size);
    if (typeof pa !== 'number') return pa;
    const r = this.ramOrDevice(pa, size, va, true, true);
    if (r === undefined) return this.phys.mmio?.write(pa, size, value) ? undefined : { fault: 'external', va, write: true };
    if (!('u8' in r)) return r;
    const o = pa - r.base;
    this.onWrite?.(pa, size);
    switch (size) {
      case 1: r.u8[o] = Number(value & 0xffn); break;
      case 2: r.dv.setUint16(o, Number(value & 0xffffn), true); break;
      case 4: r.dv.setUint32(o, Number(value & 0xffff_ffffn), true); break;
      default: r.dv.setBigUint64(o, BigInt.asUintN(64, value), true); break;
    }
    return undefined;
  }

  private writeSplit(va: number, size: AccessSize, value: bigint, el: 0 | 1): Fault | undefined {
    // Translate every byte first so a fault leaves memory untouched.
    const pas: RamView[] = [];
    const offs: number[] = [];
    for (let i = 0; i < size; i++) {
      const pa = this.translate(va + i, ACC_WRITE, el, true);
      if (typeof pa !== 'number') return pa;
      const r = this.ram(pa, 1, va + i, true, false);
      if (!('u8' in r)) return r;
      pas.push(r);
      offs.push(pa - r.base);
    }
    for (let i = 0; i < size; i++) this.onWrite?.(pas[i]!.base + offs[i]!, 1);
    for (let i = 0; i < size; i++) pas[i]!.u8[offs[i]!] = Number((value >> BigInt(i * 8)) & 0xffn);
    return undefined;
  }

  /** Translation for a read-modify-write: both read and write permission. */
  private rmw(va: number, size: AccessSize, acc: Access): { r: RamView; o: number } | Fault {
    const el = acc.el ?? 1;
    const rd = this.translate(va, ACC_READ, el, false, size);
    if (typeof rd !== 'number') return rd;
    const pa = this.translate(va, ACC_WRITE, el, true, size);
    if (typeof pa !== 'number') return pa;
    if (pa % size !== 0) return { fault: 'alignment', va, write: true };
    const r = this.ram(pa, size, va, true, true);
    if (!('u8' in r)) return r;
    this.onWrite?.(pa, size);
    return { r, o: pa - r.base };
  }

  atomic(va: number, size: AccessSize, op: (old: bigint) => bigint, acc: Access): bigint | Fault {
    const t = this.rmw(va, size, acc);
    if (!('r' in t)) return t;
    const { r, o } = t;
    for (;;) {
      const old = loadAtomic(r, o, size);
      if (casAtomic(r, o, size, old, op(old)) === old) return old;
    }
  }

  cas(va: number, size: AccessSize, expected: bigint, desired: bigint, acc: Access): bigint | Fault {
    const t = this.rmw(va, size, acc);
    if (!('r' in t)) return t;
    return casAtomic(t.r, t.o, size, expected, desired);
  }

  probe(va: number, write: boolean, acc: Access): Fault | undefined {
    const pa = this.translate(va, write ? ACC_WRITE : ACC_READ, acc.el ?? 1, write);
    return typeof pa === 'number' ? undefined : pa;
  }

  fetch(va: number, acc: Access): number | Fault {
    const pa = this.translate(va, ACC_FETCH, acc.el ?? 1, false);
    if (typeof pa !== 'number') return pa;
    const r = this.phys.ramAt(pa, 4);
    if (!r) return { fault: 'external', va, write: false };
    return r.i32[(pa - r.base) >> 2]! >>> 0;
  }
}

/** Offset in the 4 KiB page of a signed-number VA. */
function pageOffset(va: number): number {
  return ((va % 0x1000) + 0x1000) % 0x1000;
}

function loadAtomic(r: RamView, o: number, size: AccessSize): bigint {
  switch (size) {
    case 1: return BigInt(Atomics.load(r.u8, o));
    case 2: return BigInt(Atomics.load(r.i16, o >> 1) & 0xffff);
    case 4: return BigInt(Atomics.load(r.i32, o >> 2) >>> 0);
    default: return BigInt.asUintN(64, Atomics.load(r.b64, o >> 3));
  }
}

/** Atomic compare-and-swap; returns the old value (unsigned). */
function casAtomic(r: RamView, o: number, size: AccessSize, expected: bigint, desired: bigint): bigint {
  switch (size) {
    case 1: return BigInt(Atomics.compareExchange(r.u8, o, Number(expected & 0xffn), Number(desired & 0xffn)));
    case 2: {
      const e = Number(BigInt.asIntN(16, expected));
      return BigInt(Atomics.compareExchange(r.i16, o >> 1, e, Number(BigInt.asIntN(16, desired))) & 0xffff);
    }
    case 4: {
      const e = Number(BigInt.asIntN(32, expected));
      return BigInt(Atomics.compareExchange(r.i32, o >> 2, e, Number(BigInt.asIntN(32, desired))) >>> 0);
    }
    default:
      return BigInt.asUintN(64, Atomics.compareExchange(r.b64, o >> 3, BigInt.asIntN(64, expected), BigInt.asIntN(64, desired)));
  }
}

/** An MMU fault as the interpreter's Fault (the exact FSC is kept). */
export function toFault(f: MmuFault, va: number, write: boolean): Fault {
  const level = (f.level & 3) as 0 | 1 | 2 | 3;
  if (f.stage === 2) {
    const out: Fault = { fault: 'stage2', va, write, level, stage2: S2_KIND[f.kind], s1ptw: f.s1ptw, fsc: f.fsc };
    if (f.ipa !== undefined) out.ipa = f.ipa;
    return out;
  }
  const kind = f.kind === 'permission' ? 'permission' : f.kind === 'external' ? 'external' : 'translation';
  return { fault: kind, va, write, level, fsc: f.fsc };
}
