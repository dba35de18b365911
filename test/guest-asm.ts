/**
 * Assembly guest programs for `jhsim guest run` tests: the raw load address, the routines most
 * of them end with, and a runner that assembles, runs and parses the --json report.
 */
import './dist-fresh.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';
import { jhsim } from './cli-process.js';

/** Where guest run loads a raw image (and links it). */
export const LOAD = 0x4008_0000;

/** putc (x1 through the debug console) and cpu_off (PSCI CPU_OFF, forever). */
export const PUTC_CPU_OFF = `
putc:   mov   x0, #8
        hvc   #0x4a48
        ret
cpu_off:
        movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     cpu_off
`;

export interface GuestCpuReport { cpu: number; status: string; instructions: number; vmexits: Record<string, number> }
export interface GuestReport { output: string; cpus: GuestCpuReport[]; /** Console characters overwritten before guest run could read them. */ lost: number }

/** Assembles `src` at LOAD into `dir`, runs it on `cpus` CPUs; `code` is the expected exit status (1 when a CPU failed). */
export async function guestRunAsm(dir: string, name: string, src: string, cpus = 2, code = 0): Promise<GuestReport> {
  const file = join(dir, `${name}.bin`);
  writeFileSync(file, assemble(src, LOAD).bytes);
  const r = await jhsim(['--cpus', String(cpus), 'guest', 'run', '--all-cpus', file, '--json', '--timeout', '60']);
  expect(r.code, r.stderr + r.stdout).toBe(code);
  return JSON.parse(r.stdout) as GuestReport;
}
