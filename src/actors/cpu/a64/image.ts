/**
 * Guest images for simulated AArch64 CPUs: parse a file (raw binary or ELF64 AArch64) into
 * load segments, check that they fit the memory a cell owns, and copy them into simulated RAM.
 *
 * The three steps are independent so that callers (a `cell load` path, a test, a boot ROM) can
 * pick their own address spaces: an image's addresses are "load addresses" — guest-physical
 * (IPA) for an inmate, host-physical for something loaded without stage 2. `checkFits` checks
 * them against regions in that same space; `loadImage` maps them to host PAs via `translate`.
 *
 * Formats:
 *  - raw: the whole file is one 'rwx' segment at opts.loadAddress (default 0); entry defaults to
 *    the load address. Like `jailhouse cell load -a ADDR image.bin`.
 *  - ELF64 little-endian EM_AARCH64 (detected by the 7f 'E' 'L' 'F' magic, or forced with
 *    opts.format 'elf'). Segments are PT_LOAD with p_memsz > 0, placed at **p_paddr** (a loader
 *    of physical images; GNU ld sets p_paddr == p_vaddr unless AT() is used, and Jailhouse
 *    inmates link at IPA 0). p_memsz > p_filesz is a zero-filled (bss) tail: `bytes` holds
 *    p_filesz bytes and `memSize` is p_memsz. Flags come from p_flags with read implied
 *    ('r' | 'rw' | 'rx' | 'rwx'). e_entry and symbol values are link-time (virtual) addresses
 *    and are moved into load space through the PT_LOAD containing them. ET_EXEC loads at its
 *    link address (opts.loadAddress may only restate it); ET_DYN is accepted only if linked at
 *    0 with no PT_INTERP and no dynamic relocations, and is then placed at opts.loadAddress
 *    (default 0) — relocations are never applied. Symbols (.symtab/.strtab, when present) skip
 *    section/file symbols and AArch64 mapping symbols ($x, $d); globals win over locals.
 *
 * Entry rule (both formats): 4-byte aligned and inside the file-backed bytes of an executable
 * segment. Errors are ErrnoError: ENOEXEC (8) for a malformed or unsupported file, EINVAL (22)
 * for bad caller arguments (opts.entry, opts.loadAddress, regions, translate results). Every
 * message starts with the image name and names the field and the offending value.
 */
import { ErrnoError, Errno } from '../../../shared/errno.js';
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { ENOEXEC, checkEntry, hex, imageError, isElf, machineName, parseElf } from './image-elf.js';
import type { GuestImage, ImageSegment, SegmentFlags } from './image-types.js';

export { ENOEXEC, isElf, machineName };

export type { GuestImage, ImageSegment, SegmentFlags };

export interface ParseImageOptions {
  /** File name for messages. */
  name: string;
  /** Raw: where the image goes (default 0). ELF ET_DYN: placement bias. ELF ET_EXEC: must equal its link address. */
  loadAddress?: number;
  /** Overrides the default entry (load address for raw, e_entry for ELF); a load address. */
  entry?: number;
  /** 'auto' (default) detects ELF by its magic; 'elf' rejects anything else; 'raw' never parses. */
  format?: 'auto' | 'raw' | 'elf';
}

export interface ImageRegion {
  start: number;
  size: number;
  name: string;
}

function checkAddressOpt(name: string, field: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
    throw imageError(Errno.EINVAL, name, `${field} ${String(v)} is not a non-negative integer address`);
  }
}

/** Parses a raw binary or an ELF64 AArch64 file into a GuestImage. Throws ErrnoError. */
export function parseImage(bytes: Uint8Array, opts: ParseImageOptions): GuestImage {
  const { name } = opts;
  checkAddressOpt(name, 'loadAddress', opts.loadAddress);
  checkAddressOpt(name, 'entry', opts.entry);
  const format = opts.format ?? 'auto';
  if (format === 'elf' || (format === 'auto' && isElf(bytes))) return parseElf(bytes, opts);
  return parseRaw(bytes, opts);
}

