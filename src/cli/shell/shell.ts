/**
 * The root-cell shell: what a hypervisor engineer types on the board's console. Runs the
 * `jailhouse` tool and a few coreutils against the simulated kernel, one user-space process
 * per shell. `run` mode stops at the first failing command and returns its exit code.
 */
import { lspci, setpci } from '../tools/pci-tools.js';
import { strerror } from '../../shared/errno.js';
import { MachineBrokenError } from '../../actors/cpu/machine-tasks.js';
import type { Machine } from '../../actors/cpu/supervisor.js';
import { cpuTopology } from '../../actors/cpu/board.js';
import { cpuViews } from '../inspect/inspect.js';
import { cpusTable } from '../inspect/cpus-table.js';
import { runTop } from '../inspect/top.js';
import { otherExits } from '../inspect/exit-counters.js';
import { hostDirEntries, type CompletionSources } from './shell-complete.js';
import { cpuCellName, hvCells } from '../inspect/inspect-cells.js';
import type { Io } from '../io.js';
import { jailhouseTool, type ToolContext } from '../tools/jailhouse-tool.js';
import { ShellSyntaxError, parseLine, type ShellCommand } from './shell-parse.js';
import { UserProcess } from './user.js';
import { decodeLatin1 } from '../../shared/text.js';
import type { UartConsole } from './uart-console.js';

export const SHELL_HELP = `Commands of the root-cell shell:
  jailhouse enable SYSCONFIG      enable the hypervisor with a system config (.json or .cell)
  jailhouse disable               disable it again
  jailhouse console [-f]          print the hypervisor console, then the cells' new UART
                                  lines as [cell] text (-f: follow, Ctrl-C stops)
  jailhouse cell create CELLCONFIG
  jailhouse cell load { ID | [--name] NAME } { IMAGE | -s STRING } [-a ADDR] ...
  jailhouse cell start|shutdown|destroy { ID | [--name] NAME }
  jailhouse cell stats { ID | [--name] NAME } [--once] [--json]
                                  live statistics (q quits, c/a: per CPU/all CPUs)
  jailhouse cell list             list cells
  lspci [-v..] [-x..] [-t] [-n] [-D] [-k] [-s SLOT] [-d ID]
                                  list PCI functions (pciutils' output, from /sys/bus/pci)
  setpci [-v] [-D] [-f] -s SLOT REG[+OFF][.B|.W|.L][=VALUE[:MASK]]...
                                  read or write config registers (names: COMMAND, BASE_ADDRESS_0, CAP_EXP+8 ...)
  cat PATH...                     print files, e.g. /sys/devices/jailhouse/enabled
  echo WORDS [> PATH]             print words, or write them to a file:
                                  echo 0 > /sys/devices/system/cpu/cpu1/online
  ls [PATH]                       list a directory of /sys
  sleep SECONDS                   wait (Ctrl-C stops)
  dmesg                           print the kernel log
  cpus [--json]                   simulation view: state, online, hypervisor, cell, vmexits (OTHER:
                                  exits counted only in the total, e.g. trapped ICC_SGI1R_EL1
                                  writes) and isolation violations (iso) per CPU
  top [--interval MS] [--count N] live view of every CPU (also \`cpus --watch\`): state, cell, guest
                                  PC, instructions/s and vmexits/s by reason, from shared memory;
                                  q or Ctrl-C stops it (without a terminal: N screens, default 1)
  uart [mute|unmute]              stop or resume printing the cells' UART lines at the prompt;
                                  muted lines wait for \`jailhouse console\` (without an
                                  argument: say which)
  help                            this text
  exit, quit                      leave the shell (Ctrl-D too)
Commands are separated by ';'. Tab completes commands, cell names and paths; Ctrl-C drops
the line being typed.
`;

export class Shell {
  readonly user: UserProcess;
  private abort: AbortController | undefined;
  /** Key presses for live views (set by the interactive shell on a terminal). */
  keys: ToolContext['keys'];
  /** The board's UART output (`jailhouse console` shows the lines not shown yet). */
  uart: UartConsole | undefined;
  /**
   * `uart mute`: the interactive shell stops printing the cells' UART lines by itself (they
   * stay queued for `jailhouse console`, and in the --uart-log files).
   */
  uartMuted = false;

