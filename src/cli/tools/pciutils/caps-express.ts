/**
 * The PCI Express capability (ID 0x10): the one-line summary for -v and the register decode
 * for -vv (DevCap/DevCtl/DevSta, Lnk*, Slt*, Root*, and the version-2 registers), field layout
 * per reference section 2.8. Which lines a port type gets follows what lspci prints for it.
 */
import type { ConfigView } from './config-view.js';
import { pm } from './format-header.js';

export const EXP_TYPES: Readonly<Record<number, string>> = {
  0: 'Endpoint',
  1: 'Legacy Endpoint',
  4: 'Root Port',
  5: 'Upstream Port',
  6: 'Downstream Port',
  7: 'PCI-Express to PCI/PCI-X Bridge',
  8: 'PCI/PCI-X to PCI-Express Bridge',
  9: 'Root Complex Integrated Endpoint',
  10: 'Root Complex Event Collector',
};

const T = { EP: 0, LEG: 1, ROOT: 4, UP: 5, DOWN: 6, PCI_BR: 7, PCIE_BR: 8, RCIEP: 9, RCEC: 10 } as const;

const L0S = ['<64ns', '<128ns', '<256ns', '<512ns', '<1us', '<2us', '<4us', 'unlimited'];
const L1 = ['<1us', '<2us', '<4us', '<8us', '<16us', '<32us', '<64us', 'unlimited'];
const ASPM_SUPPORT = ['not supported', 'L0s', 'L1', 'L0s L1'];
const ASPM_ENABLED = ['Disabled', 'L0s Enabled', 'L1 Enabled', 'L0s L1 Enabled'];
const INDICATOR = ['Unknown', 'On', 'Blink', 'Off'];
const SPEEDS: Readonly<Record<number, string>> = { 1: '2.5GT/s', 2: '5GT/s', 3: '8GT/s', 4: '16GT/s', 5: '32GT/s', 6: '64GT/s' };

const linkSpeed = (v: number): string => SPEEDS[v] ?? 'unknown';

function powerLimit(value: number, scale: number): string {
  if (scale === 0 && value >= 0xf0) return value <= 0xf2 ? `${250 + 25 * (value - 0xf0)}W` : '>300W';
  return `${value / [1, 10, 100, 1000][scale]!}W`;
}

/** -v: "Express Endpoint, MSI 00"; -vv adds "(v2)". Returns the port type for the ext-cap walk. */
export function expressSummary(cfg: ConfigView, pos: number, verbose: number): { text: string; type: number } {
  const flags = cfg.word(pos + 2);
  const type = (flags >> 4) & 0xf;
  let text = 'Express ';
  if (verbose > 1) text += `(v${flags & 0xf}) `;
  const name = EXP_TYPES[type] ?? `Unknown type ${type}`;
  text += name;
  if (type === T.ROOT || type === T.DOWN || type === T.PCIE_BR) text += ` (Slot${pm(flags & 0x100)})`;
  text += `, MSI ${((flags >> 9) & 0x1f).toString(16).padStart(2, '0')}`;
  return { text, type };
}

