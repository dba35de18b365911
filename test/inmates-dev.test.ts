/**
 * The interrupt-capable inmates (gic-demo, uart-demo, sgi-pingpong, gic-attack) and their device
 * runtime, without the project's GIC or PL011 models: their images contain the architectural
 * encodings they are about, the shipped cell configs validate, and each inmate runs on the
 * reference interpreter over a test board written from the architecture (test/inmates-board.ts)
 * with exact checks of its console output, MMIO accesses, system-register accesses, timer
 * programming, PSCI calls and comm-region replies.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../src/actors/cpu/a64/asm-text.js';
import { mrs, msr } from '../src/actors/cpu/a64/encode.js';
import { buildInmate, INMATES } from '../src/actors/cpu/inmates/index.js';
import { INMATE_DEV_LIB, INMATE_DEV_LIB_DATA, INMATE_LIB, INMATE_LIB_DATA, inmateHead } from '../src/actors/cpu/inmates/lib.js';
import { COMM } from '../src/actors/hypervisor/core/layout.js';
import { loadCellConfig, parseCellConfig } from '../src/shared/config/index.js';
import { Board, GICD, GICR, type MmioAccess } from './inmates-board.js';

const NEW = ['gic-demo', 'uart-demo', 'sgi-pingpong', 'gic-attack'] as const;

function words(img: Uint8Array): number[] {
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  return Array.from({ length: img.length >> 2 }, (_, i) => dv.getUint32(i * 4, true));
}
/** Number of words equal to `enc` ignoring the Rt field (bits 4:0). */
function countRt(img: Uint8Array, enc: number): number {
  return words(img).filter((w) => (w & ~0x1f) >>> 0 === (enc & ~0x1f) >>> 0).length;
}
const has = (img: Uint8Array, enc: number): boolean => countRt(img, enc) > 0;
const WFI = 0xd503207f;
const ERET = 0xd69f03e0;
const DAIFCLR_I = 0xd50342ff;

function source(name: string): string {
  return INMATES.find((i) => i.name === name)!.source;
}
function symbols(name: string): Map<string, number> {
  return assemble(source(name), 0).symbols;
}
const gicdW = (off: number, size: number, value: bigint): Partial<MmioAccess> => ({ addr: GICD + off, size, write: true, value });
const gicdR = (off: number, size: number): Partial<MmioAccess> => ({ addr: GICD + off, size, write: false });

describe('device inmate images', () => {
  it('are in the INMATES table and link the vector table at 0x800 and the command line at 0x1000', () => {
    for (const n of NEW) {
      const syms = symbols(n);
      expect(syms.get('_start'), n).toBe(0);
      expect(syms.get('vectors'), n).toBe(0x800);
      expect(syms.get('cmdline'), n).toBe(0x1000);
      expect(syms.get('main'), n).toBe(0x1100);
      const img = buildInmate(n);
      expect(img.length, n).toBeLessThan(0x8000); // below the stacks of CPUs up to 15
      expect(words(img)[0], n).toBe(0x14000000 | (0x1100 >> 2)); // b main
      // IRQ vectors (current EL SPx, lower EL AArch64): save x0/x1 below a 272-byte frame, go to irq_entry
      for (const v of [0xa80, 0xc80]) {
        const w = words(img).slice(v >> 2, (v >> 2) + 3);
        expect(w[0], `${n} ${v.toString(16)}`).toBe(0xd10443ff); // sub sp, sp, #272
        expect(w[1], `${n} ${v.toString(16)}`).toBe(0xa90007e0); // stp x0, x1, [sp]
      }
      expect(words(img).includes(ERET), n).toBe(true);
      expect(has(img, mrs('x0', 'ICC_IAR1_EL1')), n).toBe(true);
      expect(has(img, msr('ICC_EOIR1_EL1', 'x0')), n).toBe(true);
    }
  });

  it('contain the architectural instructions each inmate is about', () => {
    const gic = buildInmate('gic-demo');
    for (const e of [msr('ICC_CTLR_EL1', 'xzr'), msr('ICC_PMR_EL1', 'x0'), msr('ICC_IGRPEN1_EL1', 'x0'), msr('VBAR_EL1', 'x0'),
      mrs('x0', 'CNTFRQ_EL0'), mrs('x0', 'CNTPCT_EL0'), msr('CNTV_TVAL_EL0', 'x0'), msr('CNTV_CTL_EL0', 'x0'), mrs('x0', 'MPIDR_EL1')]) {
      expect(has(gic, e), e.toString(16)).toBe(true);
    }
    expect(words(gic).includes(WFI)).toBe(true);
    expect(words(gic).includes(DAIFCLR_I)).toBe(true);
    const ping = buildInmate('sgi-pingpong');
    expect(has(ping, msr('ICC_SGI1R_EL1', 'x0'))).toBe(true);
    expect(words(ping).includes(0xd4000003)).toBe(true); // smc #0 (PSCI CPU_ON)
    expect(words(ping).includes(WFI)).toBe(true);
    const uart = buildInmate('uart-demo');
    // no interrupt set-up, no hypercalls, no SGIs: only the shared runtime's copies
    expect(countRt(uart, msr('ICC_SGI1R_EL1', 'x0'))).toBe(countRt(gic, msr('ICC_SGI1R_EL1', 'x0')));
    expect(words(uart).includes(DAIFCLR_I)).toBe(false);
    const attack = buildInmate('gic-attack');
    expect(has(attack, msr('ICC_SGI1R_EL1', 'x0'))).toBe(true);
    expect(new DataView(attack.buffer, attack.byteOffset).getUint32(0x1000, true)).toBe(0); // default attack 0
  });

  it('configs/inmates/*.bin of the new inmates are the images the sources assemble to', () => {
    for (const n of NEW) expect(new Uint8Array(readFileSync(`configs/inmates/${n}.bin`)), n).toEqual(buildInmate(n));
  });
});

