/**
 * Building a function's FunctionImage: from a model description (header type, IDs, BARs,
 * capabilities) or from config bytes captured on real hardware (an lspci dump), for which the
 * writable bits are inferred from the header type, the BAR sizes and the capability structures
 * found in the bytes.
 */
import { capSize, writeCaps, writeExtCaps, type CapSpec, type ExtCapSpec } from './caps.js';
import { emptyImage, get, put, reg, type BarInfo, type FunctionImage } from './function-image.js';
import {
  PCI_BASE_ADDRESS_0, PCI_BRIDGE_CONTROL, PCI_CACHE_LINE_SIZE, PCI_CAP_ID_EXP, PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX, PCI_CAP_ID_PM,
  PCI_CFG_SPACE_EXP_SIZE, PCI_CFG_SPACE_SIZE, PCI_COMMAND, PCI_EXT_CAP_ID_ERR, PCI_INTERRUPT_LINE, PCI_IO_BASE,
  PCI_IO_BASE_UPPER16, PCI_MEMORY_BASE, PCI_PREF_BASE_UPPER32, PCI_PREF_MEMORY_BASE, PCI_PRIMARY_BUS, PCI_ROM_ADDRESS,
  PCI_ROM_ADDRESS1, PCI_STATUS, PCI_STATUS_W1C,
} from './regs.js';

export interface BarSpec {
  size: number;
  kind: 'mem32' | 'mem64' | 'io';
  prefetch?: boolean;
}

export interface FunctionSpec {
  vendor: number;
  device: number;
  revision?: number;
  /** Base class << 16 | sub-class << 8 | prog-IF. */
  classCode: number;
  headerType: 0 | 1;
  subsystemVendor?: number;
  subsystemId?: number;
  /** 0 none, 1..4 INTA..INTD. */
  interruptPin?: number;
  /** Reset value of the (software-owned) Interrupt Line register. */
  interruptLine?: number;
  /** Up to 6 (Type 0) or 2 (Type 1) BARs; null = unimplemented slot (e.g. the upper half of a 64-bit BAR). */
  bars?: (BarSpec | null)[];
  romSize?: number;
  caps?: CapSpec[];
  extCaps?: ExtCapSpec[];
  /** Conventional PCI function (256-byte config space). */
  conventional?: boolean;
  /** Type 1: the I/O window decodes 16-bit addresses only (no I/O Base/Limit Upper 16 Bits). */
  io16?: boolean;
  /** Registers preset by firmware or the host controller driver before Linux enumerates. */
  preset?: { offset: number; size: 1 | 2 | 4; value: number }[];
}

/** BAR register wmask for a size (memory: bits 3:0 are flags; I/O: bits 1:0). */
function barMask(b: BarSpec): number {
  const low = b.kind === 'io' ? 0xfffffffc : 0xfffffff0;
  return (low & ~(Math.min(b.size, 0x80000000) - 1)) >>> 0;
}

function barFlags(b: BarSpec): number {
  if (b.kind === 'io') return 1;
  return (b.kind === 'mem64' ? 4 : 0) | (b.prefetch ? 8 : 0);
}

function writeBars(img: FunctionImage, bars: (BarSpec | null)[], max: number): void {
  if (bars.length > max) throw new RangeError(`a Type ${max === 6 ? 0 : 1} header has ${max} BARs, not ${bars.length}`);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    if (!b) continue;
    if (b.size < (b.kind === 'io' ? 4 : 16) || (b.size & (b.size - 1)) !== 0) throw new RangeError(`BAR${i}: size 0x${b.size.toString(16)} is not a power of two of at least ${b.kind === 'io' ? 4 : 16}`);
    reg(img, PCI_BASE_ADDRESS_0 + 4 * i, 4, barFlags(b), barMask(b));
    if (b.kind === 'mem64') {
      if (i + 1 >= max) throw new RangeError(`BAR${i}: a 64-bit BAR needs BAR${i + 1} for its upper half`);
      const hiMask = b.size > 0x80000000 ? ~(b.size / 0x1_0000_0000 - 1) >>> 0 : 0xffffffff;
      reg(img, PCI_BASE_ADDRESS_0 + 4 * (i + 1), 4, 0, hiMask);
    }
    img.bars.push({ index: i, kind: b.kind, prefetch: b.prefetch ?? false, size: b.size });
    if (b.kind === 'mem64') i++;
  }
}

