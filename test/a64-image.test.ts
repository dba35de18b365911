import { describe, expect, it } from 'vitest';
import { Errno, ErrnoError } from '../src/shared/errno.js';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { ENOEXEC, checkFits, imageExtent, loadImage, parseImage, type GuestImage } from '../src/actors/cpu/a64/image.js';

/*
 * Two real images made once with aarch64-linux-gnu-as + aarch64-linux-gnu-ld (`ld -n -T script`):
 * inmate.elf — linked at IPA 0 like a Jailhouse inmate; PHDRS split .text+.rodata (R E, 0x3d
 *   bytes) from .data+.bss (RW at 0x40, filesz 8, memsz 0x1010). _start: adr x0, stack_top;
 *   mov sp, x0; bl main; 1: wfi; b 1b. main (0x14) bumps `counter` (.word 41), adr's `message`.
 * phys.elf — `.text 0x10000000 : AT(0x40000000)`, NOLOAD `.bss ... AT(0x40000100)`: p_vaddr !=
 *   p_paddr; entry _start at vaddr 0x10000008 behind `b _start` and the word 0x4a485349; a
 *   bss-only PT_LOAD (p_filesz 0, p_offset 0, p_memsz 0x200) holding `scratch`.
 */
const GNU_INMATE_B64 =
  'f0VMRgIBAQAAAAAAAAAAAAIAtwABAAAAAAAAAAAAAABAAAAAAAAAADADAAAAAAAAAAAAAEAAOAACAEAACAAHAAEAAAAFAAAAsAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPQAAAAAAAAA9' +
  'AAAAAAAAAAQAAAAAAAAAAQAAAAYAAADwAAAAAAAAAEAAAAAAAAAAQAAAAAAAAAAIAAAAAAAAABAQAAAAAAAAEAAAAAAAAACAggAQHwAAkQMAAJR/IAPV////F2EBABAiAEC5QgQAESIA' +
  'ALlDAAAQwANf1mhlbGxvIGZyb20gamhzaW0AAAAAKQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwACACwAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAwADAEAAAAAAAAAAAAAAAAAAAAAAAAAAAwAEAFAAAAAAAAAAAAAAAAAAAAABAAAABADx/wAAAAAAAAAAAAAAAAAAAAAKAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAKAAAA' +
  'AAABABQAAAAAAAAAAAAAAAAAAAANAAAAAAACACwAAAAAAAAAAAAAAAAAAAAVAAAAAAADAEAAAAAAAAAAAAAAAAAAAAAVAAAAAAAEAFAAAAAAAAAAAAAAAAAAAAAYAAAAEAAEAFAQAAAA' +
  'AAAAAAAAAAAAAAAiAAAAEAAEAFAAAAAAAAAAAAAAAAAAAABGAAAAEAABAAAAAAAAAAAAAAAAAAAAAAAvAAAAEAAEAFAQAAAAAAAAAAAAAAAAAAA5AAAAEAADAEAAAAAAAAAAAAAAAAAA' +
  'AABBAAAAEAAEAFAAAAAAAAAAAAAAAAAAAABNAAAAEgABABQAAAAAAAAAGAAAAAAAAAAAaW5tYXRlLm8AJHgAbWVzc2FnZQAkZABfX2Jzc19lbmQAc3RhY2tfYm90dG9tAHN0YWNrX3Rv' +
  'cABjb3VudGVyAF9fYnNzX3N0YXJ0AG1haW4AAC5zeW10YWIALnN0cnRhYgAuc2hzdHJ0YWIALnRleHQALnJvZGF0YQAuZGF0YQAuYnNzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABsAAAABAAAABgAAAAAAAAAAAAAAAAAAALAAAAAAAAAALAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAh' +
  'AAAAAQAAAAIAAAAAAAAALAAAAAAAAADcAAAAAAAAABEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAKQAAAAEAAAADAAAAAAAAAEAAAAAAAAAA8AAAAAAAAAAIAAAAAAAAAAAA' +
  'AAAAAAAACAAAAAAAAAAAAAAAAAAAAC8AAAAIAAAAAwAAAAAAAABQAAAAAAAAAPgAAAAAAAAAABAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAABAAAAAgAAAAAAAAAAAAAAAAAA' +
  'AAAAAAD4AAAAAAAAALABAAAAAAAABgAAAAsAAAAIAAAAAAAAABgAAAAAAAAACQAAAAMAAAAAAAAAAAAAAAAAAAAAAAAAqAIAAAAAAABSAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAA' +
  'AAAAABEAAAADAAAAAAAAAAAAAAAAAAAAAAAAAPoCAAAAAAAANAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAA=';const GNU_PHYS_B64 =
  'f0VMRgIBAQAAAAAAAAAAAAIAtwABAAAACAAAEAAAAABAAAAAAAAAAEACAAAAAAAAAAAAAEAAOAACAEAABgAFAAEAAAAFAAAAsAAAAAAAAAAAAAAQAAAAAAAAAEAAAAAAIAAAAAAAAAAg' +
  'AAAAAAAAAAgAAAAAAAAAAQAAAAYAAAAAAAAAAAAAAAABABAAAAAAAAEAQAAAAAAAAAAAAAAAAAACAAAAAAAACAAAAAAAAAACAAAUSVNISoAAAFgfAAD5AAAAFAAAAAAAAQAQAAAAAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAEAAAAAEAAAAAAAAAAAAAAAAAAAAAADAAIAAAEAEAAAAAAAAAAAAAAAAAEAAAAEAPH/AAAAAAAAAAAAAAAAAAAAAAgAAAAAAAEAAAAA' +
  'EAAAAAAAAAAAAAAAAAsAAAAAAAEABAAAEAAAAAAAAAAAAAAAAAgAAAAAAAEACAAAEAAAAAAAAAAAAAAAAAsAAAAAAAEAGAAAEAAAAAAAAAAAAAAAAAsAAAAAAAIAAAEAEAAAAAAAAAAA' +
  'AAAAAA4AAAAQAAIAAAEAEAAAAAAAAAAAAAAAABYAAAASAAEACAAAEAAAAAAMAAAAAAAAAB0AAAAQAAEAAAAAEAAAAAAAAAAAAAAAAABwaHlzLm8AJHgAJGQAc2NyYXRjaABfc3RhcnQA' +
  'dmVjdG9ycwAALnN5bXRhYgAuc3RydGFiAC5zaHN0cnRhYgAudGV4dAAuYnNzAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAAAAAABsAAAABAAAABgAAAAAAAAAAAAAQAAAAALAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAAhAAAACAAAAAMAAAAAAAAAAAEAEAAAAADQAAAAAAAA' +
  'AAACAAAAAAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAQAAAAIAAAAAAAAAAAAAAAAAAAAAAAAA0AAAAAAAAAAgAQAAAAAAAAQAAAAJAAAACAAAAAAAAAAYAAAAAAAAAAkAAAADAAAA' +
  'AAAAAAAAAAAAAAAAAAAAAPABAAAAAAAAJQAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAARAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAVAgAAAAAAACYAAAAAAAAAAAAAAAAAAAAB' +
  'AAAAAAAAAAAAAAAAAAAA';
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

