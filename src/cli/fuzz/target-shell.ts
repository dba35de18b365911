/**
 * Target `shell`: a few random lines from the shell grammar, typed into the root shell of one
 * machine that starts each case disabled with every CPU online. After every line: no exception
 * text, failed ioctls name their errno, no silent failure, the machine healthy, and the shell
 * still answers `echo ok`. A line that is one state-changing command (enable, disable, cell
 * create/start/shutdown/destroy, a CPU hotplug write) and fails must leave the machine as it
 * was. At the end of the case the machine must clean up to where it started (cells destroyed,
 * hypervisor disabled, CPUs online): that is the user's way back, so it must work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCellConfig, serializeCellConfig } from '../../shared/config/index.js';
import { PACKAGE_ROOT } from '../paths.js';
import { MachineHost } from './host.js';
import { checkErrnoLines, clip } from './invariants.js';
import { shellQuote } from './quote.js';
import { WORK_FILES, renderLine, shellLineArb, type ShellCmd, type ShellLine } from './shell-grammar.js';
import { Counters, FuzzFailure, type FuzzEnv, type FuzzTarget, type TargetRun } from './types.js';

interface ShellCase {
  /** Where the random lines start: a disabled machine, an enabled one, or one with cells running. */
  setup: 0 | 1 | 2;
  lines: ShellLine[];
}

/** The lines typed before the random ones, per setup (they must succeed). */
const SETUPS = [
  [],
  ['jailhouse enable configs/qemu-arm64.json'],
  [
    'jailhouse enable configs/qemu-arm64.json',
    'jailhouse cell create work:hello.cell; jailhouse cell load hello configs/inmates/hello.bin; jailhouse cell start hello',
    'jailhouse cell create configs/cells/c-inmate.json',
  ],
];

/**
 * The cells the shell lines create, as copies with a msg_reply_timeout: a cell started without
 * an image that answers comm-region messages would otherwise make destroy and disable wait for
 * it forever, as upstream (the stress test's cells do the same).
 */
const ANSWERING_CELLS = ['hello', 'compute'];
const MSG_REPLY_TIMEOUT = 20_000;

function changesState(c: ShellCmd): boolean {
  const [cmd, a, b] = c.argv;
  if (cmd === 'echo') return c.redirect !== undefined && /\/cpu\d+\/online$/.test(c.redirect);
  if (cmd !== 'jailhouse') return false;
  return a === 'enable' || a === 'disable' || (a === 'cell' && ['create', 'start', 'shutdown', 'destroy'].includes(b ?? ''));
}

class ShellRun implements TargetRun<ShellCase> {
  readonly arbitrary = fc.record({ setup: fc.constantFrom(0 as const, 1 as const, 2 as const), lines: fc.array(shellLineArb(), { minLength: 1, maxLength: 5 }) });
  private readonly host: MachineHost;
  private readonly counters = new Counters();

  constructor(private readonly env: FuzzEnv) {
    this.host = new MachineHost(env);
    for (const [name, make] of Object.entries(WORK_FILES)) writeFileSync(join(env.workDir, name), make(name.length));
    for (const cell of ANSWERING_CELLS) {
      const c = loadCellConfig(join(PACKAGE_ROOT, 'configs', 'cells', `${cell}.json`)).config;
      writeFileSync(join(env.workDir, `${cell}.cell`), serializeCellConfig({ ...c, msg_reply_timeout: MSG_REPLY_TIMEOUT }));
    }
  }

  private resolve = (w: string): string => (w.startsWith('work:') ? join(this.env.workDir, w.slice(5)) : w);

  private text(c: ShellCase): string[] {
    return [...this.setup(c), ...c.lines.map((l) => renderLine(l, this.resolve))];
  }

  private setup(c: ShellCase): string[] {
    return (this.env.board.cpus === 4 ? SETUPS[c.setup]! : []).map((l) => l.replace(/work:(\S+)/g, (_m, f: string) => this.resolve(`work:${f}`)));
  }

