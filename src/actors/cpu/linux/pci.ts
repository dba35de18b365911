/**
 * Root Linux's PCI core as far as lspci and setpci see it: the host bridges (the board's ECAM
 * host, domain 0000, scanned at boot; and Jailhouse's virtual PCI host, which the driver adds
 * while the hypervisor is enabled with a virtual mmconfig window), config accessors through
 * ECAM (pci_generic_config_read/write: trapped once root runs under Jailhouse and the window is
 * not mapped; each host's bus is scanned once), and the sysfs files /sys/bus/pci/devices/DDDD:BB:DD.F/{config,resource,irq}.
 */
import { SYS_OFF } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { encodeUtf8 } from '../../../shared/text.js';
import { PCI_CAP_ID_EXP, PCI_CFG_SPACE_EXP_SIZE, PCI_CFG_SPACE_SIZE, PCI_HEADER_TYPE_MFD, makeBdf } from '../../pcie/regs.js';
import type { Kernel } from './kernel.js';
import { KernelWord, VPCI_MAX_DEVICES, VPCI_NOT_SCANNED } from './layout.js';
import { linuxMmio } from './mmio.js';
import { pciDevOnBus, pciDevResources, type PciResource } from './pci-devs.js';

export const PCI_SYSFS = '/sys/bus/pci/devices';

export interface PciHost {
  domain: number;
  /** Physical address of the ECAM window. */
  ecam: number;
  buses: number;
  /** Jailhouse's virtual host (ivshmem devices only). */
  virtual: boolean;
}

export interface LinuxPciDev {
  host: PciHost;
  bdf: number;
}

/** The host bridges Linux knows right now. */
export function pciHosts(k: Kernel): PciHost[] {
  const p = k.c.board.pci;
  const hosts: PciHost[] = [{ domain: 0, ecam: p.ecam_base, buses: Math.floor(p.ecam_size / 0x100000), virtual: false }];
  const v = virtualHost(k);
  if (v) hosts.push(v);
  return hosts;
}

const kw = (k: Kernel, w: number): number => Atomics.load(k.c.k32, w);

function virtualHost(k: Kernel): PciHost | undefined {
  if (kw(k, KernelWord.VPCI_COUNT) === 0) return undefined;
  const ecam = (kw(k, KernelWord.VPCI_ECAM_LO) >>> 0) + (kw(k, KernelWord.VPCI_ECAM_HI) >>> 0) * 0x1_0000_0000;
  return { domain: kw(k, KernelWord.VPCI_DOMAIN), ecam, buses: kw(k, KernelWord.VPCI_BUSES), virtual: true };
}

/**
 * jailhouse_pci_virtual_root_devices_add (the driver, right after enable): when the system
 * config has a virtual mmconfig window, a generic ECAM host for it is added (the driver's DT
 * overlay). Its bus is scanned once, the first time anything looks at Linux's PCI devices, so
 * enabling costs no config accesses of its own.
 */
export function pciVirtualHostAdd(k: Kernel): void {
  const hv = k.c.hv;
  if (!hv) return;
  const m = k.c.mem;
  const sys = hv.systemConfig;
  const base = m.read64(sys + SYS_OFF.pci_mmconfig_base);
  if (!base || !m.read8(sys + SYS_OFF.pci_is_virtual) || base === k.c.board.pci.ecam_base) return;
  Atomics.store(k.c.k32, KernelWord.VPCI_DOMAIN, m.read16(sys + SYS_OFF.pci_domain));
  Atomics.store(k.c.k32, KernelWord.VPCI_BUSES, m.read8(sys + SYS_OFF.pci_mmconfig_end_bus) + 1);
  Atomics.store(k.c.k32, KernelWord.VPCI_ECAM_LO, base % 0x1_0000_0000);
  Atomics.store(k.c.k32, KernelWord.VPCI_ECAM_HI, Math.floor(base / 0x1_0000_0000));
  Atomics.store(k.c.k32, KernelWord.VPCI_COUNT, VPCI_NOT_SCANNED);
}

/** The virtual host's functions, scanning its bus the first time. */
function virtualDevices(k: Kernel, host: PciHost): number[] {
  if (kw(k, KernelWord.VPCI_COUNT) === VPCI_NOT_SCANNED) {
    const found = scanHost(k, host).slice(0, VPCI_MAX_DEVICES);
    if (found.length === VPCI_MAX_DEVICES) k.printk(`pci ${host.domain.toString(16).padStart(4, '0')}: only the first ${VPCI_MAX_DEVICES} functions of the virtual host are kept`);
    found.forEach((bdf, i) => Atomics.store(k.c.k32, KernelWord.VPCI_BDF + i, bdf));
    // Concurrent first scans find the same functions; the last store wins harmlessly.
    Atomics.compareExchange(k.c.k32, KernelWord.VPCI_COUNT, VPCI_NOT_SCANNED, found.length + 1);
  }
  return Array.from({ length: Math.max(0, kw(k, KernelWord.VPCI_COUNT) - 1) }, (_, i) => kw(k, KernelWord.VPCI_BDF + i));
}

/** jailhouse_pci_virtual_root_devices_remove (the driver, before disable). */
export function pciVirtualHostRemove(k: Kernel): void {
  Atomics.store(k.c.k32, KernelWord.VPCI_COUNT, 0);
}

export function pciConfigRead(k: Kernel, host: PciHost, bdf: number, reg: number, size: 1 | 2 | 4): number {
  if (bdf >> 8 >= host.buses) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
  return Number(linuxMmio(k, host.ecam + bdf * 4096 + reg, size, false, 0n, 'PCI config read'));
}

