/**
 * The translated code's data-memory fast path: a direct-mapped cache from (VA page, EL) to the
 * RAM bytes behind it, filled from the software TLB (so stage 1 ∘ stage 2 and their permissions
 * decide what may be cached) and dropped whenever the TLB changes. A lookup that cannot be served
 * here — a miss that faults, a non-RAM (MMIO) page, an access crossing the page, an unaligned
 * access where alignment is checked (Device memory, SCTLR_EL1.A) — answers -1 and the generated
 * code hands that one instruction to the reference interpreter, which reports the exact fault.
 *
 * Stores into a page holding translated code are checked word by word against the page's code
 * map, and a hit invalidates that page's blocks (self-modifying and loaded code).
 */
import type { PhysicalMemory } from '../../../shared/phys-mem.js';
import { TLB_FAULT, type SoftTlb } from './mmu-tlb.js';
import { ACC_READ, ACC_WRITE, P_DEVICE } from './mmu-types.js';

const SLOTS = 1024;
const SLOT_MASK = SLOTS - 1;
const PAGE = 4096;
const EMPTY_DV = new DataView(new ArrayBuffer(8));

/** Per physical page with translated code: one byte per 4-byte word (1 = instruction of a block). */
export type CodeMap = Uint8Array;

/** Whether a `span`-byte store at byte `off` of the page overwrites a translated instruction. */
export function writesCode(code: CodeMap, off: number, span: number): boolean {
  for (let k = off >> 2; k <= (off + span - 1) >> 2; k++) if (code[k] !== 0) return true;
  return false;
}

class Way {
  /** page * 2 + el, NaN when empty. */
  readonly tag = new Float64Array(SLOTS).fill(Number.NaN);
  /** Byte offset of the page in `view`. */
  readonly off = new Float64Array(SLOTS);
  /** 1 = unaligned accesses allowed (Normal memory, SCTLR_EL1.A clear). */
  readonly loose = new Uint8Array(SLOTS);
  readonly view: DataView[] = new Array<DataView>(SLOTS).fill(EMPTY_DV);
  /** Physical page number (writes: to find the code map). */
  readonly ppage = new Float64Array(SLOTS);
  readonly code: (CodeMap | null)[] = new Array<CodeMap | null>(SLOTS).fill(null);

  clear(): void {
    this.tag.fill(Number.NaN);
    this.code.fill(null);
  }
}

/**
 * Remembered stage-2 faults of one access kind: VA page (and EL) → the faulting IPA page and
 * the fault status code, so a guest polling an emulated register does not walk both stages on
 * every access. Filled only by a walk that faulted at stage 2 (not on a stage-1 table walk, not
 * an external abort) and dropped with the TLB: the hypervisor follows every change to a running
 * cell's stage 2 with flush_vcpu_caches (config_commit), which is what keeps this exact.
 */
class FaultWay {
  readonly tag = new Float64Array(SLOTS).fill(Number.NaN);
  /** The faulting IPA page number. */
  readonly ipaPage = new Float64Array(SLOTS);
  /** The fault status code (DFSC). */
  readonly fsc = new Uint8Array(SLOTS);
  /** 1 = stage 1 gave Device memory: an unaligned access is an alignment fault instead. */
  readonly s1dev = new Uint8Array(SLOTS);

  clear(): void {
    this.tag.fill(Number.NaN);
  }
}

export class FastMem {
  private readonly rd = new Way();
  private readonly wr = new Way();
  private readonly rdFault = new FaultWay();
  private readonly wrFault = new FaultWay();
  /** The RAM view of the last successful lookup (its offset is what r/w returned). */
  dv: DataView = EMPTY_DV;
  /** Set by generated code when it hands an instruction to the interpreter. */
  bail = 0;
  /** TLB generation the cached entries were filled under. */
  private gen = -1;
  /**
   * 1 once a store dropped translated code (set by the translator); a block that ran a store
   * through the interpreter (slow path) ends after it when set, so no stale instruction runs.
   */
  cw = 0;
  /** SCTLR_EL1.A (alignment checking of ordinary accesses). */
  strictAlign = false;
  /** The stage-2 fault stage2Fault() found: IPA page number and fault status code. */
  faultIpaPage = 0;
  faultFsc = 0;

  constructor(
    private readonly phys: PhysicalMemory,
    private readonly tlb: SoftTlb,
    private readonly codeMaps: Map<number, CodeMap>,
    private readonly onCodeWrite: (ppage: number) => void,
  ) {}

  /**
   * A store hits translated code: its blocks go, and the store is left to the interpreter (-1),
   * so the block running it ends there and the new instructions run next, as the interpreter
   * runs them (the running block may hold the very instruction being overwritten).
   */
  private codeWrite(ppage: number): number {
    this.onCodeWrite(ppage);
    return -1;
  }

  /** Drops every entry (TLB changed, alignment policy changed, a new code page appeared). */
  flush(): void {
    this.rd.clear();
    this.wr.clear();
    this.rdFault.clear();
    this.wrFault.clear();
    this.gen = this.tlb.generation;
  }

