/**
 * Tab completion for the interactive root-cell shell (node:readline's completer): command
 * names, `jailhouse` subcommands and options, cell names where the tool takes a cell, paths of
 * the simulated machine (/sys ...) for cat, ls and echo's `>`, and host files where the tool
 * reads one (configs, images, kernels). Pure over its sources, so tests drive it without a
 * terminal or a machine.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';

/** The shell's commands (Shell.runCommand), for completion and for the CLI's "a shell command" hint. */
export const SHELL_COMMANDS: readonly string[] = ['jailhouse', 'lspci', 'setpci', 'cat', 'echo', 'ls', 'sleep', 'dmesg', 'cpus', 'top', 'uart', 'help', 'exit', 'quit'];

export interface CompletionSources {
  /** Names of the cells that exist now, the root cell first ([] while disabled). */
  cells(): string[];
  /** Entries of a directory of the simulated machine (`ls`), or undefined when it is not one. */
  simDir(path: string): Promise<string[] | undefined>;
  /** Entries of a host directory, directories ending in '/', or undefined when unreadable. */
  hostDir(path: string): string[] | undefined;
}

const JAILHOUSE_SUB = ['enable', 'disable', 'console', 'cell', 'config', 'hardware'];
const CELL_SUB = ['create', 'load', 'start', 'shutdown', 'destroy', 'stats', 'list', 'linux'];

const matching = (list: readonly string[], word: string): string[] => list.filter((s) => s.startsWith(word));

/**
 * Completions of the last word of `line` (the text left of the cursor, as readline passes it):
 * [candidates, the word they replace]. A single candidate that is not a directory ends with a
 * blank, as in bash, so the next word can follow (readline inserts candidates as they are).
 */
export async function completeLine(line: string, src: CompletionSources): Promise<[string[], string]> {
  const [out, word] = await candidates(line, src);
  return [out.length === 1 && !out[0]!.endsWith('/') ? [`${out[0]} `] : out, word];
}

async function candidates(line: string, src: CompletionSources): Promise<[string[], string]> {
  const seg = line.slice(line.lastIndexOf(';') + 1);
  const gt = seg.lastIndexOf('>');
  if (gt >= 0) {
    // echo 1 > /sys/...: the redirection target is a path of the machine.
    const target = seg.slice(gt + 1).trimStart();
    return /\s/.test(target) ? [[], target] : [await simPaths(target, src), target];
  }
  const words = seg.trimStart().split(/[ \t]+/);
  const word = words.pop() ?? '';
  if (!words.length) return [matching(SHELL_COMMANDS, word), word];
  switch (words[0]) {
    case 'cat':
    case 'ls':
      return [await simPaths(word, src), word];
    case 'cpus':
      return [words.length === 1 ? matching(['--json'], word) : [], word];
    case 'uart':
      return [words.length === 1 ? matching(['mute', 'unmute'], word) : [], word];
    case 'jailhouse':
      return [await jailhouseWords(words.slice(1), word, src), word];
    default:
      return [[], word];
  }
}

async function jailhouseWords(args: string[], word: string, src: CompletionSources): Promise<string[]> {
  if (!args.length) return matching(JAILHOUSE_SUB, word);
  const [sub, ...rest] = args;
  switch (sub) {
    case 'enable':
      return rest.length ? [] : hostPaths(word, src);
    case 'console':
      return matching(['-f'], word);
    case 'config':
      return rest.length ? hostPaths(word, src) : matching(['check'], word);
    case 'hardware':
      return rest.length ? [] : matching(['check'], word);
    case 'cell':
      return cellWords(rest, word, src);
    default:
      return [];
  }
}

async function cellWords(args: string[], word: string, src: CompletionSources): Promise<string[]> {
  if (!args.length) return matching(CELL_SUB, word);
  const [sub, ...rest] = args;
  // The cell operand: `NAME`, `--name NAME` or an id (not completed).
  const cellOperand = (withRoot: boolean): string[] | undefined => {
    const names = withRoot ? src.cells() : src.cells().slice(1);
    if (!rest.length) return word.startsWith('-') ? matching(['--name'], word) : matching(names, word);
    if (rest.length === 1 && rest[0] === '--name') return matching(names, word);
    return undefined;
  };
  switch (sub) {
    case 'create':
      return rest.length ? [] : hostPaths(word, src);
    case 'linux':
      return word.startsWith('-') ? [] : hostPaths(word, src);
    case 'load':
      return cellOperand(false) ?? (word.startsWith('-') ? matching(['-s', '-a', '--string', '--address'], word) : hostPaths(word, src));
    case 'start':
    case 'shutdown':
    case 'destroy':
      return cellOperand(false) ?? [];
    case 'stats':
      return cellOperand(true) ?? matching(['--once', '--json'], word);
    default:
      return [];
  }
}

/** Absolute paths of the machine; a single match that is a directory gets its '/'. */
async function simPaths(word: string, src: CompletionSources): Promise<string[]> {
  if (!word.startsWith('/')) return word === '' ? ['/'] : [];
  const slash = word.lastIndexOf('/');
  const dir = word.slice(0, slash + 1);
  const base = word.slice(slash + 1);
  const entries = (await src.simDir(dir === '/' ? dir : dir.slice(0, -1))) ?? [];
  const out = entries.filter((e) => e.startsWith(base)).map((e) => dir + e);
  if (out.length === 1 && (await src.simDir(out[0]!)) !== undefined) out[0] += '/';
  return out;
}

function hostPaths(word: string, src: CompletionSources): string[] {
  const slash = word.lastIndexOf('/');
  const dir = word.slice(0, slash + 1);
  const base = word.slice(slash + 1);
  const entries = src.hostDir(dir) ?? [];
  return entries.filter((e) => e.startsWith(base) && (base.startsWith('.') || !e.startsWith('.'))).map((e) => dir + e);
}

/**
 * Entries of host directory `dir` ('' = the working directory), directories ending in '/'. A
 * relative directory also lists the bundled copy (configs/...), as resolveUserPath falls back to
 * it, so completion offers what `jailhouse enable` would find.
 */
export function hostDirEntries(dir: string): string[] | undefined {
  const out = new Set<string>();
  let readable = false;
  const list = (d: string): void => {
    try {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const isDir = e.isDirectory() || (e.isSymbolicLink() && isDirectory(join(d, e.name)));
        out.add(isDir ? `${e.name}/` : e.name);
      }
      readable = true;
    } catch {
      /* not a directory, or unreadable: nothing to offer */
    }
  };
  list(dir === '' ? '.' : dir);
  if (dir === '') {
    if (existsSync(join(PACKAGE_ROOT, 'configs'))) {
      out.add('configs/');
      readable = true;
    }
  } else if (!isAbsolute(dir)) list(join(PACKAGE_ROOT, dir));
  return readable ? [...out].sort() : undefined;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