// ---- a hand-written ELF64 writer (no toolchain needed) ----

const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

interface TSeg {
  type?: number; // default PT_LOAD
  flags: number;
  vaddr: number;
  paddr?: number; // default vaddr
  data: Uint8Array | number[];
  memsz?: number; // default data length
}
interface TSym {
  name: string;
  value: number;
  bind?: number; // default STB_GLOBAL
  type?: number; // default STT_FUNC
  shndx?: number; // default 1
}

function buildElf(o: { type?: number; machine?: number; entry: number; segs: TSeg[]; syms?: TSym[] }): Uint8Array {
  const phoff = 64;
  const phnum = o.segs.length;
  let off = phoff + phnum * 56;
  let shoff = 0;
  let symOff = 0;
  let strOff = 0;
  let strtab = new Uint8Array(0);
  const syms = o.syms;
  if (syms) {
    shoff = off;
    off += 3 * 64; // [0] null, [1] .symtab, [2] .strtab
    symOff = off;
    off += (syms.length + 1) * 24;
    strtab = new TextEncoder().encode(`\0${syms.map((s) => `${s.name}\0`).join('')}`);
    strOff = off;
    off += strtab.length;
  }
  // Segment data last, so that cutting the file's tail truncates the last segment.
  const dataOffs: number[] = [];
  for (const s of o.segs) {
    off = Math.ceil(off / 8) * 8;
    dataOffs.push(off);
    off += s.data.length;
  }
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, o.type ?? 2, true);
  dv.setUint16(18, o.machine ?? 183, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(o.entry), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, phnum, true);
  dv.setUint16(58, 64, true);
  dv.setUint16(60, syms ? 3 : 0, true);
  o.segs.forEach((s, i) => {
    const p = phoff + i * 56;
    dv.setUint32(p, s.type ?? 1, true);
    dv.setUint32(p + 4, s.flags, true);
    dv.setBigUint64(p + 8, BigInt(dataOffs[i]!), true);
    dv.setBigUint64(p + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(p + 24, BigInt(s.paddr ?? s.vaddr), true);
    dv.setBigUint64(p + 32, BigInt(s.data.length), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz ?? s.data.length), true);
    dv.setBigUint64(p + 48, 8n, true);
    out.set(s.data, dataOffs[i]!);
  });
  if (syms) {
    const sh = (i: number, type: number, offset: number, size: number, link: number, entsize: number) => {
      const b = shoff + i * 64;
      dv.setUint32(b + 4, type, true);
      dv.setBigUint64(b + 24, BigInt(offset), true);
      dv.setBigUint64(b + 32, BigInt(size), true);
      dv.setUint32(b + 40, link, true);
      dv.setBigUint64(b + 56, BigInt(entsize), true);
    };
    sh(1, 2, symOff, (syms.length + 1) * 24, 2, 24);
    sh(2, 3, strOff, strtab.length, 0, 0);
    out.set(strtab, strOff);
    let nameOff = 1;
    syms.forEach((s, i) => {
      const b = symOff + (i + 1) * 24;
      dv.setUint32(b, nameOff, true);
      nameOff += s.name.length + 1;
      out[b + 4] = ((s.bind ?? 1) << 4) | (s.type ?? 2);
      dv.setUint16(b + 6, s.shndx ?? 1, true);
      dv.setBigUint64(b + 8, BigInt(s.value), true);
    });
  }
  return out;
}