describe('device inmate cell configs', () => {
  const cfg = (n: string) => parseCellConfig(JSON.parse(readFileSync(`configs/cells/${n}.json`, 'utf8')), n);
  it('validate and load, with the UART page, the comm region and 64 KiB of loadable RAM at IPA 0', () => {
    for (const n of NEW) {
      expect(() => loadCellConfig(`configs/cells/${n}.json`), n).not.toThrow();
      const c = cfg(n);
      expect(c.name).toBe(n);
      expect(c.cpu_reset_address).toBe(0);
      expect(c.console).toMatchObject({ address: 0x09000000, type: 3 });
      const r = c.memory_regions;
      expect(r).toContainEqual(expect.objectContaining({ phys_start: 0x09000000, virt_start: 0x09000000, size: 0x1000, flags: 0x93 }));
      expect(r).toContainEqual(expect.objectContaining({ virt_start: 0, size: 0x10000, flags: 0x47 }));
      expect(r).toContainEqual(expect.objectContaining({ virt_start: 0x80000000, size: 0x1000, flags: 0x23 }));
      expect(c.flags & 0xc000_0000, `${n}: no virtual console`).toBe(0);
    }
    expect(cfg('gic-demo').cpus).toEqual([1]);
    expect(cfg('uart-demo').cpus).toEqual([2]);
    expect(cfg('sgi-pingpong').cpus).toEqual([2, 3]);
    expect(cfg('gic-attack').cpus).toEqual([3]);
    expect(cfg('gic-attack').irqchips).toEqual([expect.objectContaining({ address: 0x08000000, pin_base: 32, pin_bitmap: [0, 0, 0, 0x10000] })]);
    for (const n of ['gic-demo', 'uart-demo', 'sgi-pingpong']) expect(cfg(n).irqchips, n).toEqual([]);
  });

  it('use RAM no other shipped cell uses, inside the root cell RAM', () => {
    const ranges: [string, number, number][] = [];
    for (const f of ['hello', 'compute', ...NEW]) {
      for (const m of cfg(f).memory_regions) {
        if (m.flags & 0x20 || m.flags & 0x80) continue; // comm region, root-shared
        ranges.push([f, m.phys_start, m.phys_start + m.size]);
      }
    }
    for (const [n, a, b] of ranges.filter(([n]) => (NEW as readonly string[]).includes(n))) {
      expect(a >= 0x40000000 && b <= 0x7fa10000, n).toBe(true);
      for (const [o, c, d] of ranges) if (o !== n) expect(b <= c || a >= d, `${n} overlaps ${o}`).toBe(true);
    }
  });
});

// ------------------------------------------------------------------------------------ running

