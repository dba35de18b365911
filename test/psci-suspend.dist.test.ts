/**
 * PSCI CPU_SUSPEND as Jailhouse's psci_dispatch implements it (arm-common/psci.c): with no
 * virtual interrupt pending, the CPU executes wfi at EL2 until a physical interrupt is pending,
 * hands it to irqchip_handle_irq and returns 0 to the caller. A guest in the hello cell enables
 * its SPI 144, suspends, and only comes back once the test makes the SPI pending.
 */
import './dist-fresh.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';
import { cellStat, enabledPerTest, sleep, startCell, type Booted } from './root-shell.js';

vi.setConfig({ testTimeout: 60_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-suspend-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const enabled = enabledPerTest();

/** The hello cell's SPI (its irqchip pin_bitmap), routed to its CPU 1 at cell create. */
const SPI = 144;

/** At IPA 0 in hello: enable SPI 144, CPU_SUSPEND, then print what it returned and turn off. */
const SUSPEND_GUEST = `
        adr   x5, before
        bl    puts
        movz  x9, #0x0800, lsl #16
        movz  w2, #1, lsl #16
        str   w2, [x9, #0x110]
        movz  x0, #0x0001
        movk  x0, #0xc400, lsl #16
        mov   x1, #0
        mov   x2, #0
        mov   x3, #0
        smc   #0
        mov   x6, x0
        adr   x5, after
        bl    puts
        add   x1, x6, #0x30
        bl    putc
        mov   x1, #10
        bl    putc
cpu_off:
        movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     cpu_off
puts:   mov   x7, x30
puts_next:
        ldrb  w1, [x5], #1
        cbz   w1, puts_done
        bl    putc
        b     puts_next
puts_done:
        ret   x7
putc:   mov   x0, #8
        hvc   #0x4a48
        ret
before: .asciz "suspend-test: suspending\\n"
after:  .asciz "suspend-test: resumed, x0 = "
`;

async function consoleText(b: Booted): Promise<string> {
  return (await b.run('jailhouse console')).out;
}

async function until(what: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await what()) && Date.now() - t0 < ms) await sleep(20);
}

describe('PSCI CPU_SUSPEND', () => {
  it('waits at EL2 until an interrupt is pending for the CPU, takes it, then returns 0', async () => {
    const image = join(tmp, 'suspend.bin');
    writeFileSync(image, assemble(SUSPEND_GUEST, 0).bytes);
    const b = await enabled();
    await startCell(b, 'configs/cells/hello.json', 'hello', image);
    await until(async () => (await cellStat(b, 1, 1, 'psci')) >= 1);
    expect(await cellStat(b, 1, 1, 'psci')).toBe(1);
    // The guest prints through the hypervisor console byte by byte while root's CELL_START is
    // still printing "Started cell": the two may interleave there, as on the real console.
    expect((await consoleText(b)).replace('Started cell "hello"\n', '')).toContain('suspend-test: suspending\n');
    // Nothing is pending for CPU 1: it stays in CPU_SUSPEND.
    await sleep(300);
    expect(await consoleText(b)).not.toContain('suspend-test: resumed');
    const virqs = await cellStat(b, 1, 1, 'virt_irq');
    // The SPI's device raises it: the wfi ends, irqchip_handle_irq injects it, x0 = 0.
    b.m.gic.raiseSpi(SPI);
    await until(async () => (await consoleText(b)).includes('suspend-test: resumed, x0 = 0\n'));
    expect(await consoleText(b)).toContain('suspend-test: resumed, x0 = 0\n');
    expect(await cellStat(b, 1, 1, 'virt_irq')).toBe(virqs + 1);
    // One PSCI exit for CPU_SUSPEND, one for the CPU_OFF that follows.
    await until(async () => (await cellStat(b, 1, 1, 'psci')) >= 2);
    expect(await cellStat(b, 1, 1, 'psci')).toBe(2);
  });
});