function devLines(cfg: ConfigView, pos: number, type: number): string[] {
  const out: string[] = [];
  const cap = cfg.long(pos + 4);
  const isEp = type === T.EP || type === T.LEG;
  let l = `\t\tDevCap:\tMaxPayload ${128 << (cap & 7)} bytes, PhantFunc ${(1 << ((cap >> 3) & 3)) - 1}`;
  if (isEp) l += `, Latency L0s ${L0S[(cap >> 6) & 7]}, L1 ${L1[(cap >> 9) & 7]}`;
  out.push(l);
  l = `\t\t\tExtTag${pm(cap & 0x20)}`;
  if (isEp || type === T.UP || type === T.PCI_BR) {
    l += ` AttnBtn${pm(cap & 0x1000)} AttnInd${pm(cap & 0x2000)} PwrInd${pm(cap & 0x4000)}`;
  }
  l += ` RBE${pm(cap & 0x8000)}`;
  const flrCapable = (isEp || type === T.RCIEP) && (cap & 0x10000000) !== 0;
  if (isEp || type === T.RCIEP) l += ` FLReset${pm(cap & 0x10000000)}`;
  if (type === T.EP || type === T.UP || type === T.PCI_BR) {
    l += ` SlotPowerLimit ${powerLimit((cap >> 18) & 0xff, (cap >> 26) & 3)}`;
  }
  out.push(l);
  const ctl = cfg.word(pos + 8);
  out.push(`\t\tDevCtl:\tCorrErr${pm(ctl & 1)} NonFatalErr${pm(ctl & 2)} FatalErr${pm(ctl & 4)} UnsupReq${pm(ctl & 8)}`);
  l = `\t\t\tRlxdOrd${pm(ctl & 0x10)} ExtTag${pm(ctl & 0x100)} PhantFunc${pm(ctl & 0x200)} AuxPwr${pm(ctl & 0x400)} NoSnoop${pm(ctl & 0x800)}`;
  if (type === T.PCI_BR) l += ` BrConfRtry${pm(ctl & 0x8000)}`;
  if (flrCapable) l += ` FLReset${pm(ctl & 0x8000)}`;
  out.push(l);
  out.push(`\t\t\tMaxPayload ${128 << ((ctl >> 5) & 7)} bytes, MaxReadReq ${128 << ((ctl >> 12) & 7)} bytes`);
  const sta = cfg.word(pos + 0x0a);
  out.push(
    `\t\tDevSta:\tCorrErr${pm(sta & 1)} NonFatalErr${pm(sta & 2)} FatalErr${pm(sta & 4)} UnsupReq${pm(sta & 8)} ` +
      `AuxPwr${pm(sta & 0x10)} TransPend${pm(sta & 0x20)}`,
  );
  return out;
}

/** Downgrade note only where the link partner decides the speed (not on downstream-facing ports). */
function linkCompare(type: number, sta: number, cap: number): string {
  if (type === T.ROOT || type === T.DOWN || type === T.PCIE_BR) return '';
  if (sta < cap) return ' (downgraded)';
  if (sta > cap) return ' (overdriven)';
  return '';
}

function linkLines(cfg: ConfigView, pos: number, type: number): string[] {
  const out: string[] = [];
  const cap = cfg.long(pos + 0x0c);
  const aspm = (cap >> 10) & 3;
  let l = `\t\tLnkCap:\tPort #${cap >>> 24}, Speed ${linkSpeed(cap & 0xf)}, Width x${(cap >> 4) & 0x3f}, ASPM ${ASPM_SUPPORT[aspm]}`;
  if (aspm) {
    const parts: string[] = [];
    if (aspm & 1) parts.push(`L0s ${L0S[(cap >> 12) & 7]}`);
    if (aspm & 2) parts.push(`L1 ${L1[(cap >> 15) & 7]}`);
    l += `, Exit Latency ${parts.join(', ')}`;
  }
  out.push(l);
  out.push(
    `\t\t\tClockPM${pm(cap & 0x40000)} Surprise${pm(cap & 0x80000)} LLActRep${pm(cap & 0x100000)} ` +
      `BwNot${pm(cap & 0x200000)} ASPMOptComp${pm(cap & 0x400000)}`,
  );
  const ctl = cfg.word(pos + 0x10);
  l = `\t\tLnkCtl:\tASPM ${ASPM_ENABLED[ctl & 3]};`;
  if (type === T.ROOT || type === T.EP || type === T.LEG || type === T.PCI_BR) l += ` RCB ${ctl & 8 ? 128 : 64} bytes,`;
  out.push(`${l} Disabled${pm(ctl & 0x10)} CommClk${pm(ctl & 0x40)}`);
  out.push(
    `\t\t\tExtSynch${pm(ctl & 0x80)} ClockPM${pm(ctl & 0x100)} AutWidDis${pm(ctl & 0x200)} ` +
      `BWInt${pm(ctl & 0x400)} AutBWInt${pm(ctl & 0x800)}`,
  );
  const sta = cfg.word(pos + 0x12);
  const speed = sta & 0xf;
  const width = (sta >> 4) & 0x3f;
  out.push(
    `\t\tLnkSta:\tSpeed ${linkSpeed(speed)}${linkCompare(type, speed, cap & 0xf)}, ` +
      `Width x${width}${linkCompare(type, width, (cap >> 4) & 0x3f)}`,
  );
  out.push(
    `\t\t\tTrErr${pm(sta & 0x400)} Train${pm(sta & 0x800)} SlotClk${pm(sta & 0x1000)} ` +
      `DLActive${pm(sta & 0x2000)} BWMgmt${pm(sta & 0x4000)} ABWMgmt${pm(sta & 0x8000)}`,
  );
  return out;
}

