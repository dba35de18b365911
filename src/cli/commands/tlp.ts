/**
 * `jhsim tlp decode HEX...` and `jhsim tlp encode KEY=VALUE...`: the PCIe TLP codec from the
 * command line. Every bad input is an ErrnoError(EINVAL) naming the field and the value, so
 * main.ts prints it like any other command's error and exits 1.
 */
import {
  CplStatus,
  MsgRouting,
  TlpError,
  decodeTlp,
  encodeTlp,
  formatTlp,
  formatWire,
  hasData,
  messageCodeOf,
  messageInfo,
  newTlp,
  pasidPrefix,
  extTphPrefix,
  parseBdf,
  parseHexBytes,
  bytesToHex,
  tlpToJson,
  TLP_KINDS,
  type Tlp,
  type TlpPrefix,
} from '../../actors/pcie/tlp/index.js';
import { Errno, ErrnoError } from '../../shared/errno.js';
import type { Io } from '../io.js';

export interface TlpDecodeCliOptions {
  checkEcrc?: boolean;
  json?: boolean;
}

export interface TlpEncodeCliOptions {
  json?: boolean;
  describe?: boolean;
}

export const TLP_ENCODE_HELP = `
Keys (numbers are decimal, 0x hex or 0b binary; IDs are bb:dd.f in hex or a number):
  kind=K              required: ${TLP_KINDS.join(' ')}
  addr=A              memory/IO/AtomicOp byte address (64-bit above 0xffffffff -> 4-DW header)
  data=V[,V...]       payload as 32-bit values, each stored little-endian (data=0x12345678 -> DATA 78563412)
  payload=HEX         payload as raw bytes in address order (payload=78563412)
  len=N               Length in DW (default: from the data, else 1)
  req=ID  tag=N       Requester ID, tag (0..1023, 10-bit tags)
  fbe=N  lbe=N        First/Last DW byte enables (default: all bytes of the Length)
  target=ID  reg=N    Cfg target BDF and register offset
  completer=ID        completions: Completer ID (same field as target)
  status=S  bc=N  la=N  bcm=0|1
                      completions: SC UR CRS CA or a number, Byte Count (1..4096), Lower Address
  code=C  routing=R   messages: name (Assert_INTA, ERR_COR, PM_PME, Set_Slot_Power_Limit,
                      Vendor_Defined_Type_1, ...) or number; routing to-rc by-address by-id
                      broadcast local gather or 0..7 (default: the message's usual one)
  dest=ID  vendor=N   messages: destination ID (bytes 8-9), vendor ID (bytes 10-11)
  dw2=N  dw3=N        messages: header bytes 8-11 and 12-15 as big-endian DWs
  tc=N  attr=N|RO|NS|IDO  at=N  ph=N
  th  ln  td  ep      flags (alone, or =0/=1)
  digest=N            send this ECRC digest instead of the computed one (implies td)
  prefix=P            repeatable, in wire order: pasid:N, tph:ST, local:TYPE:BODY,
                      e2e:TYPE:BODY (TYPE 0..15, BODY 24-bit) or a whole prefix DW (0x91000001)

Examples:
  jhsim tlp encode kind=MWr addr=0xf0000000 data=0x12345678
  jhsim tlp encode kind=CfgWr1 target=01:00.0 reg=4 data=6 tag=4 td
  jhsim tlp encode kind=Msg code=Assert_INTA req=01:00.0
`;

function einval(cmd: string, e: unknown): never {
  if (e instanceof TlpError) throw new ErrnoError(Errno.EINVAL, `tlp ${cmd}: ${e.message}`);
  throw e;
}

export function tlpDecodeCli(hex: string[], o: TlpDecodeCliOptions, io: Io): number {
  let t: Tlp;
  let bytes: Uint8Array;
  try {
    bytes = parseHexBytes(hex.join(' '));
    t = decodeTlp(bytes, { checkEcrc: o.checkEcrc });
  } catch (e) {
    einval('decode', e);
  }
  if (o.json) io.out(`${JSON.stringify({ wire: formatWire(t, bytes), tlp: tlpToJson(t) }, null, 2)}\n`);
  else io.out(`${formatWire(t, bytes)}\n${formatTlp(t)}\n`);
  return 0;
}

export function tlpEncodeCli(pairs: string[], o: TlpEncodeCliOptions, io: Io): number {
  let t: Tlp;
  let bytes: Uint8Array;
  try {
    t = tlpFromPairs(pairs);
    bytes = encodeTlp(t);
  } catch (e) {
    einval('encode', e);
  }
  if (o.json) io.out(`${JSON.stringify({ wire: formatWire(t, bytes), bytes: bytesToHex(bytes), tlp: tlpToJson(t) }, null, 2)}\n`);
  else io.out(`${formatWire(t, bytes)}\n${bytesToHex(bytes)}\n${o.describe ? `${formatTlp(t)}\n` : ''}`);
  return 0;
}

