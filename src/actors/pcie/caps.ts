/**
 * Capability structures (PM, MSI, MSI-X, PCI Express, vendor-specific; AER and RCEC endpoint
 * association in extended space) written into a FunctionImage with their read-only, writable
 * and write-1-to-clear bits as the spec gives them (reference pcie.md §2.8-2.11).
 */
import { get, put, reg, type FunctionImage } from './function-image.js';
import { PCI_CAP_ID_EXP, PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX, PCI_CAP_ID_PM, PCI_CAP_ID_VNDR, PCI_EXT_CAP_ID_ERR, PCI_EXT_CAP_ID_RCEC, PciExpType } from './regs.js';

export type CapSpec =
  | { id: 'pm'; at?: number; version?: number }
  | { id: 'msi'; at?: number; vectors: number; is64: boolean; maskable: boolean }
  | { id: 'msix'; at?: number; vectors: number; tableBir: number; tableOffset: number; pbaBir: number; pbaOffset: number }
  | { id: 'pcie'; at?: number; portType: number; slot?: boolean; mpsSupported?: number; linkSpeed?: number; linkWidth?: number; portNumber?: number; rcb128?: boolean }
  | { id: 'vendor'; at?: number; bytes: number[] };

export type ExtCapSpec = { id: 'aer'; at?: number } | { id: 'rcec'; at?: number; bitmap: number };

export function capSize(c: CapSpec): number {
  switch (c.id) {
    case 'pm':
      return 8;
    case 'msi':
      // 32-bit 0x0a, 64-bit 0x0e; per-vector masking adds mask and pending words (0x14 / 0x18).
      return (c.is64 ? 0x0e : 0x0a) + (c.maskable ? 0x0a : 0);
    case 'msix':
      return 0x0c;
    case 'pcie':
      return 0x3c;
    case 'vendor':
      return 3 + c.bytes.length;
  }
}

function extCapSize(c: ExtCapSpec): number {
  return c.id === 'aer' ? 0x48 : 0x0c;
}

/** Capability list from 0x40 (explicit `at` wins), chained in the given order. */
export function writeCaps(img: FunctionImage, caps: CapSpec[]): void {
  let next = 0x40;
  const placed = caps.map((c) => {
    const at = c.at ?? next;
    next = Math.max(next, (at + capSize(c) + 3) & ~3);
    return at;
  });
  if (caps.length === 0) return;
  put(img.config, 0x34, 1, placed[0]!);
  // Capabilities List bit in Status.
  put(img.config, 0x06, 2, get(img.config, 0x06, 2) | 0x10);
  caps.forEach((c, i) => {
    const at = placed[i]!;
    writeCap(img, at, c);
    put(img.config, at + 1, 1, placed[i + 1] ?? 0);
  });
}

