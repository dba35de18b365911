/**
 * setpci front-end: parse the command line into device-selection groups of register operations,
 * resolve capability-relative registers (CAP_xxx / ECAP_xxx) against one function's config space,
 * and format read results the way setpci prints them. Syntax and checks follow setpci 3.9:
 * options first, then `-s`/`-d` selections each followed by `REG[+OFF][.B|.W|.L][=VAL[:MASK][,VAL...]]`.
 */
import { PciToolError } from '../../../actors/pcie/lspci-dump/errors.js';
import { type IdFilter, type SlotFilter, parseIdFilter, parseSlotFilter } from '../../../actors/pcie/lspci-dump/filters.js';
import { CAP_NAMES, ECAP_NAMES, REGISTERS, type SetpciWidth } from './setpci-registers.js';

export type { SetpciWidth } from './setpci-registers.js';

/** Where a register lives before resolution: a fixed offset or an offset inside a capability. */
export type SetpciBase =
  | { kind: 'offset'; offset: number }
  | { kind: 'cap'; extended: boolean; id: number; name: string };

export interface SetpciValue {
  value: number;
  /** Bits to change; all-ones of the width when no mask was given. */
  mask: number;
}

export interface SetpciOperation {
  /** The token as typed, for messages. */
  token: string;
  base: SetpciBase;
  /** The +OFF part (0 without one), added to the fixed offset or to the capability's position. */
  add: number;
  width: SetpciWidth;
  /** Absent for a read; one entry per comma-separated value (written at successive registers). */
  values?: SetpciValue[];
}

export interface SetpciGroup {
  slot?: SlotFilter;
  device?: IdFilter;
  ops: SetpciOperation[];
}

export interface SetpciCommand {
  verbose: boolean;
  /** -f: no complaint when a group selects no device. */
  force: boolean;
  /** -D: demo mode, writes are shown but not performed. */
  demo: boolean;
  groups: SetpciGroup[];
}

/** One resolved access. A write puts `value` under `mask` at `offset` (read-modify-write if mask is partial). */
export interface SetpciOp {
  token: string;
  offset: number;
  width: SetpciWidth;
  write?: SetpciValue;
  /** Capability the register was found in, for setpci -v style messages. */
  cap?: { id: number; extended: boolean; pos: number };
}

const WIDTHS: Readonly<Record<string, SetpciWidth>> = { b: 1, w: 2, l: 4 };
const HEX = /^(0x)?[0-9a-f]+$/i;

function hexNumber(text: string): number | undefined {
  return HEX.test(text) ? parseInt(text.replace(/^0x/i, ''), 16) : undefined;
}

const widthMax = (w: SetpciWidth): number => (w === 4 ? 0xffffffff : (1 << (8 * w)) - 1);

function parseBase(name: string, token: string): { base: SetpciBase; width?: SetpciWidth } {
  const upper = name.toUpperCase();
  const reg = REGISTERS.get(upper);
  if (reg) return { base: { kind: 'offset', offset: reg.offset }, width: reg.width };
  const cap = CAP_NAMES.get(upper);
  if (cap !== undefined) return { base: { kind: 'cap', extended: false, id: cap, name: upper } };
  const ecap = ECAP_NAMES.get(upper);
  if (ecap !== undefined) return { base: { kind: 'cap', extended: true, id: ecap, name: upper } };
  // CAPxx / ECAPxxxx name a capability by its numeric ID.
  const numeric = /^(E?)CAP([0-9A-F]+)$/.exec(upper);
  if (numeric) {
    const id = parseInt(numeric[2]!, 16);
    const extended = numeric[1] === 'E';
    if (id > (extended ? 0xffff : 0xff)) throw new PciToolError(`setpci: capability ID in "${token}" is out of range`);
    return { base: { kind: 'cap', extended, id, name: upper } };
  }
  const offset = hexNumber(name);
  if (offset === undefined) throw new PciToolError(`setpci: unknown register "${name}" in "${token}"`);
  if (offset > 0xfff) throw new PciToolError(`setpci: register ${name} in "${token}" is out of range (max fff)`);
  return { base: { kind: 'offset', offset } };
}

