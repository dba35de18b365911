/**
 * BAR, expansion ROM and bridge-window lines. Addresses come from the kernel's resources when the
 * caller has them (like lspci on sysfs, with [size=]) and from the registers otherwise (like
 * `lspci -F dump`); the type flags always come from the register, as lspci reads them there.
 */
import { ConfigView, hex } from './config-view.js';
import type { LspciFunction, PciResource } from '../../../actors/pcie/lspci-dump/types.js';

const CMD_IO = 0x1;
const CMD_MEM = 0x2;

/** " [size=512K]" with the largest unit that divides evenly, "" for 0. */
export function sizeSuffix(size: bigint): string {
  if (size === 0n) return '';
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (i < units.length - 1 && size % 1024n === 0n) {
    size /= 1024n;
    i++;
  }
  return ` [size=${size}${units[i]}]`;
}

interface BarView {
  pos: bigint;
  len: bigint;
  res?: PciResource;
}

/** What lspci would know about BAR `i`: kernel resource or the register-derived address. */
function barView(f: LspciFunction, cfg: ConfigView, i: number): BarView {
  if (f.resources.length > 0) {
    const res = f.resources.find((r) => r.bar === i);
    return res ? { pos: res.start, len: res.size, res } : { pos: 0n, len: 0n };
  }
  const off = 0x10 + 4 * i;
  const lo = cfg.long(off);
  if (lo === 0xffffffff) return { pos: 0n, len: 0n };
  if (lo & 1) return { pos: BigInt((lo & ~3) >>> 0), len: 0n };
  let pos = BigInt((lo & ~0xf) >>> 0);
  if ((lo & 6) === 4) pos |= BigInt(cfg.long(off + 4)) << 32n;
  return { pos, len: 0n };
}

/** Flag bits a register would carry for a kernel resource, for BARs the hardware shows as 0. */
function resourceFlags(res: PciResource | undefined): number {
  if (!res) return 0;
  if (res.kind === 'io') return 1;
  return (res.kind === 'mem64' ? 4 : 0) | (res.prefetch ? 8 : 0);
}

export function formatBars(f: LspciFunction, cfg: ConfigView, count: number, verbose: number): string[] {
  const out: string[] = [];
  const cmd = cfg.word(0x04);
  for (let i = 0; i < count; i++) {
    const off = 0x10 + 4 * i;
    let flg = cfg.has(off, 4) ? cfg.long(off) : 0;
    if (flg === 0xffffffff) flg = 0;
    const { pos, len, res } = barView(f, cfg, i);
    if (pos === 0n && flg === 0 && len === 0n) continue;
    const isIo = (flg & 1) === 1;
    const is64 = !isIo && (flg & 6) === 4;
    const broken = is64 && i >= count - 1;
    const hwLower = isIo ? flg & ~3 : flg & ~0xf;
    const hwUpper = is64 && !broken ? cfg.long(off + 4) : 0;
    // The OS reports a region the device does not decode: lspci calls it virtual.
    const virtual = pos !== 0n && hwLower === 0 && hwUpper === 0;
    if (virtual) flg = resourceFlags(res) | Number(pos & 0xfn);
    let line = verbose > 1 ? `\tRegion ${i}: ` : '\t';
    const forcedOff = res?.disabled === true;
    if (flg & 1) {
      const a = pos & ~3n;
      line += 'I/O ports at ';
      if (a !== 0n || cmd & CMD_IO) line += hex(a, 4);
      else line += hwLower ? '<ignored>' : '<unassigned>';
      if (virtual) line += ' [virtual]';
      else if (!(cmd & CMD_IO) || forcedOff) line += ' [disabled]';
    } else {
      const t = flg & 6;
      const a = pos & ~0xfn;
      line += 'Memory at ';
      if (broken) line += '<broken-64-bit-slot>';
      else if (a !== 0n) line += hex(a, 8);
      else line += hwLower || hwUpper ? '<ignored>' : '<unassigned>';
      const width = t === 0 ? '32-bit' : t === 4 ? '64-bit' : t === 2 ? 'low-1M' : 'type 3';
      line += ` (${width}, ${flg & 8 ? '' : 'non-'}prefetchable)`;
      if (virtual) line += ' [virtual]';
      else if (!(cmd & CMD_MEM) || forcedOff) line += ' [disabled]';
      if (t === 4) i++;
    }
    out.push(line + sizeSuffix(len));
  }
  return out;
}

