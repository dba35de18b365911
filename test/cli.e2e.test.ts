/**
 * End-to-end tests of the jhsim command line: every test spawns `node dist/cli/main.js ...`
 * exactly as a user would (the build is done by `npm test`, never here) and checks stdout,
 * stderr and the exit status against what the real Jailhouse driver and tool would do
 * (driver/main.c, tools/jailhouse.c).
 *
 * `run` stops at the first failing command, so sequences that include an expected failure go
 * through the interactive shell with its stdin piped: it keeps going after errors and, its stdin
 * not being a terminal, prints no prompt; shell() follows every line with an `echo` of a marker,
 * so the output of command i is the text before marker i (after marker i - 1).
 */
import './dist-fresh.js';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Every test spawns at least one process that boots a machine of worker threads.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 });

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const ROOT_CONFIG = 'configs/qemu-arm64.json';
const PROMPT = 'root@jhsim:~# ';
const MARK = '@@jhsim-e2e-end-of-command@@';
const SPAWN_TIMEOUT_MS = 60_000;
const JH = '/sys/devices/jailhouse';
const CPU = '/sys/devices/system/cpu';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let tmp = '';

/** Spawn the CLI with `args`, feed `input` to its stdin, collect everything. */
function jhsim(args: string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      // HOME: the interactive shell appends to ~/.jhsim_history; keep that out of the real home.
      env: { ...process.env, HOME: tmp || tmpdir(), NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? SPAWN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {
      /* the process may exit before reading all of its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** `jhsim [globals] run -c "<cmds>"`. */
const runC = (cmds: string, globals: string[] = []): Promise<Result> => jhsim([...globals, 'run', '-c', cmds]);

interface ShellResult extends Result {
  /** outputs[i]: what command line i printed on stdout. */
  outputs: string[];
}

/** `jhsim [globals] shell` with the lines piped to stdin (does not stop at errors). */
async function shell(lines: string[], globals: string[] = []): Promise<ShellResult> {
  const r = await jhsim([...globals, 'shell'], { input: lines.map((l) => `${l}\necho ${MARK}\n`).join('') });
  // Piped stdin: no prompt at all.
  expect(r.stdout).not.toContain(PROMPT);
  const parts = r.stdout.split(`${MARK}\n`);
  return { ...r, outputs: parts.slice(0, lines.length) };
}

/** Write a copy of the root config with `mutate` applied; returns its path. */
function writeConfig(name: string, mutate: (c: Record<string, any>) => void): string {
  const c = JSON.parse(readFileSync(join(ROOT, ROOT_CONFIG), 'utf8')) as Record<string, any>;
  mutate(c);
  const p = join(tmp, `${name}.json`);
  writeFileSync(p, `${JSON.stringify(c, null, 2)}\n`);
  return p;
}

const lines = (s: string): string[] => s.split('\n');

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'jhsim-e2e-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('output into a closed pipe', () => {
  it('stops quietly with status 141 (SIGPIPE), no EPIPE stack trace', async () => {
    // The reader closes after one byte while jhsim still has about 220 KB to print: more than a
    // pipe holds, so a later write meets the closed pipe whatever the timing.
    const script = join(mkdtempSync(join(tmpdir(), 'jhsim-pipe-')), 'many.sh');
    writeFileSync(script, Array.from({ length: 2000 }, (_, i) => `echo line ${i} ${'x'.repeat(100)}`).join('\n'));
    const bash = spawnSync('bash', ['-c', `node ${CLI} run ${script} | head -c 1 >/dev/null; echo \${PIPESTATUS[0]}`], { cwd: ROOT, encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS });
    expect(bash.stderr).toBe('');
    expect(bash.stdout.trim()).toBe('141');
  });
});

describe('enable / disable through run -c', () => {
  it('enable; cat enabled; disable prints exactly "1\\n" and exits 0', async () => {
    const r = await runC(`jailhouse enable ${ROOT_CONFIG}; cat ${JH}/enabled; jailhouse disable`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1\n');
    expect(r.code).toBe(0);
  });

  it('console, sysfs pools, cell list and cpus_assigned after enable; pools read 0 after disable', async () => {
    const r = await shell([
      `jailhouse enable ${ROOT_CONFIG}`,
      'jailhouse console',
      `cat ${JH}/console`,
      `cat ${JH}/mem_pool_size`,
      `cat ${JH}/mem_pool_used`,
      `cat ${JH}/remap_pool_size`,
      `cat ${JH}/remap_pool_used`,
      'jailhouse cell list',
      `cat ${JH}/cells/0/cpus_assigned`,
      `cat ${JH}/cells/0/cpus_assigned_list`,
      `cat ${JH}/cells/0/name`,
      `cat ${JH}/cells/0/state`,
      'jailhouse disable',
      `cat ${JH}/mem_pool_used`,
      `cat ${JH}/mem_pool_size`,
      `cat ${JH}/enabled`,
      'jailhouse cell list',
      `cat ${JH}/console`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = r.outputs;
    expect(o).toHaveLength(18);
    expect(o[0]).toBe('');

    for (const console of [o[1]!, o[2]!]) {
      for (let cpu = 0; cpu < 4; cpu++) expect(lines(console)).toContain(` CPU ${cpu}... OK`);
      expect(lines(console)).toContain('Activating hypervisor');
      expect(console).toMatch(/Initializing Jailhouse hypervisor/);
    }

    // Decimal page counts, one line each. mem_pool_size = (hypervisor_memory.size - core_size) / 4 KiB.
    expect(o[3]).toMatch(/^[1-9]\d*\n$/);
    expect(o[4]).toMatch(/^[1-9]\d*\n$/);
    expect(Number(o[4])).toBeLessThanOrEqual(Number(o[3]));
    expect(o[5]).toBe('131072\n');
    expect(o[6]).toMatch(/^\d+\n$/);

    const fmt = (...c: string[]): string => c[0]!.padEnd(8) + c[1]!.padEnd(24) + c[2]!.padEnd(18) + c[3]!.padEnd(24) + c[4]!.padEnd(24);
    expect(o[7]).toBe(`${fmt('ID', 'Name', 'State', 'Assigned CPUs', 'Failed CPUs')}\n${fmt('0', 'qemu-arm64', 'running', '0-3', '')}\n`);
    expect(o[8]).toBe('f\n');
    expect(o[9]).toBe('0-3\n');
    expect(o[10]).toBe('qemu-arm64\n');
    expect(o[11]).toBe('running\n');

    expect(o[12]).toBe('');
    expect(o[13]).toBe('0\n');
    expect(o[14]).toBe('0\n');
    expect(o[15]).toBe('0\n');
    expect(o[16]).toBe(''); // no cells: no header either
    expect(o[17]).toBe(''); // sysfs console of a disabled hypervisor reads empty
  });

  it('cpus_assigned and cell list follow the board size (--cpus 8)', async () => {
    const cfg = writeConfig('cpus-0-7', (c) => (c.root_cell.cpus = '0-7'));
    const r = await runC(`jailhouse enable ${cfg}; cat ${JH}/cells/0/cpus_assigned; cat ${JH}/cells/0/cpus_assigned_list; jailhouse disable`, ['--cpus', '8']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ff\n0-7\n');
    expect(r.code).toBe(0);
  });
});

describe('enable failures', () => {
  const einval = (name: string, mutate: (c: Record<string, any>) => void) => ({ name, mutate });
  const cases = [
    einval('wrong signature JHSYX', (c) => (c.signature = 'JHSYX')),
    einval('wrong revision 13', (c) => (c.revision = 13)),
    einval('wrong architecture "x86"', (c) => (c.architecture = 'x86')),
    einval('wrong architecture 0', (c) => (c.architecture = 0)),
    einval('root CPU set 0-7 on a 4-CPU board', (c) => (c.root_cell.cpus = '0-7')),
    einval('root CPU set 0-2 on a 4-CPU board', (c) => (c.root_cell.cpus = '0-2')),
    einval('root CPU set 1-3 (online CPU 0 missing)', (c) => (c.root_cell.cpus = '1-3')),
    einval('hypervisor_memory.size 0x4000 (image does not fit)', (c) => (c.hypervisor_memory.size = '0x4000')),
    einval('hypervisor_memory.size 0x20000 (core + per_cpu + config do not fit)', (c) => (c.hypervisor_memory.size = '0x20000')),
  ];

  it.each(cases)('$name: EINVAL, exit 1, nothing on stdout', async ({ name, mutate }) => {
    const cfg = writeConfig(name.replace(/\W+/g, '_'), mutate);
    const r = await runC(`jailhouse enable ${cfg}; echo never`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_ENABLE: Invalid argument');
    expect(err[1]).toContain('EINVAL (22)');
  });

  it.each(cases)('$name: the machine is unchanged and can still be enabled', async ({ name, mutate }) => {
    const cfg = writeConfig(`${name.replace(/\W+/g, '_')}_state`, mutate);
    const r = await shell([
      `jailhouse enable ${cfg}`,
      `cat ${JH}/enabled`,
      `cat ${CPU}/online`,
      `ls ${JH}/cells`,
      'jailhouse cell list',
      `cat ${JH}/mem_pool_used`,
      `jailhouse enable ${ROOT_CONFIG}`,
      `cat ${JH}/enabled`,
      'jailhouse disable',
      `cat ${JH}/enabled`,
    ]);
    expect(r.signal, `the shell hung and was killed after ${SPAWN_TIMEOUT_MS} ms; stderr:\n${r.stderr}`).toBeNull();
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_ENABLE: Invalid argument');
    expect(err[1]).toContain('EINVAL (22)');
    expect(err.slice(2).join('')).toBe(''); // the later commands all succeed
    expect(r.outputs).toEqual(['', '0\n', '0-3\n', '', '', '0\n', '', '1\n', '', '0\n']);
    expect(r.code).toBe(0);
  });

  it('corrupt firmware header (first byte flipped): EINVAL, machine unchanged', async () => {
    const fw = join(tmp, 'jailhouse.bin');
    const dump = await jhsim(['firmware', 'dump', fw]);
    expect(dump.code).toBe(0);
    const img = readFileSync(fw);
    expect(img.subarray(0, 8).toString('latin1')).toBe('JAILHOUS');
    img[0] = img[0]! ^ 0xff;
    const bad = join(tmp, 'jailhouse-bad.bin');
    writeFileSync(bad, img);

    const r = await jhsim(['--firmware', bad, 'run', '-c', `jailhouse enable ${ROOT_CONFIG}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_ENABLE: Invalid argument');
    expect(err[1]).toContain('EINVAL (22)');

    const s = await shell([`jailhouse enable ${ROOT_CONFIG}`, `cat ${JH}/enabled`, `cat ${CPU}/online`, `ls ${JH}/cells`], ['--firmware', bad]);
    expect(lines(s.stderr)[0]).toBe('JAILHOUSE_ENABLE: Invalid argument');
    expect(s.outputs).toEqual(['', '0\n', '0-3\n', '']);

    // The unmodified dump works.
    const ok = await jhsim(['--firmware', fw, 'run', '-c', `jailhouse enable ${ROOT_CONFIG}; cat ${JH}/enabled; jailhouse disable`]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('1\n');
    expect(ok.code).toBe(0);
  });

  it('enable twice: the second gives EBUSY and the hypervisor stays enabled', async () => {
    const r = await runC(`jailhouse enable ${ROOT_CONFIG}; jailhouse enable ${ROOT_CONFIG}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_ENABLE: Device or resource busy');
    expect(err[1]).toContain('EBUSY (16)');

    const s = await shell([`jailhouse enable ${ROOT_CONFIG}`, `jailhouse enable ${ROOT_CONFIG}`, `cat ${JH}/enabled`, 'jailhouse cell list', 'jailhouse disable', `cat ${JH}/enabled`]);
    expect(lines(s.stderr)[0]).toBe('JAILHOUSE_ENABLE: Device or resource busy');
    expect(s.outputs[2]).toBe('1\n');
    expect(lines(s.outputs[3]!)).toHaveLength(3); // header + root cell only
    expect(s.outputs[5]).toBe('0\n');
    expect(s.code).toBe(0);
  });

  it('disable while disabled: EINVAL', async () => {
    const r = await runC('jailhouse disable');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_DISABLE: Invalid argument');
    expect(err[1]).toContain('EINVAL (22)');
  });

  it('disable with a root CPU offline: EBUSY; after onlining it disable succeeds', async () => {
    const r = await shell([
      `jailhouse enable ${ROOT_CONFIG}`,
      `echo 0 > ${CPU}/cpu2/online`,
      `cat ${CPU}/online`,
      'jailhouse disable',
      `cat ${JH}/enabled`,
      `echo 1 > ${CPU}/cpu2/online`,
      `cat ${CPU}/online`,
      'jailhouse disable',
      `cat ${JH}/enabled`,
      `cat ${CPU}/online`,
    ]);
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_DISABLE: Device or resource busy');
    expect(err[1]).toContain('EBUSY (16)');
    expect(err.slice(2).join('')).toBe('');
    expect(r.outputs).toEqual(['', '', '0-1,3\n', '', '1\n', '', '0-3\n', '', '0\n', '0-3\n']);
    expect(r.code).toBe(0);
  });

  it('enable with a CPU offline beforehand: EINVAL (root set must match the online CPUs)', async () => {
    const r = await shell([`echo 0 > ${CPU}/cpu3/online`, `jailhouse enable ${ROOT_CONFIG}`, `cat ${JH}/enabled`, `cat ${CPU}/online`]);
    const err = lines(r.stderr);
    expect(err[0]).toBe('JAILHOUSE_ENABLE: Invalid argument');
    expect(err[1]).toContain('EINVAL (22)');
    expect(r.outputs).toEqual(['', '', '0\n', '0-2\n']);
  });
});

describe('the console snapshot (last_console)', () => {
  // driver/main.c jailhouse_console_read: once the snapshot is consumed the read returns 0,
  // and the tool (non-blocking) stops at 0 with exit status 0.
  it('jailhouse console after disable prints the snapshot and exits 0', async () => {
    const r = await runC(`jailhouse enable ${ROOT_CONFIG}; jailhouse disable; jailhouse console`);
    expect(r.stdout).toContain('Activating hypervisor');
    for (let cpu = 0; cpu < 4; cpu++) expect(lines(r.stdout)).toContain(` Releasing CPU ${cpu}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('jailhouse console after a failed hypervisor entry prints the snapshot and exits 0', async () => {
    const cfg = writeConfig('entry-fails', (c) => (c.root_cell.cpus = '0-7'));
    const r = await shell([`jailhouse enable ${cfg}`, `cat ${JH}/console`, 'jailhouse console']);
    expect(lines(r.stderr)[0]).toBe('JAILHOUSE_ENABLE: Invalid argument');
    expect(lines(r.stderr)[1]).toContain('EINVAL (22)');
    expect(r.outputs[1]).toBe(''); // sysfs never shows the snapshot
    expect(r.outputs[2]).toMatch(/Initializing Jailhouse hypervisor/);
    expect(r.stderr).not.toContain('read(console)');
    expect(r.code).toBe(0);
  });

  it('jailhouse console with nothing to read (never enabled): EAGAIN, exit 1', async () => {
    const r = await runC('jailhouse console');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('read(console): Resource temporarily unavailable\n');
    expect(r.code).toBe(1);
  });
});

describe('binary .cell configs', () => {
  it('a .cell exported from JSON enables; junk reaches the driver and gets its EINVAL', async () => {
    const cell = join(tmp, 'root.cell');
    const exp = await jhsim(['config', 'export', ROOT_CONFIG, cell]);
    expect(exp.code).toBe(0);
    expect(readFileSync(cell).length).toBe(1024);
    const ok = await runC(`jailhouse enable ${cell}; cat ${JH}/enabled; jailhouse disable`);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('1\n');
    const junk = join(tmp, 'junk.cell');
    writeFileSync(junk, Buffer.from('this is not a system configuration, just text'.repeat(20)));
    const bad = await runC(`jailhouse enable ${junk}`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('JAILHOUSE_ENABLE: Invalid argument');
    expect(bad.stderr).toContain('EINVAL (22): Not a system configuration');
  });
});

describe('config errors', () => {
  it('unknown flag name: names the file and the field', async () => {
    const cfg = writeConfig('bad-flag', (c) => (c.flags = ['NO_SUCH_FLAG']));
    const r = await runC(`jailhouse enable ${cfg}`);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(cfg);
    expect(r.stderr).toContain('flags');
    expect(r.stderr).toContain('NO_SUCH_FLAG');
  });

  it('unknown flag in a memory region: names the file and the nested field', async () => {
    const cfg = writeConfig('bad-region-flag', (c) => (c.root_cell.memory_regions[1].flags = ['READ', 'REED']));
    const r = await runC(`jailhouse enable ${cfg}`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(cfg);
    expect(r.stderr).toMatch(/root_cell\.memory_regions\[1\]\.flags/);
    expect(r.stderr).toContain('REED');
  });

  it('bad hex string: names the file and the field', async () => {
    const cfg = writeConfig('bad-hex', (c) => (c.hypervisor_memory.phys_start = '0xZZ'));
    const r = await runC(`jailhouse enable ${cfg}`);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(cfg);
    expect(r.stderr).toContain('hypervisor_memory.phys_start');
    expect(r.stderr).toContain('0xZZ');
  });

  it('missing file: "opening <file>: No such file or directory"', async () => {
    const missing = join(tmp, 'no-such-config.json');
    const r = await runC(`jailhouse enable ${missing}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)[0]).toBe(`opening ${missing}: No such file or directory`);
  });
});

describe('run and the shell', () => {
  it('run stops at the first failing command and exits with its code', async () => {
    const r = await runC('jailhouse disable; echo never');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
  });

  it('an unknown command exits 127', async () => {
    const r = await runC('echo before; no-such-command; echo never');
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toMatch(/no-such-command: command not found/);
    expect(r.code).toBe(127);
  });

  it('run FILE runs a script, several commands per line allowed', async () => {
    const script = join(tmp, 'script.jh');
    writeFileSync(script, `jailhouse enable ${ROOT_CONFIG}\ncat ${JH}/enabled; cat ${CPU}/online\njailhouse disable\ncat ${JH}/enabled\n`);
    const r = await jhsim(['run', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1\n0-3\n0\n');
    expect(r.code).toBe(0);
  });

  it('run FILE stops at the first failing line', async () => {
    const script = join(tmp, 'script-fails.jh');
    writeFileSync(script, `echo one\njailhouse disable\necho two\n`);
    const r = await jhsim(['run', script]);
    expect(r.stdout).toBe('one\n');
    expect(lines(r.stderr)[0]).toBe('JAILHOUSE_DISABLE: Invalid argument');
    expect(r.code).toBe(1);
  });

  it('run without FILE or -c fails', async () => {
    const r = await jhsim(['run']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/run/);
  });
});

describe('global options', () => {
  it.each(['1', '65'])('--cpus %s fails with a clear message', async (n) => {
    const r = await runC(`cat ${CPU}/online`, ['--cpus', n]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--cpus ${n}`);
    expect(r.stderr).toMatch(/2 to 64/);
  });

  it('--cpus 8 boots 8 CPUs', async () => {
    const r = await runC(`cat ${CPU}/online`, ['--cpus', '8']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0-7\n');
    expect(r.code).toBe(0);
  });
});

describe('CPU hotplug under the hypervisor', () => {
  it('offlining CPU 3 parks it; onlining brings it back into the root cell', async () => {
    const r = await runC(
      `jailhouse enable ${ROOT_CONFIG}; echo 0 > ${CPU}/cpu3/online; cat ${CPU}/online; cpus; echo 1 > ${CPU}/cpu3/online; cat ${CPU}/online; cpus; jailhouse disable; cat ${JH}/enabled`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe('0-2');
    // cpus table: header + 4 rows (CPU MPIDR STATE ONLINE HYP ...), twice.
    expect(out[1]).toMatch(/^CPU\s+MPIDR\s+STATE/);
    const first = out.slice(2, 6).map((l) => l.split(/\s+/));
    expect(first.map((f) => f[0])).toEqual(['0', '1', '2', '3']);
    expect(first[3]![2]).toBe('parked');
    expect(first[3]![3]).toBe('no');
    for (const f of first.slice(0, 3)) expect(f[2]).toBe('guest');
    expect(out[6]).toBe('0-3');
    const second = out.slice(8, 12).map((l) => l.split(/\s+/));
    for (const f of second) {
      expect(f[2]).toBe('guest');
      expect(f[3]).toBe('yes');
    }
    expect(out[12]).toBe('0');
  });

  it('CPU 0 can go offline too (the writing task migrates off it), with and without the hypervisor', async () => {
    const r = await runC(
      `echo 0 > ${CPU}/cpu0/online; cat ${CPU}/online; echo 1 > ${CPU}/cpu0/online; jailhouse enable ${ROOT_CONFIG}; echo 0 > ${CPU}/cpu0/online; cat ${CPU}/online; echo 1 > ${CPU}/cpu0/online; jailhouse disable; cat ${CPU}/online`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout).slice(0, 3)).toEqual(['1-3', '1-3', '0-3']);
  });

  it('an enable rejected because a CPU is offline says why', async () => {
    const r = await runC(`echo 0 > ${CPU}/cpu2/online; jailhouse enable ${ROOT_CONFIG}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('JAILHOUSE_ENABLE: Invalid argument');
    expect(r.stderr).toContain("the root cell's CPU set has 4 CPUs but 3 are online");
  });
});

describe('stress', () => {
  const args = ['stress', '--cpus', '4', '--callers', '2', '--iterations', '200', '--hotplug', '--seed', '7'];

  it('--json: seed line first on stderr, one JSON object on stdout, exit 0', async () => {
    const r = await jhsim([...args, '--json']);
    const seedLine = lines(r.stderr)[0]!;
    expect(seedLine.startsWith('seed 7 (re-run: jhsim stress ')).toBe(true);
    expect(seedLine).toContain('--seed 7');
    expect(seedLine).toContain('--hotplug');
    expect(seedLine).toContain('--iterations 200');
    expect(seedLine.endsWith(')')).toBe(true);

    const outLines = r.stdout.trimEnd().split('\n');
    expect(outLines).toHaveLength(1);
    const res = JSON.parse(outLines[0]!) as Record<string, any>;
    for (const k of ['seed', 'operations', 'violations', 'hangs', 'results']) expect(res).toHaveProperty(k);
    expect(res.seed).toBe(7);
    expect(res.operations).toBe(200);
    expect(res.violations).toEqual([]);
    expect(res.hangs).toEqual([]);
    let total = 0;
    for (const outcomes of Object.values(res.results as Record<string, Record<string, number>>)) for (const n of Object.values(outcomes)) total += n;
    expect(total).toBe(200);
    expect(Object.keys(res.results)).toEqual(expect.arrayContaining(['enable', 'disable']));
    expect(r.code).toBe(0);
  });

  it('without --json: the seed line is the first line of stdout', async () => {
    const r = await jhsim(args);
    const out = lines(r.stdout);
    expect(out[0]!.startsWith('seed 7')).toBe(true);
    expect(out[0]).toContain('re-run: jhsim stress');
    expect(r.stdout).toMatch(/^violations: 0$/m);
    expect(r.stdout).toMatch(/^hangs: 0$/m);
    expect(r.code).toBe(0);
  });
});

describe('bench', () => {
  it('--cpus-list 2 --cycles 5 --guest-instructions 2000000 --stress-operations 10 --json prints one result with positive numbers', async () => {
    const r = await jhsim(['bench', '--cpus-list', '2', '--cycles', '5', '--guest-instructions', '2000000', '--stress-operations', '10', '--json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as { results: Record<string, number>[]; stress: { real: number[]; controlled: number[] } };
    expect(res).toHaveProperty('results');
    // The stress exploration bench: three rounds of each mode, every rate positive.
    expect(res.stress.real).toHaveLength(3);
    expect(res.stress.controlled).toHaveLength(3);
    for (const x of [...res.stress.real, ...res.stress.controlled]) expect(x).toBeGreaterThan(0);
    expect(res.results).toHaveLength(1);
    const b = res.results[0]!;
    expect(b.cpus).toBe(2);
    for (const k of ['barrier_us', 'cycle_us', 'ratio', 'rss_mb_per_cpu', 'warmup_s']) {
      expect(typeof b[k]).toBe('number');
      expect(b[k]).toBeGreaterThan(0);
    }
    // 100 warm-up cycles per timed cycle, cut short after 12 s but never below 100.
    expect(b.warmup_cycles).toBeGreaterThanOrEqual(100);
    expect(b.warmup_cycles).toBeLessThanOrEqual(500);
  });
});

describe('help and demo', () => {
  it('--help lists the commands', async () => {
    const r = await jhsim(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['demo', 'shell', 'run', 'stress', 'bench', 'guest', 'firmware', 'config']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('demo exits 0 and removes its temporary directory', { timeout: 130_000 }, async () => {
    const scratch = mkdtempSync(join(tmp, 'demo-tmpdir-'));
    const r = await jhsim(['demo'], { timeoutMs: 120_000, env: { TMPDIR: scratch } });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(readdirSync(scratch)).toEqual([]);
  });
});
