/**
 * Message codes (reference 1.7) with their usual routing, and builders for the messages a
 * model sends most: INTx, errors, PM, Set_Slot_Power_Limit, vendor-defined.
 */
import { TlpError, checkInt } from './error.js';
import { newTlp } from './new-tlp.js';
import { MsgRouting, type Tlp } from './types.js';

export interface MessageInfo {
  code: number;
  name: string;
  /** Routings r[2:0] the message uses; the first is the default. */
  routings: readonly number[];
  /** Sent as MsgD (Set_Slot_Power_Limit); vendor-defined and PTM messages may be either. */
  data?: boolean;
}

const { TO_RC, BY_ID, BROADCAST, LOCAL, GATHER } = MsgRouting;

const INTX = ['A', 'B', 'C', 'D'] as const;

export const MESSAGES: readonly MessageInfo[] = [
  { code: 0x00, name: 'Unlock', routings: [BROADCAST] },
  { code: 0x01, name: 'ATS_Invalidate_Request', routings: [BY_ID] },
  { code: 0x02, name: 'ATS_Invalidate_Completion', routings: [BY_ID] },
  { code: 0x04, name: 'Page_Request', routings: [TO_RC] },
  { code: 0x05, name: 'PRG_Response', routings: [BY_ID] },
  { code: 0x10, name: 'LTR', routings: [LOCAL] },
  { code: 0x12, name: 'OBFF', routings: [LOCAL] },
  { code: 0x14, name: 'PM_Active_State_Nak', routings: [LOCAL] },
  { code: 0x18, name: 'PM_PME', routings: [TO_RC] },
  { code: 0x19, name: 'PME_Turn_Off', routings: [BROADCAST] },
  { code: 0x1b, name: 'PME_TO_Ack', routings: [GATHER] },
  ...INTX.map((p, i) => ({ code: 0x20 + i, name: `Assert_INT${p}`, routings: [LOCAL] })),
  ...INTX.map((p, i) => ({ code: 0x24 + i, name: `Deassert_INT${p}`, routings: [LOCAL] })),
  { code: 0x30, name: 'ERR_COR', routings: [TO_RC] },
  { code: 0x31, name: 'ERR_NONFATAL', routings: [TO_RC] },
  { code: 0x33, name: 'ERR_FATAL', routings: [TO_RC] },
  // Hot-plug signalling messages of early PCIe, now "Ignored Messages": receivers drop them.
  ...[0x40, 0x41, 0x43, 0x44, 0x45, 0x47, 0x48].map((code) => ({ code, name: `Ignored_0x${code.toString(16)}`, routings: [LOCAL] })),
  { code: 0x50, name: 'Set_Slot_Power_Limit', routings: [LOCAL], data: true },
  { code: 0x52, name: 'PTM_Request', routings: [LOCAL] },
  { code: 0x53, name: 'PTM_Response', routings: [LOCAL] },
  { code: 0x54, name: 'IDE_Sync', routings: [BY_ID, LOCAL] },
  { code: 0x55, name: 'IDE_Fail', routings: [BY_ID, LOCAL] },
  { code: 0x7e, name: 'Vendor_Defined_Type_0', routings: [TO_RC, BY_ID, BROADCAST, LOCAL] },
  { code: 0x7f, name: 'Vendor_Defined_Type_1', routings: [TO_RC, BY_ID, BROADCAST, LOCAL] },
];

/** The same codes by name, for the builders and the CLI. */
export const MsgCode = Object.fromEntries(MESSAGES.map((m) => [m.name, m.code])) as Readonly<Record<string, number>>;

export const ROUTING_NAMES = ['to Root Complex', 'by address', 'by ID', 'broadcast from Root Complex', 'local', 'gathered to Root Complex', 'reserved (local)', 'reserved (local)'] as const;

export function messageInfo(code: number): MessageInfo | undefined {
  return MESSAGES.find((m) => m.code === code);
}

/** `Assert_INTA`, or `PTM_ResponseD` for 0x53 with data, or `reserved 0x3f`. */
export function messageName(code: number, withData = false): string {
  const m = messageInfo(code);
  if (!m) return `reserved_0x${code.toString(16).padStart(2, '0')}`;
  return m.code === 0x53 && withData ? 'PTM_ResponseD' : m.name;
}