/** A 0x20-byte code segment at 0x1000 (rx) and a data segment at 0x2000 with 0x100 of bss. */
function sample(over: Partial<Parameters<typeof buildElf>[0]> = {}): Uint8Array {
  const code = Array.from({ length: 0x20 }, (_, i) => i + 1);
  return buildElf({
    entry: 0x1008,
    segs: [
      { flags: PF_R | PF_X, vaddr: 0x1000, data: code },
      { flags: PF_R | PF_W, vaddr: 0x2000, data: [1, 2, 3, 4], memsz: 0x104 },
    ],
    syms: [
      { name: '_start', value: 0x1008 },
      { name: 'data', value: 0x2000, type: 1, bind: 0 },
      { name: '$x', value: 0x1000, bind: 0, type: 0 },
    ],
    ...over,
  });
}

function expectErr(fn: () => unknown, errno: number, ...parts: string[]): ErrnoError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ErrnoError);
  const err = caught as ErrnoError;
  expect(err.errno).toBe(errno);
  for (const p of parts) expect(err.message).toContain(p);
  return err;
}

function ram(base: number, size: number): PhysicalMemory {
  return new PhysicalMemory([{ base, size, sab: new SharedArrayBuffer(size) }]);
}

describe('raw images', () => {
  const bin = new Uint8Array([0x1f, 0x20, 0x03, 0xd5, 0x00, 0x00, 0x00, 0x14]); // nop; b .

  it('is one rwx segment at loadAddress with the entry there by default', () => {
    const img = parseImage(bin, { name: 'nop.bin' });
    expect(img).toMatchObject({ format: 'raw', entry: 0, name: 'nop.bin' });
    expect(img.segments).toHaveLength(1);
    expect(img.segments[0]).toMatchObject({ addr: 0, memSize: 8, flags: 'rwx' });
    const at = parseImage(bin, { name: 'nop.bin', loadAddress: 0x8000_0000, entry: 0x8000_0004 });
    expect(at.segments[0]!.addr).toBe(0x8000_0000);
    expect(at.entry).toBe(0x8000_0004);
    expect(at.symbols).toBeUndefined();
  });

  it('copies the input rather than aliasing it', () => {
    const src = bin.slice();
    const img = parseImage(src, { name: 'nop.bin' });
    src[0] = 0;
    expect(img.segments[0]!.bytes[0]).toBe(0x1f);
  });

  it('rejects an entry outside the image, a misaligned entry, an empty file, a bad loadAddress', () => {
    expectErr(() => parseImage(bin, { name: 'nop.bin', loadAddress: 0x1000, entry: 0x1008 }), Errno.EINVAL, 'nop.bin', 'entry', '0x1008', 'outside the image', '[0x1000, 0x1008)');
    expectErr(() => parseImage(bin, { name: 'nop.bin', entry: 0x800 }), Errno.EINVAL, '0x800');
    expectErr(() => parseImage(bin, { name: 'nop.bin', entry: 2 }), Errno.EINVAL, 'not 4-byte aligned');
    expectErr(() => parseImage(new Uint8Array(0), { name: 'empty.bin' }), ENOEXEC, 'empty.bin', 'empty');
    expectErr(() => parseImage(bin, { name: 'nop.bin', loadAddress: -4 }), Errno.EINVAL, 'loadAddress', '-4');
  });

  it("format 'raw' loads even an ELF verbatim; 'auto' treats a near-miss magic as raw", () => {
    const elf = sample();
    expect(parseImage(elf, { name: 'x', format: 'raw' }).format).toBe('raw');
    const near = elf.slice();
    near[3] = 0x47; // "\x7fELG"
    expect(parseImage(near, { name: 'x' }).format).toBe('raw');
  });
});