  /** Called before running translated code: entries follow the TLB. */
  sync(): void {
    if (this.gen !== this.tlb.generation) this.flush();
  }

  /**
   * Offset in `dv` of a `span`-byte read at va (alignment checked against alignMask + 1 where
   * required), or -1: the interpreter must do it.
   */
  r(va: number, span: number, alignMask: number, el: number): number {
    const w = this.rd;
    const page = Math.floor(va / PAGE);
    const i = page & SLOT_MASK;
    const off = va - page * PAGE;
    if (w.tag[i] === page * 2 + el && off + span <= PAGE && ((off & alignMask) === 0 || w.loose[i] === 1)) {
      this.dv = w.view[i]!;
      return w.off[i]! + off;
    }
    // A page known to fault at stage 2 (an emulated device): no walk, the caller traps.
    if (this.rdFault.tag[i] === page * 2 + el) return -1;
    return this.fill(w, va, span, alignMask, el, false);
  }

  /** As r(), for a write; also watches for stores into translated code. */
  w(va: number, span: number, alignMask: number, el: number): number {
    const w = this.wr;
    const page = Math.floor(va / PAGE);
    const i = page & SLOT_MASK;
    const off = va - page * PAGE;
    if (w.tag[i] === page * 2 + el && off + span <= PAGE && ((off & alignMask) === 0 || w.loose[i] === 1)) {
      const code = w.code[i]!;
      if (code !== null && writesCode(code, off, span)) return this.codeWrite(w.ppage[i]!);
      this.dv = w.view[i]!;
      return w.off[i]! + off;
    }
    if (this.wrFault.tag[i] === page * 2 + el) return -1;
    return this.fill(w, va, span, alignMask, el, true);
  }

  /**
   * Whether an access at va ends in a plain stage-2 fault: true with its IPA page and fault
   * status code in faultIpaPage / faultFsc; false when it does not (it succeeds, or faults at
   * stage 1, on a table walk, with an external abort or an alignment check, including an
   * unaligned access to what stage 1 makes Device memory: the interpreter reports those).
   */
  stage2Fault(va: number, size: number, write: boolean, el: number): boolean {
    const f = write ? this.wrFault : this.rdFault;
    const page = Math.floor(va / PAGE);
    const i = page & SLOT_MASK;
    const off = va - page * PAGE;
    if (off + size > PAGE || ((off & (size - 1)) !== 0 && this.strictAlign)) return false;
    if (f.tag[i] !== page * 2 + el) {
      if (!Number.isSafeInteger(va)) return false;
      const pa = this.tlb.translateVa(va, write ? ACC_WRITE : ACC_READ, el === 0 ? 0 : 1);
      if (pa !== TLB_FAULT || !this.noteFault(f, i, page * 2 + el)) return false;
    }
    if ((off & (size - 1)) !== 0 && f.s1dev[i] === 1) return false;
    this.faultIpaPage = f.ipaPage[i]!;
    this.faultFsc = f.fsc[i]!;
    return true;
  }

  /** Remembers the TLB's last fault for the slot if it is a plain stage-2 fault; true if it did. */
  private noteFault(f: FaultWay, i: number, tag: number): boolean {
    const fault = this.tlb.fault;
    if (fault === null || fault.stage !== 2 || fault.s1ptw || fault.kind === 'external' || fault.ipa === undefined) return false;
    f.tag[i] = tag;
    f.ipaPage[i] = Math.floor(fault.ipa / PAGE);
    f.fsc[i] = fault.fsc & 0x3f;
    f.s1dev[i] = this.tlb.faultS1Device ? 1 : 0;
    return true;
  }

  private fill(w: Way, va: number, span: number, alignMask: number, el: number, write: boolean): number {
    if (!Number.isSafeInteger(va)) return -1;
    const page = Math.floor(va / PAGE);
    const off = va - page * PAGE;
    if (off + span > PAGE) return -1;
    const faults = write ? this.wrFault : this.rdFault;
    const i = page & SLOT_MASK;
    const pa = this.tlb.translateVa(va, write ? ACC_WRITE : ACC_READ, el === 0 ? 0 : 1);
    if (pa === TLB_FAULT) {
      this.noteFault(faults, i, page * 2 + el);
      return -1;
    }
    const ppage = Math.floor(pa / PAGE);
    const ram = this.phys.ramAt(ppage * PAGE, PAGE);
    if (ram === undefined) return -1;
    const loose = (this.tlb.lastPerm & P_DEVICE) === 0 && !this.strictAlign;
    w.tag[i] = page * 2 + el;
    w.off[i] = ppage * PAGE - ram.base;
    w.loose[i] = loose ? 1 : 0;
    w.view[i] = ram.dv;
    w.ppage[i] = ppage;
    const code = this.codeMaps.get(ppage) ?? null;
    w.code[i] = code;
    if ((off & alignMask) !== 0 && !loose) return -1;
    if (write && code !== null && writesCode(code, off, span)) return this.codeWrite(ppage);
    this.dv = ram.dv;
    return w.off[i]! + off;
  }
}