export function pciConfigWrite(k: Kernel, host: PciHost, bdf: number, reg: number, size: 1 | 2 | 4, value: number): void {
  if (bdf >> 8 >= host.buses) return;
  linuxMmio(k, host.ecam + bdf * 4096 + reg, size, true, BigInt(value >>> 0), 'PCI config write');
}

const absent = (v: number): boolean => v === 0xffffffff || v === 0 || v === 0xffff0000 || v === 0x0000ffff;

/** The functions of a host, depth 0 only (the virtual host has no bridges). */
function scanHost(k: Kernel, host: PciHost): number[] {
  const out: number[] = [];
  for (let bus = 0; bus < host.buses; bus++) {
    for (let dev = 0; dev < 32; dev++) {
      const f0 = makeBdf(bus, dev, 0);
      if (absent(pciConfigRead(k, host, f0, 0, 4))) continue;
      const fns = pciConfigRead(k, host, f0, 0x0e, 1) & PCI_HEADER_TYPE_MFD ? 8 : 1;
      for (let fn = 0; fn < fns; fn++) if (fn === 0 || !absent(pciConfigRead(k, host, makeBdf(bus, dev, fn), 0, 4))) out.push(makeBdf(bus, dev, fn));
    }
  }
  return out;
}

/** The devices on Linux's buses: what the boot scan and the virtual host's scan found. */
export function pciDevices(k: Kernel): LinuxPciDev[] {
  const out: LinuxPciDev[] = [];
  for (const host of pciHosts(k)) {
    if (host.virtual) {
      for (const bdf of virtualDevices(k, host)) out.push({ host, bdf });
      continue;
    }
    // A function the Jailhouse driver claimed for a cell is off Linux's bus until released.
    for (const bdf of pciDevOnBus(k.c.k32).sort((a, b) => a - b)) out.push({ host, bdf });
  }
  return out;
}

export function pciName(d: LinuxPciDev): string {
  const h = (v: number, n: number): string => v.toString(16).padStart(n, '0');
  return `${h(d.host.domain, 4)}:${h(d.bdf >> 8, 2)}:${h((d.bdf >> 3) & 0x1f, 2)}.${d.bdf & 7}`;
}

function findDev(k: Kernel, name: string | undefined): LinuxPciDev | undefined {
  return pciDevices(k).find((d) => pciName(d) === name);
}

/** cfg_size: 4 KiB for a PCI Express function (it has the PCIe capability), else 256. */
function cfgSize(k: Kernel, d: LinuxPciDev): number {
  if ((pciConfigRead(k, d.host, d.bdf, 0x06, 2) & 0x10) === 0) return PCI_CFG_SPACE_SIZE;
  for (let at = pciConfigRead(k, d.host, d.bdf, 0x34, 1) & 0xfc, hops = 0; at >= 0x40 && hops < 48; hops++) {
    const h = pciConfigRead(k, d.host, d.bdf, at, 2);
    if ((h & 0xff) === PCI_CAP_ID_EXP) return PCI_CFG_SPACE_EXP_SIZE;
    at = (h >> 8) & 0xfc;
  }
  return PCI_CFG_SPACE_SIZE;
}

/** Linux's resources of a domain-0 device (start, size per BAR and ROM), from the boot scan. */
function resources(k: Kernel, d: LinuxPciDev): PciResource[] {
  return pciDevResources(k.c.k32, d.host.virtual ? undefined : d.bdf);
}

export function pciSysfsList(k: Kernel, rest: string[]): string[] | number {
  if (rest.length === 0) return pciDevices(k).map(pciName);
  if (rest.length === 1 && findDev(k, rest[0])) return ['config', 'irq', 'resource'];
  return -Errno.ENOENT;
}

export function pciSysfsRead(k: Kernel, rest: string[]): Uint8Array | number {
  const d = findDev(k, rest[0]);
  if (!d) return -Errno.ENOENT;
  if (rest.length === 1) return -Errno.EISDIR;
  switch (rest[1]) {
    case 'config': {
      const n = cfgSize(k, d);
      const out = new Uint8Array(n);
      for (let off = 0; off < n; off += 4) {
        const v = pciConfigRead(k, d.host, d.bdf, off, 4);
        for (let i = 0; i < 4; i++) out[off + i] = (v >>> (8 * i)) & 0xff;
      }
      return out;
    }
    case 'resource': {
      const hex = (v: number): string => `0x${v.toString(16).padStart(16, '0')}`;
      return encodeUtf8(resources(k, d).map((r) => `${hex(r.start)} ${hex(r.size ? r.start + r.size - 1 : 0)} ${hex(r.size ? 0x200 : 0)}\n`).join(''));
    }
    case 'irq':
      return encodeUtf8(`${pciConfigRead(k, d.host, d.bdf, 0x3c, 1)}\n`);
  }
  return -Errno.ENOENT;
}

/** A write to .../config at `offset`: naturally aligned dword/word/byte accesses, as pci_write_config does. */
export function pciSysfsWrite(k: Kernel, rest: string[], data: Uint8Array, offset: number): number {
  const d = findDev(k, rest[0]);
  if (!d || rest.length !== 2) return -Errno.ENOENT;
  if (rest[1] !== 'config') return -Errno.EACCES;
  const n = cfgSize(k, d);
  if (offset >= n) return 0;
  const end = Math.min(n, offset + data.length);
  let off = offset;
  const le = (at: number, size: number): number => {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + data[at - offset + i]!;
    return v;
  };
  while (off < end) {
    const size: 1 | 2 | 4 = off % 4 === 0 && end - off >= 4 ? 4 : off % 2 === 0 && end - off >= 2 ? 2 : 1;
    pciConfigWrite(k, d.host, d.bdf, off, size, le(off, size));
    off += size;
  }
  return end - offset;
}
