/**
 * One `jhsim stress ... --json` run of a tree's CLI in a child process, classified: pass,
 * violation, hang (a CPU watchdog, the harness's own, or a controlled run's deadlock or
 * livelock), crash (no report), or timeout (the harness killed it). A failing run writes its
 * failure bundle where --bundle says; a controlled one has a schedule.json there to replay.
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
  /** The run's machine time (its durationMs; a controlled run reports none: its wall time). */
  durationMs: number;
  /** Wall-clock time of the whole process (start-up and shut-down included). */
  wallMs: number;
  /** The first violation or hang, or what a crash printed last. */
  message?: string;
  /** The command line (relative to the tree). */
  command: string;
  /** A failing run's bundle directory (absolute), as the CLI reported it. */
  bundle?: string;
  /** A controlled run's schedule figures: schedule points and preemptions up to where it stopped. */
  controlled?: { strategy: string; steps: number; preemptions: number };
  /** The run failed before its schedule began: the host started its CPU workers too slowly (see STARTUP). */
  startup?: boolean;
}

/**
 * A controlled run waits (host time, the --watchdog) for every CPU worker to join before its
 * first schedule point; on a loaded host that can fail. It says nothing about the machine.
 */
const STARTUP = /controlled mode: only \d+ of \d+ CPUs joined within/;

/** Did a failure message come from a slow start of the CPU workers rather than from the run? */
export function startupFailure(message: string | undefined): boolean {
  return message !== undefined && STARTUP.test(message);
}

interface StressJson {
  operations: number;
  violations: string[];
  hangs: { cpu: number; what: string }[];
  durationMs?: number;
  firstFailure?: { operation: number; ms: number };
  bundle?: string;
  controlled?: { strategy: string; steps: number; preemptions: number };
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

export interface Exited {
  /** Exit status (null: killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The harness killed it after its timeout. */
  killed: boolean;
  wallMs: number;
}

/** Run `node cli ...argv` in `cwd`, collecting its output; SIGKILL after timeoutMs. */
export function runCli(cli: string, cwd: string, argv: readonly string[], timeoutMs: number): Promise<Exited> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed, wallMs: Math.round(performance.now() - t0) });
    });
  });
}

/** Run `node cli stress ...args --json` in `cwd`; kill it after timeoutMs. */
export async function runStress(cli: string, cwd: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  const command = `jhsim stress ${args.join(' ')}`;
  const x = await runCli(cli, cwd, ['stress', ...args, '--json'], timeoutMs);
  const { wallMs } = x;
  const j = parseReport(x.stdout);
  if (!j) {
    const outcome: Outcome = x.killed ? 'timeout' : 'crash';
    const message = x.killed ? `killed after ${timeoutMs} ms` : tail(x.stderr) || tail(x.stdout) || 'no report';
    return { outcome, operations: 0, durationMs: wallMs, wallMs, message, command };
  }
  const outcome: Outcome = j.hangs.length ? 'hang' : j.violations.length ? 'violation' : 'pass';
  const h = j.hangs[0];
  // A deadlock's text goes on with the wait graph: the first line names it.
  const message = h ? `${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what.split('\n')[0]}` : j.violations[0];
  const first = j.firstFailure;
  const c = j.controlled;
  return {
    outcome,
    operations: j.operations,
    firstOp: first?.operation,
    // A controlled run's times are virtual: its machine time is the process's.
    firstMs: c ? undefined : first?.ms,
    durationMs: j.durationMs ?? wallMs,
    wallMs,
    message,
    command,
    ...(j.bundle ? { bundle: j.bundle } : {}),
    ...(c ? { controlled: { strategy: c.strategy, steps: c.steps, preemptions: c.preemptions } } : {}),
    ...(outcome !== 'pass' && startupFailure(message) ? { startup: true } : {}),
  };
}
