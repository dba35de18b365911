/**
 * The command line as a newcomer meets it, driven as a user would (`node dist/cli/main.js`; the
 * build is `npm test`'s): --version, what --help shows (global options each command honours,
 * numeric defaults) and that README.md says the same, short usage errors naming the wrong word,
 * errors naming the errno of a file that cannot be used, JSON output, the `cpus` table's columns,
 * and the piped shell (no prompts, `uart mute`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT, jhsim, type Result } from './cli-process.js';
import { SHELL_COMMANDS } from '../src/cli/shell/shell-complete.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 });

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const MARK = '@@cli-ux-end-of-command@@';
const PROMPT = 'root@jhsim:~# ';

/** `jhsim shell` with the lines piped; outputs[i] is what line i printed on stdout. */
async function pipedShell(lines: string[]): Promise<Result & { outputs: string[] }> {
  const r = await jhsim(['shell'], { input: lines.map((l) => `${l}\necho ${MARK}\n`).join(''), timeoutMs: 60_000 });
  return { ...r, outputs: r.stdout.split(`${MARK}\n`).slice(0, lines.length) };
}

/** The text of README's section `title` (up to the next heading of the same or a higher level). */
function readmeSection(title: string): string {
  const start = README.indexOf(`${title}\n`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(title)![0];
  const rest = README.slice(start + title.length);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The long option names of a --help section ("Options:" or "Global Options:"). */
function helpOptions(help: string, section: 'Options' | 'Global Options'): string[] {
  return helpSection(help, section).flatMap((l) => /^ {2}(?:-\w, )?(--[a-z][a-z-]*)/.exec(l)?.[1] ?? []).filter((o) => o !== '--help');
}

/** The lines of a --help section, up to the blank line that ends it. */
function helpSection(help: string, title: string): string[] {
  const at = `\n${help}`.indexOf(`\n${title}:\n`);
  if (at < 0) return [];
  const body = help.slice(at + title.length + 2);
  const end = body.indexOf('\n\n');
  return (end < 0 ? body : body.slice(0, end)).split('\n');
}

/** The subcommands a --help lists (without `help`). */
const helpCommands = (help: string): string[] => helpSection(help, 'Commands').flatMap((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1] ?? []).filter((c) => c !== 'help');

/** Every leaf command path ("guest run") with its --help text, found by walking --help. */
async function allCommands(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string[]): Promise<void> => {
    const r = await jhsim([...path, '--help']);
    expect(r.code, path.join(' ')).toBe(0);
    const subs = helpCommands(r.stdout);
    if (path.length && !subs.length) out.set(path.join(' '), r.stdout);
    for (const s of subs) await walk([...path, s]);
  };
  await walk([]);
  return out;
}

describe('--version and --help', () => {
  it('--version and -V print the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await jhsim([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('stress --help lists the global options it honours; defaults print as numbers', async () => {
    const r = await jhsim(['stress', '--help']);
    expect(r.code).toBe(0);
    expect(helpOptions(r.stdout, 'Global Options')).toEqual(['--board', '--cpus', '--firmware', '--watchdog', '--filters', '--isolation-monitor', '--upstream-races', '--profile']);
    expect(r.stdout).toMatch(/--callers <n>\s+concurrent user-space callers \(default: 3\)/);
    expect(r.stdout).toMatch(/\(default: 10000\)/); // --watchdog, a global
    expect(r.stdout).not.toMatch(/default: "\d/);
  });

  it('each command shows exactly the globals it honours: tlp none, guest run no --firmware, shell all', async () => {
    const tlp = await jhsim(['tlp', 'decode', '--help']);
    expect(tlp.stdout).not.toContain('Global Options');
    const guest = await jhsim(['guest', 'run', '--help']);
    expect(helpOptions(guest.stdout, 'Global Options')).toEqual(['--board', '--cpus', '--watchdog', '--filters', '--isolation-monitor', '--upstream-races', '--uart-log', '--profile']);
    const shell = await jhsim(['shell', '--help']);
    expect(helpOptions(shell.stdout, 'Global Options')).toContain('--log-level');
    const create = await jhsim(['config', 'create', '--help']);
    expect(helpOptions(create.stdout, 'Global Options')).toEqual(['--board', '--cpus']);
  });

  it('README lists every command, every option and every shell command, and its usages name only real options', async () => {
    const root = await jhsim(['--help']);
    const globals = helpOptions(root.stdout, 'Options');
    expect(globals).toContain('--version');
    const globalTable = readmeSection('### Global options');
    for (const g of globals) expect(globalTable, `README's global options table lacks ${g}`).toMatch(new RegExp(`^\\| \`(-\\w, )?${g}\\b`, 'm'));
    const commands = await allCommands();
    expect(commands.size).toBeGreaterThanOrEqual(17);
    const table = readmeSection('### Commands');
    for (const [path, help] of commands) {
      expect(table, `README's commands table lacks ${path}`).toContain(path);
      for (const o of helpOptions(help, 'Options')) expect(README, `README never mentions ${path} ${o}`).toContain(o);
    }
    // The other way round: each usage in the commands table names options its command has.
    const paths = [...commands.keys()].sort((a, b) => b.length - a.length);
    for (const usage of table.match(/`(?:jhsim )?[a-z][^`]*`/g) ?? []) {
      const text = usage.slice(1, -1).replace(/^jhsim /, '');
      const path = paths.find((p) => text === p || text.startsWith(`${p} `));
      if (!path) continue;
      const known = new Set([...helpOptions(commands.get(path)!, 'Options'), ...helpOptions(commands.get(path)!, 'Global Options'), '--help']);
      for (const o of text.match(/--[a-z][a-z-]*/g) ?? []) expect(known, `README: \`${text}\` names ${o}, which ${path} does not have`).toContain(o);
    }
    const shellTable = readmeSection('### Commands of the root-cell shell');
    for (const c of SHELL_COMMANDS) expect(shellTable, `README's shell table lacks ${c}`).toMatch(new RegExp(`\`${c}\\b`));
  });
});

