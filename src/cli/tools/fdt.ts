/**
 * Flattened device trees (the devicetree specification's DTB format, version 17) as
 * `jailhouse cell linux` needs them: parse a blob into nodes and properties, change or add
 * properties, and write it back the way upstream's tools/jailhouse-cell-linux does (header,
 * the memory reservation map unchanged, the structure block, a strings block holding every
 * name once).
 */

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;

/** A malformed blob: what was wrong and at which byte offset. */
export class FdtError extends Error {}

export interface FdtNode {
  name: string;
  /** In blob order; values are the raw big-endian bytes. */
  props: { name: string; value: Uint8Array }[];
  children: FdtNode[];
}

export interface Fdt {
  root: FdtNode;
  /** The memory reservation map, copied through unchanged (terminator included). */
  rsvmap: Uint8Array;
  /** Header fields kept as they were. */
  version: number;
  lastCompVersion: number;
  bootCpuid: number;
}

export function parseFdt(blob: Uint8Array): Fdt {
  if (blob.length < HEADER_SIZE) throw new FdtError(`${blob.length} bytes are too short for a device tree header (${HEADER_SIZE})`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const u32 = (o: number): number => dv.getUint32(o, false);
  if (u32(0) !== FDT_MAGIC) throw new FdtError(`bad magic 0x${u32(0).toString(16)} (a device tree blob starts with 0xd00dfeed)`);
  const total = u32(4);
  const offStruct = u32(8);
  const offStrings = u32(12);
  const offRsv = u32(16);
  const sizeStrings = u32(32);
  const sizeStruct = u32(36);
  if (total > blob.length) throw new FdtError(`header totalsize ${total} is beyond the ${blob.length}-byte file`);
  for (const [what, off, size] of [['structure block', offStruct, sizeStruct], ['strings block', offStrings, sizeStrings]] as const) {
    if (off + size > total) throw new FdtError(`${what} at ${off} (+${size}) ends beyond totalsize ${total}`);
  }
  // The reservation map: (address, size) pairs of u64 up to a (0, 0) entry.
  let rsvEnd = offRsv;
  for (;; rsvEnd += 16) {
    if (rsvEnd + 16 > total) throw new FdtError(`memory reservation map at ${offRsv} has no terminating entry`);
    if (dv.getBigUint64(rsvEnd, false) === 0n && dv.getBigUint64(rsvEnd + 8, false) === 0n) break;
  }
  const strings = blob.subarray(offStrings, offStrings + sizeStrings);
  const stringAt = (off: number, at: number): string => {
    if (off >= strings.length) throw new FdtError(`property name offset ${off} (at byte ${at}) is beyond the strings block`);
    const end = strings.indexOf(0, off);
    if (end < 0) throw new FdtError(`property name at strings offset ${off} is not terminated`);
    return new TextDecoder().decode(strings.subarray(off, end));
  };
  const end = offStruct + sizeStruct;
  let p = offStruct;
  const token = (): number => {
    if (p + 4 > end) throw new FdtError(`structure block ends inside a token at byte ${p}`);
    const t = u32(p);
    p += 4;
    return t;
  };
  const node = (): FdtNode => {
    const nameEnd = blob.indexOf(0, p);
    if (nameEnd < 0 || nameEnd >= end) throw new FdtError(`node name at byte ${p} is not terminated`);
    const n: FdtNode = { name: new TextDecoder().decode(blob.subarray(p, nameEnd)), props: [], children: [] };
    p = align4(nameEnd + 1);
    for (;;) {
      const at = p;
      const t = token();
      if (t === FDT_NOP) continue;
      if (t === FDT_END_NODE) return n;
      if (t === FDT_BEGIN_NODE) n.children.push(node());
      else if (t === FDT_PROP) {
        const len = token();
        const nameoff = token();
        if (p + len > end) throw new FdtError(`property at byte ${at} (${len} bytes) runs past the structure block`);
        n.props.push({ name: stringAt(nameoff, at), value: blob.slice(p, p + len) });
        p = align4(p + len);
      } else throw new FdtError(`unexpected token ${t} at byte ${at}`);
    }
  };
  let t = token();
  while (t === FDT_NOP) t = token();
  if (t !== FDT_BEGIN_NODE) throw new FdtError(`the structure block starts with token ${t}, not FDT_BEGIN_NODE`);
  const root = node();
  return { root, rsvmap: blob.slice(offRsv, rsvEnd + 16), version: u32(20), lastCompVersion: u32(24), bootCpuid: u32(28) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** The node at an absolute path ('/', '/memory', '/soc/uart@9000000'), or undefined. */
export function findNode(fdt: Fdt, path: string): FdtNode | undefined {
  let n: FdtNode | undefined = fdt.root;
  for (const part of path.split('/').filter((x) => x !== '')) {
    const matches: FdtNode[] = n.children.filter((c) => c.name === part);
    if (matches.length > 1) throw new FdtError(`more than one node ${part} under ${path}`);
    n = matches[0];
    if (n === undefined) return undefined;
  }
  return n;
}

export function getProp(fdt: Fdt, path: string, name: string): Uint8Array | undefined {
  const n = findNode(fdt, path);
  if (!n) throw new FdtError(`the device tree has no node ${path}`);
  return n.props.find((p) => p.name === name)?.value;
}

/** Sets a property, adding it (and the node, one level below an existing parent) if missing. */
export function setProp(fdt: Fdt, path: string, name: string, value: Uint8Array): void {
  let n = findNode(fdt, path);
  if (!n) {
    const cut = path.lastIndexOf('/');
    const parent = findNode(fdt, path.slice(0, cut));
    if (!parent) throw new FdtError(`the device tree has no node ${path.slice(0, cut) || '/'} to add ${path} to`);
    n = { name: path.slice(cut + 1), props: [], children: [] };
    parent.children.push(n);
  }
  const p = n.props.find((x) => x.name === name);
  if (p) p.value = value;
  else n.props.push({ name, value });
}

/** A NUL-terminated string property value. */
export function stringProp(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** Big-endian cells: each value as one (cells = 1) or two (cells = 2) u32. */
export function cellsProp(values: readonly { value: number | bigint; cells: 1 | 2 }[]): Uint8Array {
  const out = new Uint8Array(values.reduce((a, v) => a + 4 * v.cells, 0));
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const { value, cells } of values) {
    if (cells === 2) dv.setBigUint64(o, BigInt(value), false);
    else dv.setUint32(o, Number(value), false);
    o += 4 * cells;
  }
  return out;
}

export function serializeFdt(fdt: Fdt): Uint8Array {
  const strings: string[] = [];
  const stringOff = new Map<string, number>();
  let stringsSize = 0;
  const nameOff = (s: string): number => {
    let o = stringOff.get(s);
    if (o === undefined) {
      o = stringsSize;
      stringOff.set(s, o);
      strings.push(s);
      stringsSize += new TextEncoder().encode(s).length + 1;
    }
    return o;
  };
  const chunks: Uint8Array[] = [];
  const word = (v: number): void => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, false);
    chunks.push(b);
  };
  const padded = (b: Uint8Array): void => {
    const out = new Uint8Array(align4(b.length));
    out.set(b);
    chunks.push(out);
  };
  const emit = (n: FdtNode): void => {
    word(FDT_BEGIN_NODE);
    padded(stringProp(n.name));
    for (const p of n.props) {
      word(FDT_PROP);
      word(p.value.length);
      word(nameOff(p.name));
      padded(p.value);
    }
    for (const c of n.children) emit(c);
    word(FDT_END_NODE);
  };
  emit(fdt.root);
  word(FDT_END);
  const struct = concat(chunks);
  const strBlob = concat(strings.map(stringProp));
  const offStruct = HEADER_SIZE + fdt.rsvmap.length;
  const offStrings = offStruct + struct.length;
  const total = offStrings + strBlob.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  [FDT_MAGIC, total, offStruct, offStrings, HEADER_SIZE, fdt.version, fdt.lastCompVersion, fdt.bootCpuid, strBlob.length, struct.length]
    .forEach((v, i) => dv.setUint32(i * 4, v, false));
  out.set(fdt.rsvmap, HEADER_SIZE);
  out.set(struct, offStruct);
  out.set(strBlob, offStrings);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** An empty tree (root with #address-cells = #size-cells = 2), for tests and tools. */
export function emptyFdt(): Fdt {
  return {
    root: { name: '', props: [{ name: '#address-cells', value: cellsProp([{ value: 2, cells: 1 }]) }, { name: '#size-cells', value: cellsProp([{ value: 2, cells: 1 }]) }], children: [] },
    rsvmap: new Uint8Array(16),
    version: 17,
    lastCompVersion: 16,
    bootCpuid: 0,
  };
}
