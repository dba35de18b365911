/**
 * The PCIe fabric as the CPUs reach it through the root complex: configuration requests leave
 * the root complex as TLPs (Type 0 for the root bus, Type 1 beyond), each bridge claims the ones
 * in its bus range and converts them to Type 0 at its secondary bus; memory and I/O requests
 * follow the bridge windows down to the BAR that decodes them. Anything unclaimed completes with
 * Unsupported Request, which the root complex turns into all ones for a read.
 *
 * Every transaction runs under the fabric lock, so a bridge reprogrammed by one CPU is never
 * seen half-written by another's routing.
 */
import { spinLock, spinUnlock, word, type WaitPolicy, type Word } from '../../shared/sync.js';
import { ConfigSpace, planBarMemory } from './config-space.js';
import { PcieWord, SlotWord, pcieSabSize } from './layout.js';
import {
  PCI_CMD_IO, PCI_CMD_MEM, PCI_COMMAND, PCI_IO_BASE, PCI_IO_BASE_UPPER16, PCI_MEMORY_BASE, PCI_PREF_BASE_UPPER32,
  PCI_PREF_MEMORY_BASE, PCI_PRIMARY_BUS, PCI_SEC_STATUS, PCI_STATUS_REC_MASTER_ABORT, isDownstreamPort, makeBdf,
} from './regs.js';
import { flattenTopology, type PcieNodeInput, type PcieSlot } from './topology.js';
import { CplStatus, type Tlp, type TlpKind } from './tlp/types.js';
import { newTlp } from './tlp/index.js';

/** Requester ID of the root complex (00:00.0), as the host issues its config requests. */
const RC_ID = 0;

export type TlpObserver = (tlp: Tlp, at: string) => void;

export class PcieFabric {
  readonly slots: PcieSlot[];
  readonly fns: ConfigSpace[];
  private readonly hdr: Int32Array;
  private readonly lock: Word;
  /** Functions on the secondary bus of each slot's bridge; key -1 is the root bus. */
  private readonly below = new Map<number, ConfigSpace[]>();
  /** Sees every TLP a transaction produces (requests on the way down, completions back). */
  observer: TlpObserver | undefined;
  private tag = 0;

  constructor(
    readonly sab: SharedArrayBuffer,
    nodes: PcieNodeInput[],
    private readonly policy: WaitPolicy,
  ) {
    this.slots = flattenTopology(nodes);
    this.fns = this.slots.map((s) => new ConfigSpace(sab, this.slots.length, s));
    this.hdr = new Int32Array(sab);
    this.lock = word(this.hdr, PcieWord.LOCK);
    for (const f of this.fns) this.below.set(f.slot.parent, [...(this.below.get(f.slot.parent) ?? []), f]);
  }

  /** Buffer size for a topology (the supervisor allocates it before the workers start). */
  static sabSize(nodes: PcieNodeInput[]): number {
    const slots = flattenTopology(nodes);
    return pcieSabSize(slots.length, planBarMemory(slots).total);
  }

  /** Power-on: every function back to its reset image, BAR stores laid out and zeroed. */
  resetHardware(): void {
    const plan = planBarMemory(this.slots);
    Atomics.store(this.hdr, PcieWord.NR_SLOTS, this.slots.length);
    Atomics.store(this.hdr, PcieWord.UR_COUNT, 0);
    this.fns.forEach((f, i) => {
      for (let b = 0; b < 6; b++) {
        f.setMetaWord(SlotWord.BAR_MEM_OFF + b, plan.offsets[i]![b]!);
        f.setMetaWord(SlotWord.BAR_MEM_SIZE + b, plan.sizes[i]![b]!);
      }
      f.reset();
    });
  }

  get unsupportedRequests(): number {
    return Atomics.load(this.hdr, PcieWord.UR_COUNT);
  }

  private children(parent: number): ConfigSpace[] {
    return this.below.get(parent) ?? [];
  }

  private nextTag(): number {
    this.tag = (this.tag + 1) & 0xff;
    return this.tag;
  }

  private locked<T>(fn: () => T): T {
    spinLock(this.policy, this.lock, 'pci_lock');
    try {
      return fn();
    } finally {
      spinUnlock(this.lock);
    }
  }

  /** A configuration read as the root complex performs it (all ones if nothing answers). */
  configRead(bdf: number, reg: number, size: 1 | 2 | 4): number {
    return this.locked(() => {
      const cpl = this.config(bdf, reg, size, undefined);
      if (cpl.status !== CplStatus.SC) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
      const sh = reg & 3;
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + cpl.data[sh + i]!;
      return v;
    });
  }

  /** A configuration write; false when it completed with UR (Linux ignores that). */
  configWrite(bdf: number, reg: number, size: 1 | 2 | 4, value: number): boolean {
    return this.locked(() => this.config(bdf, reg, size, value).status === CplStatus.SC);
  }