describe('usage errors name the word', () => {
  it('a mistyped command: one line naming it, commander\'s suggestion, where to look; no usage dump', async () => {
    const r = await jhsim(['stres']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("jhsim: unknown command 'stres'\n(Did you mean stress?)\nTry 'jhsim --help' for more information.\n");
  });

  it('a mistyped subcommand names its command', async () => {
    const r = await jhsim(['guest', 'rnu']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe("jhsim guest: unknown command 'rnu'");
    expect(r.stderr).not.toContain('Usage:');
  });

  it('a shell command given to jhsim says where it lives', async () => {
    const r = await jhsim(['cpus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("jhsim: unknown command 'cpus'");
    expect(r.stderr).toContain('jhsim run -c "cpus"');
  });

  it('an unknown option names it', async () => {
    const r = await jhsim(['stress', '--callerz', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe("jhsim stress: unknown option '--callerz'");
    expect(r.stderr).not.toContain('Usage:');
  });
});

describe('files that cannot be used: the errno, once', () => {
  it('--board /nonexist.json: ENOENT (2), not EINVAL', async () => {
    const r = await jhsim(['--board', '/nonexist.json', 'run', '-c', 'cpus']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('jhsim: --board /nonexist.json: No such file or directory (ENOENT 2)\n');
  });

  it('--board DIR: EISDIR (21)', async () => {
    const r = await jhsim(['--board', 'configs', 'run', '-c', 'cpus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('jhsim: --board configs: Is a directory (EISDIR 21)\n');
  });

  it('guest run of a missing file names ENOENT once', async () => {
    const r = await jhsim(['guest', 'run', '/nonexist.elf']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('jhsim: /nonexist.elf: cannot read image: No such file or directory (ENOENT 2)\n');
  });

  it('firmware info of a file that is not a hypervisor image says so: EINVAL, nothing printed', async () => {
    const r = await jhsim(['firmware', 'info', 'README.md']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('jhsim: README.md: not a Jailhouse hypervisor image (signature "# jhsim\\n", expected "JAILHOUS") (EINVAL 22)\n');
    const missing = await jhsim(['firmware', 'info', '/nonexist.bin']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('jhsim: /nonexist.bin: No such file or directory (ENOENT 2)\n');
  });
});

describe('--json', () => {
  it('firmware info --json: the header fields as numbers', async () => {
    const r = await jhsim(['firmware', 'info', '--json']);
    expect(r.code).toBe(0);
    const h = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(h).toEqual({ file: null, signature: 'JAILHOUS', size: expect.any(Number), core_size: expect.any(Number), percpu_size: expect.any(Number), entry: expect.any(Number), console_page: expect.any(Number) });
    const text = await jhsim(['firmware', 'info']);
    expect(text.stdout).toContain(`core_size     0x${(h.core_size as number).toString(16)}\n`);
  });

  it('inmate list --json: the same inmates as the table', async () => {
    const [j, t] = await Promise.all([jhsim(['inmate', 'list', '--json']), jhsim(['inmate', 'list'])]);
    expect(j.code).toBe(0);
    const list = JSON.parse(j.stdout) as { name: string; description: string }[];
    expect(list.map((i) => i.name)).toEqual(t.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]));
    expect(list.map((i) => i.name)).toContain('hello');
  });

  it('config check --json: one object with files, findings, ok', async () => {
    const r = await jhsim(['config', 'check', 'configs/qemu-arm64.json', 'configs/cells/gic-demo.json', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], ok: true, files: [{ kind: 'system' }, { kind: 'cell' }] });
  });
});

describe('cpus', () => {
  it('columns line up (cli-table3): left columns start, counter columns end under their titles; --json agrees', async () => {
    const r = await jhsim(['run', '-c', 'jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo; sleep 0.5; cpus; cpus --json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const head = lines[0]!;
    const titles = [...head.matchAll(/\S+/g)];
    expect(titles.map((t) => t[0])).toEqual(['CPU', 'MPIDR', 'STATE', 'ONLINE', 'HYP', 'CELL', 'EXITS', 'MMIO', 'MGMT', 'HCALL', 'MAINT', 'VIRQ', 'VSGI', 'PSCI', 'SMCCC', 'OTHER', 'ISO', 'GUEST']);
    const rows = lines.slice(1, 5);
    for (const row of rows) {
      const fields = [...row.matchAll(/\S+/g)];
      for (let i = 0; i < 6; i++) expect(fields[i]!.index, `${row}: column ${titles[i]![0]}`).toBe(titles[i]!.index);
      for (let i = 6; i < 17; i++) expect(fields[i]!.index + fields[i]![0].length, `${row}: column ${titles[i]![0]}`).toBe(titles[i]!.index + titles[i]![0].length);
    }
    expect(rows[1]).toMatch(/^1 +0x000001 guest +no +yes gic-demo +\d+/);
    expect(rows[1]).toMatch(/ {2}pc 0x[0-9a-f]+ EL1$/);
    const json = JSON.parse(lines[5]!) as { cpu: number; cell: string; vmexits: Record<string, number> }[];
    expect(json.map((c) => c.cell)).toEqual(['qemu-arm64', 'gic-demo', 'qemu-arm64', 'qemu-arm64']);
    expect(rows[1]!.split(/\s+/)[6]).toBe(String(json[1]!.vmexits.vmexits_total));
    // OTHER makes the counters add up: total = the categories + other.
    for (const c of json as unknown as { vmexits: Record<string, number>; other_exits: number }[]) {
      expect(Object.entries(c.vmexits).reduce((t, [k, v]) => (k === 'vmexits_total' ? t : t + v), 0) + c.other_exits).toBe(c.vmexits.vmexits_total);
    }
    expect(rows[0]!.split(/\s+/)[15]).toBe(String((json[0] as unknown as { other_exits: number }).other_exits));
  });
});

describe('the shell with piped stdin', () => {
  it('prints no prompt; help documents exit, quit and uart', async () => {
    const r = await pipedShell(['help', 'echo hi']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(PROMPT);
    expect(r.outputs[0]).toMatch(/^ {2}exit, quit {2,}leave the shell/m);
    expect(r.outputs[0]).toMatch(/^ {2}uart \[mute\|unmute\] /m);
    expect(r.outputs[1]).toBe('hi\n');
  });

  it('uart mute holds the cells\' UART lines back for jailhouse console; uart unmute shows them again', async () => {
    const r = await pipedShell([
      'jailhouse enable configs/qemu-arm64.json',
      'uart mute',
      'jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo',
      'sleep 0.6',
      'uart',
      'jailhouse console',
      'uart unmute',
      'sleep 0.6',
      'uart x',
    ]);
    expect(r.stderr).toBe("uart: unexpected argument 'x' (usage: uart [mute|unmute])\n");
    const o = r.outputs;
    for (const i of [1, 2, 3, 4]) expect(o[i], `output ${i}`).not.toContain('[gic-demo]');
    expect(o[4]).toContain('cell UART lines: muted');
    expect(o[5]).toContain('[gic-demo] Initializing the GIC...\n');
    expect(o[7]).toMatch(/\[gic-demo\] Timer fired/);
  });
});
