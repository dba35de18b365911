/**
 * ELF64 little-endian AArch64 parser for guest images (see image.ts for the public API and the
 * loading policy). Everything here is pure: bytes in, a GuestImage (or an ErrnoError) out.
 *
 * Policy decisions (documented in image.ts as well):
 *  - Segments are placed at p_paddr (a loader of physical images, like QEMU's -kernel ELF path
 *    or a boot ROM): CPUs start with the MMU off, so load addresses are physical / IPA. GNU ld
 *    sets p_paddr == p_vaddr unless the linker script uses AT(); Jailhouse inmates link at IPA 0.
 *  - e_entry and st_value are link-time (virtual) addresses. They are moved into load space
 *    through the PT_LOAD that contains them (paddr + (v - vaddr)), so `entry` and `symbols`
 *    are always in the same address space as `segments[i].addr`.
 *  - ET_EXEC loads at its link addresses; opts.loadAddress, if given, must equal the lowest
 *    segment address (an assertion, not a relocation).
 *  - ET_DYN is accepted only when it needs no loader: lowest PT_LOAD at address 0, no
 *    PT_INTERP, and no dynamic relocations (DT_RELASZ / DT_RELSZ / DT_RELRSZ / DT_PLTRELSZ all
 *    0). It is then placed at opts.loadAddress (default 0) by adding that bias to every
 *    segment, the entry and the symbols. Relocations are never applied.
 */
import { ErrnoError, Errno } from '../../../shared/errno.js';
import type { GuestImage, ImageSegment, SegmentFlags } from './image-types.js';

