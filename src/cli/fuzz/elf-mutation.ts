/**
 * Mutations of ELF64 files (the test guest programs) aimed at what an image loader trusts:
 * header counts and offsets, program headers' sizes and addresses, section headers that point
 * outside the file, identification bytes, truncation. Plain data, so failures print and shrink.
 */
import fc from 'fast-check';

type Width = 1 | 2 | 4 | 8;

const EHDR: Record<string, [number, Width]> = {
  'e_ident[EI_CLASS]': [4, 1], 'e_ident[EI_DATA]': [5, 1], 'e_ident[EI_VERSION]': [6, 1],
  e_type: [16, 2], e_machine: [18, 2], e_version: [20, 4], e_entry: [24, 8], e_phoff: [32, 8], e_shoff: [40, 8], e_flags: [48, 4],
  e_ehsize: [52, 2], e_phentsize: [54, 2], e_phnum: [56, 2], e_shentsize: [58, 2], e_shnum: [60, 2], e_shstrndx: [62, 2],
};
const PHDR: Record<string, [number, Width]> = {
  p_type: [0, 4], p_flags: [4, 4], p_offset: [8, 8], p_vaddr: [16, 8], p_paddr: [24, 8], p_filesz: [32, 8], p_memsz: [40, 8], p_align: [48, 8],
};
const SHDR: Record<string, [number, Width]> = {
  sh_name: [0, 4], sh_type: [4, 4], sh_addr: [16, 8], sh_offset: [24, 8], sh_size: [32, 8], sh_link: [40, 4], sh_info: [44, 4], sh_entsize: [56, 8],
};

export type ElfMutation =
  | { op: 'ehdr'; field: string; value: bigint }
  | { op: 'phdr'; index: number; field: string; value: bigint }
  | { op: 'shdr'; index: number; field: string; value: bigint }
  | { op: 'byte'; at: number; value: number }
  | { op: 'truncate'; at: number };

const EDGES = [0n, 1n, 2n, 3n, 4n, 7n, 56n, 64n, 0xffffn, 0x1000n, 0x7fff_ffffn, 0xffff_ffffn, 1n << 32n, (1n << 53n) - 1n, 1n << 53n, 1n << 63n, (1n << 64n) - 1n, 0x4000_0000n, 0x4008_0000n, 0x8000_0000n, 0x7fff_f000n];

/** Values for ELF fields: edges, small numbers (counts, types) and anything. */
export function elfValue(extra: readonly bigint[] = []): fc.Arbitrary<bigint> {
  return fc.oneof(fc.constantFrom(...EDGES, ...extra), fc.bigInt({ min: 0n, max: 64n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));
}

export function elfMutationArb(): fc.Arbitrary<ElfMutation> {
  const v = elfValue();
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('ehdr' as const), field: fc.constantFrom(...Object.keys(EHDR)), value: v }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('phdr' as const), index: fc.nat({ max: 3 }), field: fc.constantFrom(...Object.keys(PHDR)), value: v }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('shdr' as const), index: fc.nat({ max: 40 }), field: fc.constantFrom(...Object.keys(SHDR)), value: v }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('byte' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.nat({ max: 255 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  );
}

function put(b: Uint8Array, off: number, width: Width, value: bigint): void {
  if (!Number.isSafeInteger(off) || off < 0 || off + width > b.length) return;
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const v = value & ((1n << BigInt(8 * width)) - 1n);
  if (width === 8) d.setBigUint64(off, v, true);
  else if (width === 4) d.setUint32(off, Number(v), true);
  else if (width === 2) d.setUint16(off, Number(v), true);
  else d.setUint8(off, Number(v));
}

/** Header-table offsets as the file says before any mutation (mutations of e_phoff do not move the tables). */
function tables(b: Uint8Array): { phoff: number; phent: number; shoff: number; shent: number } {
  if (b.length < 64) return { phoff: -1, phent: 56, shoff: -1, shent: 64 };
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { phoff: Number(d.getBigUint64(32, true)), phent: d.getUint16(54, true), shoff: Number(d.getBigUint64(40, true)), shent: d.getUint16(58, true) };
}

export function applyElfMutations(base: Uint8Array, muts: readonly ElfMutation[]): Uint8Array {
  let b: Uint8Array = new Uint8Array(base);
  const t = tables(base);
  // Truncation last, so that field edits land where the case says.
  const ordered = [...muts.filter((m) => m.op !== 'truncate'), ...muts.filter((m) => m.op === 'truncate')];
  for (const m of ordered) {
    if (m.op === 'ehdr') put(b, EHDR[m.field]![0], EHDR[m.field]![1], m.value);
    else if (m.op === 'phdr') put(b, t.phoff + m.index * t.phent + PHDR[m.field]![0], PHDR[m.field]![1], m.value);
    else if (m.op === 'shdr') put(b, t.shoff + m.index * t.shent + SHDR[m.field]![0], SHDR[m.field]![1], m.value);
    else if (m.op === 'byte') {
      if (b.length) b[Math.min(b.length - 1, Math.floor(m.at * b.length))] = m.value;
    } else b = b.slice(0, Math.floor(m.at * b.length));
  }
  return b;
}

export function describeElfMutations(muts: readonly ElfMutation[]): string {
  if (!muts.length) return '(as built)';
  return muts.map((m) => {
    if (m.op === 'ehdr') return `${m.field} = 0x${m.value.toString(16)}`;
    if (m.op === 'phdr') return `phdr[${m.index}].${m.field} = 0x${m.value.toString(16)}`;
    if (m.op === 'shdr') return `shdr[${m.index}].${m.field} = 0x${m.value.toString(16)}`;
    if (m.op === 'byte') return `byte at ${(m.at * 100).toFixed(1)}% = 0x${m.value.toString(16)}`;
    return `truncated to ${(m.at * 100).toFixed(1)}%`;
  }).join('; ');
}
