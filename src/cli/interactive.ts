/** The interactive root shell: readline prompt with history kept in ~/.jhsim_history. */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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
    rl.prompt();
  }
  rl.close();
  return last;
}
