/**
 * The extended capability list (0x100..0xfff). lspci shows it only for functions with a PCI
 * Express capability. AER and the Device Serial Number are decoded; every other ID is shown by
 * the name lspci gives it, without its -vv body.
 */
import { type ConfigView, hex } from './config-view.js';
import { pm } from './format-header.js';

/** Names as lspci prints them; "<?>" marks the ones lspci itself does not decode. */
export const EXT_CAP_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Null',
  0x02: 'Virtual Channel',
  0x04: 'Power Budgeting <?>',
  0x05: 'Root Complex Link',
  0x06: 'Root Complex Internal Link <?>',
  0x07: 'Root Complex Event Collector Endpoint Association',
  0x08: 'Multi-Function Virtual Channel <?>',
  0x09: 'Virtual Channel',
  0x0a: 'Root Complex Register Block <?>',
  0x0c: 'Configuration Access Correlation <?>',
  0x0d: 'Access Control Services',
  0x0e: 'Alternative Routing-ID Interpretation (ARI)',
  0x0f: 'Address Translation Service (ATS)',
  0x10: 'Single Root I/O Virtualization (SR-IOV)',
  0x11: 'Multi-Root I/O Virtualization <?>',
  0x12: 'Multicast',
  0x13: 'Page Request Interface (PRI)',
  0x15: 'Physical Resizable BAR',
  0x16: 'Dynamic Power Allocation <?>',
  0x17: 'Transaction Processing Hints',
  0x18: 'Latency Tolerance Reporting',
  0x19: 'Secondary PCI Express',
  0x1a: 'Protocol Multiplexing <?>',
  0x1b: 'Process Address Space ID (PASID)',
  0x1c: 'LN Requester <?>',
  0x1d: 'Downstream Port Containment',
  0x1e: 'L1 PM Substates',
  0x1f: 'Precision Time Measurement',
  0x20: 'PCI Express over M_PHY <?>',
  0x21: 'FRS Queueing <?>',
  0x22: 'Readiness Time Reporting <?>',
  0x24: 'Virtual Resizable BAR',
  0x25: 'Data Link Feature <?>',
  0x26: 'Physical Layer 16.0 GT/s <?>',
  0x27: 'Lane Margining at the Receiver <?>',
  0x28: 'Hierarchy ID <?>',
  0x29: 'Native PCIe Enclosure Management <?>',
  0x2a: 'Physical Layer 32.0 GT/s <?>',
  0x2e: 'Data Object Exchange',
};

const UE_BITS: Array<[number, string]> = [
  [4, 'DLP'], [5, 'SDES'], [12, 'TLP'], [13, 'FCP'], [14, 'CmpltTO'], [15, 'CmpltAbrt'], [16, 'UnxCmplt'],
  [17, 'RxOF'], [18, 'MalfTLP'], [19, 'ECRC'], [20, 'UnsupReq'], [21, 'ACSViol'],
];
const CE_BITS: Array<[number, string]> = [
  [0, 'RxErr'], [6, 'BadTLP'], [7, 'BadDLLP'], [8, 'Rollover'], [12, 'Timeout'], [13, 'AdvNonFatalErr'],
];

function bitList(v: number, bits: Array<[number, string]>): string {
  return bits.map(([b, n]) => `${n}${pm((v >>> b) & 1)}`).join(' ');
}

/** pciutils 3.9 decodes the AER 1.0 bits only, whatever the capability version says. */
function aer(cfg: ConfigView, pos: number, type: number | undefined): string[] {
  const ue = UE_BITS;
  const ce = CE_BITS;
  const out = [
    `\t\tUESta:\t${bitList(cfg.long(pos + 0x04), ue)}`,
    `\t\tUEMsk:\t${bitList(cfg.long(pos + 0x08), ue)}`,
    `\t\tUESvrt:\t${bitList(cfg.long(pos + 0x0c), ue)}`,
    `\t\tCESta:\t${bitList(cfg.long(pos + 0x10), ce)}`,
    `\t\tCEMsk:\t${bitList(cfg.long(pos + 0x14), ce)}`,
  ];
  const c = cfg.long(pos + 0x18);
  out.push(
    `\t\tAERCap:\tFirst Error Pointer: ${hex(c & 0x1f, 2)}, ECRCGenCap${pm(c & 0x20)} ECRCGenEn${pm(c & 0x40)} ` +
      `ECRCChkCap${pm(c & 0x80)} ECRCChkEn${pm(c & 0x100)}`,
  );
  out.push(`\t\t\tMultHdrRecCap${pm(c & 0x200)} MultHdrRecEn${pm(c & 0x400)} TLPPfxPres${pm(c & 0x800)} HdrLogCap${pm(c & 0x1000)}`);
  const log = [0, 1, 2, 3].map((i) => hex(cfg.long(pos + 0x1c + 4 * i), 8));
  out.push(`\t\tHeaderLog: ${log.join(' ')}`);
  // Root ports and event collectors also collect error messages from below.
  if (type === 4 || type === 10) {
    const cmd = cfg.long(pos + 0x2c);
    const sta = cfg.long(pos + 0x30);
    const src = cfg.long(pos + 0x34);
    out.push(`\t\tRootCmd: CERptEn${pm(cmd & 1)} NFERptEn${pm(cmd & 2)} FERptEn${pm(cmd & 4)}`);
    out.push(`\t\tRootSta: CERcvd${pm(sta & 1)} MultCERcvd${pm(sta & 2)} UERcvd${pm(sta & 4)} MultUERcvd${pm(sta & 8)}`);
    out.push(`\t\t\t FirstFatal${pm(sta & 0x10)} NonFatalMsg${pm(sta & 0x20)} FatalMsg${pm(sta & 0x40)} IntMsg ${sta >>> 27}`);
    out.push(`\t\tErrorSrc: ERR_COR: ${hex(src & 0xffff, 4)} ERR_FATAL/NONFATAL: ${hex(src >>> 16, 4)}`);
  }
  return out;
}