/** The expansion ROM line (register at 0x30 for type 0, 0x38 for bridges). */
export function formatRom(f: LspciFunction, cfg: ConfigView, reg: number): string[] {
  let flg = cfg.has(reg, 4) ? cfg.long(reg) : 0;
  if (flg === 0xffffffff) flg = 0;
  let rom: bigint;
  let len = 0n;
  let res: PciResource | undefined;
  if (f.resources.length > 0) {
    res = f.resources.find((r) => r.bar === 6);
    rom = res?.start ?? 0n;
    len = res?.size ?? 0n;
  } else {
    rom = BigInt(flg);
  }
  if (rom === 0n && flg === 0 && len === 0n) return [];
  const mask = ~0x7ffn;
  const virtual = (rom & mask) !== 0n && (flg & ~0x7ff) === 0;
  let line = '\tExpansion ROM at ';
  if ((rom & mask) !== 0n) line += hex(rom & mask & 0xffffffffffffffffn, 8);
  else line += flg & ~0x7ff ? '<ignored>' : '<unassigned>';
  const enabled = virtual ? !res?.disabled : (flg & 1) === 1 && !res?.disabled;
  if (virtual) line += ' [virtual]';
  if (!enabled) line += ' [disabled]';
  else if (!virtual && !(cfg.word(0x04) & CMD_MEM)) line += ' [disabled by cmd]';
  return [line + sizeSuffix(len)];
}

/** A window is off exactly when base > limit; lspci ignores the command register here. */
function range(prefix: string, base: bigint, limit: bigint, bits: number, verbose: number): string {
  let line = `${prefix}:`;
  const digits = Math.ceil(bits / 4);
  if (base <= limit || verbose > 2) line += ` ${hex(base, digits)}-${hex(limit, digits)}`;
  if (base <= limit) line += sizeSuffix(limit - base + 1n);
  else line += ' [disabled]';
  return `${line} [${bits}-bit]`;
}

/** The three "... behind bridge" lines of a type 1 header (windows per reference 2.6). */
export function formatBridgeWindows(cfg: ConfigView, verbose: number): string[] {
  const out: string[] = [];
  const ioBase = cfg.byte(0x1c);
  const ioLimit = cfg.byte(0x1d);
  const ioType = ioBase & 0xf;
  if (ioType !== (ioLimit & 0xf) || ioType > 1) {
    out.push(`\t!!! Unknown I/O range types ${ioBase & 0xf}/${ioLimit & 0xf}`);
  } else {
    let base = BigInt((ioBase & 0xf0) << 8);
    let limit = BigInt((ioLimit & 0xf0) << 8);
    if (ioType === 1) {
      base |= BigInt(cfg.word(0x30)) << 16n;
      limit |= BigInt(cfg.word(0x32)) << 16n;
    }
    out.push(range('\tI/O behind bridge', base, limit + 0xfffn, ioType ? 32 : 16, verbose));
  }
  const memBase = cfg.word(0x20);
  const memLimit = cfg.word(0x22);
  if ((memBase & 0xf) || (memLimit & 0xf)) {
    out.push(`\t!!! Unknown memory range types ${memBase & 0xf}/${memLimit & 0xf}`);
  } else {
    const base = BigInt((memBase & 0xfff0) << 16 >>> 0);
    const limit = BigInt((memLimit & 0xfff0) << 16 >>> 0);
    out.push(range('\tMemory behind bridge', base, limit + 0xfffffn, 32, verbose));
  }
  const pBase = cfg.word(0x24);
  const pLimit = cfg.word(0x26);
  const pType = pBase & 0xf;
  if (pType !== (pLimit & 0xf) || pType > 1) {
    out.push(`\t!!! Unknown prefetchable memory range types ${pBase & 0xf}/${pLimit & 0xf}`);
  } else {
    let base = BigInt((pBase & 0xfff0) << 16 >>> 0);
    let limit = BigInt((pLimit & 0xfff0) << 16 >>> 0);
    if (pType === 1) {
      base |= BigInt(cfg.long(0x28)) << 32n;
      limit |= BigInt(cfg.long(0x2c)) << 32n;
    }
    const bits = pType ? 64 : 32;
    out.push(range('\tPrefetchable memory behind bridge', base, limit + 0xfffffn, bits, verbose));
  }
  return out;
}
