/**
 * The PL011 model and the device path, without workers: register reset values and bits, the
 * ID registers, bus widths and reserved offsets, DR writes landing in the transmit ring tagged
 * with the writer's cell, the ring's reader (order, overwrites, entries still being written),
 * guest loads and stores reaching the UART from the interpreter and from translated blocks,
 * and the main thread's per-cell line assembly and log files.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BoardSchema, DEFAULT_BOARD, boardUarts, loadBoard } from '../src/actors/cpu/board.js';
import { PhysicalMemory } from '../src/shared/phys-mem.js';
import { PL011_PCELL_ID, PL011_PERIPH_ID, Pl011, Pl011Reg, resetPl011 } from '../src/actors/cpu/devices/pl011.js';
import { TX_RING_ENTRIES, TxEntry, UartWord, txEntryWord, uartSabSize, uartWord } from '../src/actors/cpu/devices/pl011-layout.js';
import { TxReader, txPush } from '../src/actors/cpu/devices/uart-ring.js';
import { DeviceBus } from '../src/actors/cpu/devices/bus.js';
import { PagePool, PoolFlags } from '../src/actors/hypervisor/core/page-pool.js';
import { pagingAllocRoot, pagingCreate, s2Flags, stage2Format } from '../src/actors/hypervisor/core/paging.js';
import { SoftTlb, Stage2 } from '../src/actors/cpu/a64/mmu.js';
import { CpuGuestMemory } from '../src/actors/cpu/guest/memory.js';
import { A64State, SCTLR_EL1_RES1 } from '../src/actors/cpu/a64/state.js';
import { run } from '../src/actors/cpu/a64/interp.js';
import { Translator } from '../src/actors/cpu/a64/jit.js';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';
import type { InterpHooks } from '../src/actors/cpu/a64/interp-types.js';
import { UartConsole, formatUartLine, logFileName } from '../src/cli/shell/uart-console.js';

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-pl011-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function uarts(n = 3): Int32Array {
  const v = new Int32Array(new SharedArrayBuffer(uartSabSize(n)));
  for (let i = 0; i < n; i++) resetPl011(v, i);
  return v;
}

/** Everything in the ring of `uart` as [cell, char] pairs. */
function ring(v: Int32Array, uart = 0): [number, string][] {
  const out: [number, string][] = [];
  new TxReader(v, uart).drain((cell, byte) => out.push([cell, String.fromCharCode(byte)]));
  return out;
}