function parseRaw(bytes: Uint8Array, opts: ParseImageOptions): GuestImage {
  const { name } = opts;
  if (bytes.length === 0) throw imageError(ENOEXEC, name, 'raw image is empty (0 bytes)');
  const addr = opts.loadAddress ?? 0;
  if (addr + bytes.length > Number.MAX_SAFE_INTEGER) {
    throw imageError(Errno.EINVAL, name, `loadAddress ${hex(addr)} + size ${hex(bytes.length)} overflows the address range`);
  }
  const image: GuestImage = {
    format: 'raw',
    entry: opts.entry ?? addr,
    segments: [{ addr, bytes: bytes.slice(), memSize: bytes.length, flags: 'rwx' }],
    name,
  };
  checkEntry(image, opts.entry !== undefined ? 'entry (opts.entry override)' : 'entry (loadAddress)', Errno.EINVAL);
  return image;
}

function range(addr: number, len: number): string {
  return `[${hex(addr)}, ${hex(addr + len)})`;
}

/**
 * Checks that every segment, bss included, lies entirely inside one region (regions are in the
 * image's load address space, e.g. a cell's RAM regions by IPA). Returns, for each segment,
 * the region holding it. Throws ErrnoError(EINVAL) listing every misfit and the regions.
 */
export function checkFits(image: GuestImage, regions: readonly ImageRegion[]): ImageRegion[] {
  const found: ImageRegion[] = [];
  const misfits: string[] = [];
  for (const s of image.segments) {
    const r = regions.find((r) => s.addr >= r.start && s.addr + s.memSize <= r.start + r.size);
    if (r) found.push(r);
    else misfits.push(`segment ${range(s.addr, s.memSize)} (${s.flags}, ${hex(s.memSize)} bytes)`);
  }
  if (misfits.length > 0) {
    const avail = regions.length === 0 ? 'none' : regions.map((r) => `${r.name} ${range(r.start, r.size)}`).join(', ');
    throw imageError(Errno.EINVAL, image.name, `${misfits.join('; ')} does not fit in any region; regions available: ${avail}`);
  }
  return found;
}

const PAGE = 4096;

interface Chunk {
  pa: number;
  len: number;
  /** Offset inside the segment. */
  off: number;
}

/**
 * Copies every segment into simulated RAM and zeroes its bss tail. `translate` maps a load
 * address to a host physical address (default identity); it is called per 4 KiB page of load
 * address space, so a stage-2 walk that maps pages non-contiguously is fine. Everything is
 * validated before the first byte is written: on error, RAM is untouched.
 */
export function loadImage(mem: PhysicalMemory, image: GuestImage, translate: (addr: number) => number = (a) => a): void {
  const plan: { seg: ImageSegment; chunks: Chunk[] }[] = [];
  for (const seg of image.segments) {
    const chunks: Chunk[] = [];
    const segEnd = seg.addr + seg.memSize;
    for (let a = seg.addr; a < segEnd; ) {
      const len = Math.min(segEnd, (Math.floor(a / PAGE) + 1) * PAGE) - a;
      const pa = translate(a);
      if (!Number.isSafeInteger(pa) || pa < 0 || !mem.contains(pa, len)) {
        throw new ErrnoError(
          Errno.EINVAL,
          `${image.name}: segment ${range(seg.addr, seg.memSize)}: load address ${hex(a)} (+${hex(len)}) translates to ` +
            `${Number.isSafeInteger(pa) ? hex(pa) : String(pa)}, which is not RAM`,
        );
      }
      const last = chunks[chunks.length - 1];
      if (last && last.pa + last.len === pa && mem.contains(last.pa, last.len + len)) last.len += len;
      else chunks.push({ pa, len, off: a - seg.addr });
      a += len;
    }
    plan.push({ seg, chunks });
  }
  for (const { seg, chunks } of plan) {
    for (const c of chunks) {
      const fileEnd = Math.min(c.off + c.len, seg.bytes.length);
      const n = Math.max(0, fileEnd - c.off);
      if (n > 0) mem.copyIn(c.pa, seg.bytes.subarray(c.off, c.off + n));
      if (n < c.len) mem.fill(c.pa + n, c.len - n, 0);
    }
  }
}

/** Lowest and end (exclusive) load address over all segments, bss included. */
export function imageExtent(image: GuestImage): { start: number; end: number } {
  let start = Infinity;
  let end = 0;
  for (const s of image.segments) {
    start = Math.min(start, s.addr);
    end = Math.max(end, s.addr + s.memSize);
  }
  return { start, end };
}
