/**
 * A function's configuration space as the hardware holds it: the register bytes, which bits
 * software may write (wmask) and which are write-1-to-clear (w1c). Every other bit is read-only.
 * BAR sizing falls out of this: a BAR's wmask has the size bits hard-wired to 0, so writing all
 * ones reads back the size mask, as on silicon.
 */
import { PCI_CFG_SPACE_EXP_SIZE } from './regs.js';

export interface BarInfo {
  /** BAR index 0..5 (a 64-bit BAR occupies index and index + 1). */
  index: number;
  kind: 'mem32' | 'mem64' | 'io';
  prefetch: boolean;
  /** Bytes decoded (a power of two). */
  size: number;
}

export interface FunctionImage {
  /** Reset values of the 4 KiB config space. */
  config: Uint8Array;
  wmask: Uint8Array;
  w1c: Uint8Array;
  /** 256 for conventional PCI functions (extended space reads all ones), 4096 for PCIe. */
  cfgSize: number;
  bars: BarInfo[];
  /** Expansion ROM size in bytes (0: none). */
  romSize: number;
}

export function emptyImage(cfgSize = PCI_CFG_SPACE_EXP_SIZE): FunctionImage {
  return {
    config: new Uint8Array(PCI_CFG_SPACE_EXP_SIZE),
    wmask: new Uint8Array(PCI_CFG_SPACE_EXP_SIZE),
    w1c: new Uint8Array(PCI_CFG_SPACE_EXP_SIZE),
    cfgSize,
    bars: [],
    romSize: 0,
  };
}

/** Little-endian field helpers over one of the image's arrays. */
export function put(a: Uint8Array, off: number, size: number, v: number): void {
  for (let i = 0; i < size; i++) a[off + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
}

export function get(a: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (a[off + i] ?? 0);
  return v;
}

/** Set a register's reset value and its writable / W1C bits in one go. */
export function reg(img: FunctionImage, off: number, size: number, value: number, wmask = 0, w1c = 0): void {
  put(img.config, off, size, value);
  put(img.wmask, off, size, wmask);
  put(img.w1c, off, size, w1c);
}
