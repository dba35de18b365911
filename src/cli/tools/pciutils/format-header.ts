/**
 * The per-function title line and the generic -v/-vv lines that come before the
 * header-type-specific part: Subsystem, Flags or Control/Status, Latency, Interrupt, BIST.
 */
import { ConfigView, slotName } from './config-view.js';
import { className, deviceName, progIfName } from './names.js';
import type { LspciFunction } from '../../../actors/pcie/lspci-dump/types.js';

export const pm = (v: number | boolean): string => (v ? '+' : '-');

const DEVSEL = ['fast', 'medium', 'slow', '??'];

/** `01:00.0 Memory controller: Xilinx Corporation Device 7014 (rev 01) (prog-if ...)`. */
export function titleLine(f: LspciFunction, cfg: ConfigView, numeric: number, verbose: number, domains: boolean): string {
  const cls = cfg.word(0x0a);
  let line = `${slotName(f.domain, f.bdf, domains)} ${className(cls, numeric)}: `;
  line += deviceName(cfg.word(0x00), cfg.word(0x02), numeric);
  const rev = cfg.byte(0x08);
  if (rev) line += ` (rev ${rev.toString(16).padStart(2, '0')})`;
  if (verbose) {
    const progIf = cfg.byte(0x09);
    const name = progIfName(cls, progIf);
    if (progIf || name) line += ` (prog-if ${progIf.toString(16).padStart(2, '0')}${name ? ` [${name}]` : ''})`;
  }
  return line;
}

/** The IRQ lspci shows: the kernel's if known, else the Interrupt Line register. */
export function irqOf(f: LspciFunction, cfg: ConfigView): number {
  return f.irq ?? cfg.byte(0x3c);
}

export function subsystemLine(cfg: ConfigView, sv: number, sd: number, numeric: number): string {
  return `\tSubsystem: ${deviceName(sv, sd, numeric, { vendor: cfg.word(0), device: cfg.word(2) })}`;
}

function statusFlags(status: number, secondary: boolean): string {
  const devsel = DEVSEL[(status >> 9) & 3];
  const common = `66MHz${pm(status & 0x20)}`;
  if (secondary) {
    return (
      `${common} FastB2B${pm(status & 0x80)} ParErr${pm(status & 0x100)} DEVSEL=${devsel} ` +
      `>TAbort${pm(status & 0x800)} <TAbort${pm(status & 0x1000)} <MAbort${pm(status & 0x2000)} ` +
      `<SERR${pm(status & 0x4000)} <PERR${pm(status & 0x8000)}`
    );
  }
  return (
    `Cap${pm(status & 0x10)} ${common} UDF${pm(status & 0x40)} FastB2B${pm(status & 0x80)} ` +
    `ParErr${pm(status & 0x100)} DEVSEL=${devsel} >TAbort${pm(status & 0x800)} <TAbort${pm(status & 0x1000)} ` +
    `<MAbort${pm(status & 0x2000)} >SERR${pm(status & 0x4000)} <PERR${pm(status & 0x8000)} INTx${pm(status & 0x8)}`
  );
}

export function secondaryStatusLine(cfg: ConfigView): string {
  return `\tSecondary status: ${statusFlags(cfg.word(0x1e), true)}`;
}

/** -v "Flags:" or -vv "Control:/Status:/Latency:/Interrupt:" lines, then BIST. */
export function genericLines(f: LspciFunction, cfg: ConfigView, verbose: number): string[] {
  const out: string[] = [];
  const cmd = cfg.word(0x04);
  const status = cfg.word(0x06);
  const latency = cfg.byte(0x0d);
  const cacheLine = cfg.byte(0x0c);
  const type0 = cfg.headerType() === 0;
  const minGnt = type0 ? cfg.byte(0x3e) : 0;
  const maxLat = type0 ? cfg.byte(0x3f) : 0;
  const pin = cfg.byte(0x3d);
  const irq = irqOf(f, cfg);
  if (verbose > 1) {
    out.push(
      `\tControl: I/O${pm(cmd & 1)} Mem${pm(cmd & 2)} BusMaster${pm(cmd & 4)} SpecCycle${pm(cmd & 8)} ` +
        `MemWINV${pm(cmd & 0x10)} VGASnoop${pm(cmd & 0x20)} ParErr${pm(cmd & 0x40)} Stepping${pm(cmd & 0x80)} ` +
        `SERR${pm(cmd & 0x100)} FastB2B${pm(cmd & 0x200)} DisINTx${pm(cmd & 0x400)}`,
    );
    out.push(`\tStatus: ${statusFlags(status, false)}`);
    if (cmd & 4) {
      let line = `\tLatency: ${latency}`;
      if (minGnt || maxLat) {
        const parts: string[] = [];
        if (minGnt) parts.push(`${minGnt * 250}ns min`);
        if (maxLat) parts.push(`${maxLat * 250}ns max`);
        line += ` (${parts.join(', ')})`;
      }
      if (cacheLine) line += `, Cache Line Size: ${cacheLine * 4} bytes`;
      out.push(line);
    }
    if (pin || irq) out.push(`\tInterrupt: pin ${pin ? String.fromCharCode(0x40 + pin) : '?'} routed to IRQ ${irq}`);
  } else {
    let line = '\tFlags: ';
    if (cmd & 4) line += 'bus master, ';
    if (cmd & 0x20) line += 'VGA palette snoop, ';
    if (cmd & 0x80) line += 'stepping, ';
    if (cmd & 0x200) line += 'fast Back2Back, ';
    if (status & 0x20) line += '66MHz, ';
    if (status & 0x40) line += 'user-definable features, ';
    line += `${DEVSEL[(status >> 9) & 3]} devsel`;
    if (cmd & 4) line += `, latency ${latency}`;
    if (irq) line += `, IRQ ${irq}`;
    out.push(line);
  }
  const bist = cfg.byte(0x0f);
  if (bist & 0x80) out.push(bist & 0x40 ? '\tBIST is running' : `\tBIST result: ${(bist & 0xf).toString(16).padStart(2, '0')}`);
  return out;
}