function boardFor(name: string, opts: ConstructorParameters<typeof Board>[1], patch?: (src: string) => string): Board {
  const img = patch ? assemble(patch(source(name)), 0).bytes : buildInmate(name);
  return new Board(img, opts);
}

describe('gic-demo on the test board', () => {
  it('initialises the GIC as Jailhouse does, programs the virtual timer for 1/10 s and prints the jitter per tick', () => {
    const b = boardFor('gic-demo', { cellCpus: [1] });
    b.txffPolls = 3;
    b.start(1);
    const late = [3n, 10n, -5n, 0n];
    b.timerLateness = (n) => late[n] ?? 0n;
    const lines = (): number => b.uart.split('Timer fired').length - 1;
    expect(b.runUntil(() => lines() === 4 && b.cpu(1).sleeping)).toBe(true);
    expect(b.uart).toBe(
      'Initializing the GIC...\r\nInitializing the timer...\r\n' +
      'Timer fired, jitter:     48 ns, min:     48 ns, max:     48 ns\r\n' +
      'Timer fired, jitter:    160 ns, min:     48 ns, max:    160 ns\r\n' +
      'Timer fired, jitter:    -80 ns, min:    -80 ns, max:    160 ns\r\n' +
      'Timer fired, jitter:      0 ns, min:    -80 ns, max:    160 ns\r\n',
    );
    // FR was polled until TXFF cleared before the first character went out
    const uart = b.mmio.filter((a) => a.addr >= 0x09000000 && a.addr < 0x09001000);
    expect(uart.slice(0, 5).map((a) => [a.addr, a.write, a.size])).toEqual([
      [0x09000018, false, 4], [0x09000018, false, 4], [0x09000018, false, 4], [0x09000018, false, 4], [0x09000000, true, 4],
    ]);
    // 3 reads per redistributor frame until CPU 1's, then GICR_ISENABLER0 |= PPI 27: 7 GIC MMIO accesses in all
    const gic = b.mmio.filter((a) => a.addr >= GICD && a.addr < 0x09000000);
    expect(gic.map((a) => [a.addr, a.write ? Number(a.value) : 'r'])).toEqual([
      [GICR + 0xffe8, 'r'], [GICR + 0x08, 'r'], [GICR + 0x0c, 'r'],
      [GICR + 0x2ffe8, 'r'], [GICR + 0x20008, 'r'], [GICR + 0x2000c, 'r'],
      [GICR + 0x30100, 1 << 27],
    ]);
    expect(gic.every((a) => a.size === 4)).toBe(true);
    const sys = b.sysregs.map((s) => `${s.read ? 'mrs' : 'msr'} ${s.name} ${s.value}`);
    expect(sys.slice(0, 3)).toEqual(['msr ICC_CTLR_EL1 0', 'msr ICC_PMR_EL1 240', 'msr ICC_IGRPEN1_EL1 1']);
    // per tick: acknowledge 27, EOI 27, acknowledge again: spurious
    expect(sys.slice(3, 6)).toEqual(['mrs ICC_IAR1_EL1 27', 'msr ICC_EOIR1_EL1 27', 'mrs ICC_IAR1_EL1 1023']);
    expect(sys.filter((s) => s === 'msr ICC_EOIR1_EL1 27')).toHaveLength(4);
    // TVAL = CNTFRQ / 10 and CTL = 1 (enabled, unmasked) at start and at every tick
    const tw = b.timerWrites.map((t) => `${t.reg}=${t.value}`);
    expect(tw.slice(0, 2)).toEqual(['CNTV_TVAL_EL0=6250000', 'CNTV_CTL_EL0=1']);
    expect(tw.filter((t) => t === 'CNTV_TVAL_EL0=6250000')).toHaveLength(5);
    expect(b.hvc).toBe('');
    expect(b.cpu(1).faults).toEqual([]);
  });

  it('answers a shutdown request after the next wake-up', () => {
    const b = boardFor('gic-demo', { cellCpus: [1] });
    b.start(1);
    expect(b.runUntil(() => b.uart.includes('Timer fired'))).toBe(true);
    b.setCommWord(COMM.MSG_TO_CELL, 1); // SHUTDOWN_REQUEST
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(3); // APPROVED
    expect(b.commWord(COMM.MSG_TO_CELL)).toBe(0);
  });

  it('stops with a message if the comm region does not announce GICv3, still answering messages', () => {
    const b = boardFor('gic-demo', { cellCpus: [1], gicVersion: 2 });
    b.start(1);
    expect(b.runUntil(() => b.cpu(1).wfes > 10)).toBe(true);
    expect(b.uart).toBe('Initializing the GIC...\r\nGIC: the comm region does not announce a GICv3\r\n');
    b.setCommWord(COMM.MSG_TO_CELL, 2); // RECONFIG_COMPLETED
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(4); // RECEIVED
  });

  it('reports no redistributor when no frame has its affinity', () => {
    const b = boardFor('gic-demo', { cellCpus: [1], frames: 1 });
    b.start(1);
    expect(b.runUntil(() => b.cpu(1).wfes > 10)).toBe(true);
    expect(b.uart).toBe('Initializing the GIC...\r\nGIC: no redistributor found for this CPU\r\n');
    expect(b.mmio.filter((a) => a.addr >= GICR && a.addr < 0x09000000)).toHaveLength(3); // frame 0 had Last
  });

  it('an unexpected exception prints vector, ESR, ELR and FAR, then halts answering messages', () => {
    const b = boardFor('gic-demo', { cellCpus: [1], gicrMapped: false });
    b.start(1);
    expect(b.runUntil(() => b.cpu(1).wfes > 10)).toBe(true);
    // the first GICR_PIDR2 read in gicr_find (movz x9; ldr x10; mov x13; ldr w11, [x10, x13]) is an external abort
    const ldr = symbols('gic-demo').get('gicr_find')! + 12;
    const m = /^Initializing the GIC\.\.\.\r\nFATAL: unhandled exception, vector 0x200, ESR 0x(9[67][0-9a-f]{6}), ELR 0x([0-9a-f]+), FAR 0x80affe8\r\n$/.exec(b.uart);
    expect(m, b.uart).not.toBeNull();
    expect(Number.parseInt(m![1]!, 16) >>> 26).toBe(0x25); // data abort, current EL
    expect(Number.parseInt(m![1]!, 16) & 0x3f).toBe(0x10); // synchronous external abort
    expect(Number.parseInt(m![2]!, 16)).toBe(ldr);
    b.setCommWord(COMM.MSG_TO_CELL, 1);
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(3);
  });

  it('a fault while reporting a fault (no UART) stops quietly and still answers messages', () => {
    const b = boardFor('gic-demo', { cellCpus: [1], uartMapped: false });
    b.start(1);
    expect(b.runUntil(() => b.cpu(1).wfes > 10)).toBe(true);
    expect(b.cpu(1).faults.map((f) => f.type)).toEqual(['dataAbort', 'dataAbort']);
    b.setCommWord(COMM.MSG_TO_CELL, 1);
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(3);
  });
});

