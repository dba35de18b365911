/**
 * A minimal static AArch64 Linux executable writer: ELF64 little-endian, ET_EXEC, one PT_LOAD
 * per segment, no sections (the kernel and qemu-user only read program headers). This is all
 * the differential test needs to hand qemu-aarch64 a program without a cross toolchain.
 */

/** One loadable segment: `data` is its file image, the rest up to `memSize` is zero-filled. */
export interface ElfSegment {
  vaddr: number;
  data: Uint8Array;
  memSize: number;
  flags: { r?: boolean; w?: boolean; x?: boolean };
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
/** Segment file offsets and addresses agree modulo this (any host page size up to 64 KiB). */
const ALIGN = 0x10000;
const EM_AARCH64 = 183;
const PT_LOAD = 1;

/** The ELF image of a static executable entered at `entry`. */
export function writeElf(entry: number, segments: readonly ElfSegment[]): Uint8Array {
  const offsets: number[] = [];
  let off = EHDR_SIZE + PHDR_SIZE * segments.length;
  for (const s of segments) {
    if (s.vaddr % ALIGN !== 0) throw new Error(`segment at 0x${s.vaddr.toString(16)} is not 64 KiB aligned`);
    if (s.memSize < s.data.length) throw new Error('segment memSize below its data size');
    off = Math.ceil(off / ALIGN) * ALIGN;
    offsets.push(off);
    off += s.data.length;
  }
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  const u16 = (o: number, v: number): void => dv.setUint16(o, v, true);
  const u32 = (o: number, v: number): void => dv.setUint32(o, v, true);
  const u64 = (o: number, v: number): void => dv.setBigUint64(o, BigInt(v), true);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // \x7fELF, 64-bit, little-endian, version 1, SysV
  u16(16, 2); // ET_EXEC
  u16(18, EM_AARCH64);
  u32(20, 1);
  u64(24, entry);
  u64(32, EHDR_SIZE); // program headers follow the header
  u64(40, 0); // no section headers
  u32(48, 0);
  u16(52, EHDR_SIZE);
  u16(54, PHDR_SIZE);
  u16(56, segments.length);
  u16(58, 64); // e_shentsize (unused, but a plausible value)
  u16(60, 0);
  u16(62, 0);
  segments.forEach((s, k) => {
    const p = EHDR_SIZE + PHDR_SIZE * k;
    u32(p, PT_LOAD);
    u32(p + 4, (s.flags.x ? 1 : 0) | (s.flags.w ? 2 : 0) | (s.flags.r ? 4 : 0));
    u64(p + 8, offsets[k]!);
    u64(p + 16, s.vaddr);
    u64(p + 24, s.vaddr);
    u64(p + 32, s.data.length);
    u64(p + 40, s.memSize);
    u64(p + 48, ALIGN);
    out.set(s.data, offsets[k]!);
  });
  return out;
}
