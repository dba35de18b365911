/**
 * How jhsim's --help, --version and usage errors read.
 *
 * - Each subcommand's --help lists the global options it honours (commander's
 *   showGlobalOptions, narrowed per command: `tlp decode` boots no machine, so listing --cpus
 *   there would mislead, while `stress --help` must show it, as every stress example uses it).
 * - Numeric defaults print as numbers: `(default: 3)`, not `(default: "3")` (the values stay
 *   strings, which the commands parse and check themselves).
 * - A usage error names what was wrong in a line or two (commander's suggestion included) and
 *   where to look, instead of the whole usage; a shell command typed as a jhsim command
 *   (`jhsim cpus`) says where it lives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Help, type Command, type HelpConfiguration, type Option } from 'commander';
import { PACKAGE_ROOT } from './paths.js';
import { SHELL_COMMANDS } from './shell/shell-complete.js';

/** Global options that shape the machine a command boots. */
export const MACHINE_GLOBALS: readonly string[] = ['--board', '--cpus', '--firmware', '--watchdog', '--filters', '--isolation-monitor', '--upstream-races'];
/** Global options of commands that boot a machine with the supervisor's log and the UART console. */
export const SESSION_GLOBALS: readonly string[] = [...MACHINE_GLOBALS, '--uart-log', '--log-level', '--profile'];

const honoured = new WeakMap<Command, ReadonlySet<string>>();

/** Declares the global options (long names) `cmd` honours, for its --help. */
export function honours<C extends Command>(cmd: C, longs: readonly string[]): C {
  honoured.set(cmd, new Set(longs));
  return cmd;
}

/** The global options `cmd` honours ([] when none were declared). */
export function honouredGlobals(cmd: Command): string[] {
  return [...(honoured.get(cmd) ?? [])];
}

/** Give to the program's configureHelp() before adding commands (subcommands copy it). */
export const helpConfiguration: HelpConfiguration = {
  showGlobalOptions: true,
  visibleGlobalOptions(cmd: Command): Option[] {
    const mine = honoured.get(cmd);
    if (!mine) return [];
    return Help.prototype.visibleGlobalOptions.call(this as Help, cmd).filter((o) => o.long !== undefined && mine.has(o.long));
  },
};

/** The version in jhsim's package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** `jhsim guest run` for the command `run` under `guest`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** commander's "error: unknown command 'stres'\n(Did you mean stress?)\n" as jhsim prints it. */
export function usageError(path: string, text: string): string {
  let out = text.replace(/^error: /, `${path}: `);
  const unknown = /unknown command '([^']*)'/.exec(text)?.[1];
  if (unknown !== undefined && !path.includes(' ') && SHELL_COMMANDS.includes(unknown)) {
    out += `('${unknown}' is a command of the root-cell shell: jhsim run -c "${unknown}", or type it in jhsim shell)\n`;
  }
  return out;
}

/**
 * Applies the numeric defaults and the short usage errors to every command; call once all
 * commands are defined.
 */
export function finishHelp(program: Command): void {
  const visit = (cmd: Command): void => {
    const path = commandPath(cmd);
    for (const o of cmd.options) {
      const d: unknown = o.defaultValue;
      if (o.defaultValueDescription !== undefined) continue;
      if (typeof d === 'string' && /^\d+(\.\d+)?(,\d+)*$/.test(d)) o.defaultValueDescription = d;
      // A variadic option's default list as it would be typed (`--target all`), not as JSON.
      else if (Array.isArray(d) && d.every((x) => typeof x === 'string')) o.defaultValueDescription = d.join(' ');
    }
    cmd.showHelpAfterError(`Try '${path} --help' for more information.`);
    cmd.configureOutput({ outputError: (text, write) => write(usageError(path, text)) });
    for (const sub of cmd.commands) visit(sub);
  };
  visit(program);
}
