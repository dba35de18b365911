/**
 * Per-class bookkeeping for the coverage report: what was generated, what jhsim does not
 * decode (with a sample of those words for QEMU to classify), what jhsim refused to run, what
 * was compared, and where the two sides disagreed.
 */
import { decodeCached } from '../../src/actors/cpu/a64/interp.js';
import { disassemble } from '../../src/actors/cpu/a64/insn-disasm.js';
import type { Snapshot } from './layout.js';

export class ClassStats {
  generated = 0;
  notImplemented = 0;
  /** A sample of distinct words jhsim does not decode (sent to QEMU once, as probes). */
  readonly undefSample = new Set<number>();
  /** Words jhsim decoded but that took an exception while generating (mostly out-of-scratch accesses). */
  readonly rejected = new Map<string, number>();
  compared = 0;
  readonly words = new Set<number>();
  readonly mnemonics = new Set<string>();
  mismatches = 0;
  /** Probe results: jhsim-UNDEFINED words QEMU refused too, or executed. */
  probesRefused = 0;
  readonly probesExecuted: number[] = [];
  /** Probes QEMU aborted on (a QEMU bug, e.g. 7.2's FP16 two-register misc group). */
  readonly probesCrashed: number[] = [];
}

const LOGIC = ['AND', 'ORR', 'EOR', 'ANDS'];
const LOGIC_INV = ['BIC', 'ORN', 'EON', 'BICS'];
/** Fields that never change an instruction's architectural name (registers, immediates). */
const OPERANDS = new Set(['rd', 'rn', 'rm', 'ra', 'rt', 'rt2', 'rs', 'imm', 'offset', 'amount', 'extend', 'sBit', 'prfop', 'word']);
const memoNames = new Map<string, string>();

/**
 * The architectural mnemonic of a decoded word (aliases such as MOV or CMP are not counted as
 * forms of their own): SIMD instructions name themselves; data processing from its fields;
 * loads and stores from jhsim's disassembly, memoized on the fields that are not operands.
 */
export function mnemonic(word: number): string {
  const i = decodeCached(word);
  switch (i.op) {
    case 'SIMD': return i.name.toUpperCase();
    case 'ADDSUB_IMM': case 'ADDSUB_SHIFT': case 'ADDSUB_EXT': return `${i.sub ? 'SUB' : 'ADD'}${i.setFlags ? 'S' : ''}`;
    case 'ADDSUB_CARRY': return `${i.sub ? 'SBC' : 'ADC'}${i.setFlags ? 'S' : ''}`;
    case 'LOGIC_IMM': return LOGIC[i.opc]!;
    case 'LOGIC_REG': return (i.invert ? LOGIC_INV : LOGIC)[i.opc]!;
    case 'MOV_WIDE': case 'BITFIELD': case 'DP1': case 'DP2': case 'DP3': return i.kind;
    case 'ADR': return i.page ? 'ADRP' : 'ADR';
    case 'EXTR': return 'EXTR';
    case 'COND_CMP': return i.sub ? 'CCMP' : 'CCMN';
    case 'COND_SEL': return i.invert ? (i.increment ? 'CSNEG' : 'CSINV') : (i.increment ? 'CSINC' : 'CSEL');
    case 'MRS': case 'MSR_REG': return `${i.op === 'MRS' ? 'MRS' : 'MSR'} ${i.name ?? '?'}`;
    default: {
      const key = Object.entries(i).filter(([k]) => !OPERANDS.has(k)).map(([, v]) => String(v)).join('|') + ('rt' in i && i.rt === 31 ? '|zr' : '');
      let name = memoNames.get(key);
      if (name === undefined) {
        name = disassemble(i).split(/\s/)[0]!.toUpperCase();
        memoNames.set(key, name);
      }
      return name;
    }
  }
}

/** jhsim's disassembly of a word. */
export function disasm(word: number, pc: number): string {
  const i = decodeCached(word);
  if (i.op === 'SIMD') return i.text;
  return disassemble(i, pc).replace(/\t/g, ' ');
}

/** A jhsim exception or JS error while generating (not a comparison: QEMU never saw it). */
export interface EngineError { cls: string; word: number; message: string; pc: number; input: Snapshot }

const UNDEF_SAMPLE = 24;
/** Refusal probes kept per mnemonic and exception type, and in all. */
const REFUSALS_PER_KIND = 4;
const REFUSALS_MAX = 1000;

/** A word jhsim decodes but refused to run from `input` (not for the harness's range check). */
export interface Refusal { cls: string; word: number; type: string; input: Snapshot }

export class Stats {
  readonly classes = new Map<string, ClassStats>();
  readonly engineErrors: EngineError[] = [];
  readonly refusals: Refusal[] = [];
  /** How many refusals were checked with QEMU (after the run). */
  refusalsChecked = 0;
  private readonly refusalKinds = new Map<string, number>();
  private readonly errorKeys = new Set<string>();

  of(name: string): ClassStats {
    let c = this.classes.get(name);
    if (c === undefined) {
      c = new ClassStats();
      this.classes.set(name, c);
    }
    return c;
  }

  notImplemented(cls: string, word: number): void {
    const c = this.of(cls);
    c.notImplemented++;
    if (c.undefSample.size < UNDEF_SAMPLE) c.undefSample.add(word);
  }

  rejected(cls: string, why: string): void {
    const m = this.of(cls).rejected;
    m.set(why, (m.get(why) ?? 0) + 1);
  }

  refusal(cls: string, word: number, type: string, input: Snapshot): void {
    const key = `${mnemonic(word)}:${type}`;
    const n = this.refusalKinds.get(key) ?? 0;
    if (n >= REFUSALS_PER_KIND || this.refusals.length >= REFUSALS_MAX) return;
    this.refusalKinds.set(key, n + 1);
    this.refusals.push({ cls, word, type, input });
  }

  /** A JS error from jhsim: kept once per mnemonic and message. */
  engineError(cls: string, word: number, message: string, pc: number, input: Snapshot): void {
    const key = `${mnemonic(word)}:${message}`;
    if (this.errorKeys.has(key)) return;
    this.errorKeys.add(key);
    this.engineErrors.push({ cls, word, message, pc, input });
    this.of(cls).mismatches++;
  }

  accepted(cls: string, word: number): void {
    const c = this.of(cls);
    c.generated++;
    c.words.add(word);
    c.mnemonics.add(mnemonic(word));
  }
}