  constructor(
    readonly m: Machine,
    readonly io: Io,
    caller = 0,
  ) {
    this.user = new UserProcess(m, caller);
  }

  /** Interrupt a running `jailhouse console -f` or `sleep` (Ctrl-C). */
  interrupt(): boolean {
    if (!this.abort) return false;
    this.abort.abort();
    this.interrupted = true;
    return true;
  }

  /** Set by interrupt(): the rest of the line is dropped, as a shell drops it on Ctrl-C. */
  private interrupted = false;

  /**
   * Run one line. Returns the exit code of the last command run; with stopOnError the first
   * failing command ends the line.
   */
  async runLine(line: string, stopOnError = true): Promise<number> {
    let cmds: ShellCommand[];
    try {
      cmds = parseLine(line);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        this.io.err(`jhsim: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    let code = 0;
    this.interrupted = false;
    for (const cmd of cmds) {
      code = await this.runGuarded(cmd);
      if ((code !== 0 && stopOnError) || this.interrupted) return code;
    }
    return code;
  }

  /**
   * runCommand, except that a machine broken by a hang fails the command with one clear message
   * (MachineBrokenError) instead of an exception: the shell keeps answering and `exit` works.
   */
  private async runGuarded(cmd: ShellCommand): Promise<number> {
    try {
      return await this.runCommand(cmd);
    } catch (e) {
      if (!(e instanceof MachineBrokenError)) throw e;
      this.io.err(`jhsim: ${cmd.argv[0]}: ${e.message}\n`);
      return 1;
    }
  }

  async runCommand(cmd: ShellCommand): Promise<number> {
    const [name, ...args] = cmd.argv;
    if (cmd.redirect !== undefined && name !== 'echo') {
      this.io.err(`jhsim: ${name}: output redirection is only supported for echo\n`);
      return 2;
    }
    switch (name) {
      case 'jailhouse': {
        this.abort = new AbortController();
        try {
          return await jailhouseTool({ user: this.user, io: this.io, signal: this.abort.signal, keys: this.keys, uart: this.uart }, args);
        } finally {
          this.abort = undefined;
        }
      }
      case 'lspci':
        return lspci(this.user, this.io, args);
      case 'setpci':
        return setpci(this.user, this.io, args);
      case 'cat':
        return this.cat(args);
      case 'echo':
        return this.echo(args, cmd.redirect);
      case 'ls':
        return this.ls(args[0] ?? '/');
      case 'sleep':
        return this.sleep(args);
      case 'dmesg':
        this.io.out(this.m.kernelLog().text);
        return 0;
      case 'cpus':
        if (args[0] === '--watch') return this.top(args.slice(1));
        return this.cpus(args);
      case 'top':
        return this.top(args);
      case 'uart':
        return this.uartCmd(args);
      case 'help':
        this.io.out(SHELL_HELP);
        return 0;
      case 'exit':
      case 'quit':
        return 0;
      default:
        this.io.err(`jhsim: ${name}: command not found (try 'help')\n`);
        return 127;
    }
  }

  private async cat(paths: string[]): Promise<number> {
    if (!paths.length) {
      this.io.err('cat: missing file operand\n');
      return 1;
    }
    let code = 0;
    for (const p of paths) {
      const r = await this.user.readFile(p);
      if (typeof r === 'number') {
        this.io.err(`cat: ${p}: ${strerror(r)}\n`);
        code = 1;
      } else this.io.out(decodeLatin1(r));
    }
    return code;
  }

  private async echo(words: string[], redirect?: string): Promise<number> {
    const text = `${words.join(' ')}\n`;
    if (redirect === undefined) {
      this.io.out(text);
      return 0;
    }
    const r = await this.user.writeFile(redirect, text);
    if (r < 0) {
      this.io.err(`echo: write error on ${redirect}: ${strerror(r)}\n`);
      return 1;
    }
    return 0;
  }

  private async ls(path: string): Promise<number> {
    const r = await this.user.listDir(path);
    if (typeof r === 'number') {
      this.io.err(`ls: cannot access '${path}': ${strerror(r)}\n`);
      return 2;
    }
    if (r.length) this.io.out(`${r.join('\n')}\n`);
    return 0;
  }

  private async sleep(args: string[]): Promise<number> {
    const s = Number(args[0]);
    if (args.length !== 1 || !Number.isFinite(s) || s < 0) {
      this.io.err(`sleep: invalid time interval '${args[0] ?? ''}'\n`);
      return 1;
    }
    // Interruptible as in a real shell: Ctrl-C ends it with the status of a SIGINT (130).
    const abort = (this.abort = new AbortController());
    try {
      // On the virtual clock when the machine runs controlled (`run --schedule`).
      return (await this.m.sleep(s * 1000, abort.signal)) ? 0 : 130;
    } finally {
      this.abort = undefined;
    }
  }

  private uartCmd(args: string[]): number {
    if (args.length > 1 || (args.length === 1 && args[0] !== 'mute' && args[0] !== 'unmute')) {
      this.io.err(`uart: unexpected argument '${args.find((a) => a !== 'mute' && a !== 'unmute') ?? args[1]}' (usage: uart [mute|unmute])\n`);
      return 2;
    }
    if (args[0] !== undefined) this.uartMuted = args[0] === 'mute';
    else this.io.out(`cell UART lines: ${this.uartMuted ? 'muted (`jailhouse console` shows them; `uart unmute` resumes)' : 'shown at the prompt (`uart mute` stops)'}\n`);
    return 0;
  }

  /** What Tab completion may look at: the cell list (hypervisor memory), /sys, host files. */
  completionSources(): CompletionSources {
    return {
      cells: () => {
        try {
          return hvCells(this.m).map((c) => c.name);
        } catch {
          return [];
        }
      },
      simDir: async (path) => {
        try {
          const r = await this.user.listDir(path);
          return typeof r === 'number' ? undefined : r;
        } catch {
          // A broken machine completes nothing rather than failing the key press.
          return undefined;
        }
      },
      hostDir: hostDirEntries,
    };
  }

  private async top(args: string[]): Promise<number> {
    const opt = (name: string): string | undefined => {
      const i = args.indexOf(name);
      return i >= 0 ? (args[i + 1] ?? '') : undefined;
    };
    const iv = opt('--interval');
    const cnt = opt('--count');
    const known = new Set(['--interval', '--count']);
    const bad = args.find((a, i) => !known.has(a) && !known.has(args[i - 1] ?? ''));
    const intervalMs = iv === undefined ? 1000 : Number(iv);
    const count = cnt === undefined ? (this.keys ? undefined : 1) : Number(cnt);
    if (bad !== undefined || !Number.isInteger(intervalMs) || intervalMs < 50 || intervalMs > 600_000 || (count !== undefined && (!Number.isInteger(count) || count < 1))) {
      this.io.err(`top: ${bad !== undefined ? `unexpected argument '${bad}'` : `bad value (--interval ${iv ?? ''} --count ${cnt ?? ''})`} (usage: top [--interval MS (50..600000)] [--count N])\n`);
      return 2;
    }
    const abort = (this.abort = new AbortController());
    try {
      return await runTop(this.m, { intervalMs, count, inPlace: !!this.keys, signal: abort.signal, keys: this.keys, out: (t) => this.io.out(t) });
    } finally {
      this.abort = undefined;
    }
  }

  private cpus(args: string[]): number {
    if (args.length > 1 || (args.length === 1 && args[0] !== '--json')) {
      this.io.err(`cpus: unexpected argument '${args.find((a) => a !== '--json') ?? args[1]}' (usage: cpus [--json])\n`);
      return 2;
    }
    const views = cpuViews(this.m, cpuTopology(this.m.board));
    const cellOf = cpuCellName(this.m);
    if (args[0] === '--json') {
      const rows = views.map((v) => ({
        cpu: v.cpu, mpidr: v.mpidr, state: v.state, online: v.online, hypervisor: v.hypervisor, cell: cellOf(v),
        vmexits: v.vmexits ?? null, other_exits: v.vmexits ? otherExits(v.vmexits) : null, isolation_violations: v.isolationViolations, guest: v.guest ?? null,
      }));
      this.io.out(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    this.io.out(cpusTable(views, cellOf));
    return 0;
  }
}
