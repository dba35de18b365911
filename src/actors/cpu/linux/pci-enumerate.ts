/**
 * Root Linux's PCI enumeration at boot (pci_scan_root_bus_bridge and pci_assign_unassigned_
 * resources), done with configuration requests through the fabric like the real kernel: a
 * depth-first scan that numbers buses (keeping numbers a host driver preset, as the RK3588's
 * does), BAR sizing by writing all ones, then BARs and bridge windows allocated from the host
 * bridge's memory and I/O windows and written back. Unused bridge windows are closed the way
 * Linux closes them (base above limit).
 */
import type { PcieFabric } from '../../pcie/fabric.js';
import {
  PCI_BASE_ADDRESS_0, PCI_BRIDGE_CONTROL, PCI_CAP_ID_EXP, PCI_CMD_INTX_OFF, PCI_CMD_IO, PCI_CMD_MASTER, PCI_CMD_MEM, PCI_CMD_SERR,
  PCI_COMMAND, PCI_HEADER_TYPE, PCI_HEADER_TYPE_MFD, PCI_IO_BASE, PCI_IO_BASE_UPPER16, PCI_MEMORY_BASE, PCI_PREF_BASE_UPPER32,
  PCI_PREF_MEMORY_BASE, PCI_PRIMARY_BUS, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS1, PCI_ROM_ADDRESS_MASK, isDownstreamPort, makeBdf,
} from '../../pcie/regs.js';
import { pciDevAdd, pciDevsClear } from './pci-devs.js';

export interface HostWindows {
  /** Bus addresses of the host bridge's memory window (identity-mapped to CPU addresses). */
  memBase: number;
  memSize: number;
  /** I/O port window (bus addresses start at 0; Linux allocates from 0x1000). */
  ioSize: number;
}

export interface EnumeratedResource {
  /** 0..5 BARs, 6 expansion ROM. */
  bar: number;
  kind: 'mem32' | 'mem64' | 'io';
  prefetch: boolean;
  size: number;
  start: number;
}

export interface EnumeratedDevice {
  bdf: number;
  bridge: boolean;
  /** PCIe port type, -1 for conventional PCI. */
  portType: number;
  resources: EnumeratedResource[];
  children: EnumeratedDevice[];
  /** Bridges: the secondary bus. */
  secondary?: number;
}

const ALIGN_MEM_WINDOW = 0x100000;
const ALIGN_IO_WINDOW = 0x1000;

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

function absent(v: number): boolean {
  return v === 0xffffffff || v === 0 || v === 0xffff0000 || v === 0x0000ffff;
}

export class Enumerator {
  private mem: number;
  private io = 0x1000;
  private readonly memEnd: number;
  private readonly ioEnd: number;

  constructor(
    private readonly f: PcieFabric,
    w: HostWindows,
    /** The kernel buffer (layout.ts), whose pci_dev table (pci-layout.ts) the scan fills. */
    private readonly k32: Int32Array,
  ) {
    this.mem = w.memBase;
    this.memEnd = w.memBase + w.memSize;
    this.ioEnd = w.ioSize;
  }

  private rd(bdf: number, reg: number, size: 1 | 2 | 4): number {
    return this.f.configRead(bdf, reg, size);
  }

  private wr(bdf: number, reg: number, size: 1 | 2 | 4, v: number): void {
    this.f.configWrite(bdf, reg, size, v);
  }

  /** Scan from bus 0, assign resources, record Linux's view in its pci_dev table. */
  run(): EnumeratedDevice[] {
    const root = this.scanBus(0, undefined, { max: 0 });
    this.assign(root);
    pciDevsClear(this.k32);
    this.record(root);
    return root;
  }