/** Latency = value * 32^scale ns (10-bit value, 3-bit scale). */
function latencyNs(v: number): bigint {
  return BigInt(v & 0x3ff) * (1n << BigInt(5 * ((v >> 10) & 7)));
}

function ltr(cfg: ConfigView, pos: number): string[] {
  return [`\t\tMax snoop latency: ${latencyNs(cfg.word(pos + 4))}ns`, `\t\tMax no snoop latency: ${latencyNs(cfg.word(pos + 6))}ns`];
}

/** Power-on time: value * {2, 10, 100}us by scale. */
function powerOnUs(scale: number, value: number): number {
  return value * ([2, 10, 100][scale] ?? 0);
}

function l1pm(cfg: ConfigView, pos: number): string[] {
  const cap = cfg.long(pos + 4);
  const ctl1 = cfg.long(pos + 8);
  const ctl2 = cfg.long(pos + 0x0c);
  // The timing fields only mean something when some form of L1.2 is supported.
  const l12 = (cap & 5) !== 0;
  const flags = (v: number): string => `PCI-PM_L1.2${pm(v & 1)} PCI-PM_L1.1${pm(v & 2)} ASPM_L1.2${pm(v & 4)} ASPM_L1.1${pm(v & 8)}`;
  const out = [`\t\tL1SubCap: ${flags(cap)} L1_PM_Substates${pm(cap & 0x10)}`];
  if (l12) out.push(`\t\t\t  PortCommonModeRestoreTime=${(cap >> 8) & 0xff}us PortTPowerOnTime=${powerOnUs((cap >> 16) & 3, (cap >> 19) & 0x1f)}us`);
  out.push(`\t\tL1SubCtl1: ${flags(ctl1)}`);
  if (l12) {
    const threshold = BigInt((ctl1 >> 16) & 0x3ff) * (1n << BigInt(5 * ((ctl1 >>> 29) & 7)));
    out.push(`\t\t\t   T_CommonMode=${(ctl1 >> 8) & 0xff}us LTR1.2_Threshold=${threshold}ns`);
  }
  out.push(`\t\tL1SubCtl2:${l12 ? ` T_PwrOn=${powerOnUs(ctl2 & 3, (ctl2 >> 3) & 0x1f)}us` : ''}`);
  return out;
}

/** RCEC association: the RCiEP device bitmap as ranges, and (v2) the associated bus range. */
function rcec(cfg: ConfigView, pos: number, version: number): string[] {
  const bitmap = cfg.long(pos + 4);
  const parts: string[] = [];
  for (let d = 0; d < 32; d++) {
    if (!((bitmap >>> d) & 1)) continue;
    let e = d;
    while (e + 1 < 32 && (bitmap >>> (e + 1)) & 1) e++;
    parts.push(e > d ? `${d}-${e}` : `${d}`);
    d = e;
  }
  const out = [`\t\tRCiEPBitmap: RCiEP at Device(s):${parts.length ? ' ' + parts.join(', ') : ''}`];
  if (version >= 2) {
    const buses = cfg.long(pos + 8);
    out.push(`\t\tAssociatedBusNumbers: ${hex((buses >> 8) & 0xff, 2)}-${hex((buses >> 16) & 0xff, 2)}`);
  }
  return out;
}

/** Walks the extended list; `type` is the Express port type from the standard list. */
export function extendedCaps(cfg: ConfigView, verbose: number, type: number | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  let pos = 0x100;
  while (pos && cfg.has(pos, 4)) {
    const header = cfg.long(pos);
    if (header === 0 || header === 0xffffffff) break;
    const id = header & 0xffff;
    const version = (header >>> 16) & 0xf;
    let head = `\tCapabilities: [${hex(pos, 3)}${verbose > 1 ? ` v${version}` : ''}] `;
    if (seen.has(pos)) {
      out.push(`${head}<chain looped>`);
      break;
    }
    seen.add(pos);
    if (id === 0x01) {
      out.push(`${head}Advanced Error Reporting`);
      if (verbose > 1) out.push(...aer(cfg, pos, type));
    } else if (id === 0x03) {
      const lo = cfg.long(pos + 4);
      const hi = cfg.long(pos + 8);
      const bytes = [hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
      out.push(`${head}Device Serial Number ${bytes.map((b) => hex(b, 2)).join('-')}`);
    } else if (id === 0x0b) {
      const v = cfg.long(pos + 4);
      out.push(`${head}Vendor Specific Information: ID=${hex(v & 0xffff, 4)} Rev=${(v >>> 16) & 0xf} Len=${hex(v >>> 20, 3)} <?>`);
    } else if (id === 0x18 || id === 0x1e || id === 0x07) {
      out.push(head + EXT_CAP_NAMES[id]!);
      if (verbose > 1) out.push(...(id === 0x18 ? ltr(cfg, pos) : id === 0x1e ? l1pm(cfg, pos) : rcec(cfg, pos, version)));
    } else {
      head += EXT_CAP_NAMES[id] ?? `Extended Capability ID ${id ? '0x' + id.toString(16) : '0'}`;
      out.push(head);
    }
    pos = (header >>> 20) & 0xffc;
  }
  return out;
}
