/**
 * The Fmt/Type table (reference 1.1/1.2): which header size, data and field group each kind
 * has, and the way back from a wire Fmt/Type to a kind.
 */
import { TlpError } from './error.js';
import type { Tlp, TlpKind } from './types.js';

/** Which header layout after DW0/DW1 a kind uses. */
export type TlpFamily = 'mem' | 'io' | 'cfg' | 'msg' | 'cpl' | 'atomic';

export interface KindInfo {
  /** Type[4:0]; for messages the routing sub-field r[2:0] is OR-ed in. */
  type: number;
  data: boolean;
  family: TlpFamily;
}

export const KINDS: Readonly<Record<TlpKind, KindInfo>> = {
  MRd: { type: 0x00, data: false, family: 'mem' },
  MRdLk: { type: 0x01, data: false, family: 'mem' },
  MWr: { type: 0x00, data: true, family: 'mem' },
  IORd: { type: 0x02, data: false, family: 'io' },
  IOWr: { type: 0x02, data: true, family: 'io' },
  CfgRd0: { type: 0x04, data: false, family: 'cfg' },
  CfgWr0: { type: 0x04, data: true, family: 'cfg' },
  CfgRd1: { type: 0x05, data: false, family: 'cfg' },
  CfgWr1: { type: 0x05, data: true, family: 'cfg' },
  Msg: { type: 0x10, data: false, family: 'msg' },
  MsgD: { type: 0x10, data: true, family: 'msg' },
  Cpl: { type: 0x0a, data: false, family: 'cpl' },
  CplD: { type: 0x0a, data: true, family: 'cpl' },
  CplLk: { type: 0x0b, data: false, family: 'cpl' },
  CplDLk: { type: 0x0b, data: true, family: 'cpl' },
  FetchAdd: { type: 0x0c, data: true, family: 'atomic' },
  Swap: { type: 0x0d, data: true, family: 'atomic' },
  CAS: { type: 0x0e, data: true, family: 'atomic' },
};

export const TLP_KINDS = Object.keys(KINDS) as TlpKind[];

export function isTlpKind(s: string): s is TlpKind {
  return Object.hasOwn(KINDS, s);
}

export function hasData(kind: TlpKind): boolean {
  return KINDS[kind].data;
}

/** Kinds whose wire Length field means something (reserved for Cpl, CplLk and Msg). */
export function hasLength(kind: TlpKind): boolean {
  const k = KINDS[kind];
  return k.data || k.family === 'mem' || k.family === 'io' || k.family === 'cfg';
}

/** Kinds with First/Last DW BE fields (AtomicOps have them reserved). */
export function hasByteEnables(kind: TlpKind): boolean {
  const f = KINDS[kind].family;
  return f === 'mem' || f === 'io' || f === 'cfg';
}

/** Kinds with an address: memory (incl. locked reads), IO, AtomicOps. */
export function hasAddress(kind: TlpKind): boolean {
  const f = KINDS[kind].family;
  return f === 'mem' || f === 'io' || f === 'atomic';
}

/** PH travels in address bits 1:0 only where TPH is defined: memory requests and AtomicOps. */
export function hasPh(kind: TlpKind): boolean {
  const f = KINDS[kind].family;
  return f === 'mem' || f === 'atomic';
}

/** Header size in DW: 4 for messages and for memory/AtomicOp addresses above 4 GB, else 3. */
export function headerDws(t: Pick<Tlp, 'kind' | 'address'>): 3 | 4 {
  const f = KINDS[t.kind].family;
  if (f === 'msg') return 4;
  if ((f === 'mem' || f === 'atomic') && t.address > 0xffffffffn) return 4;
  return 3;
}

/** Fmt[2:0] of a header: bit 1 = data, bit 0 = 4 DW. */
export function fmtOf(t: Pick<Tlp, 'kind' | 'address'>): number {
  return (hasData(t.kind) ? 2 : 0) | (headerDws(t) === 4 ? 1 : 0);
}

export function typeOf(t: Pick<Tlp, 'kind' | 'routing'>): number {
  const k = KINDS[t.kind];
  return k.family === 'msg' ? k.type | (t.routing & 7) : k.type;
}

/** Byte 0 of the header: Fmt in bits 7:5, Type in 4:0. */
export function fmtTypeByte(t: Pick<Tlp, 'kind' | 'address' | 'routing'>): number {
  return (fmtOf(t) << 5) | typeOf(t);
}

const FMT_NAMES = ['3DW no data', '4DW no data', '3DW with data', '4DW with data', 'TLP prefix'];

/**
 * The kind a header's Fmt (0..3) and Type select. Throws TlpError for an undefined pair,
 * including the 6.x DMWr and the deprecated TCfgRd the codec leaves out, and for a kind given
 * a header size the table does not allow (3-DW messages, 4-DW IO/Cfg/completions).
 */
export function kindOf(fmt: number, type: number): { kind: TlpKind; routing: number } {
  const data = (fmt & 2) !== 0;
  const fourDw = (fmt & 1) !== 0;
  let found: { kind: TlpKind; routing: number } | undefined;
  if ((type & 0x18) === 0x10) {
    found = { kind: data ? 'MsgD' : 'Msg', routing: type & 7 };
  } else {
    for (const kind of TLP_KINDS) {
      const k = KINDS[kind];
      if (k.family !== 'msg' && k.type === type && k.data === data) found = { kind, routing: 0 };
    }
  }
  const hex = (fmt << 5) | type;
  const where = `Fmt ${fmt.toString(2).padStart(3, '0')}b (${FMT_NAMES[fmt]}) Type ${type.toString(2).padStart(5, '0')}b (byte 0 = 0x${hex.toString(16).padStart(2, '0')})`;
  if (!found) throw new TlpError(`unknown TLP type: ${where}`, 'type');
  const f = KINDS[found.kind].family;
  if (f === 'msg' && !fourDw) throw new TlpError(`${found.kind} with a 3-DW header: ${where}; messages always use 4 DW`, 'fmt');
  if ((f === 'io' || f === 'cfg' || f === 'cpl') && fourDw) throw new TlpError(`${found.kind} with a 4-DW header: ${where}; IO, Cfg and completions use 3 DW`, 'fmt');
  return found;
}