const ALIASES: Readonly<Record<string, string>> = {
  address: 'addr', length: 'len', requester: 'req', requesterid: 'req', firstbe: 'fbe', lastbe: 'lbe',
  completerid: 'completer', register: 'reg', bytecount: 'bc', loweraddress: 'la', r: 'routing',
  msg: 'code', messagecode: 'code', ecrc: 'digest', destination: 'dest', vendorid: 'vendor',
};
const KEYS = ['kind', 'addr', 'data', 'payload', 'len', 'req', 'tag', 'fbe', 'lbe', 'target', 'completer', 'reg', 'status', 'bc', 'la', 'bcm', 'code', 'routing', 'dest', 'vendor', 'dw2', 'dw3', 'tc', 'attr', 'at', 'ph', 'th', 'ln', 'td', 'ep', 'digest', 'prefix'];
const FLAGS = new Set(['th', 'ln', 'td', 'ep', 'bcm']);

/** A Tlp from `key=value` words (see TLP_ENCODE_HELP). Throws TlpError naming the key and value. */
export function tlpFromPairs(pairs: string[]): Tlp {
  const kv = new Map<string, string>();
  const prefixes: TlpPrefix[] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    const rawKey = (eq < 0 ? p : p.slice(0, eq)).trim();
    const key = ALIASES[rawKey.toLowerCase()] ?? rawKey.toLowerCase();
    if (!KEYS.includes(key)) throw new TlpError(`unknown key ${JSON.stringify(rawKey)} (keys: ${KEYS.join(' ')})`, rawKey);
    if (eq < 0 && !FLAGS.has(key)) throw new TlpError(`${rawKey}: expected ${rawKey}=VALUE`, key);
    const value = eq < 0 ? '1' : p.slice(eq + 1).trim();
    if (key === 'prefix') prefixes.push(parsePrefix(value));
    else if (kv.has(key)) throw new TlpError(`${rawKey}: given twice`, key);
    else kv.set(key, value);
  }
  const kindArg = kv.get('kind');
  if (kindArg === undefined) throw new TlpError(`kind: missing (one of ${TLP_KINDS.join(' ')})`, 'kind');
  const kind = TLP_KINDS.find((k) => k.toLowerCase() === kindArg.toLowerCase());
  if (!kind) throw new TlpError(`kind ${kindArg}: expected one of ${TLP_KINDS.join(' ')}`, 'kind');

  const f: Partial<Tlp> = { prefixes };
  const num = (key: string): number | undefined => (kv.has(key) ? parseNum(key, kv.get(key)!) : undefined);
  const flag = (key: string): boolean | undefined => (kv.has(key) ? parseFlag(key, kv.get(key)!) : undefined);
  const id = (key: string): number | undefined => (kv.has(key) ? parseBdf(kv.get(key)!, key) : undefined);

  if (kv.has('addr')) f.address = parseBig('addr', kv.get('addr')!);
  if (kv.has('data') && kv.has('payload')) throw new TlpError('data and payload: give one of them', 'data');
  if ((kv.has('data') || kv.has('payload')) && !hasData(kind)) throw new TlpError(`${kv.has('data') ? 'data' : 'payload'}: a ${kind} carries no data`, 'data');
  if (kv.has('data')) f.data = parseDataWords(kv.get('data')!);
  if (kv.has('payload')) f.data = parseHexBytes(kv.get('payload')!, 'payload');
  f.length = num('len');
  f.requesterId = id('req');
  f.tag = num('tag');
  f.firstBe = num('fbe');
  f.lastBe = num('lbe');
  if (kv.has('target') && kv.has('completer')) throw new TlpError('target and completer: the same field, give one', 'target');
  f.completerId = id('target') ?? id('completer');
  f.register = num('reg');
  if (kv.has('status')) f.status = parseStatus(kv.get('status')!);
  f.byteCount = num('bc');
  f.lowerAddress = num('la');
  f.bcm = flag('bcm');
  if (kv.has('code')) {
    const code = messageCodeOf(kv.get('code')!);
    if (code === undefined) throw new TlpError(`code ${kv.get('code')}: not a message name or a number 0..255`, 'code');
    f.messageCode = code;
  }
  f.routing = kv.has('routing') ? parseRouting(kv.get('routing')!) : messageInfo(f.messageCode ?? -1)?.routings[0];
  f.messageDw2 = num('dw2');
  f.messageDw3 = num('dw3');
  if (kv.has('dest') || kv.has('vendor')) {
    const dest = id('dest') ?? (f.messageDw2 ?? 0) >>> 16;
    const vendor = num('vendor') ?? (f.messageDw2 ?? 0) & 0xffff;
    if (vendor < 0 || vendor > 0xffff || !Number.isInteger(vendor)) throw new TlpError(`vendor ${kv.get('vendor')}: expected a 16-bit number`, 'vendor');
    f.messageDw2 = ((dest << 16) | vendor) >>> 0;
  }
  f.tc = num('tc');
  if (kv.has('attr')) f.attr = parseAttr(kv.get('attr')!);
  f.at = num('at');
  f.ph = num('ph');
  f.th = flag('th');
  f.ln = flag('ln');
  f.td = flag('td');
  f.ep = flag('ep');
  f.digest = num('digest');
  if (f.digest !== undefined && f.td === undefined) f.td = true;
  return newTlp(kind, f);
}

