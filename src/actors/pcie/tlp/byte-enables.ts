/**
 * Byte-enable rules (reference 1.4, spec 2.2.5) and what the BEs of a read imply for its
 * completions (reference 1.11: total bytes, leading/trailing disabled bytes).
 */
import { TlpError } from './error.js';
import { KINDS } from './kinds.js';
import type { Tlp } from './types.js';

/** Disabled bytes before the first enabled one of a First DW BE (0000b counts as 0). */
export function leadingDisabled(fbe: number): number {
  if ((fbe & 0xf) === 0) return 0;
  let n = 0;
  while (((fbe >> n) & 1) === 0) n++;
  return n;
}

/** Disabled bytes after the last enabled one of a Last DW BE (0000b counts as 0). */
export function trailingDisabled(lbe: number): number {
  if ((lbe & 0xf) === 0) return 0;
  let n = 0;
  while (((lbe >> (3 - n)) & 1) === 0) n++;
  return n;
}

/** The BEs a request really carries: TH = 1 on a read turns the BE byte into ST[7:0] and implies full enables. */
export function effectiveByteEnables(t: Pick<Tlp, 'kind' | 'th' | 'length' | 'firstBe' | 'lastBe'>): { firstBe: number; lastBe: number } {
  if (t.th && KINDS[t.kind].family === 'mem' && !KINDS[t.kind].data) return { firstBe: 0xf, lastBe: t.length === 1 ? 0 : 0xf };
  return { firstBe: t.firstBe, lastBe: t.lastBe };
}

/**
 * Bytes from the first to the last enabled byte of a request: the Byte Count of its first
 * completion. A 1-DW request with FBE 0000b (a flush) still counts 1.
 */
export function requestByteCount(t: Pick<Tlp, 'kind' | 'th' | 'length' | 'firstBe' | 'lastBe'>): number {
  const { firstBe, lastBe } = effectiveByteEnables(t);
  if (t.length === 1) {
    if (firstBe === 0) return 1;
    return 4 - leadingDisabled(firstBe) - (3 - (31 - Math.clz32(firstBe)));
  }
  return 4 * t.length - leadingDisabled(firstBe) - trailingDisabled(lastBe);
}

const CONTIGUOUS_FIRST = [0xf, 0xe, 0xc, 0x8];
const CONTIGUOUS_LAST = [0x1, 0x3, 0x7, 0xf];

/**
 * Throws TlpError when the BEs break the rules for `length`: 1 DW -> Last BE 0000b (any First
 * BE, even 0000b); more -> neither 0000b, and contiguous enabled bytes unless the request is a
 * QW-aligned 2-DW memory request. Reads with TH = 1 are exempt (their BE byte is ST[7:0]).
 */
export function checkByteEnables(t: Pick<Tlp, 'kind' | 'th' | 'length' | 'firstBe' | 'lastBe' | 'address'>): void {
  const k = KINDS[t.kind];
  if (t.th && k.family === 'mem' && !k.data) return;
  const b = (n: number): string => `${n.toString(2).padStart(4, '0')}b`;
  if (t.length === 1) {
    if (t.lastBe !== 0) throw new TlpError(`lastBe ${b(t.lastBe)}: must be 0000b for a 1-DW ${t.kind}`, 'lastBe');
    return;
  }
  if (t.firstBe === 0) throw new TlpError(`firstBe 0000b: not allowed for a ${t.length}-DW ${t.kind}`, 'firstBe');
  if (t.lastBe === 0) throw new TlpError(`lastBe 0000b: not allowed for a ${t.length}-DW ${t.kind}`, 'lastBe');
  if (k.family === 'mem' && t.length === 2 && (t.address & 7n) === 0n) return;
  if (!CONTIGUOUS_FIRST.includes(t.firstBe)) throw new TlpError(`firstBe ${b(t.firstBe)}: the enabled bytes of a ${t.length}-DW ${t.kind} must be contiguous up to the end of the first DW`, 'firstBe');
  if (!CONTIGUOUS_LAST.includes(t.lastBe)) throw new TlpError(`lastBe ${b(t.lastBe)}: the enabled bytes of a ${t.length}-DW ${t.kind} must be contiguous from the start of the last DW`, 'lastBe');
}