describe('uart-demo on the test board', () => {
  // 1000 instead of 1,000,000 iterations per chunk, so the interpreter gets through it quickly.
  const quick = (s: string): string => {
    expect(s).toContain('mov64 x0, #1000000');
    return s.replace('mov64 x0, #1000000', 'mov64 x0, #1000');
  };
  it('prints "Hello <n> from cell!" on the PL011 forever, with no exits at all', () => {
    const b = boardFor('uart-demo', { cellCpus: [2] }, quick);
    b.start(2);
    expect(b.runUntil(() => b.uart.includes('Hello 3 from cell!\r\n'))).toBe(true);
    expect(b.uart).toBe('Hello 1 from cell!\r\nHello 2 from cell!\r\nHello 3 from cell!\r\n');
    expect(b.mmio.every((a) => a.addr === 0x09000000 || a.addr === 0x09000018)).toBe(true);
    expect(b.mmio.filter((a) => a.write).every((a) => a.size === 4)).toBe(true);
    expect(b.sysregs).toEqual([]);
    expect(b.hvc).toBe('');
    // 50 chunks of 1000 two-instruction iterations per line
    expect(b.cpu(2).instructions).toBeGreaterThan(3 * 50 * 1000 * 2);
    expect(b.cpu(2).instructions).toBeLessThan(3 * 50 * 1000 * 2 * 1.1);
  });
  it('answers a shutdown request between chunks', () => {
    const b = boardFor('uart-demo', { cellCpus: [2] }, quick);
    b.start(2);
    expect(b.runUntil(() => b.cpu(2).instructions > 10_000)).toBe(true);
    b.setCommWord(COMM.MSG_TO_CELL, 1);
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0, 10_000)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(3);
  });
  it('with the virtual console active, also prints through DEBUG_CONSOLE_PUTC; a NONE console then stays untouched', () => {
    let b = boardFor('uart-demo', { cellCpus: [2], commFlags: 3 }, quick);
    b.start(2);
    expect(b.runUntil(() => b.uart.includes('Hello 1 from cell!\r\n'))).toBe(true);
    expect(b.uart).toBe('Hello 1 from cell!\r\n');
    expect(b.hvc).toBe('Hello 1 from cell!\n');
    b = boardFor('uart-demo', { cellCpus: [2], commFlags: 3, consoleType: 0, consoleAddress: 0 }, quick);
    b.start(2);
    expect(b.runUntil(() => b.hvc.includes('Hello 2 from cell!\n'))).toBe(true);
    expect(b.mmio).toEqual([]);
    // a console address of 0 falls back to QEMU virt's PL011 at 0x09000000
    b = boardFor('uart-demo', { cellCpus: [2], consoleAddress: 0 }, quick);
    b.start(2);
    expect(b.runUntil(() => b.uart.includes('Hello 1 from cell!\r\n'))).toBe(true);
  });
});

