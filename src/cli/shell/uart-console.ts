/**
 * The board's UARTs as the user sees them (main thread): drains every PL011's transmit ring,
 * assembles each cell's bytes into lines (one line buffer per UART and cell, so two cells'
 * characters never share a line), names the cell, queues the lines for whoever shows them
 * (`jailhouse console`, the interactive shell, `guest run`) and, with a log directory, appends
 * each cell's lines to DIR/<cell name>.log.
 *
 * Names come from the hypervisor's cell list (read from its memory, as the inspector does),
 * refreshed whenever bytes arrive and at least every 50 ms while polling; a name once seen is
 * kept for its id, so a cell's last line drained just after it was destroyed still carries its
 * name. An id never seen in the list shows as `cell<id>`.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from '../../actors/cpu/supervisor.js';
import { TxReader } from '../../actors/cpu/devices/uart-ring.js';
import { boardUarts } from '../../actors/cpu/board.js';
import { hvCells } from '../inspect/inspect-cells.js';

export interface UartLine {
  /** UART index: 0 = the board's `uart` (the root console), 1.. = its `uarts`. */
  uart: number;
  /** Id of the writer's cell; -1 for jhsim's own notes (lost bytes). */
  cell: number;
  /** The cell's name, `cell<id>` if unknown, `jhsim` for notes. */
  name: string;
  /** The line without its line end ("\r\n" or "\n"). */
  text: string;
}

export interface UartConsoleOptions {
  /** Append each cell's lines to DIR/<cell name>.log (a file is truncated at its first line in this process). */
  logDir?: string;
  /** Lines kept for take(); older ones are dropped and counted. */
  maxQueued?: number;
}

/** Log files this process has started (each is truncated once, then appended to by every console). */
const startedLogs = new Set<string>();

/** How often the cell names are refreshed while no bytes arrive. */
const NAMES_MS = 50;

/** Longest line kept before it is broken (a guest printing without line ends). */
const MAX_LINE = 4096;

/** `[name] text` (`[name@uartN]` on an extra UART), with its newline. */
export function formatUartLine(l: UartLine): string {
  return `[${l.name}${l.uart ? `@uart${l.uart}` : ''}] ${l.text}\n`;
}

