/**
 * Device models from real hardware: a board file's `"model": { "import": "dump.txt", "slot":
 * "01:00.0" }` names an `lspci -vxxx` (or -vxxxx) capture; on load it becomes the captured
 * config bytes plus the BAR sizes lspci -v reported, and the function model infers which bits
 * are writable from them (function-model.ts imageFromCapture).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { matchSlot, parseLspciDump, parseSlotFilter, PciToolError } from './lspci-dump/index.js';
import type { CapturedModel } from './topology.js';

export class BoardImportError extends Error {}

function capture(file: string, slot: string | undefined): CapturedModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BoardImportError(`import ${file}: ${(e as Error).message}`);
  }
  let funcs;
  try {
    funcs = parseLspciDump(text);
  } catch (e) {
    if (e instanceof PciToolError) throw new BoardImportError(`import ${file}: ${e.message}`);
    throw e;
  }
  const sel = slot === undefined ? funcs : funcs.filter((f) => matchSlot(parseSlotFilter(slot), f.domain, f.bdf));
  if (sel.length !== 1) throw new BoardImportError(`import ${file}: ${sel.length === 0 ? 'no function' : `${sel.length} functions`} match${slot ? ` slot ${slot}` : ''} (give "slot")`);
  const f = sel[0]!;
  if (f.config.length < 64) throw new BoardImportError(`import ${file}: ${f.headerLine}: the dump has no config bytes (capture with lspci -vxxx)`);
  const type = (f.config[0x0e] ?? 0) & 0x7f;
  const nBars = type === 0 ? 6 : 2;
  const bars = f.resources.filter((r) => r.bar < 6).map((r) => ({ index: r.bar, kind: r.kind, prefetch: r.prefetch, size: Number(r.size) }));
  for (let i = 0; i < nBars; i++) {
    const v = f.config[0x10 + 4 * i]! | (f.config[0x11 + 4 * i]! << 8) | (f.config[0x12 + 4 * i]! << 16) | (f.config[0x13 + 4 * i]! << 24);
    const upperOf64 = i > 0 && bars.some((b) => b.index === i - 1 && b.kind === 'mem64');
    if (v !== 0 && !upperOf64 && !bars.some((b) => b.index === i)) {
      throw new BoardImportError(`import ${file}: ${f.headerLine}: BAR${i} is 0x${(v >>> 0).toString(16)} but the dump gives no size for it (capture with lspci -vxxx, which prints [size=...])`);
    }
  }
  const rom = f.resources.find((r) => r.bar === 6);
  const name = f.headerLine.replace(/^\S+\s+/, '');
  return {
    capture: {
      name,
      config: Array.from(f.config, (b) => b.toString(16).padStart(2, '0')).join(''),
      bars,
      ...(rom ? { rom_size: Number(rom.size) } : {}),
    },
  };
}

/** Replace every `{ import, slot }` model in a raw board's pci.devices by its capture (paths relative to the board file). */
export function resolveBoardImports(raw: unknown, boardFile: string): void {
  const base = dirname(resolve(boardFile));
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    const m = o.model;
    if (typeof m === 'object' && m !== null && typeof (m as { import?: unknown }).import === 'string') {
      const imp = m as { import: string; slot?: string };
      o.model = capture(resolve(base, imp.import), imp.slot);
    }
    for (const k of ['below', 'downstream', 'bus', 'functions']) if (k in o) visit(o[k]);
  };
  const pci = (raw as { pci?: { devices?: unknown } }).pci;
  if (pci?.devices) visit(pci.devices);
}