  async execute(c: ShellCase): Promise<'refused' | 'accepted'> {
    const h = this.host;
    await h.prepare();
    const start = h.baseline!;
    await h.expectState('the previous case\'s clean-up', start);
    let failed = false;
    const all = this.text(c);
    const setup = this.setup(c);
    for (const line of setup) {
      const r = await h.runChecked(line);
      if (r.code !== 0) throw new FuzzFailure('cleanup', `the case's set-up line \`${line}\` failed (${r.code}):\n${r.err}`);
    }
    for (const [i, line] of all.slice(setup.length).entries()) {
      const l = c.lines[i]!;
      const single = l.cmds.length === 1 && !l.broken && changesState(l.cmds[0]!);
      const before = single ? await h.snapshot() : undefined;
      const r = await h.runChecked(line, line);
      if (r.code !== 0) {
        failed = true;
        this.counters.add(checkErrnoLines(`\`${line}\``, r.err)[0] ?? `exit ${r.code}`);
      }
      if (before && r.code !== 0) await h.expectState(`the refused \`${line}\``, before);
      const ok = await h.run('echo ok');
      if (ok.code !== 0 || ok.out !== 'ok\n') throw new FuzzFailure('shell-dead', `after \`${line}\` the shell no longer answers \`echo ok\` (exit ${ok.code}, stdout ${JSON.stringify(ok.out)}, stderr ${JSON.stringify(ok.err)})`);
    }
    await h.checkConsole(all.join('\n'));
    await this.cleanUp(all);
    return failed ? 'refused' : 'accepted';
  }

  /** Back to the start: every cell destroyed, the hypervisor disabled, every CPU online. */
  private async cleanUp(lines: string[]): Promise<void> {
    const h = this.host;
    const after = `after the lines ${JSON.stringify(lines)}`;
    for (const id of await h.nonRootCells()) {
      const d = await h.runChecked(`jailhouse cell destroy ${id}`);
      if (d.code !== 0) throw new FuzzFailure('cleanup', `${after}, cell ${id} cannot be destroyed (${d.code}):\n${d.err}`);
    }
    // CPUs first: the hypervisor refuses to disable while a root CPU is offline.
    for (let cpu = 0; cpu < this.env.board.cpus; cpu++) {
      const path = `/sys/devices/system/cpu/cpu${cpu}/online`;
      const on = await h.run(`cat ${path}`);
      if (on.out.trim() === '1' || on.code !== 0) continue;
      const r = await h.runChecked(`echo 1 > ${path}`);
      if (r.code !== 0) throw new FuzzFailure('cleanup', `${after}, CPU ${cpu} cannot be brought back online:\n${r.err}`);
    }
    if ((await h.snapshot()).enabled === '1') {
      const d = await h.runChecked('jailhouse disable');
      if (d.code !== 0) throw new FuzzFailure('cleanup', `${after}, the hypervisor cannot be disabled (${d.code}):\n${d.err}`);
    }
    await h.expectState(`cleaning up ${after}`, h.baseline!);
  }

  describe(c: ShellCase): string {
    return this.text(c).map((l) => `\n    ${clip(l, 300)}`).join('');
  }

  /** The lines go to a file (they may be long or hold any character): the shell reads it as typed input. */
  reproduce(c: ShellCase, tag: string): string {
    const file = join(this.env.workDir, `shell-${tag}.txt`);
    writeFileSync(file, `${this.text(c).join('\n')}\n`);
    return `${this.env.jhsim} shell < ${shellQuote(file)}`;
  }

  reset(): Promise<void> {
    return this.host.discard();
  }

  close(): Promise<void> {
    return this.host.discard();
  }

  notes(): Record<string, number> {
    return this.counters.toJSON();
  }
}

export const shellTarget: FuzzTarget = {
  name: 'shell',
  start: async (env) => new ShellRun(env) as TargetRun<unknown>,
};
