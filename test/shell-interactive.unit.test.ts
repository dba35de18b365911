/**
 * The interactive shell's terminal behaviour, which a piped e2e run cannot reach: Tab completion
 * (the completer alone, then through readline), Ctrl-C dropping the line being typed, UART lines
 * printed above a half-typed (wrapped) line without garbling it, `uart mute`, and no prompt when
 * stdin is not a terminal. The loop runs against a stub shell and fake terminals whose output
 * goes through a small VT emulator (vt-screen.ts), so the assertions are on what a user sees.
 */
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { PROMPT, interactive, printAbove, type InteractiveShell } from '../src/cli/shell/interactive.js';
import { SHELL_COMMANDS, completeLine, hostDirEntries, type CompletionSources } from '../src/cli/shell/shell-complete.js';
import { SHELL_HELP } from '../src/cli/shell/shell.js';
import { Screen } from './vt-screen.js';

const SIM: Record<string, string[]> = {
  '/': ['dev', 'proc', 'sys'],
  '/sys': ['bus', 'devices', 'kernel'],
  '/sys/devices': ['jailhouse', 'system'],
  '/sys/devices/jailhouse': ['cells', 'console', 'enabled', 'mem_pool_size', 'mem_pool_used'],
  '/sys/devices/jailhouse/cells': ['0', '1'],
};

const sources = (cells = ['qemu-arm64', 'gic-demo', 'hello']): CompletionSources => ({
  cells: () => cells,
  simDir: async (p) => SIM[p.length > 1 ? p.replace(/\/$/, '') : p],
  hostDir: (d) => (d === '' ? ['configs/', 'notes.txt', '.hidden'] : d === 'configs/' ? ['cells/', 'inmates/', 'qemu-arm64.json'] : undefined),
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await tick();
};

/** Key by key, as typed (readline handles a pasted chunk differently: no redraw at a wrap). */
async function type(input: PassThrough, text: string): Promise<void> {
  for (const ch of text) {
    input.write(ch);
    await tick();
  }
}

describe('completeLine', () => {
  const c = (line: string): Promise<[string[], string]> => completeLine(line, sources());

  it('command names, after a ";" too', async () => {
    expect(await c('')).toEqual([[...SHELL_COMMANDS], '']);
    expect(await c('ja')).toEqual([['jailhouse '], 'ja']); // one candidate: a blank follows
    expect(await c('cat /x; u')).toEqual([['uart '], 'u']);
    expect(await c('q')).toEqual([['quit '], 'q']);
  });

  it('jailhouse subcommands and options', async () => {
    expect(await c('jailhouse ')).toEqual([['enable', 'disable', 'console', 'cell', 'config', 'hardware'], '']);
    expect(await c('jailhouse cell s')).toEqual([['start', 'shutdown', 'stats'], 's']);
    expect(await c('jailhouse console -')).toEqual([['-f '], '-']);
    expect(await c('jailhouse cell stats hello --')).toEqual([['--once', '--json'], '--']);
    expect(await c('uart m')).toEqual([['mute '], 'm']);
    expect(await c('cpus --')).toEqual([['--json '], '--']);
  });

  it('cell names where the tool takes a cell (the root cell only for stats)', async () => {
    expect(await c('jailhouse cell start ')).toEqual([['gic-demo', 'hello'], '']);
    expect(await c('jailhouse cell destroy --name h')).toEqual([['hello '], 'h']);
    expect(await c('jailhouse cell stats q')).toEqual([['qemu-arm64 '], 'q']);
    expect(await c('jailhouse cell load g')).toEqual([['gic-demo '], 'g']);
    expect(await c('jailhouse cell start hello ')).toEqual([[], '']);
  });

  it('host files for configs and images (hidden ones only when asked)', async () => {
    expect(await c('jailhouse enable ')).toEqual([['configs/', 'notes.txt'], '']);
    expect(await c('jailhouse enable configs/q')).toEqual([['configs/qemu-arm64.json '], 'configs/q']);
    expect(await c('jailhouse cell create configs/')).toEqual([['configs/cells/', 'configs/inmates/', 'configs/qemu-arm64.json'], 'configs/']);
    expect(await c('jailhouse cell load hello configs/i')).toEqual([['configs/inmates/'], 'configs/i']);
    expect(await c('jailhouse enable .')).toEqual([['.hidden '], '.']);
  });

  it('paths of the machine for cat, ls and echo >; a single directory gets its "/"', async () => {
    expect(await c('cat ')).toEqual([['/'], '']);
    expect(await c('cat /s')).toEqual([['/sys/'], '/s']);
    expect(await c('ls /sys/devices/jailhouse/')).toEqual([SIM['/sys/devices/jailhouse']!.map((e) => `/sys/devices/jailhouse/${e}`), '/sys/devices/jailhouse/']);
    expect(await c('cat /sys/devices/jailhouse/en')).toEqual([['/sys/devices/jailhouse/enabled '], '/sys/devices/jailhouse/en']);
    expect(await c('echo 1 > /sys/devices/j')).toEqual([['/sys/devices/jailhouse/'], '/sys/devices/j']);
    expect(await c('echo 1 >/sys/d')).toEqual([['/sys/devices/'], '/sys/d']);
    expect(await c('cat /nope/x')).toEqual([[], '/nope/x']);
  });

  it('every command it completes is one the help documents', () => {
    for (const cmd of SHELL_COMMANDS) expect(SHELL_HELP).toMatch(new RegExp(`^ {2}(\\S+, )?${cmd}\\b`, 'm'));
  });

  it('hostDirEntries lists the bundled configs/ from any directory, directories with "/"', () => {
    expect(hostDirEntries('configs/')).toEqual(expect.arrayContaining(['cells/', 'inmates/', 'qemu-arm64.json']));
    expect(hostDirEntries('')).toContain('configs/');
    expect(hostDirEntries('/nonexistent-dir/')).toBeUndefined();
  });
});

interface FakeUart {
  text: string;
  takeText(): string;
  onLines: (() => void) | undefined;
}

class StubShell implements InteractiveShell {
  lines: string[] = [];
  keys: InteractiveShell['keys'];
  uartMuted = false;
  interrupts = 0;
  /** interrupt() succeeds (a `jailhouse console -f` or `sleep` is running). */
  interruptible = false;
  constructor(readonly uart: FakeUart | undefined = undefined) {}
  async runLine(line: string): Promise<number> {
    this.lines.push(line);
    if (line === 'uart mute') this.uartMuted = true;
    return 0;
  }
  interrupt(): boolean {
    this.interrupts++;
    return this.interruptible;
  }
  completionSources(): CompletionSources {
    return sources();
  }
}

function fakeUart(): FakeUart {
  return {
    text: '',
    onLines: undefined,
    takeText() {
      const t = this.text;
      this.text = '';
      return t;
    },
  };
}

/** A terminal of `cols` columns: keys in, what is drawn on `screen`. */
function fakeTerminal(cols = 40): { input: PassThrough & { isTTY: boolean; setRawMode(on: boolean): void }; output: PassThrough & { isTTY: boolean; columns: number }; screen: Screen } {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (_on: boolean): void => {} });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: cols });
  const screen = new Screen(cols);
  output.setEncoding('utf8').on('data', (d: string) => screen.write(d));
  return { input, output, screen };
}