function writeCap(img: FunctionImage, at: number, c: CapSpec): void {
  switch (c.id) {
    case 'pm':
      put(img.config, at, 1, PCI_CAP_ID_PM);
      reg(img, at + 2, 2, c.version ?? 3);
      // PMCSR: PowerState and PME_En writable, PME_Status W1C.
      reg(img, at + 4, 2, 0, 0x0103, 0x8000);
      return;
    case 'msi': {
      put(img.config, at, 1, PCI_CAP_ID_MSI);
      const mmc = Math.log2(c.vectors);
      reg(img, at + 2, 2, (mmc << 1) | (c.is64 ? 0x80 : 0) | (c.maskable ? 0x100 : 0), 0x0071);
      reg(img, at + 4, 4, 0, 0xfffffffc);
      let o = at + 8;
      if (c.is64) {
        reg(img, o, 4, 0, 0xffffffff);
        o += 4;
      }
      reg(img, o, 2, 0, 0xffff);
      if (c.maskable) {
        const bits = c.vectors >= 32 ? 0xffffffff : (1 << c.vectors) - 1;
        reg(img, o + 4, 4, 0, bits);
        reg(img, o + 8, 4, 0);
      }
      return;
    }
    case 'msix':
      put(img.config, at, 1, PCI_CAP_ID_MSIX);
      reg(img, at + 2, 2, c.vectors - 1, 0xc000);
      reg(img, at + 4, 4, c.tableOffset | c.tableBir);
      reg(img, at + 8, 4, c.pbaOffset | c.pbaBir);
      return;
    case 'pcie': {
      put(img.config, at, 1, PCI_CAP_ID_EXP);
      const t = c.portType;
      reg(img, at + 2, 2, 2 | (t << 4) | (c.slot ? 0x100 : 0));
      // Device Capabilities: MPS supported, extended tags, role-based error reporting.
      reg(img, at + 4, 4, (c.mpsSupported ?? 1) | 0x20 | 0x8000);
      const isBridge = t === PciExpType.ROOT_PORT || t === PciExpType.UPSTREAM || t === PciExpType.DOWNSTREAM || t === PciExpType.PCIE_PCI_BRIDGE;
      // Device Control: reset MPS 128 B, MRRS 512 B; bit 15 is Initiate FLR (reads 0) on endpoints.
      reg(img, at + 8, 2, 0x2810, isBridge ? 0xffff : 0x7fff);
      reg(img, at + 0x0a, 2, 0, 0, 0x004f);
      const speed = c.linkSpeed ?? 2;
      const width = c.linkWidth ?? 1;
      const hasLink = t !== PciExpType.RC_END && t !== PciExpType.RC_EC;
      reg(img, at + 0x0c, 4, hasLink ? speed | (width << 4) | (3 << 10) | ((c.portNumber ?? 0) << 24) : 0);
      reg(img, at + 0x10, 2, c.rcb128 ? 0x08 : 0, hasLink ? 0x0fdb : 0);
      reg(img, at + 0x12, 2, hasLink ? speed | (width << 4) | 0x2000 : 0, 0, hasLink ? 0xc000 : 0);
      if (c.slot) {
        reg(img, at + 0x14, 4, (c.portNumber ?? 0) << 19);
        reg(img, at + 0x18, 2, 0, 0x1fff);
        reg(img, at + 0x1a, 2, 0x0040, 0, 0x011f);
      }
      if (t === PciExpType.ROOT_PORT || t === PciExpType.RC_EC) {
        reg(img, at + 0x1c, 2, 0, 0x001f);
        reg(img, at + 0x1e, 2, 1);
        reg(img, at + 0x20, 4, 0, 0, 0x10000);
      }
      // Device Capabilities 2: 10-bit tag completer, extended Fmt field, end-end prefixes.
      reg(img, at + 0x24, 4, 0x00310000 | (isBridge ? 0x20 : 0));
      reg(img, at + 0x28, 2, 0, 0xf7ff);
      reg(img, at + 0x2c, 4, hasLink ? ((1 << speed) - 1) << 1 : 0);
      reg(img, at + 0x30, 2, hasLink ? speed : 0, hasLink ? 0x000f : 0);
      return;
    }
    case 'vendor':
      put(img.config, at, 1, PCI_CAP_ID_VNDR);
      put(img.config, at + 2, 1, 3 + c.bytes.length);
      c.bytes.forEach((b, i) => put(img.config, at + 3 + i, 1, b));
      return;
  }
}

/** Extended capabilities from 0x100, chained in order (header: ID, version, next). */
export function writeExtCaps(img: FunctionImage, caps: ExtCapSpec[]): void {
  let next = 0x100;
  const placed = caps.map((c) => {
    const at = c.at ?? next;
    next = Math.max(next, (at + extCapSize(c) + 3) & ~3);
    return at;
  });
  caps.forEach((c, i) => {
    const at = placed[i]!;
    const nxt = placed[i + 1] ?? 0;
    if (c.id === 'aer') {
      reg(img, at, 4, PCI_EXT_CAP_ID_ERR | (1 << 16) | (nxt << 20));
      reg(img, at + 0x04, 4, 0, 0, 0x07fff030); // Uncorrectable Error Status
      reg(img, at + 0x08, 4, 0x00400000, 0x07fff030); // Uncorrectable Error Mask
      reg(img, at + 0x0c, 4, 0x00462030, 0x07fff030); // Severity
      reg(img, at + 0x10, 4, 0, 0, 0xf1c1); // Correctable Error Status
      reg(img, at + 0x14, 4, 0x2000, 0xf1c1); // Correctable Error Mask
      // Capabilities and Control: ECRC generation/check capable, enables writable.
      reg(img, at + 0x18, 4, 0x00a0, 0x0140);
      reg(img, at + 0x2c, 4, 0, 0x7);
      reg(img, at + 0x30, 4, 0, 0, 0x7f);
    } else {
      reg(img, at, 4, PCI_EXT_CAP_ID_RCEC | (1 << 16) | (nxt << 20));
      reg(img, at + 4, 4, c.bitmap);
    }
  });
}
