/**
 * Guest-engine benchmarks for `jhsim bench`: guest instructions per second per worker on an
 * integer loop, a memory-heavy loop and an FP/SIMD loop, and trapped MMIO accesses per second per worker
 * (sub-page window: every access is a data abort to EL2, decoded and performed by the
 * hypervisor), each with 1 and 2 CPUs running in parallel, all through `jhsim guest run`'s
 * harness. Where qemu-aarch64 is installed, its time on the same C program (sieve) is measured
 * beside ours in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../actors/cpu/a64/asm-text.js';
import { BoardSchema, DEFAULT_BOARD } from '../../actors/cpu/board.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, runGuest, type GuestRunResult } from '../commands/guest-run.js';
import { PACKAGE_ROOT, resolveUserPath } from '../paths.js';

/** Targets from the issue: per worker. */
export const GUEST_TARGET_INSNS_PER_S = 100e6;
export const GUEST_TARGET_MMIO_PER_S = 5e6;

export interface GuestBenchRow {
  workload: 'integer' | 'memory' | 'mmio' | 'fp';
  workers: 1 | 2;
  /** Guest instructions per second per running worker. */
  insns_per_s: number;
  /** Trapped MMIO accesses per second per running worker (mmio workload). */
  mmio_per_s?: number;
  /** Aggregate over the running workers ÷ (1-worker rate): 2.0 is linear scaling. */
  scaling?: number;
}

export interface QemuComparison {
  program: string;
  jhsim_ms: number;
  qemu_ms: number;
  instructions: number;
}

/** CPUs below `workers` run the loop until the budget; the others turn off at once. */
function loopImage(body: string, workers: number): Uint8Array {
  return assemble(`
        cmp   x0, #${workers}
        b.hs  off
        mov   x2, #0x300000
        msr   cpacr_el1, x2          // FP/SIMD on (CPACR_EL1.FPEN = 3)
        .inst 0x1e6f1001             // fmov d1, #1.5
        .inst 0x1e6d1002             // fmov d2, #0.75
        .inst 0x1e2e9005             // fmov s5, #1.25
        mov64 x1, #0x40200000
        mov64 x9, #0x08f00000
        lsl   x2, x0, #16
        add   x1, x1, x2
        add   x9, x9, x0, lsl #7
        mov   x3, #0
        mov   x5, #7
loop:
${body}
        b     loop
off:    movz  x0, #0x0002
        movk  x0, #0x8400, lsl #16
        smc   #0
        b     off
`, DEFAULT_RAW_LOAD).bytes;
}

const BODIES = {
  // ALU only: shifts, logic, add/sub with flags, a conditional select, a multiply.
  integer: `
        add   x3, x3, #1
        eor   x4, x3, x3, lsl #7
        add   x5, x5, x4, lsr #3
        madd  x6, x5, x3, x4
        subs  x7, x6, x5
        csel  x8, x7, x6, ne
        and   x5, x5, x8`,
  // Loads and stores over a 64 KiB per-CPU buffer (x1), with pairs and post-index.
  memory: `
        and   x3, x3, #0xfff0
        ldr   x4, [x1, x3]
        add   x4, x4, #1
        str   x4, [x1, x3]
        ldp   x6, x7, [x1, #64]
        stp   x7, x6, [x1, #64]
        add   x3, x3, #16`,
  // Stores and loads to the sub-page window (x9: 128 bytes apart per CPU, as separate devices
  // would be): each one a data abort with a full syndrome.
  mmio: `
        str   w3, [x9]
        ldr   w4, [x9]
        add   x3, x3, #1`,
  // FP and Advanced SIMD: scalar double/single arithmetic with a fused multiply-add, vector
  // integer and FP lanes, Q-register loads and stores.
  fp: `
        .inst 0x1f420020             // fmadd d0, d1, d2, d0
        .inst 0x1e612863             // fadd  d3, d3, d1
        .inst 0x1e2508a4             // fmul  s4, s5, s5
        .inst 0x4ea784c6             // add   v6.4s, v6.4s, v7.4s
        .inst 0x4e2acd28             // fmla  v8.4s, v9.4s, v10.4s
        .inst 0x3dc0002b             // ldr   q11, [x1]
        .inst 0x3d80042b             // str   q11, [x1, #16]`,
} as const;

/** A 2-CPU board with the guest-harness root cell. */
function benchRun(image: Uint8Array, name: string, maxInstructions: number, profile = false): Promise<GuestRunResult> {
  return runGuest({
    profile,
    board: BoardSchema.parse({ ...DEFAULT_BOARD, cpus: 2 }),
    image,
    name,
    configFile: resolveUserPath(DEFAULT_GUEST_CONFIG),
    maxInstructions,
    allCpus: true,
    timeoutMs: 300_000,
  });
}

/** One bench loop on `workers` CPUs; `profile` turns the vmexit recorder on. */
export function runLoop(workload: keyof typeof BODIES, workers: 1 | 2, budget: number, profile = false): Promise<GuestRunResult> {
  return benchRun(loopImage(BODIES[workload], workers), `${workload}-loop.bin`, budget, profile);
}

export async function measureGuest(budget: number): Promise<GuestBenchRow[]> {
  const rows: GuestBenchRow[] = [];
  for (const workload of ['integer', 'memory', 'mmio', 'fp'] as const) {
    // Warm-up: V8 compiles the interpreter's hot paths for this mix before anything is timed.
    await runLoop(workload, 2, Math.max(1000, Math.floor(budget / 10)));
    let single = 0;
    for (const workers of [1, 2] as const) {
      // MMIO traps and FP/SIMD instructions cost tens of times an integer instruction: a
      // fraction of the budget gives them a comparable run time.
      const share = workload === 'mmio' ? 20 : workload === 'fp' ? 50 : 1;
      const r = await runLoop(workload, workers, Math.floor(budget / share));
      const running = r.cpus.filter((c) => c.status === 'budget');
      const secs = r.durationMs / 1000;
      const perWorker = running.reduce((a, c) => a + c.instructions, 0) / running.length / secs;
      const row: GuestBenchRow = { workload, workers, insns_per_s: Math.round(perWorker) };
      if (workload === 'mmio') {
        row.mmio_per_s = Math.round(running.reduce((a, c) => a + (c.vmexits.vmexits_mmio ?? 0), 0) / running.length / secs);
      }
      if (workers === 1) single = perWorker;
      else row.scaling = Math.round(((perWorker * 2) / single) * 100) / 100;
      rows.push(row);
    }
  }
  return rows;
}

/** The sieve program under jhsim (1 CPU working) and, if installed, under qemu-aarch64. */
export async function compareQemu(): Promise<QemuComparison | undefined> {
  if (spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = join(PACKAGE_ROOT, 'test', 'guest-programs');
  const r = await benchRun(new Uint8Array(readFileSync(join(dir, 'sieve.elf'))), 'sieve.elf', 0);
  const t0 = performance.now();
  const q = spawnSync('qemu-aarch64', [join(dir, 'sieve.linux.elf')], { encoding: 'utf8' });
  const qemuMs = performance.now() - t0;
  if (q.status !== 0) return undefined;
  return { program: 'sieve (C, -O2)', jhsim_ms: Math.round(r.durationMs), qemu_ms: Math.round(qemuMs), instructions: r.cpus[0]!.instructions };
}
