/**
 * Human-readable and JSON views of a Tlp: `formatTlp` (a few lines, what matters for the kind),
 * `formatWire` (the reference's `HDR ... ; DATA ... ; ECRC ...` notation) and `tlpToJson`.
 */
import { formatBdf } from './bdf.js';
import { requestByteCount } from './byte-enables.js';
import { checkTlp } from './check.js';
import { ecrcOfTlp, encodeTlp } from './encode.js';
import { KINDS, fmtOf, fmtTypeByte, hasAddress, hasByteEnables, hasData, hasPh, headerDws } from './kinds.js';
import { bytesToDws } from './hex.js';
import { ROUTING_NAMES, intxOf, messageName } from './messages.js';
import { prefixByte, prefixDw, prefixName } from './prefixes.js';
import { CplStatus, type Tlp, type TlpKind, type TlpPrefix } from './types.js';

const h = (n: number, w = 0): string => n.toString(16).padStart(w, '0');
const be = (n: number): string => n.toString(2).padStart(4, '0');

export function statusName(status: number): string {
  const e = Object.entries(CplStatus).find(([, v]) => v === status);
  return e ? e[0] : `reserved ${status} (treated as UR)`;
}

export function attrNames(attr: number): string {
  const n = [attr & 4 ? 'IDO' : '', attr & 2 ? 'RO' : '', attr & 1 ? 'NS' : ''].filter(Boolean);
  return n.length ? n.join('|') : '0';
}

export function formatPrefix(p: TlpPrefix): string {
  const base = `${p.endToEnd ? 'end-to-end' : 'local'} ${prefixName(p)} (0x${h(prefixByte(p), 2)}) body 0x${h(p.body, 6)}`;
  if (p.endToEnd && p.subtype === 1) {
    const flags = p.body >>> 20;
    return `${base}: PASID 0x${h(p.body & 0xfffff, 5)}${flags ? `, byte 1 bits 7:4 = ${flags.toString(2).padStart(4, '0')}b (ER/PMR)` : ''}`;
  }
  if (p.endToEnd && p.subtype === 0) return `${base}: ST[15:8] 0x${h(p.body >>> 16, 2)}, AMA ${(p.body >>> 13) & 7}, AV ${(p.body >>> 12) & 1}`;
  return base;
}

/**
 * A few lines: kind and byte 0, prefixes, the kind's own fields (IDs as `bb:dd.f`), the common
 * DW0 fields that are not at their defaults, the payload and, with TD, whether the digest is right.
 * Throws TlpError for a Tlp that cannot be encoded.
 */
export function formatTlp(t: Tlp): string {
  checkTlp(t);
  const k = KINDS[t.kind];
  const fmt = fmtOf(t);
  const b0 = fmtTypeByte(t);
  const dataDw = hasData(t.kind) ? t.length : 0;
  const lines: string[] = [
    `${t.kind} (byte 0 0x${h(b0, 2)} = Fmt ${fmt.toString(2).padStart(3, '0')}b Type ${(b0 & 0x1f).toString(2).padStart(5, '0')}b), ` +
      `${headerDws(t)}-DW header${dataDw ? `, ${dataDw} DW data` : ''}${t.td ? ', digest' : ''}`,
  ];
  for (const p of t.prefixes) lines.push(`  prefix     ${formatPrefix(p)}`);
  const tag = `tag ${t.tag} (0x${h(t.tag, 2)})`;
  switch (k.family) {
    case 'mem':
    case 'io':
    case 'atomic': {
      const width = headerDws(t) === 4 ? '64-bit' : '32-bit';
      lines.push(`  requester  ${formatBdf(t.requesterId)}  ${tag}`);
      lines.push(`  address    0x${t.address.toString(16).padStart(8, '0')} (${width})${t.th && hasPh(t.kind) ? `  PH ${t.ph}` : ''}`);
      if (hasByteEnables(t.kind)) lines.push(`  length     ${t.length} DW  first BE ${be(t.firstBe)}  last BE ${be(t.lastBe)}${k.data ? '' : `  (${requestByteCount(t)} bytes requested)`}${t.th && !k.data ? '  (BE byte = ST[7:0])' : ''}`);
      else lines.push(`  length     ${t.length} DW  (${t.kind === 'CAS' ? t.length * 2 : t.length * 4}-byte operand${t.kind === 'CAS' ? 's' : ''})`);
      break;
    }
    case 'cfg':
      lines.push(`  requester  ${formatBdf(t.requesterId)}  ${tag}`);
      lines.push(`  target     ${formatBdf(t.completerId)}  register 0x${h(t.register, 3)}  first BE ${be(t.firstBe)}`);
      break;
    case 'cpl':
      lines.push(`  completer  ${formatBdf(t.completerId)}  status ${statusName(t.status)}${t.bcm ? '  BCM' : ''}`);
      lines.push(`  requester  ${formatBdf(t.requesterId)}  ${tag}`);
      lines.push(`  byte count ${t.byteCount}  lower address 0x${h(t.lowerAddress, 2)}${k.data ? `  length ${t.length} DW` : ''}`);
      break;
    case 'msg':
      lines.push(...formatMessage(t, tag));
      break;
  }
  const dw0 = [`TC ${t.tc}`, `attr ${attrNames(t.attr)}`];
  if (t.at) dw0.push(`AT ${t.at}`);
  for (const [on, name] of [[t.th, 'TH'], [t.ln, 'LN'], [t.td, 'TD'], [t.ep, 'EP (poisoned)']] as const) if (on) dw0.push(name);
  lines.push(`  ${dw0.join('  ')}`);
  if (dataDw) lines.push(...formatPayload(t.data));
  if (t.td) {
    const want = ecrcOfTlp(t);
    const got = t.digest ?? want;
    lines.push(`  ECRC       ${h(got, 8)} ${got === want ? 'ok' : `bad (expected ${h(want, 8)})`}`);
  }
  return lines.join('\n');
}