describe('sgi-pingpong on the test board', () => {
  it('starts the second CPU with PSCI CPU_ON, bounces SGI 5 1000 times and reports the round trips', () => {
    const b = boardFor('sgi-pingpong', { cellCpus: [2, 3], ticksPerInsn: 0.25 });
    b.start(2);
    expect(b.runUntil(() => /round trips[^\n]*\n/.test(b.uart), 20_000_000)).toBe(true);
    // CPU_ON tried in Aff0 order, skipping itself, until one is accepted
    expect(b.psci.map((p) => [Number(p.target), Number(p.result)])).toEqual([[0, -3], [1, -3], [3, 0]]);
    const m = /^sgi-pingpong: CPU 2 pings CPU 3 with SGI 5\r\nsgi-pingpong: 1000 round trips, min (\d+) ns, avg (\d+) ns, max (\d+) ns\r\n$/.exec(b.uart);
    expect(m, b.uart).not.toBeNull();
    const [min, avg, max] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(min).toBeGreaterThan(0);
    expect(min).toBeLessThanOrEqual(avg);
    expect(avg).toBeLessThanOrEqual(max);
    const sgi = b.sysregs.filter((s) => s.name === 'ICC_SGI1R_EL1');
    expect(sgi.filter((s) => s.cpu === 2 && s.value === 0x0500_0008n)).toHaveLength(1000); // SGI 5 to Aff0 3
    expect(sgi.filter((s) => s.cpu === 3 && s.value === 0x0500_0004n)).toHaveLength(1000); // SGI 5 back to Aff0 2
    expect(sgi).toHaveLength(2000);
    // both CPUs enabled SGI 5 in their own redistributor, the first also the timer PPI
    const en = b.mmio.filter((a) => a.write).map((a) => [a.addr, Number(a.value)]);
    expect(en).toEqual(expect.arrayContaining([[GICR + 2 * 0x20000 + 0x10100, 1 << 5], [GICR + 2 * 0x20000 + 0x10100, 1 << 27], [GICR + 3 * 0x20000 + 0x10100, 1 << 5]]));
    expect(b.cpu(2).faults.concat(b.cpu(3).faults)).toEqual([]);
    // then about a second of pause answering comm messages, and the next batch
    b.setCommWord(COMM.MSG_TO_CELL, 1);
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0, 1_000_000)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(3);
    const t = b.now;
    expect(b.runUntil(() => b.uart.split('round trips').length === 3, 30_000_000)).toBe(true);
    expect(Number(b.now - t)).toBeGreaterThan(62_500_000 * 0.9);
  });

  it('a lost reply ends the batch after the 100 ms virtual-timer timeout', () => {
    // The second CPU is in the cell for CPU_ON but its SGIs are dropped (not a cell CPU for SGIs).
    const b = boardFor('sgi-pingpong', { cellCpus: [2, 3] });
    b.start(2);
    expect(b.runUntil(() => b.uart.includes('pings'), 1_000_000)).toBe(true);
    (b.opts.cellCpus as number[]).splice(0, 1); // from now on SGIs to CPU 2 are dropped
    expect(b.runUntil(() => b.uart.includes('round 1\r\n'), 2_000_000)).toBe(true);
    expect(b.uart).toMatch(/sgi-pingpong: no reply to SGI 5 within 100 ms in round 1\r\n$/);
    const tw = b.timerWrites.filter((w) => w.cpu === 2).map((w) => `${w.reg}=${w.value}`);
    expect(tw).toEqual(['CNTV_TVAL_EL0=6250000', 'CNTV_CTL_EL0=1', 'CNTV_CTL_EL0=0', 'CNTV_CTL_EL0=0']);
  });

  it('says so when no other CPU of the cell can be started', () => {
    const b = boardFor('sgi-pingpong', { cellCpus: [2] });
    b.start(2);
    expect(b.runUntil(() => b.cpu(2).wfes > 10)).toBe(true);
    expect(b.uart).toBe('sgi-pingpong: no other CPU of this cell could be started\r\n');
    expect(b.psci).toHaveLength(15);
  });
});