  private config(bdf: number, reg: number, size: number, value: number | undefined): Tlp {
    const bus = bdf >> 8;
    const isWrite = value !== undefined;
    const be = ((1 << size) - 1) << (reg & 3);
    const data = new Uint8Array(isWrite ? 4 : 0);
    if (isWrite) for (let i = 0; i < size; i++) data[(reg & 3) + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
    const kind: TlpKind = bus === 0 ? (isWrite ? 'CfgWr0' : 'CfgRd0') : isWrite ? 'CfgWr1' : 'CfgRd1';
    const req = newTlp(kind, { requesterId: RC_ID, tag: this.nextTag(), firstBe: be, completerId: bdf, register: reg & 0xffc, data });
    this.observer?.(req, 'root complex');
    const cpl = this.routeConfig(req);
    this.observer?.(cpl, 'root complex');
    return cpl;
  }

  private completion(req: Tlp, status: number, completer: number, data?: Uint8Array): Tlp {
    if (status !== CplStatus.SC) Atomics.add(this.hdr, PcieWord.UR_COUNT, 1);
    const withData = data !== undefined && status === CplStatus.SC;
    return newTlp(withData ? 'CplD' : 'Cpl', {
      requesterId: req.requesterId, tag: req.tag, completerId: completer, status, byteCount: 4, length: withData ? 1 : 0,
      data: withData ? data : new Uint8Array(0),
    });
  }

  private routeConfig(req: Tlp): Tlp {
    const bus = req.completerId >> 8;
    const dev = (req.completerId >> 3) & 0x1f;
    const fn = req.completerId & 7;
    let parent = -1;
    let parentFn: ConfigSpace | undefined;
    for (let hops = 0; hops < 256; hops++) {
      const secondary = parentFn ? parentFn.read(PCI_PRIMARY_BUS + 1, 1) : 0;
      if (bus === secondary) {
        // At the target bus: a downstream port forwards only device 0 (its link has one device).
        if (parentFn && isDownstreamPort(parentFn.slot.portType) && dev !== 0) return this.unsupported(req, parentFn);
        const target = this.children(parent).find((f) => f.slot.device === dev && f.slot.fn === fn);
        if (!target) return this.unsupported(req, parentFn);
        const t0 = req.kind === 'CfgRd1' || req.kind === 'CfgWr1' ? { ...req, kind: req.kind === 'CfgRd1' ? ('CfgRd0' as const) : ('CfgWr0' as const) } : req;
        if (t0 !== req) this.observer?.(t0, describeSlot(parentFn!.slot));
        return this.deliverConfig(t0, target, bus);
      }
      const next = this.children(parent).find((f) => {
        if (!f.slot.bridge) return false;
        const sec = f.read(PCI_PRIMARY_BUS + 1, 1);
        const sub = f.read(PCI_PRIMARY_BUS + 2, 1);
        return sec !== 0 && sec <= bus && bus <= sub;
      });
      if (!next) return this.unsupported(req, parentFn);
      parent = next.slot.index;
      parentFn = next;
    }
    return this.unsupported(req, parentFn);
  }

  private unsupported(req: Tlp, bridge: ConfigSpace | undefined): Tlp {
    // The bridge that forwarded the request records the master abort in its secondary status.
    if (bridge) bridge.cfg[PCI_SEC_STATUS + 1]! |= PCI_STATUS_REC_MASTER_ABORT >> 8;
    return this.completion(req, CplStatus.UR, bridge ? this.idOf(bridge) : RC_ID);
  }

  private idOf(f: ConfigSpace): number {
    const bus = f.metaWord(SlotWord.CAPTURED_BUS);
    return makeBdf(bus < 0 ? 0 : bus, f.slot.device, f.slot.fn);
  }

  private deliverConfig(req: Tlp, f: ConfigSpace, bus: number): Tlp {
    const reg = req.register;
    if (reg >= f.cfgSize) return this.completion(req, CplStatus.UR, makeBdf(bus, f.slot.device, f.slot.fn));
    if (req.kind === 'CfgWr0') {
      // A function captures its bus number from the Type 0 configuration writes it receives.
      f.setMetaWord(SlotWord.CAPTURED_BUS, bus);
      for (let i = 0; i < 4; i++) if (req.firstBe & (1 << i)) f.write(reg + i, 1, req.data[i]!);
      return this.completion(req, CplStatus.SC, this.idOf(f));
    }
    return this.completion(req, CplStatus.SC, this.idOf(f), f.cfg.slice(reg, reg + 4));
  }

  /** Memory (or I/O) read of 1..8 bytes (8 as two DW halves); all ones when nothing decodes it. */
  memRead(addr: number, size: 1 | 2 | 4 | 8, io = false): bigint {
    if (size === 8) return this.memRead(addr, 4, io) | (this.memRead(addr + 4, 4, io) << 32n);
    return this.locked(() => {
      const t = this.routeMem(addr, size, io);
      if (!t) {
        Atomics.add(this.hdr, PcieWord.UR_COUNT, 1);
        return (1n << BigInt(8 * size)) - 1n;
      }
      return BigInt(t.f.memRead(t.bar, t.offset, size));
    });
  }

  /** Memory write; false when nothing decodes it (a posted write is then dropped). */
  memWrite(addr: number, size: 1 | 2 | 4 | 8, value: bigint, io = false): boolean {
    if (size === 8) return this.memWrite(addr, 4, value & 0xffffffffn, io) && this.memWrite(addr + 4, 4, value >> 32n, io);
    return this.locked(() => {
      const t = this.routeMem(addr, size, io);
      if (!t) return false;
      t.f.memWrite(t.bar, t.offset, size, Number(value & 0xffffffffn));
      return true;
    });
  }

  /** Follow the windows from the root bus down to the BAR decoding the access. */
  private routeMem(addr: number, size: number, io: boolean): { f: ConfigSpace; bar: number; offset: number } | undefined {
    let parent = -1;
    for (let hops = 0; hops < 256; hops++) {
      let down: ConfigSpace | undefined;
      for (const f of this.children(parent)) {
        const c = f.claim(addr, size, io);
        if (c) return { f, bar: c.bar.index, offset: c.offset };
        if (f.slot.bridge && !down && bridgeForwards(f, addr, io)) down = f;
      }
      if (!down) return undefined;
      parent = down.slot.index;
    }
    return undefined;
  }

  /**
   * The slot a configuration request for bdf would reach (routing only, no transaction): how
   * tests map the BDFs root Linux enumerated (its pci_dev table, cpu/linux/pci-layout.ts) back
   * onto the topology.
   */
  resolve(bdf: number): number | undefined {
    const bus = bdf >> 8;
    let parent = -1;
    let secondary = 0;
    for (let hops = 0; hops < 256; hops++) {
      if (bus === secondary) return this.children(parent).find((f) => f.slot.device === ((bdf >> 3) & 0x1f) && f.slot.fn === (bdf & 7))?.slot.index;
      const next = this.children(parent).find((f) => {
        const sec = f.read(PCI_PRIMARY_BUS + 1, 1);
        return f.slot.bridge && sec !== 0 && sec <= bus && bus <= f.read(PCI_PRIMARY_BUS + 2, 1);
      });
      if (!next) return undefined;
      parent = next.slot.index;
      secondary = next.read(PCI_PRIMARY_BUS + 1, 1);
    }
    return undefined;
  }

  /** The function at a slot. */
  fn(slot: number): ConfigSpace {
    return this.fns[slot]!;
  }
}

/** Whether a bridge's I/O, memory or prefetchable window holds addr (and its decoding is on). */
export function bridgeForwards(f: ConfigSpace, addr: number, io: boolean): boolean {
  const cmd = f.read(PCI_COMMAND, 2);
  if (io) {
    if ((cmd & PCI_CMD_IO) === 0) return false;
    const b = f.read(PCI_IO_BASE, 1);
    const l = f.read(PCI_IO_BASE + 1, 1);
    const wide = (b & 0xf) === 1;
    const base = (wide ? f.read(PCI_IO_BASE_UPPER16, 2) * 0x10000 : 0) + ((b & 0xf0) << 8);
    const limit = (wide ? f.read(PCI_IO_BASE_UPPER16 + 2, 2) * 0x10000 : 0) + ((l & 0xf0) << 8) + 0xfff;
    return base <= limit && addr >= base && addr <= limit;
  }
  if ((cmd & PCI_CMD_MEM) === 0) return false;
  const mb = (f.read(PCI_MEMORY_BASE, 2) & 0xfff0) * 0x10000;
  const ml = (f.read(PCI_MEMORY_BASE + 2, 2) & 0xfff0) * 0x10000 + 0xfffff;
  if (mb <= ml && addr >= mb && addr <= ml) return true;
  const pbLo = f.read(PCI_PREF_MEMORY_BASE, 2);
  const plLo = f.read(PCI_PREF_MEMORY_BASE + 2, 2);
  const is64 = (pbLo & 0xf) === 1;
  const pb = (is64 ? f.read(PCI_PREF_BASE_UPPER32, 4) * 0x1_0000_0000 : 0) + (pbLo & 0xfff0) * 0x10000;
  const pl = (is64 ? f.read(PCI_PREF_BASE_UPPER32 + 4, 4) * 0x1_0000_0000 : 0) + (plLo & 0xfff0) * 0x10000 + 0xfffff;
  return pb <= pl && addr >= pb && addr <= pl;
}

function describeSlot(s: PcieSlot): string {
  return `${s.model} (device ${s.device}.${s.fn})`;
}
