/**
 * PL011 UARTs end to end, through the CLI as a user runs it: a guest that prints by writing
 * the UART's data register (as Jailhouse inmates do) shows up prefixed with its cell's name,
 * costs no MMIO vmexit (the UART page is mapped in the cell's stage 2), and --uart-log writes
 * each cell's lines to DIR/<cell name>.log.
 */
import './dist-fresh.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';

vi.setConfig({ testTimeout: 60_000 });

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'jhsim-uart-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result { code: number | null; stdout: string; stderr: string }

function jhsim(args: string[], input?: string): Promise<Result> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, HOME: tmp, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Jailhouse's inmate console loop: wait while FR.TXFF, then a 32-bit write of the character to DR. */
const PRINT = `
        movz  x2, #0x0900, lsl #16
1:      ldr   w3, [x2, #0x18]
        tbnz  w3, #5, 1b
        ldrb  w1, [x4], #1
        cbz   w1, 2f
        str   w1, [x2]
        b     1b
2:      ret
`;

/** `guest run` image: CPU 0 prints "hi" (the other CPUs stay off until a PSCI CPU_ON, none comes). */
const GUEST = `
        cbnz  x0, off
        adr   x4, msg
        bl    print
off:    movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     off
print:  ${PRINT}
msg:    .asciz "hi\\n"
`;

/** Cell image (linked at IPA 0): a line through the UART, then idle. */
const CELL = `
        adr   x4, msg
        bl    print
3:      wfi
        b     3b
print:  ${PRINT}
msg:    .asciz "Hello from the cell's UART\\r\\n"
`;

function image(name: string, src: string, base: number): string {
  const file = join(tmp, `${name}.bin`);
  writeFileSync(file, assemble(src, base).bytes);
  return file;
}

interface CpuReport { cpu: number; status: string; vmexits: Record<string, number> }

describe('guest run: a guest writing the PL011 data register', () => {
  const img = image('hi', GUEST, 0x4008_0000);

  it('prints its lines prefixed with the root cell\'s name, with no MMIO vmexit', async () => {
    const r = await jhsim(['guest', 'run', img]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[qemu-arm64\] hi\n/m);
    const j = JSON.parse((await jhsim(['guest', 'run', img, '--json'])).stdout) as { uart: { uart: number; cell: number; name: string; text: string }[]; cpus: CpuReport[] };
    expect(j.uart).toEqual([{ uart: 0, cell: 0, name: 'qemu-arm64', text: 'hi' }]);
    for (const c of j.cpus) {
      expect(c.status).toBe('off');
      expect(c.vmexits.vmexits_mmio).toBe(0);
      // CPU 0: the PSCI CPU_OFF only; the others never left the off state (QEMU's boot convention).
      expect(c.vmexits.vmexits_total).toBe(c.cpu === 0 ? 1 : 0);
    }
  });

  it('--uart-log DIR writes the root cell\'s lines to DIR/<root cell name>.log', async () => {
    const dir = join(tmp, 'guest-logs');
    const r = await jhsim(['--uart-log', dir, 'guest', 'run', img, '--json']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['qemu-arm64.log']);
    expect(readFileSync(join(dir, 'qemu-arm64.log'), 'utf8')).toBe('hi\n');
  });
});

describe('a non-root cell printing on the shared UART page (IO | ROOTSHARED)', () => {
  const img = image('cell', CELL, 0);
  const setup = `jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/cells/hello.json; jailhouse cell load hello ${img}; jailhouse cell start hello; sleep 0.3`;

  it('jailhouse console shows [hello] lines; the cell has no MMIO vmexit; --uart-log writes hello.log', async () => {
    const dir = join(tmp, 'cell-logs');
    const r = await jhsim(['--uart-log', dir, 'run', '-c', `${setup}; jailhouse console; jailhouse cell stats hello --json`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Started cell "hello"\n[hello] Hello from the cell\'s UART\n');
    const stats = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{"id"'))) as { counters: Record<string, number> };
    expect(stats.counters.vmexits_mmio).toBe(0);
    expect(readFileSync(join(dir, 'hello.log'), 'utf8')).toBe("Hello from the cell's UART\n");
  });

  it('the interactive shell shows the lines by itself (after the command during which they came)', async () => {
    const r = await jhsim(['shell'], `${setup.split('; ').join('\n')}\nexit\n`);
    expect(r.code).toBe(0);
    // stdin is a pipe: no prompt, the line alone.
    expect(r.stdout).toContain("[hello] Hello from the cell's UART\n");
    expect(r.stdout).not.toContain('root@jhsim:~# ');
  });
});
