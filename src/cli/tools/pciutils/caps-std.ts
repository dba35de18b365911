/**
 * The standard capability list (from 0x34): one "Capabilities: [xx] ..." line per entry plus the
 * -vv detail for PM, MSI, MSI-X, Vendor Specific, Express, VPD and AF. PCI-X, SATA, EA and AGP
 * print their -v line only (pciutils adds a -vv body we do not reproduce); HyperTransport is
 * shown by ID. When the reader got just the 64-byte header the walk stops at "<access denied>",
 * as lspci does for a non-root user.
 */
import { type ConfigView, hex } from './config-view.js';
import { type ExpressContext, expressDetails, expressSummary } from './caps-express.js';
import { pm } from './format-header.js';
import { deviceName } from './names.js';

const AUX_CURRENT = [0, 55, 100, 160, 220, 270, 320, 375];

function powerManagement(cfg: ConfigView, pos: number, verbose: number): string[] {
  const pmc = cfg.word(pos + 2);
  const out = [`Power Management version ${pmc & 7}`];
  if (verbose < 2) return out;
  const csr = cfg.word(pos + 4);
  out.push(
    `\t\tFlags: PMEClk${pm(pmc & 8)} DSI${pm(pmc & 0x20)} D1${pm(pmc & 0x200)} D2${pm(pmc & 0x400)} ` +
      `AuxCurrent=${AUX_CURRENT[(pmc >> 6) & 7]}mA PME(D0${pm(pmc & 0x800)},D1${pm(pmc & 0x1000)},` +
      `D2${pm(pmc & 0x2000)},D3hot${pm(pmc & 0x4000)},D3cold${pm(pmc & 0x8000)})`,
  );
  out.push(
    `\t\tStatus: D${csr & 3} NoSoftRst${pm(csr & 8)} PME-Enable${pm(csr & 0x100)} ` +
      `DSel=${(csr >> 9) & 0xf} DScale=${(csr >> 13) & 3} PME${pm(csr & 0x8000)}`,
  );
  const bridge = cfg.byte(pos + 6);
  if (bridge) out.push(`\t\tBridge: PM${pm(bridge & 0x80)} B3${pm(~bridge & 0x40)}`);
  return out;
}

function msi(cfg: ConfigView, pos: number, verbose: number): string[] {
  const ctl = cfg.word(pos + 2);
  const is64 = (ctl & 0x80) !== 0;
  const maskable = (ctl & 0x100) !== 0;
  const out = [
    `MSI: Enable${pm(ctl & 1)} Count=${1 << ((ctl >> 4) & 7)}/${1 << ((ctl >> 1) & 7)} ` +
      `Maskable${pm(maskable)} 64bit${pm(is64)}`,
  ];
  if (verbose < 2) return out;
  const lo = cfg.long(pos + 4);
  const address = is64 ? hex(cfg.long(pos + 8), 8) + hex(lo, 8) : hex(lo, 8);
  const dataOff = pos + (is64 ? 0x0c : 0x08);
  out.push(`\t\tAddress: ${address}  Data: ${hex(cfg.word(dataOff), 4)}`);
  if (maskable) {
    out.push(`\t\tMasking: ${hex(cfg.long(dataOff + 4), 8)}  Pending: ${hex(cfg.long(dataOff + 8), 8)}`);
  }
  return out;
}

function msix(cfg: ConfigView, pos: number, verbose: number): string[] {
  const ctl = cfg.word(pos + 2);
  const out = [`MSI-X: Enable${pm(ctl & 0x8000)} Count=${(ctl & 0x7ff) + 1} Masked${pm(ctl & 0x4000)}`];
  if (verbose < 2) return out;
  const table = cfg.long(pos + 4);
  const pba = cfg.long(pos + 8);
  out.push(`\t\tVector table: BAR=${table & 7} offset=${hex((table & ~7) >>> 0, 8)}`);
  out.push(`\t\tPBA: BAR=${pba & 7} offset=${hex((pba & ~7) >>> 0, 8)}`);
  return out;
}

const VIRTIO_TYPES: Readonly<Record<number, string>> = {
  1: 'CommonCfg', 2: 'Notify', 3: 'ISR', 4: 'DeviceCfg', 5: 'PCICfg', 8: 'SharedMemory',
};

/** Vendor-specific (0x09); virtio devices describe their config structures in these. */
function vendorSpecific(cfg: ConfigView, pos: number, verbose: number): string[] {
  const len = cfg.byte(pos + 2);
  if (cfg.word(0) === 0x1af4 && len >= 16) {
    const type = cfg.byte(pos + 3);
    const out = [`Vendor Specific Information: VirtIO: ${VIRTIO_TYPES[type] ?? '<unknown>'}`];
    if (verbose > 1) {
      let l = `\t\tBAR=${cfg.byte(pos + 4)} offset=${hex(cfg.long(pos + 8), 8)} size=${hex(cfg.long(pos + 12), 8)}`;
      if (type === 2 && len >= 20) l += ` multiplier=${hex(cfg.long(pos + 16), 8)}`;
      out.push(l);
    }
    return out;
  }
  return [`Vendor Specific Information: Len=${hex(len, 2)} <?>`];
}