describe('hand-built ELF64', () => {
  it('yields segments, bss sizing, flags, entry and symbols', () => {
    const img = parseImage(sample(), { name: 'sample.elf' });
    expect(img.format).toBe('elf');
    expect(img.entry).toBe(0x1008);
    expect(img.segments.map((s) => [s.addr, s.bytes.length, s.memSize, s.flags])).toEqual([
      [0x1000, 0x20, 0x20, 'rx'],
      [0x2000, 4, 0x104, 'rw'],
    ]);
    expect(img.segments[0]!.bytes[8]).toBe(9);
    expect(img.symbols).toEqual(new Map([['_start', 0x1008], ['data', 0x2000]])); // no "$x"
    expect(imageExtent(img)).toEqual({ start: 0x1000, end: 0x2104 });
  });

  it('honours an entry override inside an executable segment only', () => {
    expect(parseImage(sample(), { name: 's', entry: 0x1000 }).entry).toBe(0x1000);
    expectErr(() => parseImage(sample(), { name: 's.elf', entry: 0x2000 }), Errno.EINVAL, 's.elf', 'opts.entry', '0x2000', 'non-executable', 'rw');
  });

  it('rejects e_entry outside any executable segment', () => {
    expectErr(() => parseImage(sample({ entry: 0x2000 }), { name: 'e.elf' }), ENOEXEC, 'e.elf', 'e_entry 0x2000', 'non-executable');
    expectErr(() => parseImage(sample({ entry: 0x9000 }), { name: 'e.elf' }), ENOEXEC, 'e_entry 0x9000', 'not inside any PT_LOAD');
    const rwxBss = buildElf({ entry: 0x1010, segs: [{ flags: 7, vaddr: 0x1000, data: [0, 0, 0, 0], memsz: 0x100 }] });
    expectErr(() => parseImage(rwxBss, { name: 'e.elf' }), ENOEXEC, 'e_entry 0x1010', 'bss');
  });

  it('ET_EXEC stays at its link address; loadAddress may only restate it', () => {
    expect(parseImage(sample(), { name: 's', loadAddress: 0x1000 }).segments[0]!.addr).toBe(0x1000);
    expectErr(() => parseImage(sample(), { name: 's.elf', loadAddress: 0x4000_0000 }), Errno.EINVAL, 's.elf', 'loadAddress 0x40000000', 'ET_EXEC', '0x1000');
  });

  it('ET_DYN linked at 0 without relocations is placed at loadAddress', () => {
    const pie = buildElf({
      type: 3,
      entry: 0x4,
      segs: [
        { flags: PF_R | PF_X, vaddr: 0, data: [0, 0, 0, 0, 0x1f, 0x20, 0x03, 0xd5] },
        { type: 2, flags: PF_R | PF_W, vaddr: 0x100, data: new Uint8Array(16) }, // PT_DYNAMIC: just DT_NULL
      ],
      syms: [{ name: '_start', value: 4 }],
    });
    const img = parseImage(pie, { name: 'pie.elf', loadAddress: 0x20_0000 });
    expect(img.segments.map((s) => s.addr)).toEqual([0x20_0000]);
    expect(img.entry).toBe(0x20_0004);
    expect(img.symbols?.get('_start')).toBe(0x20_0004);
    expect(parseImage(pie, { name: 'pie.elf' }).entry).toBe(4);
  });

  it('rejects ET_DYN with relocations or not linked at 0, ET_REL, PT_INTERP', () => {
    const dyn = new Uint8Array(32);
    new DataView(dyn.buffer).setBigInt64(0, 8n, true); // DT_RELASZ
    new DataView(dyn.buffer).setBigUint64(8, 24n, true);
    const code = { flags: PF_R | PF_X, vaddr: 0, data: [0x1f, 0x20, 0x03, 0xd5] };
    const reloc = buildElf({ type: 3, entry: 0, segs: [code, { type: 2, flags: PF_R, vaddr: 0x100, data: dyn }] });
    expectErr(() => parseImage(reloc, { name: 'r.elf' }), ENOEXEC, 'r.elf', 'DT_RELASZ 0x18');
    const high = buildElf({ type: 3, entry: 0x1000, segs: [{ ...code, vaddr: 0x1000 }] });
    expectErr(() => parseImage(high, { name: 'h.elf' }), ENOEXEC, 'ET_DYN', 'p_paddr 0x1000');
    expectErr(() => parseImage(buildElf({ type: 1, entry: 0, segs: [code] }), { name: 'o.o' }), ENOEXEC, 'o.o', 'ET_REL (1)', 'linked');
    const interp = { type: 3, flags: PF_R, vaddr: 0x200, data: new TextEncoder().encode('/lib/ld-linux-aarch64.so.1\0') };
    expectErr(() => parseImage(buildElf({ entry: 0, segs: [interp, code] }), { name: 'dyn' }), ENOEXEC, 'PT_INTERP', '/lib/ld-linux-aarch64.so.1"');
  });

  it('places segments at p_paddr and moves e_entry and symbols with them', () => {
    const elf = buildElf({
      entry: 0xffff_0000_0004,
      segs: [{ flags: PF_R | PF_X, vaddr: 0xffff_0000_0000, paddr: 0x4008_0000, data: new Uint8Array(16) }],
      syms: [{ name: 'vec', value: 0xffff_0000_0000 }, { name: 'abs', value: 0x1234, shndx: 0xfff1, type: 0 }],
    });
    const img = parseImage(elf, { name: 'k.elf' });
    expect(img.segments[0]!.addr).toBe(0x4008_0000);
    expect(img.entry).toBe(0x4008_0004);
    expect(img.symbols).toEqual(new Map([['vec', 0x4008_0000], ['abs', 0x1234]]));
  });

  it('rejects malformed program headers', () => {
    const bigFile = buildElf({ entry: 0, segs: [{ flags: PF_R | PF_X, vaddr: 0, data: new Uint8Array(16), memsz: 8 }] });
    expectErr(() => parseImage(bigFile, { name: 'f.elf' }), ENOEXEC, 'f.elf', 'p_filesz 0x10 exceeds p_memsz 0x8');
    const overlap = buildElf({
      entry: 0,
      segs: [
        { flags: PF_R | PF_X, vaddr: 0, data: new Uint8Array(16) },
        { flags: PF_R | PF_W, vaddr: 8, data: new Uint8Array(16) },
      ],
    });
    expectErr(() => parseImage(overlap, { name: 'o.elf' }), ENOEXEC, 'overlap', '[0x0, 0x10)', '[0x8, 0x18)');
    expectErr(() => parseImage(buildElf({ entry: 0, segs: [] }), { name: 'n.elf' }), ENOEXEC, 'e_phnum 0');
  });
});

