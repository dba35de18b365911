/**
 * The failure bundle: one directory with everything a bug report needs about a failed stress
 * run: the schedule (controlled mode), the operation log, the invariant report (violations,
 * hangs, the wait graph), the hypervisor console, root Linux's dmesg, the CPUs' state at the
 * failure, and the one line that replays it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileError } from '../file-errors.js';
import type { StressResult } from '../stress/stress.js';
import { writeScheduleFile, type ScheduleFile } from './schedule-file.js';
import { formatTrace } from '../stress/stress-controlled.js';
import { figuresLine } from '../../shared/sched/control.js';

/** The default bundle directory of a run: jhsim-failures/stress-<seed>[-<strategy>]. */
export function defaultBundleDir(seed: number, strategy: string | undefined): string {
  return join('jhsim-failures', `stress-${seed}${strategy ? `-${strategy}` : ''}`);
}

/** Write the bundle; returns its absolute path and the replay line. */
export function writeBundle(dir: string, res: StressResult, rerun: string, schedule?: ScheduleFile): { dir: string; replay: string } {
  const abs = resolve(dir);
  const put = (name: string, text: string): void => {
    try {
      writeFileSync(join(abs, name), text.endsWith('\n') || text === '' ? text : `${text}\n`);
    } catch (e) {
      throw fileError(`failure bundle ${join(dir, name)}`, e);
    }
  };
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw fileError(`failure bundle ${dir}`, e);
  }
  const replay = schedule ? `jhsim replay ${join(dir, 'schedule.json')}` : rerun;
  if (schedule) writeScheduleFile(join(abs, 'schedule.json'), schedule);
  put('operations.json', `${JSON.stringify(res.ops, null, 1)}`);
  const report: string[] = [`${res.operations} operations by ${res.callers} callers on ${res.cpus} CPUs, seed ${res.seed}`, `violations: ${res.violations.length}`];
  for (const v of res.violations) report.push(`  ${v}`);
  report.push(`hangs: ${res.hangs.length}`);
  for (const h of res.hangs) report.push(`  ${h.cpu >= 0 ? `CPU ${h.cpu}` : 'harness'}: ${h.what}`);
  if (res.controlled) report.push(figuresLine(res.controlled, res.controlled.strategy));
  put('report.txt', report.join('\n'));
  if (res.controlled?.trace) put('trace.txt', formatTrace(res.controlled, res.ops, res.cpus, res.callers).join('\n'));
  put('hv-console.txt', res.snapshot?.hvConsole ?? '');
  put('dmesg.txt', res.snapshot?.dmesg ?? '');
  put('cpus.txt', res.snapshot?.cpus ?? '');
  put('REPLAY', schedule ? replay : `${rerun}\n# real-thread mode: the same seed need not take the same interleaving; add --schedule pct to get a replayable run`);
  return { dir: abs, replay };
}
