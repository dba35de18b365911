/**
 * The interactive root shell: readline prompt with history kept in ~/.jhsim_history. The
 * cells' UART lines appear as they complete while the shell waits at its prompt on a terminal
 * (printed above the prompt, which is redrawn with what was typed), otherwise after each
 * command, or inside `jailhouse console`; never in the middle of a command's own output.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Shell } from './shell.js';

const HISTORY = join(homedir(), '.jhsim_history');
const PROMPT = 'root@jhsim:~# ';

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

export async function interactive(shell: Shell): Promise<number> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: PROMPT, history: loadHistory(), historySize: 500 });
  let last = 0;
  let busy = false;
  rl.on('SIGINT', () => {
    if (busy && shell.interrupt()) return;
    process.stdout.write('^C\n');
    rl.prompt();
  });
  if (process.stdin.isTTY) {
    // readline emits keypress events on stdin; live views (`jailhouse cell stats`) listen to them.
    shell.keys = (onKey) => {
      const h = (_s: string | undefined, key: { name?: string } | undefined): void => {
        if (key?.name) onKey(key.name);
      };
      process.stdin.on('keypress', h);
      return () => {
        process.stdin.off('keypress', h);
        // The keys also went into readline's line buffer: drop them.
        rl.write(null, { ctrl: true, name: 'u' });
      };
    };
  }
  const uart = shell.uart;
  if (uart && process.stdout.isTTY) {
    const show = (): void => {
      if (busy) return;
      const text = uart.takeText();
      if (!text) return;
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      process.stdout.write(text);
      rl.prompt(true);
    };
    // Told from inside a poll: show them once that poll is over.
    uart.onLines = () => setImmediate(show);
  }
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'exit' || trimmed === 'quit') break;
    if (trimmed) {
      try {
        appendFileSync(HISTORY, `${trimmed}\n`);
      } catch {
        /* history is a convenience */
      }
      busy = true;
      last = await shell.runLine(trimmed, false);
      busy = false;
    }
    const text = uart?.takeText();
    if (text) process.stdout.write(text);
    rl.prompt();
  }
  if (uart) uart.onLines = undefined;
  rl.close();
  return last;
}
