/**
 * Runs the built CLI (`dist/cli/main.js`) as a user would, in a child process: stdout, stderr and
 * the exit code, killed after a deadline. Shared by the end-to-end test files.
 */
import './dist-fresh.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface Result { code: number | null; stdout: string; stderr: string }

export interface RunOptions {
  /** Standard input (closed at once when absent). */
  input?: string;
  timeoutMs?: number;
  /** HOME of the child (the interactive shell writes its history there). */
  home?: string;
  /** More environment variables of the child (e.g. TMPDIR). */
  env?: Record<string, string>;
  /** Another build's CLI (a mutant tree's dist/cli/main.js) instead of this one. */
  cli?: string;
}

export function jhsim(args: string[], opts: RunOptions = {}): Promise<Result> {
  return new Promise((res, rej) => {
    const env = { ...process.env, NO_COLOR: '1', ...(opts.home ? { HOME: opts.home } : {}), ...opts.env };
    const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 100_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {
      /* the process may exit before reading its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * A file holding the number an adversarial inmate reads from its command-line area (loaded with
 * `jailhouse cell load NAME IMAGE FILE -a 0x1000`); its path.
 */
export function modeFile(mode: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'jhsim-mode-')), 'mode');
  writeFileSync(file, `${mode}\n`);
  return file;
}