describe('the interactive loop on a terminal', () => {
  it('Ctrl-C drops the line being typed: the next command is not glued to it', async () => {
    const sh = new StubShell();
    const t = fakeTerminal();
    const done = interactive(sh, { input: t.input, output: t.output });
    await settle();
    t.input.write('jailhouse dis');
    await settle();
    t.input.write('\x03');
    await settle();
    t.input.write('help\r');
    await settle();
    t.input.end();
    await done;
    expect(sh.lines).toEqual(['help']);
    expect(sh.interrupts).toBe(0); // nothing was running
    expect(t.screen.lines().slice(0, 2)).toEqual([`${PROMPT}jailhouse dis^C`, `${PROMPT}help`]);
  });

  it('Ctrl-C while a command runs interrupts it instead', async () => {
    const sh = new StubShell();
    sh.interruptible = true;
    let release!: () => void;
    sh.runLine = async (line: string): Promise<number> => {
      sh.lines.push(line);
      await new Promise<void>((r) => (release = r));
      return 130;
    };
    const t = fakeTerminal();
    const done = interactive(sh, { input: t.input, output: t.output });
    await settle();
    t.input.write('sleep 100\r');
    await settle();
    t.input.write('\x03');
    await settle();
    expect(sh.interrupts).toBe(1);
    expect(t.screen.lines()).toEqual([`${PROMPT}sleep 100`, '^C']);
    release();
    await settle();
    t.input.end();
    expect(await done).toBe(130);
  });

  it('Tab completes through readline: subcommand, then a host path', async () => {
    const sh = new StubShell();
    const t = fakeTerminal(80);
    const done = interactive(sh, { input: t.input, output: t.output });
    await settle();
    t.input.write('jailhouse cell cr\t');
    await settle();
    t.input.write('configs/qe\t'); // the completion left a blank
    await settle();
    t.input.write('\r');
    await settle();
    t.input.end();
    await done;
    expect(sh.lines).toEqual(['jailhouse cell create configs/qemu-arm64.json']);
  });

  it('UART lines go above a wrapped half-typed line, which stays intact with the cursor in place', async () => {
    const uart = fakeUart();
    const sh = new StubShell(uart);
    const t = fakeTerminal(20);
    const done = interactive(sh, { input: t.input, output: t.output });
    await settle();
    const typed = 'echo abcdefghijklmnopqrstuvwxyz';
    await type(t.input, typed);
    for (let i = 0; i < 3; i++) await type(t.input, '\x1b[D'); // three to the left
    await settle();
    uart.text = '[gic-demo] Timer fired\n[hello] hi\n';
    uart.onLines!();
    await settle();
    const full = PROMPT + typed;
    const rows = (s: string): string[] => s.match(/.{1,20}/g)!;
    expect(t.screen.lines()).toEqual(['[gic-demo] Timer fir', 'ed', '[hello] hi', ...rows(full)]);
    await type(t.input, '_'); // typed where the cursor was
    t.input.write('\r');
    await settle();
    t.input.end();
    await done;
    expect(sh.lines).toEqual(['echo abcdefghijklmnopqrstuvw_xyz']);
    expect(t.screen.lines().slice(3, 6)).toEqual(rows(PROMPT + sh.lines[0]!));
  });

  it('uart mute: nothing printed at the prompt or after commands; the lines stay queued', async () => {
    const uart = fakeUart();
    const sh = new StubShell(uart);
    const t = fakeTerminal();
    const done = interactive(sh, { input: t.input, output: t.output });
    await settle();
    t.input.write('uart mute\r');
    await settle();
    uart.text = '[hello] hi\n';
    uart.onLines!();
    await settle();
    t.input.write('echo x\r');
    await settle();
    t.input.end();
    await done;
    expect(t.screen.lines().join('\n')).not.toContain('[hello]');
    expect(uart.text).toBe('[hello] hi\n');
  });
});