describe('rejected ELF files', () => {
  it('truncated ELF header', () => {
    expectErr(() => parseImage(sample().subarray(0, 40), { name: 't.elf' }), ENOEXEC, 't.elf', 'ELF header truncated', '40 bytes', '24 missing');
    expectErr(() => parseImage(sample().subarray(0, 10), { name: 't.elf' }), ENOEXEC, 'e_ident', '6 missing');
  });

  it('truncated program header table', () => {
    expectErr(() => parseImage(sample().subarray(0, 100), { name: 't.elf' }), ENOEXEC, 'program header table truncated', 'e_phnum 2', '76 bytes missing');
  });

  it('truncated segment data, naming the segment and the missing byte count', () => {
    const full = sample();
    expectErr(() => parseImage(full.subarray(0, full.length - 3), { name: 't.elf' }), ENOEXEC, 't.elf', 'PT_LOAD segment 1 (program header 1) truncated', '3 bytes missing');
  });

  it('truncated section header table or symbol table (GNU file cut short)', () => {
    const gnu = fromB64(GNU_INMATE_B64);
    expectErr(() => parseImage(gnu.subarray(0, 0x300), { name: 'g.elf' }), ENOEXEC, 'section header table truncated', 'e_shnum 8', '560 bytes missing');
    const moved = gnu.slice();
    new DataView(moved.buffer).setBigUint64(0x330 + 5 * 64 + 24, 0x500n, true); // .symtab (section 5) sh_offset past EOF
    expectErr(() => parseImage(moved, { name: 'g.elf' }), ENOEXEC, 'section 5', 'sh_offset 0x500', 'beyond the file');
  });

  it('wrong magic when ELF is required', () => {
    const bad = sample();
    bad[1] = 0x45 ^ 0x20;
    expectErr(() => parseImage(bad, { name: 'm.elf', format: 'elf' }), ENOEXEC, 'm.elf', 'bad ELF magic [7f 65 4c 46]');
  });

  it('ELFCLASS32 (an ARM ELF32 header)', () => {
    const e32 = new Uint8Array(52);
    e32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
    new DataView(e32.buffer).setUint16(16, 2, true);
    new DataView(e32.buffer).setUint16(18, 40, true);
    expectErr(() => parseImage(e32, { name: 'arm.elf' }), ENOEXEC, 'arm.elf', 'EI_CLASS 1', 'ELFCLASS32', 'ARM (40)', 'ELFCLASS64');
  });

  it('big-endian', () => {
    const be = sample();
    be[5] = 2;
    new DataView(be.buffer).setUint16(18, 183, false);
    expectErr(() => parseImage(be, { name: 'be.elf' }), ENOEXEC, 'be.elf', 'EI_DATA 2', 'big-endian', 'AArch64 (183)');
  });

  it('another machine (EM_X86_64)', () => {
    expectErr(() => parseImage(sample({ machine: 62 }), { name: 'x86.elf' }), ENOEXEC, 'x86.elf', 'e_machine x86-64 (62)', 'AArch64 (183)');
  });
});