/** The header registers every function has, with their access types. */
function writeHeader(img: FunctionImage, s: FunctionSpec): void {
  reg(img, 0x00, 2, s.vendor);
  reg(img, 0x02, 2, s.device);
  reg(img, PCI_COMMAND, 2, 0, 0x0547);
  reg(img, PCI_STATUS, 2, 0, 0, PCI_STATUS_W1C);
  reg(img, 0x08, 1, s.revision ?? 0);
  reg(img, 0x09, 3, s.classCode);
  reg(img, PCI_CACHE_LINE_SIZE, 1, 0, 0xff);
  reg(img, 0x0e, 1, s.headerType);
  reg(img, PCI_INTERRUPT_LINE, 1, s.interruptLine ?? 0, 0xff);
  reg(img, 0x3d, 1, s.interruptPin ?? 0);
  if (s.headerType === 0) {
    reg(img, 0x2c, 2, s.subsystemVendor ?? 0);
    reg(img, 0x2e, 2, s.subsystemId ?? 0);
  } else {
    writeBridgeWindows(img, s.io16 ?? false);
  }
}

/** Type 1: bus numbers, I/O (32-bit capable unless io16), memory and 64-bit prefetchable windows, bridge control. */
function writeBridgeWindows(img: FunctionImage, io16: boolean): void {
  reg(img, PCI_PRIMARY_BUS, 3, 0, 0xffffff);
  reg(img, PCI_IO_BASE, 2, io16 ? 0 : 0x0101, 0xf0f0);
  reg(img, 0x1e, 2, 0, 0, PCI_STATUS_W1C);
  reg(img, PCI_MEMORY_BASE, 4, 0, 0xfff0fff0);
  reg(img, PCI_PREF_MEMORY_BASE, 4, 0x00010001, 0xfff0fff0);
  reg(img, PCI_PREF_BASE_UPPER32, 8, 0, 0xffffffff);
  put(img.wmask, PCI_PREF_BASE_UPPER32 + 4, 4, 0xffffffff);
  reg(img, PCI_IO_BASE_UPPER16, 4, 0, io16 ? 0 : 0xffffffff);
  reg(img, PCI_BRIDGE_CONTROL, 2, 0, 0x005f);
}

function writeRom(img: FunctionImage, at: number, size: number): void {
  if (size === 0) return;
  if (size < 0x800 || (size & (size - 1)) !== 0) throw new RangeError(`expansion ROM size 0x${size.toString(16)} is not a power of two of at least 2 KiB`);
  reg(img, at, 4, 0, ((0xfffff800 & ~(size - 1)) | 1) >>> 0);
  img.romSize = size;
}

export function buildFunction(s: FunctionSpec): FunctionImage {
  const img = emptyImage(s.conventional ? PCI_CFG_SPACE_SIZE : PCI_CFG_SPACE_EXP_SIZE);
  writeHeader(img, s);
  writeBars(img, s.bars ?? [], s.headerType === 0 ? 6 : 2);
  writeRom(img, s.headerType === 0 ? PCI_ROM_ADDRESS : PCI_ROM_ADDRESS1, s.romSize ?? 0);
  writeCaps(img, s.caps ?? []);
  if ((s.extCaps ?? []).length > 0) {
    if (s.conventional) throw new RangeError('a conventional PCI function has no extended capabilities');
    writeExtCaps(img, s.extCaps ?? []);
  }
  for (const p of s.preset ?? []) put(img.config, p.offset, p.size, p.value);
  return img;
}

/** A captured function: its config bytes and the BAR sizes the capturing kernel reported. */
export interface CapturedFunction {
  config: Uint8Array;
  bars: BarInfo[];
  romSize?: number;
}

/**
 * A FunctionImage from captured bytes. Registers keep their captured values; the writable bits
 * are the standard ones for the header type, the captured BARs and each known capability.
 */