  private scanBus(bus: number, parentPortType: number | undefined, st: { max: number }): EnumeratedDevice[] {
    const out: EnumeratedDevice[] = [];
    const devs = parentPortType !== undefined && isDownstreamPort(parentPortType) ? 1 : 32;
    for (let dev = 0; dev < devs; dev++) {
      if (absent(this.rd(makeBdf(bus, dev, 0), 0, 4))) continue;
      const fns = this.rd(makeBdf(bus, dev, 0), PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MFD ? 8 : 1;
      for (let fn = 0; fn < fns; fn++) {
        const bdf = makeBdf(bus, dev, fn);
        if (absent(this.rd(bdf, 0, 4))) continue;
        out.push(this.scanFunction(bdf));
      }
    }
    // Bridges second, in order, each numbering the buses below it (pci_scan_bridge).
    for (const d of out) {
      if (!d.bridge) continue;
      const pri = this.rd(d.bdf, PCI_PRIMARY_BUS, 4);
      const sec = (pri >> 8) & 0xff;
      const sub = (pri >> 16) & 0xff;
      if ((pri & 0xff) === bus && sec > bus && sub >= sec) {
        // Numbers preset by firmware or the host driver are kept (pass 0).
        d.secondary = sec;
        st.max = Math.max(st.max, sec);
        d.children = this.scanBus(sec, d.portType, st);
        st.max = Math.max(st.max, sub === 0xff ? st.max : sub);
      } else {
        const next = st.max + 1;
        this.wr(d.bdf, PCI_PRIMARY_BUS, 4, (pri & 0xff000000) | (0xff << 16) | (next << 8) | bus);
        st.max = next;
        d.secondary = next;
        d.children = this.scanBus(next, d.portType, st);
        this.wr(d.bdf, PCI_PRIMARY_BUS + 2, 1, st.max);
      }
    }
    return out;
  }

  private scanFunction(bdf: number): EnumeratedDevice {
    const bridge = (this.rd(bdf, PCI_HEADER_TYPE, 1) & 0x7f) === 1;
    const portType = this.portType(bdf);
    const cmd = this.rd(bdf, PCI_COMMAND, 2);
    // Decoding off while sizing, as __pci_read_base does.
    this.wr(bdf, PCI_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
    const resources: EnumeratedResource[] = [];
    const nBars = bridge ? 2 : 6;
    for (let i = 0; i < nBars; i++) {
      const off = PCI_BASE_ADDRESS_0 + 4 * i;
      const orig = this.rd(bdf, off, 4);
      this.wr(bdf, off, 4, 0xffffffff);
      const sz = this.rd(bdf, off, 4);
      this.wr(bdf, off, 4, orig);
      if (sz === 0 || sz === 0xffffffff) continue;
      const io = (sz & 1) === 1;
      const is64 = !io && (sz & 6) === 4;
      let size: number;
      if (is64) {
        const origHi = this.rd(bdf, off + 4, 4);
        this.wr(bdf, off + 4, 4, 0xffffffff);
        const szHi = this.rd(bdf, off + 4, 4);
        this.wr(bdf, off + 4, 4, origHi);
        const mask = BigInt(szHi) * 0x1_0000_0000n + BigInt((sz & 0xfffffff0) >>> 0);
        size = Number(((~mask + 1n) & 0xffff_ffff_ffff_ffffn));
      } else {
        const mask = (sz & (io ? 0xfffffffc : 0xfffffff0)) >>> 0;
        size = (mask & -mask) >>> 0 || 0x1_0000_0000;
      }
      resources.push({ bar: i, kind: io ? 'io' : is64 ? 'mem64' : 'mem32', prefetch: !io && (sz & 8) !== 0, size, start: 0 });
      if (is64) i++;
    }
    const romOff = bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
    const romOrig = this.rd(bdf, romOff, 4);
    this.wr(bdf, romOff, 4, PCI_ROM_ADDRESS_MASK);
    const rom = this.rd(bdf, romOff, 4) & PCI_ROM_ADDRESS_MASK;
    this.wr(bdf, romOff, 4, romOrig);
    if (rom !== 0) resources.push({ bar: 6, kind: 'mem32', prefetch: false, size: (rom & -rom) >>> 0, start: 0 });
    this.wr(bdf, PCI_COMMAND, 2, cmd);
    return { bdf, bridge, portType, resources, children: [] };
  }

  private portType(bdf: number): number {
    if ((this.rd(bdf, 0x06, 2) & 0x10) === 0) return -1;
    for (let at = this.rd(bdf, 0x34, 1) & 0xfc, hops = 0; at >= 0x40 && hops < 48; hops++) {
      const h = this.rd(bdf, at, 2);
      if ((h & 0xff) === PCI_CAP_ID_EXP) return (this.rd(bdf, at + 2, 2) >> 4) & 0xf;
      at = (h >> 8) & 0xfc;
    }
    return -1;
  }

  /** Allocate a bus's BARs (largest first, as pdev_sort_resources) and its bridges' windows. */
  private assign(devs: EnumeratedDevice[]): void {
    const bars = devs.flatMap((d) => d.resources.map((r) => ({ d, r }))).sort((a, b) => b.r.size - a.r.size);
    // Bridges' windows first (1 MiB aligned), then the BARs of this bus.
    for (const d of devs) if (d.bridge) this.assignBridge(d);
    for (const { d, r } of bars) {
      if (r.kind === 'io') {
        const start = alignUp(this.io, r.size);
        if (start + r.size > this.ioEnd) continue;
        r.start = start;
        this.io = start + r.size;
      } else {
        const start = alignUp(this.mem, r.size);
        if (start + r.size > this.memEnd) continue;
        r.start = start;
        this.mem = start + r.size;
      }
      this.writeBar(d.bdf, r, d.bridge);
    }
  }

  private writeBar(bdf: number, r: EnumeratedResource, bridge: boolean): void {
    if (r.bar === 6) {
      this.wr(bdf, bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS, 4, r.start);
      return;
    }
    const off = PCI_BASE_ADDRESS_0 + 4 * r.bar;
    this.wr(bdf, off, 4, r.start >>> 0);
    if (r.kind === 'mem64') this.wr(bdf, off + 4, 4, Math.floor(r.start / 0x1_0000_0000));
  }

  private assignBridge(d: EnumeratedDevice): void {
    this.mem = alignUp(this.mem, ALIGN_MEM_WINDOW);
    this.io = alignUp(this.io, ALIGN_IO_WINDOW);
    const memStart = this.mem;
    const ioStart = this.io;
    this.assign(d.children);
    const memEnd = alignUp(this.mem, ALIGN_MEM_WINDOW);
    const ioEnd = alignUp(this.io, ALIGN_IO_WINDOW);
    this.mem = memEnd;
    this.io = ioEnd;
    const b = d.bdf;
    if (memEnd > memStart) {
      this.wr(b, PCI_MEMORY_BASE, 4, (((memEnd - 1) >>> 16) & 0xfff0) * 0x10000 + ((memStart >>> 16) & 0xfff0));
    } else {
      this.wr(b, PCI_MEMORY_BASE, 4, 0x0000fff0);
    }
    if (ioEnd > ioStart) {
      this.wr(b, PCI_IO_BASE, 2, (((ioEnd - 1) >> 8) & 0xf0) << 8 | ((ioStart >> 8) & 0xf0));
      this.wr(b, PCI_IO_BASE_UPPER16, 4, ((ioEnd - 1) >>> 16 << 16) | (ioStart >>> 16));
    } else {
      this.wr(b, PCI_IO_BASE, 2, 0x00f0);
      this.wr(b, PCI_IO_BASE_UPPER16, 4, 0);
    }
    // Everything lands in the non-prefetchable window (the host bridge has no prefetchable one).
    this.wr(b, PCI_PREF_MEMORY_BASE, 4, 0x0000fff0);
    this.wr(b, PCI_PREF_BASE_UPPER32, 4, 0);
    this.wr(b, PCI_PREF_BASE_UPPER32 + 4, 4, 0);
    this.wr(b, PCI_BRIDGE_CONTROL, 2, this.rd(b, PCI_BRIDGE_CONTROL, 2) | 0x0002);
    // The port driver enables the bridge (decode, bus mastering, SERR) and uses MSI, not INTx.
    this.wr(b, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_SERR | PCI_CMD_INTX_OFF);
  }

  /** pci_device_add for each function, depth first: its BDF and resources where lspci (via sysfs) finds them. */
  private record(devs: EnumeratedDevice[]): void {
    for (const d of devs) {
      pciDevAdd(this.k32, d.bdf, d.resources);
      this.record(d.children);
    }
  }
}
