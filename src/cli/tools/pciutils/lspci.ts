/**
 * formatLspci: the lspci front-end. Filters and sorts the functions the caller read, then prints
 * each one in the requested mode (title only, -v/-vv/-vvv, -x dumps, -k) or the -t tree.
 */
import { extendedCaps } from './caps-ext.js';
import { standardCaps } from './caps-std.js';
import { ConfigView, hex, slotName } from './config-view.js';
import { PciToolError } from '../../../actors/pcie/lspci-dump/errors.js';
import { matchIds, matchSlot, parseIdFilter, parseSlotFilter } from '../../../actors/pcie/lspci-dump/filters.js';
import { formatBars, formatBridgeWindows, formatRom } from './format-bases.js';
import { genericLines, pm, secondaryStatusLine, subsystemLine, titleLine } from './format-header.js';
import { hexDump } from './hexdump.js';
import { formatTree } from './tree.js';
import type { LspciFunction, LspciOptions } from '../../../actors/pcie/lspci-dump/types.js';

/** Subsystem IDs: header fields for type 0, the SSVID capability for bridges, 0x40 for CardBus. */
function subsystemIds(cfg: ConfigView): [number, number] | undefined {
  const ht = cfg.headerType();
  if (ht === 0) return [cfg.word(0x2c), cfg.word(0x2e)];
  if (ht === 2) return cfg.has(0x40, 4) ? [cfg.word(0x40), cfg.word(0x42)] : undefined;
  if (ht !== 1 || !(cfg.word(0x06) & 0x10)) return undefined;
  const seen = new Set<number>();
  for (let pos = cfg.byte(0x34) & 0xfc; pos && cfg.has(pos, 8) && !seen.has(pos); pos = cfg.byte(pos + 1) & 0xfc) {
    seen.add(pos);
    if (cfg.byte(pos) === 0x0d) return [cfg.word(pos + 4), cfg.word(pos + 6)];
  }
  return undefined;
}

/** Does the function decode a memory BAR (per the kernel view, else the registers)? */
function hasMemBar(f: LspciFunction, cfg: ConfigView): boolean {
  if (f.resources.length > 0) return f.resources.some((r) => r.bar < 6 && r.kind !== 'io' && r.start !== 0n);
  const count = cfg.headerType() === 0 ? 6 : cfg.headerType() === 1 ? 2 : 1;
  for (let i = 0; i < count; i++) {
    const v = cfg.long(0x10 + 4 * i);
    if (v !== 0 && v !== 0xffffffff && !(v & 1)) return true;
  }
  return false;
}

function capsLines(f: LspciFunction, cfg: ConfigView, o: LspciOptions, verbose: number): string[] {
  const std = standardCaps(cfg, verbose, o.numeric ?? 0, { hasMemBar: hasMemBar(f, cfg) });
  const lines = std.lines;
  if (std.expressType !== undefined) lines.push(...extendedCaps(cfg, verbose, std.expressType));
  return lines;
}

function bridgeControl(cfg: ConfigView): string[] {
  const c = cfg.word(0x3e);
  return [
    `\tBridgeCtl: Parity${pm(c & 1)} SERR${pm(c & 2)} NoISA${pm(c & 4)} VGA${pm(c & 8)} VGA16${pm(c & 0x10)} ` +
      `MAbort${pm(c & 0x20)} >Reset${pm(c & 0x40)} FastB2B${pm(c & 0x80)}`,
    `\t\tPriDiscTmr${pm(c & 0x100)} SecDiscTmr${pm(c & 0x200)} DiscTmrStat${pm(c & 0x400)} DiscTmrSERREn${pm(c & 0x800)}`,
  ];
}

function verboseLines(f: LspciFunction, cfg: ConfigView, o: LspciOptions, verbose: number): string[] {
  const out: string[] = [];
  const numeric = o.numeric ?? 0;
  const sub = subsystemIds(cfg);
  if (sub && sub[0] !== 0 && sub[0] !== 0xffff) out.push(subsystemLine(cfg, sub[0], sub[1], numeric));
  out.push(...genericLines(f, cfg, verbose));
  const ht = cfg.headerType();
  if (ht === 0) {
    out.push(...formatBars(f, cfg, 6, verbose), ...formatRom(f, cfg, 0x30), ...capsLines(f, cfg, o, verbose));
  } else if (ht === 1) {
    out.push(...formatBars(f, cfg, 2, verbose));
    out.push(
      `\tBus: primary=${hex(cfg.byte(0x18), 2)}, secondary=${hex(cfg.byte(0x19), 2)}, ` +
        `subordinate=${hex(cfg.byte(0x1a), 2)}, sec-latency=${cfg.byte(0x1b)}`,
    );
    out.push(...formatBridgeWindows(cfg, verbose));
    if (verbose > 1) out.push(secondaryStatusLine(cfg));
    out.push(...formatRom(f, cfg, 0x38));
    if (verbose > 1) out.push(...bridgeControl(cfg));
    out.push(...capsLines(f, cfg, o, verbose));
  } else if (ht === 2) {
    // CardBus bridges are not modelled by the simulation; only their BAR is decoded.
    out.push(...formatBars(f, cfg, 1, verbose));
  } else {
    out.push(`\t!!! Unknown header type ${hex(ht, 2)}`);
  }
  if (f.driver) out.push(`\tKernel driver in use: ${f.driver}`);
  return out;
}

/** Applies -s/-d and sorts like lspci (domain, bus, device, function). */
export function selectFunctions(funcs: LspciFunction[], o: Pick<LspciOptions, 'slot' | 'device'>): LspciFunction[] {
  const slot = o.slot !== undefined ? parseSlotFilter(o.slot) : undefined;
  const ids = o.device !== undefined ? parseIdFilter(o.device) : undefined;
  return funcs
    .filter((f) => (!slot || matchSlot(slot, f.domain, f.bdf)) && (!ids || matchIds(ids, f.config)))
    .sort((a, b) => a.domain - b.domain || a.bdf - b.bdf);
}

/** pciutils-compatible lspci output for the given functions; every line ends in "\n". */
export function formatLspci(funcs: LspciFunction[], o: LspciOptions = {}): string {
  for (const f of funcs) {
    if (f.config.length < 64) throw new PciToolError(`${slotName(f.domain, f.bdf, true)}: only ${f.config.length} config bytes given, lspci needs at least 64`);
  }
  const verbose = o.verbose ?? 0;
  const numeric = o.numeric ?? 0;
  const selected = selectFunctions(funcs, o);
  if (o.tree) {
    const chosen = new Set(selected);
    const lines = formatTree(funcs, verbose, numeric, (f) => chosen.has(f));
    return lines.map((l) => l + '\n').join('');
  }
  // Like lspci, domains are shown as soon as any function lives outside domain 0.
  const domains = o.domains === true || selected.some((f) => f.domain !== 0);
  const out: string[] = [];
  for (const f of selected) {
    const cfg = new ConfigView(f.config);
    out.push(titleLine(f, cfg, numeric, verbose, domains));
    if (verbose) out.push(...verboseLines(f, cfg, o, verbose));
    else if (o.kernel) {
      const sub = subsystemIds(cfg);
      if (sub && sub[0] !== 0 && sub[0] !== 0xffff) out.push(subsystemLine(cfg, sub[0], sub[1], numeric));
      if (f.driver) out.push(`\tKernel driver in use: ${f.driver}`);
    }
    if (o.hex) out.push(...hexDump(f.config, o.hex, cfg.headerType()));
    if (verbose || o.hex) out.push('');
  }
  return out.map((l) => l + '\n').join('');
}