function slotLines(cfg: ConfigView, pos: number): string[] {
  const cap = cfg.long(pos + 0x14);
  const ctl = cfg.word(pos + 0x18);
  const sta = cfg.word(pos + 0x1a);
  return [
    `\t\tSltCap:\tAttnBtn${pm(cap & 1)} PwrCtrl${pm(cap & 2)} MRL${pm(cap & 4)} AttnInd${pm(cap & 8)} ` +
      `PwrInd${pm(cap & 0x10)} HotPlug${pm(cap & 0x40)} Surprise${pm(cap & 0x20)}`,
    `\t\t\tSlot #${cap >>> 19}, PowerLimit ${powerLimit((cap >> 7) & 0xff, (cap >> 15) & 3)}; ` +
      `Interlock${pm(cap & 0x20000)} NoCompl${pm(cap & 0x40000)}`,
    `\t\tSltCtl:\tEnable: AttnBtn${pm(ctl & 1)} PwrFlt${pm(ctl & 2)} MRL${pm(ctl & 4)} PresDet${pm(ctl & 8)} ` +
      `CmdCplt${pm(ctl & 0x10)} HPIrq${pm(ctl & 0x20)} LinkChg${pm(ctl & 0x1000)}`,
    `\t\t\tControl: AttnInd ${INDICATOR[(ctl >> 6) & 3]}, PwrInd ${INDICATOR[(ctl >> 8) & 3]}, ` +
      `Power${pm(ctl & 0x400)} Interlock${pm(ctl & 0x800)}`,
    `\t\tSltSta:\tStatus: AttnBtn${pm(sta & 1)} PowerFlt${pm(sta & 2)} MRL${pm(sta & 0x20)} ` +
      `CmdCplt${pm(sta & 0x10)} PresDet${pm(sta & 0x40)} Interlock${pm(sta & 0x80)}`,
    `\t\t\tChanged: MRL${pm(sta & 4)} PresDet${pm(sta & 8)} LinkState${pm(sta & 0x100)}`,
  ];
}

function rootLines(cfg: ConfigView, pos: number): string[] {
  const ctl = cfg.word(pos + 0x1c);
  const cap = cfg.word(pos + 0x1e);
  const sta = cfg.long(pos + 0x20);
  return [
    `\t\tRootCap: CRSVisible${pm(cap & 1)}`,
    `\t\tRootCtl: ErrCorrectable${pm(ctl & 1)} ErrNon-Fatal${pm(ctl & 2)} ErrFatal${pm(ctl & 4)} ` +
      `PMEIntEna${pm(ctl & 8)} CRSVisible${pm(ctl & 0x10)}`,
    `\t\tRootSta: PME ReqID ${(sta & 0xffff).toString(16).padStart(4, '0')}, PMEStatus${pm(sta & 0x10000)} PMEPending${pm(sta & 0x20000)}`,
  ];
}

export interface ExpressContext {
  /** Whether the function decodes a memory BAR: AtomicOp completer bits only matter then. */
  hasMemBar: boolean;
}

