/**
 * `jhsim profile`: boots a machine with the vmexit recorder, runs a session (the bundled
 * scenario, a script or -c commands), then prints the `perf kvm stat report`-style tables and
 * writes the Chrome/Perfetto trace, the HTML report and the tables to files.
 */
import { readFileSync } from 'node:fs';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { processIo, type Io } from '../io.js';
import { boardFrom, bootFromOptions, endSession, parseIntOption, reportIncidents, sessionShell, type GlobalOptions } from '../machine-options.js';
import { fileError } from '../file-errors.js';
import { DEFAULT_ROOT_CONFIG } from '../paths.js';
import { checkProfileTarget, profileFilesLine, writeProfile } from './profile-output.js';
import { buildReport, reportCsv, reportText, type ReportOptions, type SortKey } from './profile-report.js';
import type { EventClass } from './profile-names.js';
import { progressBar } from '../progress.js';

export interface ProfileCliOptions {
  command?: string;
  duration: string;
  out: string;
  sort: string;
  cpu?: string;
  cell?: string;
  event?: string;
  json?: boolean;
  csv?: boolean;
}

/**
 * The bundled scenario: gic-demo's timer interrupts on CPU 1 throughout; sgi-pingpong's SGIs on
 * CPUs 2-3 in the first half; then two ivshmem cells on CPUs 2 and 3 exchanging doorbells.
 */
export function defaultScenario(seconds: number): string[] {
  const half = Math.max(100, Math.round((seconds * 1000) / 2));
  return [
    `jailhouse enable ${DEFAULT_ROOT_CONFIG}`,
    'jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo',
    'jailhouse cell create configs/cells/sgi-pingpong.json; jailhouse cell load sgi-pingpong configs/inmates/sgi-pingpong.bin; jailhouse cell start sgi-pingpong',
    `sleep ${half / 1000}`,
    'jailhouse cell destroy sgi-pingpong',
    'jailhouse cell create configs/cells/ivshmem-b.json; jailhouse cell load ivshmem-b configs/inmates/ivshmem-demo.bin; jailhouse cell start ivshmem-b',
    'jailhouse cell create configs/cells/ivshmem-a.json; jailhouse cell load ivshmem-a configs/inmates/ivshmem-demo.bin; jailhouse cell start ivshmem-a',
    `sleep ${half / 1000}`,
    'jailhouse cell stats ivshmem-a --once',
    'jailhouse cell destroy ivshmem-a; jailhouse cell destroy ivshmem-b; jailhouse cell destroy gic-demo',
    'jailhouse disable',
  ];
}

/**
 * The report options from the command line; --cpu is checked against the board (commander
 * already holds --sort and --event to their choices).
 */
export function reportOptionsFrom(o: Pick<ProfileCliOptions, 'sort' | 'cpu' | 'cell' | 'event'>, nrCpus: number): ReportOptions {
  const cpus = o.cpu?.split(',').map((c) => parseIntOption('--cpu', c.trim(), 0, nrCpus - 1)!);
  return { sort: o.sort as SortKey, cpus, cells: o.cell?.split(',').map((c) => c.trim()), event: o.event as EventClass | undefined };
}

export async function profileCli(g: GlobalOptions, file: string | undefined, o: ProfileCliOptions, io: Io = processIo): Promise<number> {
  const seconds = Number(o.duration);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new ErrnoError(Errno.EINVAL, `--duration ${o.duration}: expected seconds from 0 to 3600`);
  if (o.json && o.csv) throw new ErrnoError(Errno.EINVAL, '--json and --csv: pick one');
  checkProfileTarget(o.out);
  let lines: string[];
  if (o.command !== undefined) lines = [o.command];
  else if (file !== undefined) {
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch (e) {
      throw fileError(file, e);
    }
  } else lines = defaultScenario(seconds);
  // The report options are checked before the machine boots (bad input changes nothing).
  const ro = reportOptionsFrom(o, boardFrom(g).cpus);
  const s0 = await bootFromOptions({ ...g, profile: undefined }, { profile: true });
  const collector = s0.recording!;
  // On a terminal a bar shows which command of the session runs; the session's own output
  // waits until the bar is gone (both would write to stderr). Piped, the output streams.
  const commands = lines.filter((l) => l.trim() !== '');
  const bar = progressBar('profile', commands.length, { phase: true, unit: 'commands' });
  const held: string[] = [];
  const say = bar ? (t: string): void => void held.push(t) : (t: string): void => io.err(t);
  const shell = sessionShell(s0, { out: say, err: say });
  let code = 0;
  let failed: string | undefined;
  try {
    try {
      for (const [i, line] of commands.entries()) {
        bar?.update(i, { phase: line.length > 60 ? `${line.slice(0, 57)}...` : line });
        code = await shell.runLine(line, true);
        if (code !== 0) {
          failed = line;
          break;
        }
      }
      bar?.update(commands.length, { phase: 'done' });
    } finally {
      bar?.stop();
      if (held.length) io.err(held.join(''));
      reportIncidents(s0);
    }
    const data = collector.stop();
    const report = buildReport(data, ro);
    const f = writeProfile(data, o.out, report);
    io.out(o.json ? `${JSON.stringify({ ...report, files: f }, null, 2)}\n` : o.csv ? reportCsv(report) : reportText(report));
    io.err(profileFilesLine(f));
    if (failed !== undefined) io.err(`profile: the session stopped where a command failed (status ${code}, in "${failed.trim()}"); the report covers what ran before it\n`);
    // A --cell that matched nothing is most likely a typo: say which cells there were.
    const seen = [...data.cellNames].flatMap(([id, name]) => [name, String(id)]);
    const unknown = (ro.cells ?? []).filter((c) => !seen.includes(c));
    if (unknown.length) io.err(`profile: --cell ${unknown.join(',')}: no such cell in this session (cells: ${[...new Set(data.cellNames.values())].join(', ')})\n`);
  } finally {
    // Whatever failed (a command, writing a file), the machine's workers end.
    await endSession(s0, () => {});
  }
  return code;
}