function parseNum(key: string, v: string): number {
  const n = /^(0x[0-9a-f]+|0b[01]+|[0-9]+)$/i.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new TlpError(`${key} ${JSON.stringify(v)}: expected a number (decimal, 0x hex or 0b binary)`, key);
  return n;
}

function parseBig(key: string, v: string): bigint {
  if (!/^(0x[0-9a-f]+|0b[01]+|[0-9]+)$/i.test(v)) throw new TlpError(`${key} ${JSON.stringify(v)}: expected a number (decimal, 0x hex or 0b binary)`, key);
  return BigInt(v);
}

function parseFlag(key: string, v: string): boolean {
  const s = v.toLowerCase();
  if (s === '1' || s === 'true' || s === 'yes') return true;
  if (s === '0' || s === 'false' || s === 'no') return false;
  throw new TlpError(`${key} ${JSON.stringify(v)}: expected 0 or 1`, key);
}

/** 32-bit values stored little-endian, the way a CPU's 32-bit store puts them in the payload. */
function parseDataWords(v: string): Uint8Array {
  const words = v.split(',').filter((s) => s.trim() !== '');
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => {
    const n = parseNum('data', w.trim());
    if (n > 0xffffffff) throw new TlpError(`data ${w}: each value is 32-bit (use payload=HEX for raw bytes)`, 'data');
    dv.setUint32(i * 4, n, true);
  });
  return out;
}

function parseStatus(v: string): number {
  const named: Readonly<Record<string, number>> = { ...CplStatus, RRS: CplStatus.CRS };
  const n = named[v.toUpperCase()] ?? parseNum('status', v);
  if (n > 7) throw new TlpError(`status ${v}: expected SC, UR, CRS, CA or 0..7`, 'status');
  return n;
}

function parseRouting(v: string): number {
  const names: Readonly<Record<string, number>> = {
    'to-rc': MsgRouting.TO_RC, 'by-address': MsgRouting.BY_ADDRESS, 'by-id': MsgRouting.BY_ID,
    broadcast: MsgRouting.BROADCAST, local: MsgRouting.LOCAL, gather: MsgRouting.GATHER,
  };
  const n = names[v.toLowerCase().replace(/_/g, '-')] ?? (/^[0-9]$/.test(v) ? Number(v) : NaN);
  if (!(n >= 0 && n <= 7)) throw new TlpError(`routing ${v}: expected to-rc, by-address, by-id, broadcast, local, gather or 0..7`, 'routing');
  return n;
}

function parseAttr(v: string): number {
  if (/^(0x[0-9a-f]+|0b[01]+|[0-9]+)$/i.test(v)) return parseNum('attr', v);
  let a = 0;
  for (const part of v.split(/[|+,]/)) {
    const bit = ({ NS: 1, RO: 2, IDO: 4 } as Readonly<Record<string, number>>)[part.trim().toUpperCase()];
    if (bit === undefined) throw new TlpError(`attr ${v}: expected a number or RO, NS, IDO joined by |`, 'attr');
    a |= bit;
  }
  return a;
}

function parsePrefix(v: string): TlpPrefix {
  const parts = v.split(':');
  const bad = (): never => {
    throw new TlpError(`prefix ${v}: expected pasid:N, tph:ST, local:TYPE:BODY, e2e:TYPE:BODY or a prefix DW 0x80xxxxxx..0x9fxxxxxx`, 'prefix');
  };
  const n = (s: string | undefined): number => (s === undefined ? bad() : parseNum('prefix', s));
  const kind = parts[0]!.toLowerCase();
  if (parts.length === 1) {
    const dw = n(parts[0]);
    if (dw >>> 29 !== 4 || dw > 0xffffffff) bad();
    return { endToEnd: (dw & 0x10000000) !== 0, subtype: (dw >>> 24) & 0xf, body: dw & 0xffffff };
  }
  if (kind === 'pasid' && parts.length === 2) return pasidPrefix(n(parts[1]));
  if (kind === 'tph' && parts.length === 2) return extTphPrefix(n(parts[1]));
  if ((kind === 'local' || kind === 'e2e') && parts.length === 3) return { endToEnd: kind === 'e2e', subtype: n(parts[1]), body: n(parts[2]) };
  return bad();
}