/** The -vv body of the Express capability. */
export function expressDetails(cfg: ConfigView, pos: number, type: number, ctx: ExpressContext): string[] {
  const flags = cfg.word(pos + 2);
  const hasLink = type !== T.RCIEP && type !== T.RCEC;
  const hasSlot = (flags & 0x100) !== 0 && (type === T.ROOT || type === T.DOWN || type === T.PCIE_BR);
  const out = devLines(cfg, pos, type);
  if (hasLink) out.push(...linkLines(cfg, pos, type));
  if (hasSlot) out.push(...slotLines(cfg, pos));
  if (type === T.ROOT || type === T.RCEC) out.push(...rootLines(cfg, pos));
  if ((flags & 0xf) < 2) return out;
  out.push(...dev2Lines(cfg, pos, type, ctx));
  if (hasLink) out.push(...link2Lines(cfg, pos, type));
  return out;
}

const TIMEOUT_RANGES: Readonly<Record<number, string>> = {
  0: 'Not Supported', 1: 'Range A', 2: 'Range B', 3: 'Range AB', 6: 'Range BC', 7: 'Range ABC', 14: 'Range BCD', 15: 'Range ABCD',
};
const TIMEOUT_VALUES: Readonly<Record<number, string>> = {
  0: '50us to 50ms', 1: '50us to 100us', 2: '1ms to 10ms', 5: '16ms to 55ms', 6: '65ms to 210ms',
  9: '260ms to 900ms', 10: '1s to 3.5s', 13: '4s to 13s', 14: '17s to 64s',
};
const OBFF_CAP = ['Not Supported', 'Via message', 'Via WAKE#', 'Via message/WAKE#'];
const OBFF_CTL = ['Disabled', 'Via message A', 'Via message B', 'Via WAKE#'];
const EPR = ['Not Supported', 'Dev Specific', 'Form Factor Dev Specific', 'Reserved'];
const LN_CLS = ['Not Supported', '64byte cachelines', '128byte cachelines', 'Reserved'];

function dev2Lines(cfg: ConfigView, pos: number, type: number, ctx: ExpressContext): string[] {
  const out: string[] = [];
  const cap = cfg.long(pos + 0x24);
  const port = type === T.ROOT || type === T.DOWN;
  const switchOrRoot = port || type === T.UP;
  out.push(
    `\t\tDevCap2: Completion Timeout: ${TIMEOUT_RANGES[cap & 0xf] ?? 'Unknown'}, TimeoutDis${pm(cap & 0x10)} ` +
      `NROPrPrP${pm(cap & 0x400)} LTR${pm(cap & 0x800)}`,
  );
  let l = `\t\t\t 10BitTagComp${pm(cap & 0x10000)} 10BitTagReq${pm(cap & 0x20000)} OBFF ${OBFF_CAP[(cap >> 18) & 3]}, ` +
    `ExtFmt${pm(cap & 0x100000)} EETLPPrefix${pm(cap & 0x200000)}`;
  if (cap & 0x200000) l += `, MaxEETLPPrefixes ${((cap >> 22) & 3) || 4}`;
  out.push(l);
  out.push(`\t\t\t EmergencyPowerReduction ${EPR[(cap >> 24) & 3]}, EmergencyPowerReductionInit${pm(cap & 0x4000000)}`);
  l = `\t\t\t FRS${pm(cap & 0x80000000)}`;
  if (type === T.ROOT) l += ` LN System CLS ${LN_CLS[(cap >> 14) & 3]},`;
  if (type === T.ROOT || type === T.EP) l += ` TPHComp${pm(cap & 0x1000)} ExtTPHComp${pm(cap & 0x2000)}`;
  if (port) l += ` ARIFwd${pm(cap & 0x20)}`;
  out.push(l);
  if (switchOrRoot || ctx.hasMemBar) {
    l = '\t\t\t AtomicOpsCap:';
    if (switchOrRoot) l += ` Routing${pm(cap & 0x40)}`;
    if (type === T.ROOT || ctx.hasMemBar) l += ` 32bit${pm(cap & 0x80)} 64bit${pm(cap & 0x100)} 128bitCAS${pm(cap & 0x200)}`;
    out.push(l);
  }
  const ctl = cfg.word(pos + 0x28);
  l = `\t\tDevCtl2: Completion Timeout: ${TIMEOUT_VALUES[ctl & 0xf] ?? 'Unknown'}, TimeoutDis${pm(ctl & 0x10)} ` +
    `LTR${pm(ctl & 0x400)} 10BitTagReq${pm(ctl & 0x1000)} OBFF ${OBFF_CTL[(ctl >> 13) & 3]},`;
  if (port) l += ` ARIFwd${pm(ctl & 0x20)}`;
  out.push(l);
  const requester = type === T.ROOT || type === T.EP || type === T.RCIEP || type === T.LEG;
  if (requester || switchOrRoot) {
    l = '\t\t\t AtomicOpsCtl:';
    if (requester) l += ` ReqEn${pm(ctl & 0x40)}`;
    if (switchOrRoot) l += ` EgressBlck${pm(ctl & 0x80)}`;
    out.push(l);
  }
  return out;
}