describe('gic-attack on the test board', () => {
  function attack(cmdline: Uint8Array | undefined, presets: [number, bigint][] = []): Board {
    const b = boardFor('gic-attack', { cellCpus: [3] });
    if (cmdline) b.ram.set(cmdline, 0x1000);
    for (const [o, v] of presets) b.gicdPresets.set(o, v);
    b.start(3);
    expect(b.runUntil(() => b.cpu(3).wfes > 10)).toBe(true);
    expect(b.cpu(3).faults).toEqual([]);
    return b;
  }
  const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
  const text = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);
  const gicAccesses = (b: Board) => b.mmio.filter((a) => a.addr < 0x09000000).map(({ addr, size, write, value }) => (write ? { addr, size, write, value } : { addr, size, write }));

  it('0 (the default): does nothing and says how to choose an attack', () => {
    const b = attack(undefined);
    expect(b.uart).toBe('gic-attack: attack 0: none selected (load a number 1-7 at 0x1000, e.g. jailhouse cell load gic-attack gic-attack.bin -s 3 -a 0x1000)\r\n');
    expect(b.mmio.filter((a) => a.addr < 0x09000000)).toEqual([]);
  });

  it('1: a GICD_ISENABLER1 write enabling SPI 33', () => {
    const b = attack(u32(1));
    expect(b.uart).toBe('gic-attack: attack 1: enabling SPI 33, which this cell does not own, through GICD_ISENABLER1\r\ngic-attack: GICD_ISENABLER1 = 0x0\r\ngic-attack: survived\r\n');
    expect(gicAccesses(b)).toEqual([gicdW(0x104, 4, 2n), gicdR(0x104, 4)]);
  });

  it('2: a 64-bit GICD_IROUTER144 write naming CPU 0 (accepted here; Jailhouse panic-parks)', () => {
    const b = attack(text('2'));
    expect(b.uart).toMatch(/^gic-attack: attack 2: routing our SPI 144 to CPU 0, outside this cell, through GICD_IROUTER144\r\n/);
    expect(gicAccesses(b)).toEqual([gicdW(0x6480, 8, 0n), gicdR(0x6480, 8)]);
  });

  it('3: a GICD_ISPENDR1 write pending SPI 33', () => {
    const b = attack(text('attack=3'));
    expect(b.uart).toBe('gic-attack: attack 3: setting SPI 33, which this cell does not own, pending through GICD_ISPENDR1\r\ngic-attack: GICD_ISPENDR1 = 0x0\r\ngic-attack: survived\r\n');
    expect(gicAccesses(b)).toEqual([gicdW(0x204, 4, 2n), gicdR(0x204, 4)]);
  });

  it('4: a byte write to SPI 33\'s priority', () => {
    const b = attack(u32(4), [[0x420, 0xa0a0a0a0n]]);
    expect(b.uart).toBe('gic-attack: attack 4: writing priority 0 for SPI 33, which this cell does not own, through a GICD_IPRIORITYR8 byte\r\ngic-attack: GICD_IPRIORITYR8 = 0xa0a0a0a0\r\ngic-attack: survived\r\n');
    expect(gicAccesses(b)).toEqual([gicdW(0x421, 1, 0n), gicdR(0x420, 4)]);
  });

  it('5: ICC_SGI1R_EL1 with SGI 5 for CPU 0', () => {
    const b = attack(u32(5));
    expect(b.uart).toBe('gic-attack: attack 5: sending SGI 5 to CPU 0, outside this cell, through ICC_SGI1R_EL1\r\ngic-attack: survived\r\n');
    expect(b.sysregs.map((s) => [s.name, s.value])).toEqual([['ICC_SGI1R_EL1', 0x0500_0001n]]);
    expect(gicAccesses(b)).toEqual([]);
  });

  it('6: finds CPU 0\'s redistributor and writes its GICR_ISENABLER0', () => {
    const b = attack(u32(6));
    expect(b.uart).toBe('gic-attack: attack 6: enabling all PPIs of CPU 0, outside this cell, through its GICR_ISENABLER0\r\ngic-attack: GICR_ISENABLER0 of CPU 0 = 0xffff0000\r\ngic-attack: survived\r\n');
    expect(gicAccesses(b)).toEqual([
      { addr: GICR + 0xffe8, size: 4, write: false }, { addr: GICR + 8, size: 4, write: false }, { addr: GICR + 0xc, size: 4, write: false },
      { addr: GICR + 0x10100, size: 4, write: true, value: 0xffff0000n }, { addr: GICR + 0x10100, size: 4, write: false },
    ]);
  });

  it('7: reads the foreign and own routing and enable registers', () => {
    const b = attack(text('7'), [[0x6480, 3n], [0x110, 0x10000n]]);
    expect(b.uart).toBe(
      'gic-attack: attack 7: reading GICD_IROUTER33, GICD_ISENABLER1, GICD_IROUTER144, GICD_ISENABLER4\r\n' +
      'gic-attack: GICD_IROUTER33 = 0x0\r\ngic-attack: GICD_ISENABLER1 = 0x0\r\n' +
      'gic-attack: GICD_IROUTER144 = 0x3\r\ngic-attack: GICD_ISENABLER4 = 0x10000\r\ngic-attack: survived\r\n',
    );
    expect(gicAccesses(b)).toEqual([gicdR(0x6108, 8), gicdR(0x104, 4), gicdR(0x6480, 8), gicdR(0x110, 4)]);
  });

  it('answers comm-region messages after the attack', () => {
    const b = attack(u32(1));
    b.setCommWord(COMM.MSG_TO_CELL, 1);
    expect(b.runUntil(() => b.commWord(COMM.REPLY_FROM_CELL) !== 0)).toBe(true);
    expect(b.commWord(COMM.REPLY_FROM_CELL)).toBe(3);
  });
});