/** Code of a message name (case-insensitive, `-` or `_`) or number; undefined when unknown. */
export function messageCodeOf(nameOrNumber: string): number | undefined {
  const s = nameOrNumber.trim();
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(s)) {
    const n = Number(s);
    return n <= 0xff ? n : undefined;
  }
  const want = s.toLowerCase().replace(/-/g, '_');
  if (want === 'ptm_responsed') return 0x53;
  return MESSAGES.find((m) => m.name.toLowerCase() === want)?.code;
}

/** INTx pin (0 = INTA .. 3 = INTD) and direction of an Assert/Deassert_INTx code, else undefined. */
export function intxOf(code: number): { pin: number; assert: boolean } | undefined {
  if (code < 0x20 || code > 0x27) return undefined;
  return { pin: code & 3, assert: code < 0x24 };
}

/** Bridge INTx mapping (spec Table 2-22): the pin seen on the primary side for `pin` of device `device` below. */
export function swizzleIntx(pin: number, device: number): number {
  return (pin + device) % 4;
}

/** A message by code with its default routing (the first of the table's) unless `fields` says otherwise. */
export function newMessage(code: number, fields: Partial<Tlp> = {}): Tlp {
  checkInt('messageCode', code, 0, 0xff);
  const info = messageInfo(code);
  const kind = fields.kind ?? (info?.data || (fields.data && fields.data.length > 0) ? 'MsgD' : 'Msg');
  if (kind !== 'Msg' && kind !== 'MsgD') throw new TlpError(`kind ${kind}: a message is Msg or MsgD`, 'kind');
  return newTlp(kind, { routing: info?.routings[0] ?? LOCAL, ...fields, messageCode: code });
}

/** Assert_INTx / Deassert_INTx (local; the Function number of the requester must be 0). */
export function intxMessage(pin: number, assert: boolean, requesterId: number): Tlp {
  checkInt('pin', pin, 0, 3);
  return newMessage((assert ? 0x20 : 0x24) + pin, { requesterId });
}

/** ERR_COR / ERR_NONFATAL / ERR_FATAL to the Root Complex. */
export function errorMessage(severity: 'COR' | 'NONFATAL' | 'FATAL', requesterId: number): Tlp {
  return newMessage({ COR: 0x30, NONFATAL: 0x31, FATAL: 0x33 }[severity], { requesterId });
}

/** Set_Slot_Power_Limit: 1-DW MsgD, payload byte 0 = value, byte 1 bits 1:0 = scale. */
export function setSlotPowerLimit(value: number, scale: number, requesterId: number): Tlp {
  checkInt('value', value, 0, 0xff);
  checkInt('scale', scale, 0, 3);
  return newMessage(0x50, { requesterId, length: 1, data: Uint8Array.of(value, scale, 0, 0) });
}

export interface VendorMessage {
  type: 0 | 1;
  routing: number;
  requesterId: number;
  vendorId: number;
  /** ID-routed: bytes 8-9 of the header. */
  destinationId?: number;
  /** Header bytes 12-15. */
  vendorData?: number;
  /** Payload (MsgD when non-empty; a whole number of DWs). */
  data?: Uint8Array;
}

/** Vendor_Defined Type 0 (unsupported -> UR) or Type 1 (unsupported -> dropped). */
export function vendorMessage(v: VendorMessage): Tlp {
  checkInt('vendorId', v.vendorId, 0, 0xffff);
  checkInt('destinationId', v.destinationId ?? 0, 0, 0xffff);
  const data = v.data ?? new Uint8Array(0);
  return newMessage(0x7e + v.type, {
    kind: data.length ? 'MsgD' : 'Msg',
    routing: v.routing,
    requesterId: v.requesterId,
    messageDw2: (((v.destinationId ?? 0) << 16) | v.vendorId) >>> 0,
    messageDw3: v.vendorData ?? 0,
    ...(data.length ? { data } : {}),
  });
}

/** Destination ID of an ID-routed message (header bytes 8-9). */
export function messageDestinationId(t: Pick<Tlp, 'messageDw2'>): number {
  return t.messageDw2 >>> 16;
}
