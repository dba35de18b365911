/**
 * The interactive root shell: readline with history in ~/.jhsim_history.
 *
 * On a terminal it prompts, completes with Tab (shell-complete.ts), drops the line being typed on
 * Ctrl-C (or stops a running `jailhouse console -f` or `sleep`), and prints the cells' UART lines
 * as they complete above the prompt, redrawing the prompt and the half-typed line intact below
 * them (printAbove), never in the middle of a command's own output.
 *
 * With stdin not a terminal (a pipe, a file) it prints no prompt, as sh does, so the output is
 * the commands' own; UART lines follow the command during which they came. `uart mute` holds them
 * back in both cases (`jailhouse console` still shows them).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Shell } from './shell.js';
import { completeLine, type CompletionSources } from './shell-complete.js';
import type { UartConsole } from './uart-console.js';

export const PROMPT = 'root@jhsim:~# ';

/** What the loop needs of a Shell (unit tests drive it with a stub and fake terminals). */
export interface InteractiveShell {
  runLine(line: string, stopOnError: boolean): Promise<number>;
  interrupt(): boolean;
  keys: Shell['keys'];
  readonly uart: Pick<UartConsole, 'takeText' | 'onLines'> | undefined;
  readonly uartMuted: boolean;
  completionSources(): CompletionSources;
}

export interface InteractiveStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** History file read at start and appended to; undefined keeps no history. */
  history?: string;
}

const processStreams = (): InteractiveStreams => ({ input: process.stdin, output: process.stdout, history: join(homedir(), '.jhsim_history') });

function loadHistory(file: string | undefined): string[] {
  if (file === undefined) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

/**
 * Prints `text` (whole lines) above the prompt and the line being typed, then redraws both with
 * the cursor where it was. Only public readline API: the cursor's place from getCursorPos(), the
 * line from rl.line. readline itself only clears the row the cursor is on, which left the first
 * rows of a wrapped line above the text. Widths count characters (wide characters are rare here).
 */
export function printAbove(rl: Interface, out: InteractiveStreams['output'], prompt: string, text: string): void {
  const cols = out.columns !== undefined && out.columns > 0 ? out.columns : 80;
  const pos = rl.getCursorPos();
  moveCursor(out, 0, -pos.rows);
  cursorTo(out, 0);
  clearScreenDown(out);
  out.write(text);
  const shown = prompt + rl.line;
  out.write(shown);
  const width = [...shown].length;
  // A line filling its last row exactly leaves the terminal's cursor on that row, waiting to
  // wrap; readline counts it on the next row, so go there.
  if (width > 0 && width % cols === 0) out.write(' \r');
  moveCursor(out, 0, pos.rows - Math.floor(width / cols));
  cursorTo(out, pos.cols);
}

/**
 * Ctrl-C at the prompt: `^C` after the typed text, a fresh empty line (as bash does). readline
 * keeps the text otherwise, and the next command would be glued to it.
 */
export function dropLine(rl: Interface, out: InteractiveStreams['output']): void {
  rl.write(null, { ctrl: true, name: 'e' });
  out.write('^C');
  // Interface.clearLine (what Node's REPL calls on Ctrl-C) ends the row and empties the line
  // without redrawing it; where it is missing, delete the line as a key press would.
  const clear = (rl as Interface & { clearLine?: () => void }).clearLine;
  if (typeof clear === 'function') clear.call(rl);
  else {
    out.write('\r\n');
    rl.write(null, { ctrl: true, shift: true, name: 'backspace' });
  }
}

export async function interactive(shell: InteractiveShell, streams: InteractiveStreams = processStreams()): Promise<number> {
  const { input, output, history } = streams;
  const terminal = !!input.isTTY && !!output.isTTY;
  let busy = false;
  const sources = shell.completionSources();
  const rl = createInterface({
    input,
    output,
    prompt: PROMPT,
    terminal,
    history: loadHistory(history),
    historySize: 500,
    completer: (line: string, done: (err: null, result: [string[], string]) => void): void => {
      // The shell's user process runs one system call at a time: nothing while a command runs.
      if (busy) return done(null, [[], line]);
      completeLine(line, sources).then(
        (r) => done(null, r),
        () => done(null, [[], line]),
      );
    },
  });
  // A prompt only for someone typing: piped input gets the commands' output alone.
  const prompt = (): void => {
    if (input.isTTY) rl.prompt();
  };
  let last = 0;
  rl.on('SIGINT', () => {
    if (busy && shell.interrupt()) {
      // As a terminal echoes it; the prompt follows when the command has returned.
      output.write('^C\n');
      return;
    }
    dropLine(rl, output);
    if (!busy) prompt();
  });
  if (terminal) {
    // readline emits keypress events on stdin; live views (`jailhouse cell stats`) listen to them.
    shell.keys = (onKey) => {
      const h = (_s: string | undefined, key: { name?: string } | undefined): void => {
        if (key?.name) onKey(key.name);
      };
      input.on('keypress', h);
      return () => {
        input.off('keypress', h);
        // The keys also went into readline's line buffer: drop them.
        rl.write(null, { ctrl: true, name: 'u' });
      };
    };
  }
  const uart = shell.uart;
  if (uart && terminal) {
    const show = (): void => {
      if (busy || shell.uartMuted) return;
      const text = uart.takeText();
      if (text) printAbove(rl, output, PROMPT, text);
    };
    // Told from inside a poll: show them once that poll is over.
    uart.onLines = () => setImmediate(show);
  }
  prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'exit' || trimmed === 'quit') break;
    if (trimmed) {
      if (history !== undefined) {
        try {
          appendFileSync(history, `${trimmed}\n`);
        } catch {
          /* history is a convenience */
        }
      }
      busy = true;
      last = await shell.runLine(trimmed, false);
      busy = false;
    }
    const text = uart && !shell.uartMuted ? uart.takeText() : '';
    if (text) output.write(text);
    prompt();
  }
  if (uart) uart.onLines = undefined;
  rl.close();
  return last;
}