describe('printAbove', () => {
  it('a typed line that fills its last row exactly', async () => {
    const t = fakeTerminal(20);
    const rl = createInterface({ input: t.input, output: t.output, prompt: PROMPT, terminal: true });
    rl.prompt();
    await type(t.input, 'x'.repeat(40 - PROMPT.length));
    await settle();
    printAbove(rl, t.output, PROMPT, 'line\n');
    await settle();
    t.input.write('y');
    await settle();
    rl.close();
    expect(t.screen.lines()).toEqual(['line', PROMPT + 'x'.repeat(20 - PROMPT.length), 'x'.repeat(20), 'y']);
  });
});

describe('the loop with stdin not a terminal', () => {
  it('prints no prompt, runs each line, stops at exit', async () => {
    const uart = fakeUart();
    const sh = new StubShell(uart);
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.setEncoding('utf8').on('data', (d: string) => (out += d));
    uart.text = '[hello] hi\n';
    input.end('echo a\n\nhelp\nexit\necho never\n');
    await interactive(sh, { input, output });
    expect(sh.lines).toEqual(['echo a', 'help']);
    expect(out).not.toContain(PROMPT);
    expect(out).toBe('[hello] hi\n'); // after the first command, as it came during it
  });
});

describe('the Shell behind the loop (a booted machine)', () => {
  it('Ctrl-C (interrupt) ends sleep with 130 and drops the rest of the line; uart mute/unmute', { timeout: 60_000 }, async () => {
    const { bootRootShell } = await import('./root-shell.js');
    const b = await bootRootShell();
    try {
      const t0 = Date.now();
      const pending = b.run('sleep 30; echo after');
      await new Promise((r) => setTimeout(r, 100));
      expect(b.sh.interrupt()).toBe(true);
      const r = await pending;
      expect(r.code).toBe(130);
      expect(r.out).toBe('');
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(b.sh.interrupt()).toBe(false); // nothing running any more
      expect((await b.run('echo next')).out).toBe('next\n');
      expect((await b.run('uart')).out).toContain('shown at the prompt');
      expect((await b.run('uart mute')).code).toBe(0);
      expect(b.sh.uartMuted).toBe(true);
      expect((await b.run('uart')).out).toContain('muted');
      expect((await b.run('uart unmute')).code).toBe(0);
      expect(b.sh.uartMuted).toBe(false);
      expect(await b.run('uart loud')).toEqual({ code: 2, out: '', err: "uart: unexpected argument 'loud' (usage: uart [mute|unmute])\n" });
      const sources = b.sh.completionSources();
      expect(await sources.simDir('/sys/devices/system/cpu')).toEqual(expect.arrayContaining(['online', 'cpu0']));
      expect(await sources.simDir('/no/such/dir')).toBeUndefined();
      expect(sources.cells()).toEqual([]); // hypervisor not enabled
    } finally {
      await b.m.shutdown();
    }
  });
});