/** ENOEXEC ("Exec format error"), for images that are not a loadable AArch64 program. */
export const ENOEXEC = Errno.ENOEXEC;

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function imageError(errno: number, name: string, message: string): ErrnoError {
  return new ErrnoError(errno, `${name}: ${message}`);
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const EM_AARCH64 = 183;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const PN_XNUM = 0xffff;

const MACHINES: Record<number, string> = {
  0: 'none',
  2: 'SPARC',
  3: 'i386',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM',
  43: 'SPARC V9',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

/** "x86-64 (62)", "unknown (4242)". */
export function machineName(m: number): string {
  return `${MACHINES[m] ?? 'unknown'} (${m})`;
}

const ET_NAMES: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL', 2: 'ET_EXEC', 3: 'ET_DYN', 4: 'ET_CORE' };

interface Phdr {
  index: number;
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
}

/** True if the bytes start with the ELF magic 7f 'E' 'L' 'F'. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf(
  bytes: Uint8Array,
  opts: { name: string; loadAddress?: number; entry?: number },
): GuestImage {
  const name = opts.name;
  const bad = (msg: string) => imageError(ENOEXEC, name, msg);
  const size = bytes.length;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  if (!isElf(bytes)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw bad(`bad ELF magic [${got}], expected [7f 45 4c 46]`);
  }
  if (size < 16) throw bad(`ELF identification truncated: file is ${size} bytes, e_ident needs 16 (${16 - size} missing)`);
  const cls = bytes[4]!;
  const data = bytes[5]!;
  // e_machine sits at offset 18 in both ELF classes; read it in the file's own byte order.
  const machineOf = (le: boolean) => (size >= 20 ? machineName(dv.getUint16(18, le)) : 'unknown machine');
  if (cls === 1) {
    throw bad(`EI_CLASS 1 (ELFCLASS32, 32-bit ELF for ${machineOf(data !== 2)}) is not supported: AArch64 guest images must be ELFCLASS64`);
  }
  if (cls !== 2) throw bad(`EI_CLASS ${cls} is invalid (expected 2, ELFCLASS64)`);
  if (data === 2) throw bad(`EI_DATA 2 (ELFDATA2MSB, big-endian, ${machineOf(false)}) is not supported: expected little-endian (ELFDATA2LSB)`);
  if (data !== 1) throw bad(`EI_DATA ${data} is invalid (expected 1, ELFDATA2LSB)`);
  if (bytes[6] !== 1) throw bad(`EI_VERSION ${bytes[6]} is invalid (expected 1, EV_CURRENT)`);
  if (size < EHDR_SIZE) throw bad(`ELF header truncated: file is ${size} bytes, the ELF64 header needs ${EHDR_SIZE} (${EHDR_SIZE - size} missing)`);

  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const u64 = (o: number, field: string): number => {
    const v = dv.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${field} 0x${v.toString(16)} is beyond the 2^53 address range`);
    return Number(v);
  };

  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_AARCH64) throw bad(`e_machine ${machineName(machine)} is not AArch64 (${EM_AARCH64})`);
  if (u32(20) !== 1) throw bad(`e_version ${u32(20)} is invalid (expected 1, EV_CURRENT)`);
  if (type !== 2 && type !== 3) {
    const why = type === 1 ? ': a relocatable object must be linked first' : '';
    throw bad(`e_type ${ET_NAMES[type] ?? 'unknown'} (${type}) is not loadable (expected ET_EXEC, or a relocation-free ET_DYN)${why}`);
  }
  const eEntry = u64(24, 'e_entry');
  const phoff = u64(32, 'e_phoff');
  const shoff = u64(40, 'e_shoff');
  const ehsize = u16(52);
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);
  if (ehsize < EHDR_SIZE) throw bad(`e_ehsize ${ehsize} is smaller than the ELF64 header (${EHDR_SIZE})`);
  if (phnum === 0) throw bad('e_phnum 0: no program headers, nothing to load');
  if (phnum === PN_XNUM) throw bad(`e_phnum ${hex(PN_XNUM)} (PN_XNUM, extended numbering) is not supported`);
  if (phentsize !== PHDR_SIZE) throw bad(`e_phentsize ${phentsize} is not the ELF64 program header size (${PHDR_SIZE})`);
  const phEnd = phoff + phnum * PHDR_SIZE;
  if (phEnd > size) {
    throw bad(
      `program header table truncated: e_phoff ${hex(phoff)} + e_phnum ${phnum} x ${PHDR_SIZE} ends at ${hex(phEnd)}, ` +
        `file size ${hex(size)} (${phEnd - size} bytes missing)`,
    );
  }

  const phdrs: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    const f = (field: string) => `program header ${i} ${field}`;
    phdrs.push({
      index: i,
      type: u32(o),
      flags: u32(o + 4),
      offset: u64(o + 8, f('p_offset')),
      vaddr: u64(o + 16, f('p_vaddr')),
      paddr: u64(o + 24, f('p_paddr')),
      filesz: u64(o + 32, f('p_filesz')),
      memsz: u64(o + 40, f('p_memsz')),
    });
  }

  const interp = phdrs.find((p) => p.type === PT_INTERP);
  if (interp) {
    const path = new TextDecoder().decode(bytes.subarray(interp.offset, Math.min(size, interp.offset + interp.filesz))).replace(/\0.*$/s, '');
    throw bad(`PT_INTERP (program header ${interp.index}) requests interpreter "${path}": dynamically linked programs cannot run bare-metal`);
  }

  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  let n = 0;
  for (const p of loads) {
    const what = `PT_LOAD segment ${n++} (program header ${p.index})`;
    if (p.filesz > p.memsz) throw bad(`${what}: p_filesz ${hex(p.filesz)} exceeds p_memsz ${hex(p.memsz)}`);
    const end = p.offset + p.filesz;
    if (p.filesz > 0 && end > size) {
      throw bad(
        `${what} truncated: p_offset ${hex(p.offset)} + p_filesz ${hex(p.filesz)} ends at ${hex(end)}, ` +
          `file size ${hex(size)} (${end - size} bytes missing)`,
      );
    }
    if (p.paddr + p.memsz > Number.MAX_SAFE_INTEGER || p.vaddr + p.memsz > Number.MAX_SAFE_INTEGER) {
      throw bad(`${what}: p_paddr ${hex(p.paddr)} / p_vaddr ${hex(p.vaddr)} + p_memsz ${hex(p.memsz)} overflows the address range`);
    }
  }
  const used = loads.filter((p) => p.memsz > 0);
  if (used.length === 0) throw bad('no non-empty PT_LOAD segment: nothing to load');

  const lowest = Math.min(...used.map((p) => p.paddr));
  let bias = 0;
  if (type === 2) {
    if (opts.loadAddress !== undefined && opts.loadAddress !== lowest) {
      throw imageError(
        Errno.EINVAL,
        name,
        `loadAddress ${hex(opts.loadAddress)} does not match the ET_EXEC image, which is linked to load at ${hex(lowest)} (lowest p_paddr); fixed-address images cannot be moved`,
      );
    }
  } else {
    if (lowest !== 0) throw bad(`ET_DYN image has its lowest PT_LOAD at p_paddr ${hex(lowest)}; only position-independent images linked at 0 are accepted`);
    checkNoRelocations(dv, phdrs, size, bad);
    bias = opts.loadAddress ?? 0;
    const top = Math.max(...used.map((p) => p.paddr + p.memsz));
    if (bias + top > Number.MAX_SAFE_INTEGER) throw imageError(Errno.EINVAL, name, `loadAddress ${hex(bias)} + image size ${hex(top)} overflows the address range`);
  }

  const segments: ImageSegment[] = used.map((p) => ({
    addr: p.paddr + bias,
    bytes: bytes.slice(p.offset, p.offset + p.filesz),
    memSize: p.memsz,
    flags: segmentFlags(p.flags),
  }));
  const sorted = segments.map((s, i) => ({ s, p: used[i]! })).sort((a, b) => a.s.addr - b.s.addr);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.s.addr + a.s.memSize > b.s.addr) {
      throw bad(
        `PT_LOAD program headers ${a.p.index} [${hex(a.s.addr)}, ${hex(a.s.addr + a.s.memSize)}) and ` +
          `${b.p.index} [${hex(b.s.addr)}, ${hex(b.s.addr + b.s.memSize)}) overlap in load (physical) address space`,
      );
    }
  }

  // Link-time (virtual) address -> load address, through the PT_LOAD containing it.
  const toLoad = (v: number, inclusiveEnd: boolean): number | undefined => {
    for (const p of used) {
      if (v >= p.vaddr && (v < p.vaddr + p.memsz || (inclusiveEnd && v === p.vaddr + p.memsz))) return p.paddr + (v - p.vaddr) + bias;
    }
    return undefined;
  };

  let entry: number;
  let entryField: string;
  if (opts.entry !== undefined) {
    entry = opts.entry;
    entryField = 'entry (opts.entry override)';
  } else {
    const e = toLoad(eEntry, false);
    if (e === undefined) throw bad(`e_entry ${hex(eEntry)} is not inside any PT_LOAD segment`);
    entry = e;
    entryField = `e_entry ${hex(eEntry)}, load address`;
  }

  const image: GuestImage = { format: 'elf', entry, segments, name };
  const symbols = readSymbols(dv, shoff, shnum, shentsize, size, bad, toLoad, bias);
  if (symbols) image.symbols = symbols;
  checkEntry(image, entryField, opts.entry !== undefined ? Errno.EINVAL : ENOEXEC);
  return image;
}

function segmentFlags(pf: number): SegmentFlags {
  // Every loaded segment is readable: PF_R is implied (an X-only or W-only segment becomes rx / rw).
  const w = (pf & 2) !== 0;
  const x = (pf & 1) !== 0;
  return w ? (x ? 'rwx' : 'rw') : x ? 'rx' : 'r';
}

/** Entry must be 4-byte aligned and inside the file-backed bytes of an executable segment. */
export function checkEntry(image: GuestImage, field: string, errno: number): void {
  const e = image.entry;
  const where = `${field} ${hex(e)}`;
  if (!Number.isSafeInteger(e) || e < 0) throw imageError(Errno.EINVAL, image.name, `${where} is not a valid address`);
  if (e % 4 !== 0) throw imageError(errno, image.name, `${where} is not 4-byte aligned (A64 instructions are 32-bit)`);
  const seg = image.segments.find((s) => e >= s.addr && e < s.addr + s.memSize);
  const list = image.segments.map((s) => `[${hex(s.addr)}, ${hex(s.addr + s.memSize)}) ${s.flags}`).join(', ');
  if (!seg) throw imageError(errno, image.name, `${where} is outside the image (segments: ${list})`);
  if (!seg.flags.includes('x')) {
    throw imageError(errno, image.name, `${where} lies in non-executable segment [${hex(seg.addr)}, ${hex(seg.addr + seg.memSize)}) ${seg.flags}`);
  }
  if (e >= seg.addr + seg.bytes.length) {
    throw imageError(errno, image.name, `${where} lies in the zero-filled (bss) tail of segment [${hex(seg.addr)}, ${hex(seg.addr + seg.memSize)})`);
  }
}

/** Rejects ET_DYN images that carry dynamic relocations: this loader applies none. */
function checkNoRelocations(dv: DataView, phdrs: Phdr[], size: number, bad: (m: string) => ErrnoError): void {
  const dyn = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return;
  if (dyn.offset + dyn.filesz > size) throw bad(`PT_DYNAMIC (program header ${dyn.index}) extends beyond the end of the file`);
  const RELOC_SIZE_TAGS: Record<number, string> = { 2: 'DT_PLTRELSZ', 8: 'DT_RELASZ', 18: 'DT_RELSZ', 35: 'DT_RELRSZ' };
  for (let o = dyn.offset; o + 16 <= dyn.offset + dyn.filesz; o += 16) {
    const tag = Number(dv.getBigInt64(o, true));
    if (tag === 0) break;
    const val = dv.getBigUint64(o + 8, true);
    const tagName = RELOC_SIZE_TAGS[tag];
    if (tagName && val !== 0n) {
      throw bad(`ET_DYN image needs dynamic relocation (${tagName} 0x${val.toString(16)}); link it as ET_EXEC or without relocations`);
    }
  }
}

function readSymbols(
  dv: DataView,
  shoff: number,
  shnumIn: number,
  shentsize: number,
  size: number,
  bad: (m: string) => ErrnoError,
  toLoad: (v: number, inclusiveEnd: boolean) => number | undefined,
  bias: number,
): Map<string, number> | undefined {
  if (shoff === 0) return undefined;
  if (shentsize !== SHDR_SIZE) throw bad(`e_shentsize ${shentsize} is not the ELF64 section header size (${SHDR_SIZE})`);
  // Extended numbering: e_shnum 0 means the count is in section header 0's sh_size.
  const shnum = shnumIn === 0 && shoff + SHDR_SIZE <= size ? Number(dv.getBigUint64(shoff + 32, true)) : Math.max(shnumIn, 1);
  const shEnd = shoff + shnum * SHDR_SIZE;
  if (shEnd > size) {
    throw bad(`section header table truncated: e_shoff ${hex(shoff)} + e_shnum ${shnum} x ${SHDR_SIZE} ends at ${hex(shEnd)}, file size ${hex(size)} (${shEnd - size} bytes missing)`);
  }
  const sh = (i: number) => {
    const o = shoff + i * SHDR_SIZE;
    const off = dv.getBigUint64(o + 24, true);
    const sz = dv.getBigUint64(o + 32, true);
    if (off + sz > BigInt(size)) {
      const missing = off + sz - BigInt(size);
      throw bad(`section ${i} (sh_offset 0x${off.toString(16)}, sh_size 0x${sz.toString(16)}) extends beyond the file (${missing} bytes missing)`);
    }
    return { type: dv.getUint32(o + 4, true), offset: Number(off), size: Number(sz), link: dv.getUint32(o + 40, true), entsize: Number(dv.getBigUint64(o + 56, true)) };
  };
  let symtabIndex = -1;
  for (let i = 0; i < shnum; i++) {
    if (dv.getUint32(shoff + i * SHDR_SIZE + 4, true) === SHT_SYMTAB) {
      symtabIndex = i;
      break;
    }
  }
  if (symtabIndex < 0) return undefined;
  const symtab = sh(symtabIndex);
  if (symtab.entsize !== SYM_SIZE) throw bad(`.symtab (section ${symtabIndex}) sh_entsize ${symtab.entsize} is not ${SYM_SIZE}`);
  if (symtab.link === 0 || symtab.link >= shnum) throw bad(`.symtab (section ${symtabIndex}) sh_link ${symtab.link} names no string table`);
  const strtab = sh(symtab.link);
  const bytes = new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength);
  const decoder = new TextDecoder();
  const symbols = new Map<string, number>();
  const isGlobal = new Set<string>();
  for (let o = symtab.offset + SYM_SIZE; o + SYM_SIZE <= symtab.offset + symtab.size; o += SYM_SIZE) {
    const nameOff = dv.getUint32(o, true);
    const info = dv.getUint8(o + 4);
    const shndx = dv.getUint16(o + 6, true);
    const bind = info >> 4;
    const stype = info & 0xf;
    // Keep NOTYPE / OBJECT / FUNC definitions; skip SECTION, FILE, TLS, undefined symbols.
    if (stype > 2 || shndx === SHN_UNDEF || nameOff === 0 || nameOff >= strtab.size) continue;
    const start = strtab.offset + nameOff;
    let end = start;
    while (end < strtab.offset + strtab.size && bytes[end] !== 0) end++;
    const symName = decoder.decode(bytes.subarray(start, end));
    // "$x", "$d", "$x.12": AArch64 ELF mapping symbols mark code/data, they are not names.
    if (symName === '' || symName.startsWith('$')) continue;
    const raw = dv.getBigUint64(o + 8, true);
    if (raw > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    const v = Number(raw);
    const value = shndx === SHN_ABS ? v : (toLoad(v, true) ?? v + bias);
    const global = bind === 1 || bind === 2; // STB_GLOBAL, STB_WEAK win over STB_LOCAL
    if (symbols.has(symName) && (isGlobal.has(symName) || !global)) continue;
    symbols.set(symName, value);
    if (global) isGlobal.add(symName);
  }
  return symbols;
}