/** A cell name as a file name: letters, digits, '.', '_' and '-' (others become '_'). */
export function logFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe === '' || safe.startsWith('.') ? `cell${safe}` : safe}.log`;
}

export class UartConsole {
  private readonly readers: TxReader[];
  /** Unfinished line per UART and cell (key uart * 2^24 + cell). */
  private readonly partial = new Map<number, { uart: number; cell: number; text: string }>();
  private queue: UartLine[] = [];
  private dropped = 0;
  private readonly names = new Map<number, string>();
  private readonly missedSeen: number[];
  private logDir: string | undefined;
  private readonly maxQueued: number;
  private timer: NodeJS.Timeout | undefined;
  private namesAt = -Infinity;
  /** Called after poll() queued new lines. */
  onLines: (() => void) | undefined = undefined;

  constructor(
    view: Int32Array,
    uartCount: number,
    /** The cells that exist now: id → name. */
    private readonly cellNames: () => Iterable<[number, string]>,
    opts: UartConsoleOptions = {},
  ) {
    this.readers = Array.from({ length: uartCount }, (_, i) => new TxReader(view, i));
    this.missedSeen = this.readers.map(() => 0);
    this.maxQueued = opts.maxQueued ?? 5000;
    if (opts.logDir !== undefined) {
      mkdirSync(opts.logDir, { recursive: true });
      this.logDir = opts.logDir;
    }
  }

  static forMachine(m: Machine, opts: UartConsoleOptions = {}): UartConsole {
    return new UartConsole(new Int32Array(m.buffers.uarts), boardUarts(m.board).length, () => hvCells(m).map((c): [number, string] => [c.id, c.name]), opts);
  }

  /** Drain the rings every `ms` until stop(). */
  start(ms = 50): this {
    this.timer ??= setInterval(() => this.poll(), ms).unref();
    return this;
  }

  /** Stops polling, drains what is left and ends unfinished lines. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
    const rest = [...this.partial.values()].filter((p) => p.text !== '');
    this.partial.clear();
    if (rest.length) this.publish(rest.map((p) => ({ uart: p.uart, cell: p.cell, name: this.nameOf(p.cell), text: p.text })));
  }

  /** Drains every ring now; completed lines are queued (and logged). */
  poll(): void {
    const done: { uart: number; cell: number; text: string }[] = [];
    let any = false;
    for (const r of this.readers) {
      r.drain((cell, byte) => {
        any = true;
        this.put(r.uart, cell, byte, done);
      });
    }
    this.refreshNames(any);
    const lines: UartLine[] = done.map((d) => ({ ...d, name: this.nameOf(d.cell) }));
    this.readers.forEach((r, i) => {
      if (r.missed === this.missedSeen[i]) return;
      lines.push({ uart: i, cell: -1, name: 'jhsim', text: `uart${i}: ${r.missed - this.missedSeen[i]!} bytes were overwritten before they could be read` });
      this.missedSeen[i] = r.missed;
    });
    if (lines.length) this.publish(lines);
  }

  /** The queued lines (oldest first), emptying the queue. */
  take(): UartLine[] {
    const out = this.queue;
    this.queue = [];
    if (this.dropped) {
      out.unshift({ uart: 0, cell: -1, name: 'jhsim', text: `${this.dropped} UART lines were dropped before they were shown` });
      this.dropped = 0;
    }
    return out;
  }

  /** poll(), then the queued lines formatted for a terminal ('' if none). */
  takeText(): string {
    this.poll();
    return this.take().map(formatUartLine).join('');
  }

  /**
   * Learns the names of the cells that exist now: when bytes arrived, and otherwise every
   * NAMES_MS, so a short-lived cell is known by the time its last line is drained.
   */
  private refreshNames(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.namesAt < NAMES_MS) return;
    this.namesAt = now;
    try {
      for (const [id, name] of this.cellNames()) this.names.set(id, name);
    } catch {
      // The list was read while the hypervisor changed it (enable, disable): next time.
    }
  }

  private nameOf(cell: number): string {
    return this.names.get(cell) ?? `cell${cell}`;
  }

  private put(uart: number, cell: number, byte: number, done: { uart: number; cell: number; text: string }[]): void {
    const key = uart * 0x100_0000 + cell;
    let p = this.partial.get(key);
    if (!p) {
      p = { uart, cell, text: '' };
      this.partial.set(key, p);
    }
    if (byte === 0x0a) {
      done.push({ uart, cell, text: p.text });
      p.text = '';
    } else if (byte !== 0x0d) {
      p.text += String.fromCharCode(byte);
      if (p.text.length >= MAX_LINE) {
        done.push({ uart, cell, text: p.text });
        p.text = '';
      }
    }
  }

  private publish(lines: UartLine[]): void {
    for (const l of lines) this.queue.push(l);
    if (this.queue.length > this.maxQueued) {
      this.dropped += this.queue.length - this.maxQueued;
      this.queue.splice(0, this.queue.length - this.maxQueued);
    }
    this.log(lines);
    this.onLines?.();
  }

  private log(lines: UartLine[]): void {
    const dir = this.logDir;
    if (dir === undefined) return;
    const files = new Map<string, string>();
    for (const l of lines) {
      if (l.cell < 0) continue;
      const f = join(dir, logFileName(l.name));
      files.set(f, (files.get(f) ?? '') + (l.uart ? `[uart${l.uart}] ` : '') + l.text + '\n');
    }
    try {
      for (const [f, text] of files) {
        if (startedLogs.has(f)) appendFileSync(f, text, 'latin1');
        else {
          writeFileSync(f, text, 'latin1');
          startedLogs.add(f);
        }
      }
    } catch (e) {
      // A log that cannot be written must not take the machine down: say so once, stop logging.
      process.stderr.write(`jhsim: --uart-log ${dir}: ${(e as Error).message}; UART logging stopped\n`);
      this.logDir = undefined;
    }
  }
}