describe('GNU binutils output', () => {
  it('inmate.elf linked at IPA 0: entry, rx/rw segments, bss, symbols', () => {
    const img = parseImage(fromB64(GNU_INMATE_B64), { name: 'inmate.elf' });
    expect(img.entry).toBe(0);
    expect(img.segments.map((s) => [s.addr, s.bytes.length, s.memSize, s.flags])).toEqual([
      [0, 0x3d, 0x3d, 'rx'],
      [0x40, 8, 0x1010, 'rw'],
    ]);
    const sym = img.symbols!;
    expect(sym.get('_start')).toBe(0);
    expect(sym.get('main')).toBe(0x14);
    expect(sym.get('message')).toBe(0x2c); // a local
    expect(sym.get('counter')).toBe(0x40);
    expect(sym.get('__bss_start')).toBe(0x50);
    expect(sym.get('stack_top')).toBe(0x1050);
    expect(sym.get('__bss_end')).toBe(0x1050); // end-of-segment symbol
    expect([...sym.keys()].some((k) => k.startsWith('$') || k === 'inmate.o' || k === '.text')).toBe(false);
    const code = new DataView(img.segments[0]!.bytes.buffer);
    expect(code.getUint32(0, true)).toBe(0x10008280); // adr x0, stack_top
    expect(code.getUint32(0x28, true)).toBe(0xd65f03c0); // ret
    expect(new TextDecoder().decode(img.segments[0]!.bytes.subarray(0x2c, 0x3c))).toBe('hello from jhsim');
  });

  it('inmate.elf loads through an IPA->PA translation, zeroing bss', () => {
    const img = parseImage(fromB64(GNU_INMATE_B64), { name: 'inmate.elf' });
    expect(checkFits(img, [{ start: 0, size: 0x10000, name: 'inmate RAM' }]).map((r) => r.name)).toEqual(['inmate RAM', 'inmate RAM']);
    const mem = ram(0x8000_0000, 0x10000);
    mem.fill(0x8000_0000, 0x10000, 0xaa);
    loadImage(mem, img, (ipa) => 0x8000_0000 + ipa);
    expect(mem.read32(0x8000_0000)).toBe(0x10008280);
    expect(mem.read32(0x8000_0040)).toBe(41);
    expect(mem.read8(0x8000_003d)).toBe(0xaa); // gap between segments untouched
    const bss = mem.copyOut(0x8000_0048, 0x1008);
    expect(bss.every((b) => b === 0)).toBe(true);
    expect(mem.read8(0x8000_1050)).toBe(0xaa);
  });

  it('phys.elf (AT(): p_paddr != p_vaddr): loads at p_paddr, entry and symbols translated', () => {
    const img = parseImage(fromB64(GNU_PHYS_B64), { name: 'phys.elf' });
    expect(img.entry).toBe(0x4000_0008); // e_entry is 0x10000008 (virtual)
    expect(img.segments.map((s) => [s.addr, s.bytes.length, s.memSize, s.flags])).toEqual([
      [0x4000_0000, 0x20, 0x20, 'rx'],
      [0x4000_0100, 0, 0x200, 'rw'],
    ]);
    expect(img.symbols).toEqual(new Map([['scratch', 0x4000_0100], ['_start', 0x4000_0008], ['vectors', 0x4000_0000]]));
    const mem = ram(0x4000_0000, 0x1000);
    mem.fill(0x4000_0000, 0x1000, 0xff);
    loadImage(mem, img);
    expect(mem.read32(0x4000_0000)).toBe(0x14000002); // b _start
    expect(mem.read32(0x4000_0004)).toBe(0x4a485349);
    expect(mem.read64(0x4000_0018)).toBe(0x1000_0100); // literal pool: scratch's virtual address
    expect(mem.copyOut(0x4000_0100, 0x200).every((b) => b === 0)).toBe(true);
  });
});

