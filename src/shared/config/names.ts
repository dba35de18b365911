/**
 * Flags and enumerations by name: the symbolic names of each flags field and enumeration of the
 * config structs, lookup and formatting, and the zod fields that accept a number, a numeric
 * string or names.
 */
import { z } from 'zod';
import {
  Arch,
  CacheFlags,
  CacheType,
  CellFlags,
  ConsoleFlags,
  ConsoleType,
  IommuType,
  MemFlags,
  PciCapsFlags,
  PciType,
  ShmemProtocol,
  SysFlags,
} from './layout.js';
import { hex, numberInput, parseUnsigned } from './fields.js';

/** A set of symbolic names for a flags field or an enumeration. */
export interface NameTable {
  /** C prefix that may be written in front of every name (e.g. JAILHOUSE_MEM_). */
  prefix: string;
  /** Canonical names (without prefix) and values. */
  values: Readonly<Record<string, number>>;
  /** Extra accepted spellings (e.g. zero-valued alternatives like ACCESS_PIO). */
  aliases?: Readonly<Record<string, number>>;
}

export const MEM_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_MEM_', values: MemFlags };
export const CELL_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_CELL_', values: CellFlags };
export const SYS_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_SYS_', values: SysFlags };
export const CONSOLE_FLAG_NAMES: NameTable = {
  prefix: 'JAILHOUSE_CON_',
  values: ConsoleFlags,
  aliases: { ACCESS_PIO: 0, REGDIST_1: 0, FB_1024x768: 0 },
};
export const CACHE_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_CACHE_', values: CacheFlags };
export const PCI_CAP_FLAG_NAMES: NameTable = { prefix: 'JAILHOUSE_PCICAPS_', values: PciCapsFlags };
export const CONSOLE_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_CON_TYPE_', values: ConsoleType };
export const PCI_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_PCI_TYPE_', values: PciType };
export const CACHE_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_CACHE_', values: CacheType };
export const SHMEM_PROTOCOL_NAMES: NameTable = {
  prefix: 'JAILHOUSE_SHMEM_PROTO_',
  values: { UNDEFINED: ShmemProtocol.UNDEFINED, VETH: ShmemProtocol.VETH },
};
export const IOMMU_TYPE_NAMES: NameTable = { prefix: 'JAILHOUSE_IOMMU_', values: IommuType };
export const ARCH_NAMES: NameTable = { prefix: 'JAILHOUSE_', values: { x86: Arch.X86, arm: Arch.ARM, arm64: Arch.ARM64 } };

/** Looks a name up (case-insensitive, with or without the table's prefix). */
export function lookupName(table: NameTable, name: string): number | undefined {
  const key = name.trim().toUpperCase();
  const prefix = table.prefix.toUpperCase();
  const bare = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  for (const src of [table.values, table.aliases ?? {}]) {
    for (const [n, v] of Object.entries(src)) {
      if (n.toUpperCase() === bare) return v;
    }
  }
  return undefined;
}

/** Splits a flags value into known names (table order) plus a hex string for unknown bits. */
export function flagNames(table: NameTable, value: number): string[] {
  const names: string[] = [];
  let rest = value;
  for (const [n, v] of Object.entries(table.values)) {
    if (v !== 0 && value % (v * 2) >= v) {
      // bit test that also works above 2^32
      names.push(n);
      rest -= v;
    }
  }
  if (rest !== 0) names.push(hex(rest));
  return names;
}

/** The canonical name of an enumeration value, or undefined. */
export function enumName(table: NameTable, value: number): string | undefined {
  for (const [n, v] of Object.entries(table.values)) if (v === value) return n;
  return undefined;
}

const isNumeric = (s: string) => /^\s*(0x[0-9a-f]+|[0-9]+)\s*$/i.test(s);

/** OR of two non-negative integers that may exceed 32 bits. */
function orBits(a: number, b: number): number {
  return Number(BigInt(a) | BigInt(b));
}

/**
 * A flags field: a number, a numeric string, a name or "A|B" string, or an array of names and
 * numbers. Names follow `table` (prefix optional, case-insensitive).
 */
export function flagsField(table: NameTable, max: number, what: string) {
  return z.union([z.number(), z.string(), z.array(z.union([z.string(), z.number()]))]).transform((v, ctx): number => {
    const items: (string | number)[] = Array.isArray(v)
      ? v
      : typeof v === 'string' && !isNumeric(v)
        ? v.split('|').filter((s) => s.trim() !== '')
        : [v];
    let acc = 0;
    for (const item of items) {
      let bits: number;
      if (typeof item === 'number' || isNumeric(item)) {
        const r = parseUnsigned(item, max, what);
        if (typeof r !== 'number') {
          ctx.addIssue({ code: 'custom', message: r.error, input: item });
          return z.NEVER;
        }
        bits = r;
      } else {
        const r = lookupName(table, item);
        if (r === undefined) {
          ctx.addIssue({ code: 'custom', message: `unknown flag ${JSON.stringify(item)}`, input: item });
          return z.NEVER;
        }
        bits = r;
      }
      acc = orBits(acc, bits);
    }
    return acc;
  });
}

/**
 * An enumeration field: a number, numeric string or symbolic name from `table`. Names win over
 * numeric strings, so the console type "8250" means 2.
 */
export function enumField(table: NameTable, max: number, what: string) {
  return numberInput.transform((v, ctx): number => {
    if (typeof v === 'string') {
      const r = lookupName(table, v);
      if (r !== undefined) return r;
    }
    if (typeof v === 'string' && !isNumeric(v)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown ${what} ${JSON.stringify(v)} (known: ${Object.keys(table.values).join(', ')})`,
        input: v,
      });
      return z.NEVER;
    }
    const r = parseUnsigned(v, max, what);
    if (typeof r === 'number') return r;
    ctx.addIssue({ code: 'custom', message: r.error, input: v });
    return z.NEVER;
  });
}