export function imageFromCapture(cap: CapturedFunction): FunctionImage {
  const c = cap.config;
  const headerType = (c[0x0e] ?? 0) & 0x7f;
  if (headerType > 1) throw new RangeError(`header type ${headerType} (CardBus) is not modelled`);
  const pcieCap = findCap(c, PCI_CAP_ID_EXP);
  const spec: FunctionSpec = {
    vendor: get(c, 0, 2),
    device: get(c, 2, 2),
    classCode: get(c, 9, 3),
    headerType: headerType as 0 | 1,
    conventional: pcieCap === 0,
    bars: [],
  };
  const masks = buildFunction(spec);
  const img = emptyImage(spec.conventional ? PCI_CFG_SPACE_SIZE : PCI_CFG_SPACE_EXP_SIZE);
  img.config.set(c.subarray(0, Math.min(c.length, PCI_CFG_SPACE_EXP_SIZE)));
  img.wmask.set(masks.wmask);
  img.w1c.set(masks.w1c);
  // BARs of the captured size: address bits writable, flags as captured.
  for (const b of cap.bars) {
    const off = PCI_BASE_ADDRESS_0 + 4 * b.index;
    put(img.wmask, off, 4, barMask(b));
    if (b.kind === 'mem64') put(img.wmask, off + 4, 4, b.size > 0x80000000 ? ~(b.size / 0x1_0000_0000 - 1) >>> 0 : 0xffffffff);
    img.bars.push(b);
  }
  if (cap.romSize) writeRomMask(img, headerType === 0 ? PCI_ROM_ADDRESS : PCI_ROM_ADDRESS1, cap.romSize);
  // Each known capability: borrow the writable bits of a model of the same shape.
  for (let at = c[0x34] ?? 0, hops = 0; at >= 0x40 && at < c.length && hops < 48; at = (c[at + 1] ?? 0) & 0xfc, hops++) {
    const spec = capSpecAt(c, at);
    if (!spec) continue;
    const tmp = emptyImage();
    writeCaps(tmp, [{ ...spec, at }]);
    copyMasks(img, tmp, at, capSize(spec));
  }
  const aer = findExtCap(c, PCI_EXT_CAP_ID_ERR);
  if (aer) {
    const tmp = emptyImage();
    writeExtCaps(tmp, [{ id: 'aer', at: aer }]);
    copyMasks(img, tmp, aer + 4, 0x44);
  }
  return img;
}

function writeRomMask(img: FunctionImage, at: number, size: number): void {
  put(img.wmask, at, 4, ((0xfffff800 & ~(size - 1)) | 1) >>> 0);
  img.romSize = size;
}

function copyMasks(dst: FunctionImage, src: FunctionImage, at: number, len: number): void {
  dst.wmask.set(src.wmask.subarray(at, at + len), at);
  dst.w1c.set(src.w1c.subarray(at, at + len), at);
}

function capSpecAt(c: Uint8Array, at: number): CapSpec | undefined {
  const ctl = get(c, at + 2, 2);
  switch (c[at]) {
    case PCI_CAP_ID_PM:
      return { id: 'pm' };
    case PCI_CAP_ID_MSI:
      return { id: 'msi', vectors: 1 << ((ctl >> 1) & 7), is64: (ctl & 0x80) !== 0, maskable: (ctl & 0x100) !== 0 };
    case PCI_CAP_ID_MSIX:
      return { id: 'msix', vectors: (ctl & 0x7ff) + 1, tableBir: 0, tableOffset: 0, pbaBir: 0, pbaOffset: 0 };
    case PCI_CAP_ID_EXP:
      return { id: 'pcie', portType: (ctl >> 4) & 0xf, slot: (ctl & 0x100) !== 0 };
    default:
      return undefined;
  }
}

/** Offset of a capability in the standard list (0: absent). Loops are cut after 48 hops as Linux does. */
export function findCap(c: Uint8Array, id: number): number {
  if ((get(c, 0x06, 2) & 0x10) === 0) return 0;
  for (let at = (c[0x34] ?? 0) & 0xfc, hops = 0; at >= 0x40 && hops < 48; at = (c[at + 1] ?? 0) & 0xfc, hops++) {
    if (c[at] === id) return at;
  }
  return 0;
}

export function findExtCap(c: Uint8Array, id: number): number {
  if (c.length < 0x104) return 0;
  for (let at = 0x100, hops = 0; at >= 0x100 && at + 4 <= c.length && hops < 480; hops++) {
    const h = get(c, at, 4);
    if (h === 0 || h === 0xffffffff) return 0;
    if ((h & 0xffff) === id) return at;
    at = (h >>> 20) & 0xffc;
  }
  return 0;
}