function parseValues(text: string, width: SetpciWidth, token: string): SetpciValue[] {
  if (text === '') throw new PciToolError(`setpci: missing value after "=" in "${token}"`);
  const max = widthMax(width);
  return text.split(',').map((piece) => {
    const colon = piece.indexOf(':');
    const vText = colon >= 0 ? piece.slice(0, colon) : piece;
    const mText = colon >= 0 ? piece.slice(colon + 1) : undefined;
    const value = hexNumber(vText);
    if (value === undefined) throw new PciToolError(`setpci: invalid value "${vText}" in "${token}"`);
    if (value > max) throw new PciToolError(`setpci: value "${vText}" in "${token}" does not fit ${width} byte(s)`);
    let mask = max;
    if (mText !== undefined) {
      const m = hexNumber(mText);
      if (m === undefined) throw new PciToolError(`setpci: invalid mask "${mText}" in "${token}"`);
      if (m > max) throw new PciToolError(`setpci: mask "${mText}" in "${token}" does not fit ${width} byte(s)`);
      mask = m;
    }
    return { value: (value & mask) >>> 0, mask };
  });
}

/** Parses one `REG[+OFF][.W][=VALUES]` token. */
export function parseSetpciOperation(token: string): SetpciOperation {
  const eq = token.indexOf('=');
  const lhs = eq >= 0 ? token.slice(0, eq) : token;
  const m = /^([A-Za-z0-9_]+)(?:\+([^.]*))?(?:\.(.*))?$/.exec(lhs);
  if (!m) throw new PciToolError(`setpci: cannot parse register "${lhs}" in "${token}"`);
  const { base, width: defWidth } = parseBase(m[1]!, token);
  let add = 0;
  if (m[2] !== undefined) {
    const n = hexNumber(m[2]);
    if (n === undefined) throw new PciToolError(`setpci: invalid offset "+${m[2]}" in "${token}"`);
    add = n;
  }
  let width = defWidth;
  if (m[3] !== undefined) {
    width = WIDTHS[m[3].toLowerCase()];
    if (!width) throw new PciToolError(`setpci: invalid width ".${m[3]}" in "${token}" (use .B, .W or .L)`);
  }
  if (!width) throw new PciToolError(`setpci: missing width in "${token}" (add .B, .W or .L)`);
  const rel = base.kind === 'offset' ? base.offset + add : add;
  if (rel > 0xfff) throw new PciToolError(`setpci: register ${rel.toString(16)} in "${token}" is out of range (max fff)`);
  // Capabilities start dword-aligned, so the relative offset alone decides alignment.
  if (rel % width) throw new PciToolError(`setpci: unaligned ${width}-byte register ${rel.toString(16).padStart(2, '0')} in "${token}"`);
  const op: SetpciOperation = { token, base, add, width };
  if (eq >= 0) op.values = parseValues(token.slice(eq + 1), width, token);
  return op;
}

/** Parses setpci's arguments (without the program name). */
export function parseSetpci(args: string[]): SetpciCommand {
  const cmd: SetpciCommand = { verbose: false, force: false, demo: false, groups: [] };
  let i = 0;
  for (; i < args.length && /^-[vfD]+$/.test(args[i]!); i++) {
    for (const c of args[i]!.slice(1)) {
      if (c === 'v') cmd.verbose = true;
      else if (c === 'f') cmd.force = true;
      else cmd.demo = true;
    }
  }
  let group: SetpciGroup | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      const flag = a.slice(0, 2);
      if (flag !== '-s' && flag !== '-d') {
        throw new PciToolError(`setpci: option "${a}" is not understood here (options -v/-f/-D go first; then -s/-d and registers)`);
      }
      const value = a.length > 2 ? a.slice(2) : args[++i];
      if (value === undefined) throw new PciToolError(`setpci: ${flag} needs an argument`);
      if (!group || group.ops.length > 0) cmd.groups.push((group = { ops: [] }));
      if (flag === '-s') group.slot = parseSlotFilter(value);
      else group.device = parseIdFilter(value);
      continue;
    }
    if (!group) throw new PciToolError(`setpci: "${a}" comes before any -s or -d device selection`);
    group.ops.push(parseSetpciOperation(a));
  }
  if (cmd.groups.length === 0) throw new PciToolError('setpci: no -s or -d device selection given');
  const empty = cmd.groups.find((g) => g.ops.length === 0);
  if (empty) throw new PciToolError('setpci: a device selection is not followed by any register operation');
  return cmd;
}