describe('PL011 registers', () => {
  it('reset values: CR = TXE|RXE, IFLS = 0x12, FR = TXFE|RXFE, the rest 0', () => {
    const u = new Pl011(uarts(), 0, () => 0);
    const r = (off: number): number => Number(u.read(off, 4));
    expect(r(Pl011Reg.CR)).toBe(0x300);
    expect(r(Pl011Reg.IFLS)).toBe(0x12);
    expect(r(Pl011Reg.FR)).toBe(0x90);
    for (const off of [Pl011Reg.DR, Pl011Reg.RSR_ECR, Pl011Reg.ILPR, Pl011Reg.IBRD, Pl011Reg.FBRD, Pl011Reg.LCR_H, Pl011Reg.IMSC, Pl011Reg.RIS, Pl011Reg.MIS, Pl011Reg.ICR, Pl011Reg.DMACR]) {
      expect(r(off), `offset 0x${off.toString(16)}`).toBe(0);
    }
  });

  it('FR: never busy or full (transmission is instant), receive FIFO always empty', () => {
    const u = new Pl011(uarts(), 0, () => 0);
    for (let i = 0; i < 100; i++) u.write(Pl011Reg.DR, 4, 0x41n);
    const fr = Number(u.read(Pl011Reg.FR, 4));
    expect(fr & (1 << 5)).toBe(0); // TXFF
    expect(fr & (1 << 3)).toBe(0); // BUSY
    expect(fr & (1 << 7)).not.toBe(0); // TXFE
    expect(fr & (1 << 4)).not.toBe(0); // RXFE
    expect(u.read(Pl011Reg.DR, 4)).toBe(0n);
  });

  it('PeriphID0-3 = 0x11 0x10 0x34 0x00 (PL011 r1p5), PCellID0-3 = 0x0d 0xf0 0x05 0xb1', () => {
    const u = new Pl011(uarts(), 0, () => 0);
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => Number(u.read(o, 4)));
    expect(ids).toEqual([0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    expect([...PL011_PERIPH_ID, ...PL011_PCELL_ID]).toEqual(ids);
    // Read-only.
    u.write(0xfe0, 4, 0xffn);
    expect(u.read(0xfe0, 4)).toBe(0x11n);
  });

  it('read/write registers keep only their implemented bits', () => {
    const u = new Pl011(uarts(), 0, () => 0);
    const widths: [number, number][] = [
      [Pl011Reg.ILPR, 0xff], [Pl011Reg.IBRD, 0xffff], [Pl011Reg.FBRD, 0x3f], [Pl011Reg.LCR_H, 0xff],
      [Pl011Reg.CR, 0xffff], [Pl011Reg.IFLS, 0x3f], [Pl011Reg.IMSC, 0x7ff], [Pl011Reg.DMACR, 0x7],
    ];
    for (const [off, mask] of widths) {
      expect(u.write(off, 4, 0xffff_ffffn)).toBe(true);
      expect(Number(u.read(off, 4)), `offset 0x${off.toString(16)}`).toBe(mask);
    }
    // Read-only FR, RIS and MIS ignore writes.
    u.write(Pl011Reg.FR, 4, 0n);
    u.write(Pl011Reg.RIS, 4, 0x7ffn);
    expect(u.read(Pl011Reg.FR, 4)).toBe(0x90n);
  });

  it('a DR write sets RIS.TXRIS; MIS = RIS & IMSC; ICR clears; ECR clears RSR', () => {
    const v = uarts();
    const u = new Pl011(v, 0, () => 0);
    u.write(Pl011Reg.DR, 4, 0x41n);
    expect(u.read(Pl011Reg.RIS, 4)).toBe(0x20n);
    expect(u.read(Pl011Reg.MIS, 4)).toBe(0n);
    u.write(Pl011Reg.IMSC, 4, 0x20n);
    expect(u.read(Pl011Reg.MIS, 4)).toBe(0x20n);
    u.write(Pl011Reg.ICR, 4, 0x20n);
    expect(u.read(Pl011Reg.RIS, 4)).toBe(0n);
    expect(u.read(Pl011Reg.MIS, 4)).toBe(0n);
    expect(u.read(Pl011Reg.ICR, 4)).toBe(0n); // write-only
    Atomics.store(v, uartWord(0, UartWord.RSR), 0xf);
    expect(u.read(Pl011Reg.RSR_ECR, 4)).toBe(0xfn);
    u.write(Pl011Reg.RSR_ECR, 4, 0n);
    expect(u.read(Pl011Reg.RSR_ECR, 4)).toBe(0n);
  });

  it('reserved offsets read as zero and ignore writes; offsets past 0xfff too', () => {
    const u = new Pl011(uarts(), 0, () => 0);
    for (const off of [0x08, 0x0c, 0x10, 0x14, 0x1c, 0x4c, 0x80, 0x100, 0xfdc, 0x1000, 0x1018]) {
      expect(u.write(off, 4, 0xffff_ffffn)).toBe(true);
      expect(u.read(off, 4), `offset 0x${off.toString(16)}`).toBe(0n);
    }
    expect(u.read(Pl011Reg.CR, 4)).toBe(0x300n);
  });

  it('8- and 16-bit accesses hit their byte lanes; 64-bit and misaligned ones are bus errors', () => {
    const v = uarts();
    const u = new Pl011(v, 0, () => 0);
    expect(u.read(Pl011Reg.FR, 1)).toBe(0x90n);
    expect(u.read(Pl011Reg.FR + 1, 1)).toBe(0n);
    expect(u.read(Pl011Reg.CR + 1, 1)).toBe(0x3n);
    expect(u.read(Pl011Reg.CR, 2)).toBe(0x300n);
    expect(u.read(0xfe8, 1)).toBe(0x34n);
    expect(u.write(Pl011Reg.IBRD + 1, 1, 0x12n)).toBe(true); // lane 1 of IBRD
    expect(u.read(Pl011Reg.IBRD, 4)).toBe(0x1200n);
    expect(u.read(Pl011Reg.DR, 8)).toBeUndefined();
    expect(u.write(Pl011Reg.DR, 8, 0x41n)).toBe(false);
    expect(u.read(Pl011Reg.FR + 2, 4)).toBeUndefined();
    expect(u.write(Pl011Reg.DR + 1, 2, 0n)).toBe(false);
    expect(ring(v)).toEqual([]);
  });
});

describe('transmit ring', () => {
  it('DR writes of every width land in the ring in order, tagged with the writer cell', () => {
    const v = uarts();
    let cell = 0;
    const u = new Pl011(v, 1, () => cell);
    u.write(Pl011Reg.DR, 4, 0x1_0000_0168n); // upper bits are not data
    cell = 3;
    u.write(Pl011Reg.DR, 1, 0x69n);
    u.write(Pl011Reg.DR, 2, 0x0a0an & 0xffn);
    expect(ring(v, 1)).toEqual([[0, 'h'], [3, 'i'], [3, '\n']]);
    expect(ring(v, 0)).toEqual([]);
  });

  it('a reader that falls more than a ring behind counts the overwritten bytes', () => {
    const v = uarts(1);
    const r = new TxReader(v, 0);
    const n = TX_RING_ENTRIES + 10;
    for (let i = 0; i < n; i++) txPush(v, 0, 1, 0x30 + (i % 10));
    const got: number[] = [];
    r.drain((_c, b) => got.push(b));
    expect(r.missed).toBe(10);
    expect(got.length).toBe(TX_RING_ENTRIES);
    expect(got[0]).toBe(0x30);
  });

  it('an entry reserved but not yet written holds the reader back, then is given up on', () => {
    const v = uarts(1);
    const r = new TxReader(v, 0);
    txPush(v, 0, 0, 0x61);
    Atomics.add(v, uartWord(0, UartWord.TX_HEAD), 1); // a writer reserved position 1 and stopped
    txPush(v, 0, 0, 0x63);
    const got: string[] = [];
    const emit = (_c: number, b: number): void => void got.push(String.fromCharCode(b));
    const now = vi.spyOn(performance, 'now').mockReturnValue(1000);
    try {
      r.drain(emit);
      r.drain(emit);
      expect(got).toEqual(['a']);
      // Published late: read in order.
      Atomics.store(v, txEntryWord(0, 1) + TxEntry.DATA, 0x62);
      Atomics.store(v, txEntryWord(0, 1) + TxEntry.SEQ, 2);
      r.drain(emit);
      expect(got).toEqual(['a', 'b', 'c']);
      // A writer that never publishes: skipped after a second.
      Atomics.add(v, uartWord(0, UartWord.TX_HEAD), 1);
      txPush(v, 0, 0, 0x65);
      r.drain(emit);
      now.mockReturnValue(2500);
      r.drain(emit);
      expect(got).toEqual(['a', 'b', 'c', 'e']);
      expect(r.missed).toBe(1);
    } finally {
      now.mockRestore();
    }
  });
});

describe('board and bus', () => {
  it('the default board has the root console and two extra PL011s; the board file says the same', () => {
    expect(boardUarts(DEFAULT_BOARD)).toEqual([
      { base: 0x09000000, size: 0x1000, irq: 33 },
      { base: 0x09040000, size: 0x1000, irq: 34 },
      { base: 0x09050000, size: 0x1000, irq: 35 },
    ]);
    expect(loadBoard('configs/boards/qemu-arm64-virt.json')).toEqual(DEFAULT_BOARD);
    // `uarts` is optional; windows must not overlap RAM or each other.
    const { uarts: _u, ...noExtras } = DEFAULT_BOARD;
    expect(BoardSchema.parse(noExtras).uarts).toEqual([]);
    expect(BoardSchema.safeParse({ ...DEFAULT_BOARD, uarts: [{ base: 0x40000000, irq: 34 }] }).success).toBe(false);
    expect(BoardSchema.safeParse({ ...DEFAULT_BOARD, uarts: [{ base: 0x09000000, irq: 34 }] }).success).toBe(false);
    expect(BoardSchema.safeParse({ ...DEFAULT_BOARD, uarts: [{ base: 0x09040800, irq: 34 }] }).success).toBe(false);
  });

  it('routes physical accesses to the UART whose window holds them; anything else is a bus error', () => {
    const sab = new SharedArrayBuffer(uartSabSize(3));
    const v = new Int32Array(sab);
    for (let i = 0; i < 3; i++) resetPl011(v, i);
    const bus = new DeviceBus(DEFAULT_BOARD, sab, () => 2);
    expect(bus.write(0x09050000, 4, 0x7an)).toBe(true);
    expect(ring(v, 2)).toEqual([[2, 'z']]);
    expect(bus.read(0x09040030, 4)).toBe(0x300n);
    expect(bus.read(0x09010000, 4)).toBeUndefined(); // the RTC page: not modelled
    expect(bus.write(0x09000ffe, 4, 0n)).toBe(false); // straddles the window's end
  });
});

describe('guest accesses reach the UART (interpreter and translated code)', () => {
  const BANK = 0x4000_0000;
  const CELL_PA = BANK + 0x40_0000;
  const UART = 0x0900_0000;
  const hooks: InterpHooks = { mpidr: () => 0n, timerRead: () => 0n, timerWrite: () => undefined };

  /** A cell with 1 MiB of RAM at IPA 0 and the UART page mapped as a device (IO), as Jailhouse maps it. */
  function cell(cellId: number): { mem: CpuGuestMemory; phys: PhysicalMemory; tlb: SoftTlb; v: Int32Array } {
    const phys = new PhysicalMemory([{ base: BANK, size: 8 << 20, sab: new SharedArrayBuffer(8 << 20) }]);
    const sab = new SharedArrayBuffer(uartSabSize(3));
    const v = new Int32Array(sab);
    for (let i = 0; i < 3; i++) resetPl011(v, i);
    phys.mmio = new DeviceBus(DEFAULT_BOARD, sab, () => cellId);
    const pool = new PagePool(phys, BANK + 0x100);
    pool.init(BANK + 0x10000, 256, BANK + 0x10000, PoolFlags.SCRUB_ON_FREE);
    pool.markUsed(1);
    const format = stage2Format(44);
    const pt = { root: pagingAllocRoot(pool, format), format };
    expect(pagingCreate(phys, pool, pt, CELL_PA, 0x10_0000, 0, s2Flags({ read: true, write: true }), { huge: true })).toBe(0);
    expect(pagingCreate(phys, pool, pt, UART, 0x1000, UART, s2Flags({ read: true, write: true, device: true }), {})).toBe(0);
    expect(pagingCreate(phys, pool, pt, 0x0901_0000, 0x1000, 0x0901_0000, s2Flags({ read: true, write: true, device: true }), {})).toBe(0);
    const regs = { SCTLR_EL1: SCTLR_EL1_RES1, TCR_EL1: 0n, TTBR0_EL1: 0n, TTBR1_EL1: 0n, MAIR_EL1: 0n };
    const tlb = new SoftTlb(phys, regs, new Stage2(phys, pt));
    return { mem: new CpuGuestMemory(phys, tlb), phys, tlb, v };
  }

  // Jailhouse's inmate console: poll FR.TXFF, 32-bit write of each character to DR; then a byte store.
  const PRINT = `
        movz  x2, #0x0900, lsl #16
        adr   x4, msg
1:      ldr   w3, [x2, #0x18]
        tbnz  w3, #5, 1b
        ldrb  w1, [x4], #1
        cbz   w1, 2f
        str   w1, [x2]
        b     1b
2:      mov   w5, #0x21
        strb  w5, [x2]
        hvc   #0
msg:    .asciz "hi\\n"
`;

  it('the interpreter: loads and stores of the UART page go to the device, no fault', () => {
    const c = cell(4);
    c.phys.copyIn(CELL_PA, assemble(PRINT, 0).bytes);
    const s = new A64State();
    const r = run(s, c.mem, hooks, 1000);
    expect(r.result).toMatchObject({ kind: 'exception', type: 'hvc' });
    expect(ring(c.v).map(([cell, ch]) => `${cell}:${ch}`).join(' ')).toBe('4:h 4:i 4:\n 4:!');
  });

  it('translated blocks hand device accesses to the interpreter: same bytes, same order', () => {
    const c = cell(6);
    c.phys.copyIn(CELL_PA, assemble(PRINT, 0).bytes);
    const s = new A64State();
    const jit = new Translator(s, c.mem, hooks, c.phys, c.tlb);
    c.mem.onWrite = (pa, size) => jit.noteWrite(pa, size);
    jit.run(1000);
    expect(jit.exception).toMatchObject({ type: 'hvc' });
    expect(jit.stats.compiled).toBeGreaterThan(0);
    expect(jit.stats.translated).toBeGreaterThan(0);
    expect(ring(c.v).map(([cell, ch]) => `${cell}:${ch}`).join(' ')).toBe('6:h 6:i 6:\n 6:!');
  });

  it('exclusive stores, atomics, 64-bit accesses and unmodelled device pages take an external abort', () => {
    const c = cell(0);
    const abort = (src: string, x2 = BigInt(UART)): unknown => {
      c.phys.copyIn(CELL_PA, assemble(src, 0).bytes);
      const s = new A64State();
      s.x[2] = x2;
      return run(s, c.mem, hooks, 10).result;
    };
    const external = { kind: 'exception', type: 'dataAbort', fault: { fault: 'external' } };
    // LDXR reads the register; the STXR that would complete the pair aborts.
    expect(abort('ldxr w1, [x2]\nstxr w0, w1, [x2]')).toMatchObject({ ...external, pc: 4 });
    expect(abort('ldadd w1, w3, [x2]')).toMatchObject(external);
    expect(abort('cas w1, w3, [x2]')).toMatchObject(external);
    expect(abort('ldr x1, [x2]')).toMatchObject(external);
    expect(abort('str w1, [x2]', 0x0901_0000n)).toMatchObject(external);
    expect(ring(c.v)).toEqual([]);
  });
});

describe('UartConsole (main thread)', () => {
  function rings(): Int32Array {
    return uarts(3);
  }

  it('assembles lines per cell, never mixing two cells in one line; names from the cell list', () => {
    const v = rings();
    const cells = new Map<number, string>([[0, 'qemu-arm64'], [1, 'gic-demo']]);
    const con = new UartConsole(v, 3, () => cells);
    const put = (cell: number, s: string, uart = 0): void => {
      for (const ch of s) txPush(v, uart, cell, ch.charCodeAt(0));
    };
    put(1, 'Timer fi');
    put(0, 'root sa');
    put(1, 'red\r\n');
    put(0, 'ys\n');
    put(7, 'who?\n');
    put(1, 'on uart1\n', 1);
    con.poll();
    expect(con.take().map(formatUartLine).join('')).toBe(
      '[gic-demo] Timer fired\n[qemu-arm64] root says\n[cell7] who?\n[gic-demo@uart1] on uart1\n',
    );
    // The cell is destroyed: its last words keep its name; its unfinished line ends at stop().
    put(1, 'bye\nhalf');
    cells.delete(1);
    con.stop();
    expect(con.takeText()).toBe('[gic-demo] bye\n[gic-demo] half\n');
  });

  it('reports bytes lost to an overrun and lines dropped from a full queue', () => {
    const v = rings();
    const con = new UartConsole(v, 3, () => [[0, 'root']], { maxQueued: 2 });
    for (let i = 0; i < TX_RING_ENTRIES + 6; i++) txPush(v, 0, 0, i % 2 ? 0x0a : 0x78);
    con.poll();
    const lines = con.take();
    expect(lines[0]!.text).toMatch(/^\d+ UART lines were dropped before they were shown$/);
    expect(lines.slice(1).map(formatUartLine)).toEqual(['[root] x\n', '[jhsim] uart0: 6 bytes were overwritten before they could be read\n']);
  });

  it('--uart-log: one file per cell, named after the cell, root included', () => {
    const dir = join(tmp, 'logs');
    const v = rings();
    const con = new UartConsole(v, 3, () => [[0, 'qemu-arm64'], [2, 'my cell/2']], { logDir: dir });
    for (const [cell, s] of [[0, 'root line\n'], [2, 'cell line\r\n'], [2, 'more']] as const) for (const ch of s) txPush(v, 0, cell, ch.charCodeAt(0));
    txPush(v, 1, 2, 0x41);
    txPush(v, 1, 2, 0x0a);
    con.poll();
    con.stop();
    expect(readdirSync(dir).sort()).toEqual(['my_cell_2.log', 'qemu-arm64.log']);
    expect(readFileSync(join(dir, 'qemu-arm64.log'), 'latin1')).toBe('root line\n');
    expect(readFileSync(join(dir, 'my_cell_2.log'), 'latin1')).toBe('cell line\n[uart1] A\nmore\n');
    expect(logFileName('..')).toBe('cell...log');
  });
});
