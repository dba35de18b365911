/**
 * Requester side (reference 1.10): cutting a DMA transfer into memory requests that respect
 * Max_Read_Request_Size (reads), Max_Payload_Size (writes) and the 4 KB rule.
 */
import { checkTlp } from './check.js';
import { TlpError, checkInt } from './error.js';
import { newTlp } from './new-tlp.js';
import type { Tlp } from './types.js';

export interface SplitRequestOptions {
  /** Max_Read_Request_Size in bytes (default 512, the reset value). */
  mrrs?: number;
  /** Max_Payload_Size in bytes (default 128, the reset value). */
  mps?: number;
  /** Fields every request gets (requesterId, tc, attr, ...); `tag` is the first tag. */
  fields?: Partial<Tlp>;
  /** Tags are numbered from fields.tag modulo this (256: 8-bit tags, the default; 1024: 10-bit). */
  tagSpace?: 256 | 1024;
}

const SIZES = [128, 256, 512, 1024, 2048, 4096];

/**
 * Reads of `what` bytes (MRd) or writes of the bytes `what` (MWr) from byte address `address`.
 * A read is cut where it would exceed MRRS so that the next one starts 128-byte aligned (which
 * lets completers return whole RCBs); a write where its DW span would exceed MPS; both at 4 KB
 * boundaries. Zero bytes give one 1-DW request with no bytes enabled (a flush read or a no-op
 * write). Byte enables cover exactly the bytes asked for.
 */
export function splitRequest(kind: 'MRd' | 'MWr', address: bigint, what: number | Uint8Array, o: SplitRequestOptions = {}): Tlp[] {
  const mrrs = o.mrrs ?? 512;
  const mps = o.mps ?? 128;
  if (!SIZES.includes(mrrs)) throw new TlpError(`mrrs ${mrrs}: expected ${SIZES.join(', ')}`, 'mrrs');
  if (!SIZES.includes(mps)) throw new TlpError(`mps ${mps}: expected ${SIZES.join(', ')}`, 'mps');
  if (kind === 'MWr' && typeof what === 'number') throw new TlpError('data: MWr needs the bytes to write', 'data');
  const total = typeof what === 'number' ? what : what.length;
  checkInt('size', total, 0, Number.MAX_SAFE_INTEGER);
  if (address < 0n || address + BigInt(Math.max(total, 1)) - 1n > 0xffffffffffffffffn) throw new TlpError(`address 0x${address.toString(16)}: the transfer leaves the 64-bit address space`, 'address');
  const tagSpace = o.tagSpace ?? 256;
  const out: Tlp[] = [];
  let done = 0;
  do {
    const a = address + BigInt(done);
    const low = Number(a & 0xfffn);
    let n = Math.min(total - done, 0x1000 - low);
    if (kind === 'MRd') n = Math.min(n, mrrs - (low & 0x7f));
    else n = Math.min(n, mps - (low & 3));
    const chunk = typeof what === 'number' ? undefined : what.subarray(done, done + n);
    out.push(request(kind, a, n, chunk, { ...o.fields, tag: ((o.fields?.tag ?? 0) + out.length) % tagSpace }));
    done += n;
  } while (done < total);
  return out;
}

/** One request for `n` bytes at byte address `a` (reference 1.12 `set_addr_be`). */
function request(kind: 'MRd' | 'MWr', a: bigint, n: number, chunk: Uint8Array | undefined, fields: Partial<Tlp>): Tlp {
  const firstPad = Number(a & 3n);
  const lastPad = n === 0 ? 0 : 3 - ((firstPad + n - 1) % 4);
  const length = n === 0 ? 1 : (firstPad + n + lastPad) / 4;
  let firstBe = n === 0 ? 0 : (0xf << firstPad) & 0xf;
  let lastBe = n === 0 ? 0 : 0xf >> lastPad;
  if (length === 1) {
    firstBe &= lastBe;
    lastBe = 0;
  }
  const t = newTlp(kind, { ...fields, address: a & ~3n, length, firstBe, lastBe });
  if (chunk) {
    t.data = new Uint8Array(length * 4);
    t.data.set(chunk, firstPad);
  }
  checkTlp(t);
  return t;
}
