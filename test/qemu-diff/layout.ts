/**
 * The register-state block both sides exchange, and the guest address map they share.
 *
 * One block per case holds everything a case reads and writes: X0-X30, SP, NZCV, FPCR, FPSR,
 * V0-V31 and the scratch area the memory instructions use. The QEMU program loads its input
 * blocks and stores its output blocks in this layout; jhsim's states are converted to and from
 * it, so every comparison is on the same bytes.
 */
import type { A64State } from '../../src/actors/cpu/a64/state.js';

/** Where the program's parts live (the same VAs in QEMU and in jhsim's page tables). */
export const CODE_VA = 0x4000_0000;
/** Driver code and its data (assembled per batch); the case slots follow. */
export const DRIVER_SIZE = 0x1000;
export const SLOTS_VA = CODE_VA + DRIVER_SIZE;
/**
 * The SCRATCH_SIZE bytes of read-write memory cases may access, loaded and compared. They
 * straddle a page boundary (SCRATCH_PAGES is the two pages' VA), so accesses that cross a page
 * are tested too: jhsim maps the two pages to non-adjacent physical pages, in reverse order.
 */
export const SCRATCH_PAGES = 0x5000_0000;
export const SCRATCH_SIZE = 512;
export const SCRATCH_VA = SCRATCH_PAGES + 0x1000 - SCRATCH_SIZE / 2;
/** Input blocks, then output blocks, then the signal stack (not mapped in jhsim). */
export const DATA_VA = 0x6000_0000;

/** Byte offsets inside a block. */
export const B = {
  X: 0,
  SP: 248,
  NZCV: 256,
  FPCR: 264,
  FPSR: 272,
  /** Output only: the signal that ended the case (0: none) and the faulting pc's slot offset. */
  SIGNAL: 280,
  FAULT_OFF: 284,
  V: 288,
  SCRATCH: 800,
} as const;
export const BLOCK_SIZE = B.SCRATCH + SCRATCH_SIZE;

/** What a case starts from and ends with. */
export interface Snapshot {
  x: BigUint64Array;
  sp: bigint;
  nzcv: number;
  fpcr: number;
  fpsr: number;
  /** V0-V31, 16 bytes each, little-endian. */
  v: Uint8Array;
  scratch: Uint8Array;
}

export function emptySnapshot(): Snapshot {
  return {
    x: new BigUint64Array(31), sp: 0n, nzcv: 0, fpcr: 0, fpsr: 0,
    v: new Uint8Array(512), scratch: new Uint8Array(SCRATCH_SIZE),
  };
}

export function cloneSnapshot(s: Snapshot): Snapshot {
  return { x: s.x.slice(), sp: s.sp, nzcv: s.nzcv, fpcr: s.fpcr, fpsr: s.fpsr, v: s.v.slice(), scratch: s.scratch.slice() };
}

export function writeBlock(out: Uint8Array, off: number, s: Snapshot): void {
  const dv = new DataView(out.buffer, out.byteOffset + off, BLOCK_SIZE);
  for (let k = 0; k < 31; k++) dv.setBigUint64(B.X + 8 * k, s.x[k]!, true);
  dv.setBigUint64(B.SP, s.sp, true);
  dv.setUint32(B.NZCV, s.nzcv >>> 0, true);
  dv.setUint32(B.FPCR, s.fpcr >>> 0, true);
  dv.setUint32(B.FPSR, s.fpsr >>> 0, true);
  out.set(s.v, off + B.V);
  out.set(s.scratch, off + B.SCRATCH);
}

/** A block QEMU wrote, with the signal (if any) that cut its case short. */
export interface QemuResult {
  snap: Snapshot;
  signal: number;
  /** Offset of the faulting pc inside the case's slot (meaningful when signal !== 0). */
  faultOff: number;
  /** QEMU itself failed on this case (it aborts on a few encodings): its message. */
  crash?: string;
}

export function readBlock(buf: Uint8Array, off: number): QemuResult {
  const dv = new DataView(buf.buffer, buf.byteOffset + off, BLOCK_SIZE);
  const snap = emptySnapshot();
  for (let k = 0; k < 31; k++) snap.x[k] = dv.getBigUint64(B.X + 8 * k, true);
  snap.sp = dv.getBigUint64(B.SP, true);
  // MRS writes the whole X register: anything above bit 31 would be a finding, so keep 64 bits.
  snap.nzcv = Number(dv.getBigUint64(B.NZCV, true));
  snap.fpcr = Number(dv.getBigUint64(B.FPCR, true));
  snap.fpsr = Number(dv.getBigUint64(B.FPSR, true));
  snap.v.set(buf.subarray(off + B.V, off + B.V + 512));
  snap.scratch.set(buf.subarray(off + B.SCRATCH, off + B.SCRATCH + SCRATCH_SIZE));
  return { snap, signal: dv.getUint32(B.SIGNAL, true), faultOff: dv.getUint32(B.FAULT_OFF, true) };
}

/** Loads a snapshot into a jhsim state running at EL0 (the scratch is memory: see jhsim.ts). */
export function loadState(st: A64State, s: Snapshot): void {
  st.x.set(s.x);
  st.spEl0 = s.sp;
  st.nzcv = s.nzcv;
  st.fpcr = s.fpcr;
  st.fpsr = s.fpsr;
  st.v8.set(s.v);
  st.exclusive = undefined;
}

/** The registers of a jhsim state as a snapshot, with the given scratch contents. */
export function stateSnapshot(st: A64State, scratch: Uint8Array): Snapshot {
  return {
    x: st.x.slice(), sp: st.spEl0, nzcv: st.nzcv, fpcr: st.fpcr, fpsr: st.fpsr, v: st.v8.slice(), scratch,
  };
}
