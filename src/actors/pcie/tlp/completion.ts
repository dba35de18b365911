/**
 * Completer side (reference 1.6/1.11): the completion of a non-posted request, and the CplD
 * sequence of a memory read split at the Read Completion Boundary and Max_Payload_Size.
 */
import { effectiveByteEnables, leadingDisabled, requestByteCount } from './byte-enables.js';
import { checkTlp } from './check.js';
import { TlpError, checkInt } from './error.js';
import { KINDS, isTlpKind } from './kinds.js';
import { newTlp } from './new-tlp.js';
import { CplStatus, type CplStatusValue, type Tlp } from './types.js';

export interface CompleteReadOptions {
  completerId: number;
  /** Max_Payload_Size in bytes: 128..4096, a power of two. */
  mps: number;
  /** Read Completion Boundary in bytes (64 or 128 for a Root Complex, 128 for everything else). */
  rcb: 64 | 128;
  /** End a completion at every RCB boundary, not only where MPS forces it (a legal, more fragmented answer). */
  splitAtEveryRcb?: boolean;
}

/** The fields a completion takes over from its request. */
function fromRequest(req: Tlp, completerId: number): Partial<Tlp> {
  return { requesterId: req.requesterId, tag: req.tag, tc: req.tc, attr: req.attr, completerId };
}

/**
 * Splits the answer to a memory read (MRd -> CplD, MRdLk -> CplDLk) into completions in address
 * order: each at most `mps` bytes, each but the last ending on a naturally aligned RCB boundary,
 * as few as those rules allow (so a read that does not cross an RCB boundary gets one), or with
 * `splitAtEveryRcb` one per RCB-aligned block.
 * `data` is either the whole DW span the request covers (Length * 4 bytes from `req.address`)
 * or just the enabled bytes (the first completion's Byte Count), which are then padded.
 */
export function completeRead(req: Tlp, data: Uint8Array, o: CompleteReadOptions): Tlp[] {
  if (req.kind !== 'MRd' && req.kind !== 'MRdLk') throw new TlpError(`kind ${req.kind}: completeRead answers MRd or MRdLk`, 'kind');
  checkTlp(req);
  checkInt('completerId', o.completerId, 0, 0xffff);
  if (o.rcb !== 64 && o.rcb !== 128) throw new TlpError(`rcb ${String(o.rcb)}: expected 64 or 128`, 'rcb');
  if (![128, 256, 512, 1024, 2048, 4096].includes(o.mps)) throw new TlpError(`mps ${o.mps}: expected 128, 256, 512, 1024, 2048 or 4096`, 'mps');
  const span = req.length * 4;
  const total = requestByteCount(req);
  const lead = leadingDisabled(effectiveByteEnables(req).firstBe);
  const bytes = spanData(data, span, total, lead);
  // The request stays within a 4 KB page (checked above), so the low 12 address bits are enough for RCB arithmetic.
  const base = Number(req.address & 0xfffn);
  const kind = req.kind === 'MRdLk' ? 'CplDLk' : 'CplD';
  const out: Tlp[] = [];
  let remaining = total;
  for (let off = 0; off < span; ) {
    const reach = o.splitAtEveryRcb ? o.rcb : o.mps;
    const end = !o.splitAtEveryRcb && span - off <= o.mps ? span : Math.min(span, Math.floor((base + off + reach) / o.rcb) * o.rcb - base);
    const first = off === 0;
    out.push(
      newTlp(kind, {
        ...fromRequest(req, o.completerId),
        length: (end - off) / 4,
        data: new Uint8Array(bytes.subarray(off, end)),
        byteCount: remaining,
        lowerAddress: (base + off + (first ? lead : 0)) & 0x7f,
      }),
    );
    remaining -= end - off - (first ? lead : 0);
    off = end;
  }
  return out;
}

function spanData(data: Uint8Array, span: number, total: number, lead: number): Uint8Array {
  if (data.length === span) return data;
  if (data.length === total) {
    const b = new Uint8Array(span);
    b.set(data, lead);
    return b;
  }
  throw new TlpError(`data ${data.length} bytes: the read covers ${span} bytes (${total} enabled)`, 'data');
}

/** Operand size in bytes of an AtomicOp request (CAS carries two operands). */
export function atomicOperandSize(req: Pick<Tlp, 'kind' | 'length'>): number {
  return req.kind === 'CAS' ? req.length * 2 : req.length * 4;
}

/**
 * The single completion of a non-posted request. SC to a read needs `data` (Cfg/IO: 4 bytes;
 * AtomicOp: the original value, operand-size bytes; memory read: as for completeRead, which
 * this calls with MPS 4096) and gives CplD; SC to a write and every UR/CRS/CA give Cpl. Byte Count
 * is 4 for Cfg/IO, the operand size for AtomicOps and the enabled bytes for memory reads;
 * Lower Address is 0 except for memory reads. A locked read is answered with CplLk/CplDLk.
 */
export function completion(req: Tlp, status: CplStatusValue, completerId: number, data?: Uint8Array): Tlp {
  if (!isTlpKind(req.kind)) throw new TlpError(`kind ${String(req.kind)}: not a TLP kind`, 'kind');
  const k = KINDS[req.kind];
  if (k.family === 'cpl' || k.family === 'msg' || req.kind === 'MWr') throw new TlpError(`kind ${req.kind}: a posted request or completion gets no completion`, 'kind');
  checkTlp(req);
  checkInt('completerId', completerId, 0, 0xffff);
  if (!Object.values(CplStatus).includes(status)) throw new TlpError(`status ${String(status)}: expected SC (0), UR (1), CRS (2) or CA (4)`, 'status');
  const read = !k.data || k.family === 'atomic';
  const locked = req.kind === 'MRdLk';
  if (status === CplStatus.SC && read) {
    if (!data) throw new TlpError(`data: a successful completion of ${req.kind} carries data`, 'data');
    if (k.family === 'mem') return completeRead(req, data, { completerId, mps: 4096, rcb: 128 })[0]!;
    const size = k.family === 'atomic' ? atomicOperandSize(req) : 4;
    if (data.length !== size) throw new TlpError(`data ${data.length} bytes: a ${req.kind} completion carries ${size}`, 'data');
    return newTlp('CplD', { ...fromRequest(req, completerId), data, length: size / 4, byteCount: size });
  }
  if (data && data.length) throw new TlpError(`data: a ${status === CplStatus.SC ? 'write' : 'failed'} ${req.kind} is completed without data`, 'data');
  const byteCount = k.family === 'mem' ? requestByteCount(req) : k.family === 'atomic' ? atomicOperandSize(req) : 4;
  const lowerAddress = k.family === 'mem' ? Number(req.address & 0x7cn) + leadingDisabled(effectiveByteEnables(req).firstBe) : 0;
  return newTlp(locked ? 'CplLk' : 'Cpl', { ...fromRequest(req, completerId), status, byteCount, lowerAddress });
}
