/**
 * `jailhouse cell linux` as a user runs it: a kernel Image of our own (a stub with arm64 Linux's
 * Image header that reports what the boot protocol handed it: x0 = the device tree, x1-x3 = 0,
 * the MMU off, and the tree's header), a device tree of our own, the linux-demo cell config.
 * The tool plans the cell's memory as upstream's jailhouse-cell-linux does (device tree at the
 * start of the first RAM region big enough, kernel at the next 2 MiB boundary plus the Image's
 * text_offset), rewrites /memory and /chosen, creates, loads (jhsim's own linux-loader at the
 * reset address, "kernel=… dtb=…" 0x1000 above it) and starts the cell. With -w it writes the
 * tree and prints the commands instead; bad input is refused with the file named.
 */
import './dist-fresh.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { jhsim } from './cli-process.js';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';
import { INMATE_LIB } from '../dist/actors/cpu/inmates/lib.js';
import { emptyFdt, findNode, getProp, parseFdt, serializeFdt, setProp, stringProp } from '../dist/cli/tools/fdt.js';

vi.setConfig({ testTimeout: 120_000 });

const CELL = 'configs/qemu-arm64-linux-demo.json';
/** The cell's first RAM region large enough (0x70000000, 128 MiB): the tree goes there. */
const DTB_ADDR = 0x7000_0000;
const TEXT_OFFSET = 0x8_0000;
const KERNEL_ADDR = DTB_ADDR + 0x20_0000 + TEXT_OFFSET;

/** The stub kernel: arm64 Image header, then prints its boot state through the debug console. */
function stubKernel(padTo = 0): Uint8Array {
  const img = assemble(`
_head:  b     start                  // code0
        .word 0                      // code1
        .quad ${TEXT_OFFSET}         // text_offset
        .quad 0x10000                // image_size
        .quad 0xa                    // flags: LE, 4K pages, anywhere
        .quad 0
        .quad 0
        .quad 0
        .word 0x644d5241             // magic "ARM\\x64"
        .word 0
start:  mov   x19, x0
        orr   x20, x1, x2
        orr   x20, x20, x3
        adr   x9, _head
        add   sp, x9, #0x10000
        adr   x0, m_dtb
        bl    puts
        mov   x0, x19
        bl    putdec
        ldr   w21, [x19]
        rev   w21, w21
        adr   x0, m_magic
        bl    puts
        mov   x0, x21
        bl    putdec
        ldr   w21, [x19, #4]
        rev   w21, w21
        adr   x0, m_size
        bl    puts
        mov   x0, x21
        bl    putdec
        adr   x0, m_x1x3
        bl    puts
        mov   x0, x20
        bl    putdec
        mrs   x21, sctlr_el1
        and   x0, x21, #1
        adr   x9, m_mmu
        mov   x21, x0
        mov   x0, x9
        bl    puts
        mov   x0, x21
        bl    putdec
        adr   x0, m_nl
        bl    puts
1:      wfi
        b     1b
${INMATE_LIB}
m_dtb:   .asciz "stub kernel: dtb="
m_magic: .asciz " magic="
m_size:  .asciz " totalsize="
m_x1x3:  .asciz " x1|x2|x3="
m_mmu:   .asciz " mmu="
m_nl:    .asciz "\\n"
console_lock: .word 0
`, KERNEL_ADDR).bytes;
  if (padTo <= img.length) return img;
  const out = new Uint8Array(padTo);
  out.set(img);
  return out;
}

/** A device tree of our own: root, an empty /chosen, a placeholder /memory. */
function deviceTree(): Uint8Array {
  const fdt = emptyFdt();
  setProp(fdt, '/chosen', 'stdout-path', stringProp('/pl011@9000000'));
  setProp(fdt, '/memory', 'device_type', stringProp('memory'));
  setProp(fdt, '/memory', 'reg', new Uint8Array(16));
  return serializeFdt(fdt);
}

function files(): { dir: string; kernel: string; dtb: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jhsim-cell-linux-'));
  const kernel = join(dir, 'Image');
  const dtb = join(dir, 'inmate.dtb');
  writeFileSync(kernel, stubKernel());
  writeFileSync(dtb, deviceTree());
  return { dir, kernel, dtb };
}

const u64s = (b: Uint8Array | undefined): bigint[] => {
  const dv = new DataView(b!.buffer, b!.byteOffset, b!.byteLength);
  return Array.from({ length: b!.byteLength / 8 }, (_, k) => dv.getBigUint64(8 * k, false));
};
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b!).replace(/\0$/, '');