function formatMessage(t: Tlp, tag: string): string[] {
  const name = messageName(t.messageCode, t.kind === 'MsgD');
  const lines = [`  message    ${name} (code 0x${h(t.messageCode, 2)})  routing ${t.routing.toString(2).padStart(3, '0')}b ${ROUTING_NAMES[t.routing & 7]}`];
  lines.push(`  requester  ${formatBdf(t.requesterId)}  ${tag}`);
  const intx = intxOf(t.messageCode);
  if (intx) lines.push(`  INTx       INT${'ABCD'[intx.pin]} ${intx.assert ? 'asserted' : 'deasserted'}`);
  if (t.messageCode === 0x50 && t.kind === 'MsgD' && t.data.length >= 2) lines.push(`  slot power value ${t.data[0]} scale ${t.data[1]! & 3}`);
  const extra: string[] = [];
  if (t.routing === 2) extra.push(`destination ${formatBdf(t.messageDw2 >>> 16)}`);
  if (t.messageCode === 0x7e || t.messageCode === 0x7f) extra.push(`vendor 0x${h(t.messageDw2 & 0xffff, 4)}`);
  if (t.routing === 1) extra.push(`address 0x${((BigInt(t.messageDw2) << 32n) | BigInt(t.messageDw3)).toString(16)}`);
  lines.push(`  bytes 8-15 ${h(t.messageDw2, 8)} ${h(t.messageDw3, 8)}${extra.length ? `  (${extra.join(', ')})` : ''}`);
  return lines;
}

function formatPayload(data: Uint8Array): string[] {
  const dws = bytesToDws(data).split(' ');
  const lines: string[] = [];
  for (let i = 0; i < dws.length; i += 8) lines.push(`  ${i === 0 ? 'data      ' : '          '} ${dws.slice(i, i + 8).join(' ')}`);
  return lines;
}

/** The wire image in the reference's notation: `PFX ... ; HDR ... ; DATA ... ; ECRC ...` (empty parts left out). */
export function formatWire(t: Tlp, bytes: Uint8Array = encodeTlp(t)): string {
  const pre = t.prefixes.length * 4;
  const hdr = headerDws(t) * 4;
  const data = hasData(t.kind) ? t.length * 4 : 0;
  const parts: [string, Uint8Array][] = [
    ['PFX', bytes.subarray(0, pre)],
    ['HDR', bytes.subarray(pre, pre + hdr)],
    ['DATA', bytes.subarray(pre + hdr, pre + hdr + data)],
    ['ECRC', bytes.subarray(pre + hdr + data)],
  ];
  return parts.filter(([, b]) => b.length).map(([n, b]) => `${n} ${bytesToDws(b)}`).join(' ; ');
}

/** A Tlp as plain JSON: address as a hex string, data as hex bytes, digest as hex, plus names. */
export interface TlpJson {
  kind: TlpKind;
  fields: Record<string, number | boolean | string>;
  prefixes: { endToEnd: boolean; subtype: number; name: string; body: number; dw: string }[];
  data: string;
  digest?: string;
  ecrcOk?: boolean;
}

export function tlpToJson(t: Tlp): TlpJson {
  checkTlp(t);
  const fields: Record<string, number | boolean | string> = { tc: t.tc, attr: t.attr, th: t.th, ln: t.ln, td: t.td, ep: t.ep, at: t.at, requesterId: formatBdf(t.requesterId), tag: t.tag };
  const k = KINDS[t.kind];
  if (k.data || hasByteEnables(t.kind)) fields.length = t.length;
  if (hasByteEnables(t.kind)) Object.assign(fields, { firstBe: t.firstBe, lastBe: t.lastBe });
  if (hasAddress(t.kind)) fields.address = `0x${t.address.toString(16)}`;
  if (t.th && hasPh(t.kind)) fields.ph = t.ph;
  if (k.family === 'cfg') Object.assign(fields, { completerId: formatBdf(t.completerId), register: t.register });
  if (k.family === 'cpl') Object.assign(fields, { completerId: formatBdf(t.completerId), status: t.status, statusName: statusName(t.status), bcm: t.bcm, byteCount: t.byteCount, lowerAddress: t.lowerAddress });
  if (k.family === 'msg') Object.assign(fields, { routing: t.routing, messageCode: t.messageCode, messageName: messageName(t.messageCode, k.data), messageDw2: t.messageDw2, messageDw3: t.messageDw3 });
  const j: TlpJson = {
    kind: t.kind,
    fields,
    prefixes: t.prefixes.map((p) => ({ ...p, name: prefixName(p), dw: h(prefixDw(p), 8) })),
    data: bytesToDws(t.data),
  };
  if (t.td) {
    const want = ecrcOfTlp(t);
    j.digest = h(t.digest ?? want, 8);
    j.ecrcOk = (t.digest ?? want) === want;
  }
  return j;
}