function speedVector(v: number): string {
  for (let bit = 5; bit >= 0; bit--) {
    if (v & (1 << bit)) return bit === 0 ? '2.5GT/s' : `2.5-${SPEEDS[bit + 1]}`;
  }
  return 'Unknown';
}

const MARGIN = ['Normal Operating Range', '800-1200mV(full-swing)/400-700mV(half-swing)'];
const PRESETS = [
  '-6dB de-emphasis, 0dB preshoot', '-3.5dB de-emphasis, 0dB preshoot', '-4.4dB de-emphasis, 0dB preshoot',
  '-2.5dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 1.9dB preshoot',
  '0dB de-emphasis, 2.5dB preshoot', '-6.0dB de-emphasis, 3.5dB preshoot', '-3.5dB de-emphasis, 3.5dB preshoot',
  '0dB de-emphasis, 3.5dB preshoot',
];
const CROSSLINK = ['unsupported', 'Upstream Port', 'Downstream Port', 'incomplete'];

function link2Lines(cfg: ConfigView, pos: number, type: number): string[] {
  const out: string[] = [];
  const cap = cfg.long(pos + 0x2c);
  if (cap) {
    out.push(
      `\t\tLnkCap2: Supported Link Speeds: ${speedVector((cap >> 1) & 0x7f)}, Crosslink${pm(cap & 0x100)} ` +
        `Retimer${pm(cap & 0x800000)} 2Retimers${pm(cap & 0x1000000)} DRS${pm(cap & 0x80000000)}`,
    );
  }
  const ctl = cfg.word(pos + 0x30);
  let l = `\t\tLnkCtl2: Target Link Speed: ${(ctl & 0xf) === 0 ? '2.5GT/s' : SPEEDS[ctl & 0xf] ?? 'Unknown'}, ` +
    `EnterCompliance${pm(ctl & 0x10)} SpeedDis${pm(ctl & 0x20)}`;
  if (type === T.DOWN) l += `, Selectable De-emphasis: ${ctl & 0x40 ? '-3.5dB' : '-6dB'}`;
  out.push(l);
  const margin = (ctl >> 7) & 7;
  out.push(
    `\t\t\t Transmit Margin: ${MARGIN[margin] ?? (margin < 7 ? '200-400mV(full-swing)/100-200mV(half-swing)' : 'Reserved')}, ` +
      `EnterModifiedCompliance${pm(ctl & 0x400)} ComplianceSOS${pm(ctl & 0x800)}`,
  );
  out.push(`\t\t\t Compliance Preset/De-emphasis: ${PRESETS[(ctl >> 12) & 0xf] ?? 'Reserved'}`);
  const sta = cfg.word(pos + 0x32);
  out.push(
    `\t\tLnkSta2: Current De-emphasis Level: ${sta & 1 ? '-3.5dB' : '-6dB'}, ` +
      `EqualizationComplete${pm(sta & 2)} EqualizationPhase1${pm(sta & 4)}`,
  );
  out.push(
    `\t\t\t EqualizationPhase2${pm(sta & 8)} EqualizationPhase3${pm(sta & 0x10)} LinkEqualizationRequest${pm(sta & 0x20)}`,
  );
  out.push(`\t\t\t Retimer${pm(sta & 0x40)} 2Retimers${pm(sta & 0x80)} CrosslinkRes: ${CROSSLINK[(sta >> 8) & 3]}`);
  return out;
}
