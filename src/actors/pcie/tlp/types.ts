/**
 * Transaction Layer Packet as a structured value (PCIe Base Spec ch. 2, non-flit mode). The
 * codec (encode/decode) turns it into wire bytes and back; the fabric routes it between
 * functions. Field names follow the spec; values are the decoded meaning (Length 1024 rather
 * than the wire's 0, Byte Count 4096 rather than 0).
 */

/** Every Fmt/Type pair the codec knows (deprecated TCfgRd and 6.x DMWr excluded). */
export type TlpKind =
  | 'MRd' | 'MRdLk' | 'MWr'
  | 'IORd' | 'IOWr'
  | 'CfgRd0' | 'CfgWr0' | 'CfgRd1' | 'CfgWr1'
  | 'Msg' | 'MsgD'
  | 'Cpl' | 'CplD' | 'CplLk' | 'CplDLk'
  | 'FetchAdd' | 'Swap' | 'CAS';

/** Completion Status (DW1 bits 15:13 of a completion). CRS is 6.x's RRS, same value. */
export const CplStatus = { SC: 0, UR: 1, CRS: 2, CA: 4 } as const;
export type CplStatusValue = (typeof CplStatus)[keyof typeof CplStatus];

/** Message routing r[2:0]: the low three Type bits of Msg/MsgD. */
export const MsgRouting = {
  TO_RC: 0,
  BY_ADDRESS: 1,
  BY_ID: 2,
  BROADCAST: 3,
  LOCAL: 4,
  GATHER: 5,
} as const;

/** One 1-DW TLP prefix (Fmt 100b). */
export interface TlpPrefix {
  /** Type[4] = 1: end-to-end (covered by ECRC); 0: local (not covered). */
  endToEnd: boolean;
  /** Type[3:0]: e.g. end-end 0 ExtTPH, 1 PASID, 14/15 vendor; local 0 MR-IOV, 14/15 vendor. */
  subtype: number;
  /** The prefix's bytes 1..3 as a 24-bit number (byte 1 in bits 23:16). */
  body: number;
}

/** A decoded or to-be-encoded TLP. Fields that do not apply to `kind` are ignored on encode. */
export interface Tlp {
  kind: TlpKind;
  /** Prefixes in wire order (all local ones before the end-to-end ones; at most 4 end-to-end). */
  prefixes: TlpPrefix[];
  /** 10-bit-tag capable fields live where the spec puts them (T9/T8 in DW0). */
  tc: number;
  /** Attr[2:0]: bit 2 IDO, bit 1 Relaxed Ordering, bit 0 No Snoop. */
  attr: number;
  th: boolean;
  ln: boolean;
  /** TD: a digest (ECRC) follows the payload. */
  td: boolean;
  /** EP: poisoned. */
  ep: boolean;
  /** AT[1:0] address type. */
  at: number;
  /** Payload length in DW, 1..1024 (wire 0 = 1024); reserved (0) for Cpl/CplLk/Msg. */
  length: number;
  /** Requester ID (bus << 8 | dev << 3 | fn). */
  requesterId: number;
  /** Tag, 10 bits. */
  tag: number;
  /** First/Last DW byte enables (requests). */
  firstBe: number;
  lastBe: number;
  /** Memory/IO/AtomicOp address (byte address, bits 1:0 zero). 64-bit iff > 0xffffffff (4 DW header). */
  address: bigint;
  /** Processing hint PH[1:0] (address bits 1:0 when TH = 1). */
  ph: number;
  /** Config requests: target BDF; completions: Completer ID. */
  completerId: number;
  /** Config requests: register byte offset 0..0xffc (DW aligned). */
  register: number;
  /** Completions. */
  status: number;
  bcm: boolean;
  /** 1..4096 (wire 0 = 4096). */
  byteCount: number;
  lowerAddress: number;
  /** Messages: routing r[2:0] and message code; bytes 8..15 of the header as two DWs. */
  routing: number;
  messageCode: number;
  messageDw2: number;
  messageDw3: number;
  /** Payload bytes in address order (length * 4 bytes when the Fmt has data). */
  data: Uint8Array;
  /** ECRC digest DW as sent (big-endian DW of the wire bytes), present iff td. */
  digest?: number;
}