describe('device runtime formatting', () => {
  it('uart_putsdec pads like printf %*ld; uart_putdec, uart_puthex', () => {
    const prog = `
${inmateHead('main')}
main:   bl    setup_stack
        mov64 x0, #-80
        mov   x1, #6
        bl    uart_putsdec
        mov   x0, #'|'
        bl    uart_putc
        mov64 x0, #0x8000000000000000
        mov   x1, #0
        bl    uart_putsdec
        mov   x0, #'|'
        bl    uart_putc
        mov64 x0, #1234567
        mov   x1, #6
        bl    uart_putsdec
        mov   x0, #'|'
        bl    uart_putc
        mov   x0, #0
        mov   x1, #6
        bl    uart_putsdec
        mov   x0, #'|'
        bl    uart_putc
        mov64 x0, #0xffffffffffffffff
        bl    uart_putdec
        mov   x0, #'|'
        bl    uart_putc
        mov64 x0, #0xdeadbeef
        bl    uart_puthex
        mov   x0, #'|'
        bl    uart_putc
        mov   x0, #0
        bl    uart_puthex
1:      b     1b
irq_handler:
        ret
${INMATE_LIB}
${INMATE_DEV_LIB}
${INMATE_DEV_LIB_DATA}
${INMATE_LIB_DATA}
`;
    const b = new Board(assemble(prog, 0).bytes, { cellCpus: [1] });
    b.start(1);
    expect(b.runUntil(() => b.uart.endsWith('0x0'), 200_000)).toBe(true);
    expect(b.uart).toBe('   -80|-9223372036854775808|1234567|     0|18446744073709551615|0xdeadbeef|0x0');
  });
});