/** Caps lspci names without decoding their body. */
const SIMPLE: Readonly<Record<number, (cfg: ConfigView, pos: number) => string>> = {
  0x00: () => 'Null',
  0x02: (c, p) => `AGP version ${(c.byte(p + 2) >> 4) & 0xf}.${c.byte(p + 2) & 0xf}`,
  0x03: () => 'Vital Product Data',
  0x04: (c, p) => `Slot ID: ${c.byte(p + 2) & 0x1f} slots, First${pm(c.byte(p + 2) & 0x20)}, chassis ${hex(c.byte(p + 3), 2)}`,
  0x06: () => 'CompactPCI hot-swap <?>',
  0x0a: (c, p) => `Debug port: BAR=${c.word(p + 2) >> 13} offset=${hex(c.word(p + 2) & 0x1fff, 4)}`,
  0x0b: () => 'CompactPCI central resource control <?>',
  0x0c: () => 'Hot-plug capable',
  0x0e: () => 'AGP3 <?>',
  0x0f: () => 'Secure device <?>',
  0x13: () => 'PCI Advanced Features',
  0x07: (c) => (c.headerType() === 1 ? 'PCI-X bridge device' : 'PCI-X non-bridge device'),
  0x12: (c, p) => `SATA HBA v${c.byte(p + 2) >> 4}.${c.byte(p + 2) & 0xf}`,
  0x14: (c, p) => `Enhanced Allocation (EA): NumEntries=${c.byte(p + 2) & 0x3f}`,
};

/** -vv bodies we can give exactly: VPD contents are never available to us, AF is two flags. */
function simpleDetails(cfg: ConfigView, pos: number, id: number): string[] {
  if (id === 0x03) return ['\t\tNot readable'];
  if (id === 0x13) {
    const cap = cfg.byte(pos + 3);
    return [`\t\tAFCap: TP${pm(cap & 1)} FLR${pm(cap & 2)}`, `\t\tAFCtrl: FLR${pm(cfg.byte(pos + 4) & 1)}`];
  }
  return [];
}

export interface CapsResult {
  lines: string[];
  /** Express port type if a PCIe capability was found (then the extended list is shown). */
  expressType?: number;
}

/** Walks the standard list; `ctx` says whether AtomicOp completer bits apply (memory BAR present). */
export function standardCaps(cfg: ConfigView, verbose: number, numeric: number, ctx: ExpressContext): CapsResult {
  const lines: string[] = [];
  let expressType: number | undefined;
  if (!(cfg.word(0x06) & 0x10)) return { lines };
  const seen = new Set<number>();
  let pos = cfg.byte(0x34) & 0xfc;
  while (pos) {
    if (!cfg.has(pos, 4)) {
      lines.push('\tCapabilities: <access denied>');
      break;
    }
    const head = `\tCapabilities: [${hex(pos, 2)}] `;
    if (seen.has(pos)) {
      lines.push(`${head}<chain looped>`);
      break;
    }
    seen.add(pos);
    const id = cfg.byte(pos);
    if (id === 0xff) {
      lines.push(`${head}<chain broken>`);
      break;
    }
    let body: string[];
    if (id === 0x01) body = powerManagement(cfg, pos, verbose);
    else if (id === 0x05) body = msi(cfg, pos, verbose);
    else if (id === 0x09) body = vendorSpecific(cfg, pos, verbose);
    else if (id === 0x11) body = msix(cfg, pos, verbose);
    else if (id === 0x0d) body = [`Subsystem: ${deviceName(cfg.word(pos + 4), cfg.word(pos + 6), numeric, { vendor: cfg.word(0), device: cfg.word(2) })}`];
    else if (id === 0x10) {
      const s = expressSummary(cfg, pos, verbose);
      expressType = s.type;
      body = [s.text, ...(verbose > 1 ? expressDetails(cfg, pos, s.type, ctx) : [])];
    } else if (SIMPLE[id]) body = [SIMPLE[id]!(cfg, pos), ...(verbose > 1 ? simpleDetails(cfg, pos, id) : [])];
    else body = [`Capability ID ${id ? '0x' + id.toString(16) : '0'} [${hex(cfg.word(pos + 2), 4)}]`];
    lines.push(head + body[0], ...body.slice(1));
    pos = cfg.byte(pos + 1) & 0xfc;
  }
  return { lines, expressType };
}