describe('checkFits', () => {
  const img = parseImage(sample(), { name: 'sample.elf' });

  it('accepts segments each inside some region', () => {
    const regions = [
      { start: 0x1000, size: 0x1000, name: 'code' },
      { start: 0x2000, size: 0x1000, name: 'data' },
    ];
    expect(checkFits(img, regions)).toEqual([regions[0], regions[1]]);
  });

  it('counts bss: a segment whose memSize overruns its region does not fit', () => {
    const regions = [
      { start: 0x0, size: 0x2100, name: 'low' },
      { start: 0x8000, size: 0x1000, name: 'high' },
    ];
    expectErr(() => checkFits(img, regions), Errno.EINVAL, 'sample.elf', 'segment [0x2000, 0x2104)', 'rw', 'low [0x0, 0x2100)', 'high [0x8000, 0x9000)');
    expectErr(() => checkFits(img, []), Errno.EINVAL, '[0x1000, 0x1020)', 'regions available: none');
  });
});

describe('loadImage', () => {
  it('follows a non-contiguous page translation, per 4 KiB page', () => {
    const data = new Uint8Array(0x2800).map((_, i) => (i * 7) & 0xff);
    const img = parseImage(data, { name: 'big.bin', loadAddress: 0x10_0000 });
    const mem = ram(0, 0x10000);
    // IPA page k -> PA page (4 - k): reversed.
    loadImage(mem, img, (ipa) => (4 - Math.floor((ipa - 0x10_0000) / 0x1000)) * 0x1000 + (ipa % 0x1000));
    expect(mem.copyOut(0x4000, 0x1000)).toEqual(data.subarray(0, 0x1000));
    expect(mem.copyOut(0x3000, 0x1000)).toEqual(data.subarray(0x1000, 0x2000));
    expect(mem.copyOut(0x2000, 0x800)).toEqual(data.subarray(0x2000));
  });

  it('spans adjacent RAM banks with the identity translation', () => {
    const mem = new PhysicalMemory([
      { base: 0, size: 0x1000, sab: new SharedArrayBuffer(0x1000) },
      { base: 0x1000, size: 0x1000, sab: new SharedArrayBuffer(0x1000) },
    ]);
    const img = parseImage(new Uint8Array(0x1800).fill(5), { name: 'two.bin', loadAddress: 0x400 });
    loadImage(mem, img);
    expect(mem.read8(0x400)).toBe(5);
    expect(mem.read8(0x1bff)).toBe(5);
    expect(mem.read8(0x1c00)).toBe(0);
  });

  it('rejects an address that translates outside RAM and writes nothing', () => {
    const img: GuestImage = parseImage(sample(), { name: 'sample.elf' });
    const mem = ram(0, 0x2000);
    expectErr(() => loadImage(mem, img), Errno.EINVAL, 'sample.elf', 'segment [0x2000, 0x2104)', 'load address 0x2000', 'not RAM');
    expect(mem.copyOut(0x1000, 0x20).every((b) => b === 0)).toBe(true);
  });
});
