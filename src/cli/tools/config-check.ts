/**
 * `jhsim config check` and the shell's `jailhouse config check SYSCONFIG [CELLCONFIG...]`: load
 * every file (JSON or binary; schema errors name the file and field), then run the configuration
 * set checks of src/shared/config/check.ts and print upstream's report. Exit status 1 on any
 * finding or unreadable file, as tools/jailhouse-config-check.
 */
import { readFileSync } from 'node:fs';
import { checkConfigSet, type CheckedCell } from '../../shared/config/check.js';
import { ConfigError, loadCellConfig, loadSystemConfig, type CellConfig, type SystemConfig } from '../../shared/config/index.js';
import { strerror, Errno } from '../../shared/errno.js';
import type { Io } from '../io.js';
import { resolveUserPath } from '../paths.js';

export interface ConfigCheckOptions {
  json?: boolean;
}

/** A system config (JHSYS) or a cell config, judged by the file's start. */
export function isSystemConfig(path: string): boolean {
  const head = readFileSync(path).subarray(0, 4096).toString('latin1');
  return head.startsWith('JHSYS') || /"signature"\s*:\s*"JHSYS"/.test(head) || (!head.startsWith('JHCLL') && /"hypervisor_memory"/.test(head));
}

type Loaded = { file: string; kind: 'system'; config: SystemConfig; bytes: number } | { file: string; kind: 'cell'; config: CellConfig; bytes: number };

function load(file: string): Loaded {
  const path = resolveUserPath(file);
  if (isSystemConfig(path)) {
    const r = loadSystemConfig(path);
    return { file, kind: 'system', config: r.config, bytes: r.bytes.length };
  }
  const r = loadCellConfig(path);
  return { file, kind: 'cell', config: r.config, bytes: r.bytes.length };
}

export function configCheck(files: string[], o: ConfigCheckOptions, io: Io): number {
  if (!files.length) {
    io.err('usage: config check SYSCONFIG [CELLCONFIG ...]\n');
    return 2;
  }
  const loaded: Loaded[] = [];
  for (const file of files) {
    try {
      loaded.push(load(file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof ConfigError) io.err(`${e.message}\n`);
      else if (code !== undefined && code in Errno) io.err(`${file}: ${strerror(Errno[code as keyof typeof Errno])}\n`);
      else throw e;
      return 1;
    }
  }
  const [first, ...rest] = loaded;
  if (first!.kind === 'cell') {
    if (rest.length) {
      io.err(`${first!.file}: a cell configuration; the first file must be the system configuration (SYSCONFIG [CELLCONFIG ...])\n`);
      return 1;
    }
    // One cell config alone: the schema and layout only (no system to check it against).
    if (o.json) io.out(`${JSON.stringify({ files: [{ file: first!.file, kind: 'cell', bytes: first!.bytes }], findings: [], ok: true })}\n`);
    else io.out(`${first!.file}: valid cell configuration, ${first!.bytes} bytes\n`);
    return 0;
  }
  const misplaced = rest.find((l) => l.kind === 'system');
  if (misplaced) {
    io.err(`${misplaced.file}: a second system configuration (SYSCONFIG [CELLCONFIG ...])\n`);
    return 1;
  }
  const cells: CheckedCell[] = rest.map((l) => ({ file: l.file, config: l.config as CellConfig }));
  const report = checkConfigSet(first!.file, first!.config as SystemConfig, cells);
  if (o.json) {
    const summary = loaded.map((l) => ({ file: l.file, kind: l.kind, bytes: l.bytes }));
    io.out(`${JSON.stringify({ files: summary, findings: report.findings, ok: report.findings.length === 0 })}\n`);
  } else {
    io.out(report.text);
    if (report.findings.length) io.err(`${report.findings.length} finding${report.findings.length > 1 ? 's' : ''}\n`);
  }
  return report.findings.length ? 1 : 0;
}
