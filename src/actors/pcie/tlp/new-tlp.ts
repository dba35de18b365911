/** A complete Tlp value from a kind and a few fields, with defaults that encode as they are. */
import { KINDS, hasByteEnables, hasData, hasLength } from './kinds.js';
import type { Tlp, TlpKind } from './types.js';

/**
 * Fills every field `fields` leaves out:
 * - prefixes [], numbers 0, flags false, address 0n, no digest;
 * - Length: data kinds ceil(data.length / 4) (1 with no data), reads 1, Cpl/CplLk/Msg 0 (reserved);
 * - data: as given, else Length * 4 zero bytes for data kinds, else empty;
 * - BEs (memory, IO, Cfg): all bytes enabled for the Length (1111b/0000b for 1 DW, 1111b/1111b above);
 * - Byte Count: Length * 4 for CplD/CplDLk (at most 4096), 4 for Cpl/CplLk (the Cfg/IO value).
 * Nothing is checked here; encodeTlp does that.
 */
export function newTlp(kind: TlpKind, fields: Partial<Tlp> = {}): Tlp {
  const data = hasData(kind);
  const length = fields.length ?? (!hasLength(kind) ? 0 : data && fields.data ? Math.max(1, Math.ceil(fields.data.length / 4)) : 1);
  const be = hasByteEnables(kind);
  const t: Tlp = {
    kind,
    prefixes: [],
    tc: 0,
    attr: 0,
    th: false,
    ln: false,
    td: false,
    ep: false,
    at: 0,
    length,
    requesterId: 0,
    tag: 0,
    firstBe: be ? 0xf : 0,
    lastBe: be && length > 1 ? 0xf : 0,
    address: 0n,
    ph: 0,
    completerId: 0,
    register: 0,
    status: 0,
    bcm: false,
    byteCount: KINDS[kind].family === 'cpl' ? (data ? Math.min(4096, Math.max(1, length * 4)) : 4) : 0,
    lowerAddress: 0,
    routing: 0,
    messageCode: 0,
    messageDw2: 0,
    messageDw3: 0,
    // Only a Length encodeTlp can accept gets a default payload: a wild one (len=0x40000001) would
    // throw RangeError here instead of the TlpError checkTlp gives it.
    data: data && Number.isSafeInteger(length) && length >= 1 && length <= 1024 ? new Uint8Array(length * 4) : new Uint8Array(0),
  };
  // Field by field, so that an explicit `undefined` keeps the default instead of blanking it.
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (t as unknown as Record<string, unknown>)[k] = v;
  t.kind = kind;
  return t;
}
