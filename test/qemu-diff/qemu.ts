/**
 * Running a batch program under qemu-aarch64.
 *
 * Why `-cpu max`: jhsim implements ARMv8.0 plus LSE atomics, and no QEMU CPU model is exactly
 * that: cortex-a53/a57/a72 lack LSE (jhsim's CAS/LDADD/... would SIGILL), and every model
 * with LSE (cortex-a76, neoverse-n1, a64fx) is ARMv8.2 anyway. `max` enables every feature
 * QEMU has, so every encoding jhsim decodes is also decoded by QEMU, and the behaviour of an
 * ARMv8.0 encoding does not depend on the model. Only encodings jhsim decodes are compared,
 * so the later features never show up, except where they change ARMv8.0-visible state: the
 * FPCR/FPSR bits MSR can set (see classes-int.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = process.env.JHSIM_QEMU ?? 'qemu-aarch64';

/** qemu-aarch64's version line, or undefined when it cannot be run. */
export function qemuVersion(): string | undefined {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0];
}

/**
 * QEMU 8.1 gave `-cpu max` FEAT_LSE2, under which LSE atomics and LDAR/STLR may be unaligned
 * (jhsim, ARMv8.0 + LSE, faults): such refusals are not judged by a newer QEMU.
 */
export function qemuHasLse2(): boolean {
  const m = /version (\d+)\.(\d+)/.exec(qemuVersion() ?? '');
  return m !== null && (Number(m[1]) > 8 || (Number(m[1]) === 8 && Number(m[2]) >= 1));
}

let dir: string | undefined;
let seq = 0;

/** Runs the ELF image; resolves with its stdout (rejects on a non-zero exit, with stderr). */
export function runQemu(elf: Uint8Array): Promise<Buffer> {
  dir ??= mkdtempSync(join(tmpdir(), 'jhsim-qemu-diff-'));
  const file = join(dir, `batch-${process.pid}-${seq++}.elf`);
  writeFileSync(file, elf, { mode: 0o755 });
  return new Promise((resolve, reject) => {
    // Straight-line cases cannot loop: a batch that takes minutes is a hung QEMU.
    const p = spawn(QEMU, ['-cpu', 'max', file], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => { rmSync(file, { force: true }); reject(e); });
    p.on('close', (code, signal) => {
      rmSync(file, { force: true });
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${QEMU} exited with ${code ?? signal}: ${Buffer.concat(err).toString().slice(0, 2000)}`));
    });
  });
}

export function cleanupQemu(): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