/** Finds a capability's position, or undefined if the function lacks it. */
function findCap(extended: boolean, id: number, read: (off: number, size: 1 | 2 | 4) => number): number | undefined {
  const seen = new Set<number>();
  if (!extended) {
    if (!(read(0x06, 2) & 0x10)) return undefined;
    for (let pos = read(0x34, 1) & 0xfc; pos && !seen.has(pos); pos = read(pos + 1, 1) & 0xfc) {
      seen.add(pos);
      if (read(pos, 1) === id) return pos;
    }
    return undefined;
  }
  for (let pos = 0x100; pos && !seen.has(pos); ) {
    const header = read(pos, 4) >>> 0;
    if (header === 0 || header === 0xffffffff) return undefined;
    seen.add(pos);
    if ((header & 0xffff) === id) return pos;
    pos = (header >>> 20) & 0xffc;
  }
  return undefined;
}

/**
 * Turns a group's operations into absolute accesses for one function. A multi-value write
 * becomes one op per value at successive registers; a read is one op without `write`.
 */
export function resolveSetpciOps(
  cmd: SetpciCommand | SetpciGroup,
  readConfig: (off: number, size: 1 | 2 | 4) => number,
): SetpciOp[] {
  let group: SetpciGroup;
  if ('groups' in cmd) {
    if (cmd.groups.length !== 1) {
      throw new PciToolError(`setpci: the command has ${cmd.groups.length} device selections; resolve each group separately`);
    }
    group = cmd.groups[0]!;
  } else group = cmd;
  const out: SetpciOp[] = [];
  for (const op of group.ops) {
    let start: number;
    let cap: SetpciOp['cap'];
    if (op.base.kind === 'offset') start = op.base.offset + op.add;
    else {
      const pos = findCap(op.base.extended, op.base.id, readConfig);
      if (pos === undefined) {
        const what = op.base.extended ? `extended capability ${op.base.id.toString(16).padStart(4, '0')}` : `capability ${op.base.id.toString(16).padStart(2, '0')}`;
        throw new PciToolError(`setpci: "${op.token}": the function has no ${what} (${op.base.name})`);
      }
      cap = { id: op.base.id, extended: op.base.extended, pos };
      start = pos + op.add;
    }
    const count = op.values?.length ?? 1;
    if (start + count * op.width > 0x1000) {
      throw new PciToolError(`setpci: "${op.token}" reaches past the 4 KB config space (register ${start.toString(16)})`);
    }
    if (!op.values) out.push({ token: op.token, offset: start, width: op.width, ...(cap ? { cap } : {}) });
    else {
      op.values.forEach((v, i) => {
        out.push({ token: op.token, offset: start + i * op.width, width: op.width, write: v, ...(cap ? { cap } : {}) });
      });
    }
  }
  return out;
}

/** setpci's read output: the value in hex, zero-padded to the access width (e.g. "fff80000"). */
export function formatSetpciRead(value: number, width: SetpciWidth): string {
  const v = width === 4 ? value >>> 0 : value & widthMax(width);
  return v.toString(16).padStart(width * 2, '0');
}

/** The value a masked write leaves in the register: only the mask bits change. */
export function applySetpciWrite(old: number, write: SetpciValue): number {
  return ((old & ~write.mask) | (write.value & write.mask)) >>> 0;
}
