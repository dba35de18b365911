/**
 * One `jhsim stress ... --json` run of a tree's CLI in a child process, classified: pass,
 * violation, hang (a CPU watchdog or the harness's own), crash (no report), or timeout (the
 * harness killed it).
 */
import { spawn } from 'node:child_process';

export type Outcome = 'pass' | 'violation' | 'hang' | 'crash' | 'timeout';

export interface RunResult {
  outcome: Outcome;
  /** Operations the run completed. */
  operations: number;
  /** Operations completed when the first violation or hang was seen. */
  firstOp?: number;
  /** Machine time (ms since the run's first operation) of the first violation or hang. */
  firstMs?: number;
  /** The run's machine time (its durationMs). */
  durationMs: number;
  /** Wall-clock time of the whole process (start-up and shut-down included). */
  wallMs: number;
  /** The first violation or hang, or what a crash printed last. */
  message?: string;
  /** The command line (relative to the tree). */
  command: string;
}

interface StressJson {
  operations: number;
  violations: string[];
  hangs: { cpu: number; what: string }[];
  durationMs: number;
  firstFailure?: { operation: number; ms: number };
}

function parseReport(stdout: string): StressJson | undefined {
  const line = stdout.trim().split('\n').reverse().find((x) => x.startsWith('{'));
  if (!line) return undefined;
  try {
    const j = JSON.parse(line) as StressJson;
    return Array.isArray(j.violations) && Array.isArray(j.hangs) ? j : undefined;
  } catch {
    return undefined;
  }
}

/** The last non-empty lines of a stream, for a report. */
export function tail(text: string, lines = 2): string {
  return text.trim().split('\n').filter(Boolean).slice(-lines).join(' | ').slice(0, 300);
}

/** Run `node cli stress ...args --json` in `cwd`; kill it after timeoutMs. */
export function runStress(cli: string, cwd: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  const argv = [cli, 'stress', ...args, '--json'];
  const command = `jhsim stress ${args.join(' ')}`;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      const wallMs = Math.round(performance.now() - t0);
      const j = parseReport(stdout);
      if (!j) {
        const outcome: Outcome = killed ? 'timeout' : 'crash';
        const message = killed ? `killed after ${timeoutMs} ms` : tail(stderr) || tail(stdout) || 'no report';
        resolve({ outcome, operations: 0, durationMs: wallMs, wallMs, message, command });
        return;
      }
      const outcome: Outcome = j.hangs.length ? 'hang' : j.violations.length ? 'violation' : 'pass';
      const h = j.hangs[0];
      const message = h ? `${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what}` : j.violations[0];
      const first = j.firstFailure;
      resolve({ outcome, operations: j.operations, firstOp: first?.operation, firstMs: first?.ms, durationMs: j.durationMs, wallMs, message, command });
    });
  });
}