describe('jailhouse cell linux', () => {
  it('boots a kernel Image in the linux-demo cell: x0 = the rewritten device tree, MMU off, x1-x3 = 0', async () => {
    const f = files();
    const r = await jhsim(['run', '-c',
      `jailhouse enable configs/qemu-arm64.json; jailhouse cell linux ${CELL} ${f.kernel} -d ${f.dtb} -c "console=ttyAMA0 root=/dev/ram0"; sleep 1; jailhouse cell list; jailhouse console`]);
    expect(r.code, r.stderr).toBe(0);
    const line = /stub kernel: dtb=(\d+) magic=(\d+) totalsize=(\d+) x1\|x2\|x3=(\d+) mmu=(\d+)/.exec(r.stdout);
    expect(line, r.stdout).not.toBeNull();
    expect(Number(line![1])).toBe(DTB_ADDR);
    expect(Number(line![2])).toBe(0xd00dfeed);
    expect(Number(line![4])).toBe(0);
    expect(Number(line![5])).toBe(0);
    expect(r.stdout).toMatch(/qemu-arm64-linux-demo\s+running\s+2-3/);
    // The tree the kernel got is the one -w writes (same plan, same rewrite).
    const out = join(f.dir, 'linux.dtb');
    const p = await jhsim(['run', '-c', `jailhouse cell linux ${CELL} ${f.kernel} -d ${f.dtb} -c "console=ttyAMA0 root=/dev/ram0" -w ${out}`]);
    expect(p.code, p.stderr).toBe(0);
    expect(Number(line![3])).toBe(readFileSync(out).length);
  });

  it('-w writes the device tree (/memory from the cell RAM, /chosen bootargs and initrd) and prints the commands', async () => {
    const f = files();
    const initrd = join(f.dir, 'initrd.cpio');
    writeFileSync(initrd, new Uint8Array(5000).fill(7));
    const gz = join(f.dir, 'Image.gz');
    writeFileSync(gz, gzipSync(stubKernel()));
    const out = join(f.dir, 'out.dtb');
    const r = await jhsim(['run', '-c', `jailhouse cell linux ${CELL} ${gz} -d ${f.dtb} -i ${initrd} -c "console=hvc0" -w ${out}`]);
    expect(r.code, r.stderr).toBe(0);
    const fdt = parseFdt(new Uint8Array(readFileSync(out)));
    expect(u64s(getProp(fdt, '/memory', 'reg'))).toEqual([0x7000_0000n, 0x800_0000n]);
    expect(text(getProp(fdt, '/memory', 'device_type'))).toBe('memory');
    expect(text(getProp(fdt, '/chosen', 'bootargs'))).toBe('console=hvc0');
    expect(text(getProp(fdt, '/chosen', 'stdout-path'))).toBe('/pl011@9000000');
    // The kernel's page-aligned size (one page) plus as much again (decompression factor 1).
    const initrdAt = KERNEL_ADDR + 0x2000;
    expect(u64s(getProp(fdt, '/chosen', 'linux,initrd-start'))).toEqual([BigInt(initrdAt)]);
    expect(u64s(getProp(fdt, '/chosen', 'linux,initrd-end'))).toEqual([BigInt(initrdAt + 5000)]);
    expect(findNode(fdt, '/')!.children.map((c) => c.name).sort()).toEqual(['chosen', 'memory']);
    const hex = (n: number): string => `0x${n.toString(16)}`;
    expect(r.stdout).toContain(
      'Modified device tree written. Start Linux with the following commands (adjusting paths as needed):\n\n' +
        `jailhouse cell create ${CELL}\n` +
        `jailhouse cell load qemu-arm64-linux-demo linux-loader.bin -a 0x0 -s "kernel=${hex(KERNEL_ADDR)} dtb=${hex(DTB_ADDR)}" -a 0x1000 ` +
        `${gz}-unzipped -a ${hex(KERNEL_ADDR)} ${initrd} -a ${hex(initrdAt)} ${out} -a ${hex(DTB_ADDR)}\n` +
        'jailhouse cell start qemu-arm64-linux-demo\n\n' +
        `Note that ${gz} is zipped and requires decompression first.\n`,
    );
  });

  it('refuses bad input with the reason and leaves no cell behind', async () => {
    const f = files();
    const big = join(f.dir, 'Big');
    writeFileSync(big, stubKernel(0x900_0000)); // 144 MiB: larger than any RAM region of the cell
    const junk = join(f.dir, 'junk.dtb');
    writeFileSync(junk, new Uint8Array(64).fill(0x55));
    const lines = [
      'jailhouse enable configs/qemu-arm64.json',
      `jailhouse cell linux ${CELL} ${f.kernel}`,
      `jailhouse cell linux ${CELL} ${big} -d ${f.dtb}`,
      `jailhouse cell linux ${CELL} ${f.kernel} -d ${junk}`,
      `jailhouse cell linux ${CELL}`,
      `jailhouse cell linux ${CELL} ${f.kernel} -d ${f.dtb} -a x86`,
      'jailhouse cell list',
      'exit',
    ];
    const r = await jhsim(['shell'], { input: `${lines.join('\n')}\n`, timeoutMs: 60_000 });
    expect(r.stderr).toContain('No device tree specified');
    expect(r.stderr).toContain('No space found to load all images');
    expect(r.stderr).toContain(`${junk}: Invalid DTB`);
    expect(r.stderr).toContain('the following arguments are required: CELLCONFIG, KERNEL');
    expect(r.stderr).toContain('jhsim models arm64 only');
    expect(r.stdout).toContain('qemu-arm64              running');
    expect(r.stdout).not.toContain('qemu-arm64-linux-demo');
    const one = await jhsim(['run', '-c', `jailhouse enable configs/qemu-arm64.json; jailhouse cell linux ${CELL} ${big} -d ${f.dtb}`]);
    expect(one.code).toBe(1);
  });
});
