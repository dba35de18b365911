/**
 * Case generation: a random starting state, then instruction words drawn class by class, each
 * kept only if jhsim decodes it and runs it without an exception from the state the case has
 * reached (stepped on jhsim's interpreter through the range-checked memory). So every kept
 * memory access stays in the compared scratch bytes (or reads the slot's loader code), and the
 * case is straight-line code both sides can run to the end.
 *
 * A case depends only on (seed, index) and on the source of jhsim's decoder, never on earlier
 * cases: JHSIM_SEED and JHSIM_DIFF_ONLY re-create exactly one.
 */
import { decodeCached } from '../../src/actors/cpu/a64/interp.js';
import type { Insn } from '../../src/actors/cpu/a64/insn.js';
import type { StepException } from '../../src/actors/cpu/a64/interp-types.js';
import { type A64State, toVa } from '../../src/actors/cpu/a64/state.js';
import type { JhsimMachine } from './jhsim.js';
import { type Snapshot, emptySnapshot, loadState, stateSnapshot } from './layout.js';
import { MAX_WORDS, SLOT_PREFIX, SLOT_SIZE, WORDS_OFF } from './program.js';
import { SLOTS_VA } from './layout.js';
import type { Stats } from './stats.js';
import { type ClassDef, InsnClass } from './template.js';
import { BASES, INDEX, caseSeed, randomSnapshot, rng } from './values.js';
import { qemuHasLse2 } from './qemu.js';

export interface GenCase {
  /** Global index (JHSIM_DIFF_ONLY). */
  index: number;
  words: number[];
  /** Class of each word. */
  classes: string[];
  /** The states it runs from (see generate). */
  inputs: Snapshot[];
  /** Where generation's stepping left each input: the interpreter's run must end there too. */
  expected?: Snapshot[];
}

/** Ops the templates must never produce (they leave the straight line or the sandbox). */
const EXCLUDED = new Set<Insn['op']>(['B', 'B_COND', 'CB', 'TB', 'BR_REG', 'ERET', 'EXCEPTION', 'HINT', 'BARRIER', 'MSR_IMM', 'SYS', 'SYSL']);

const MIN_WORDS = 8;

/** One input's generation-time state, and room to roll it back without allocating. */
interface GenRun { st: A64State; scratch: Uint8Array; bak: Snapshot; excl: A64State['exclusive'] }

function backup(x: GenRun): void {
  const b = x.bak;
  const st = x.st;
  b.x.set(st.x);
  b.v.set(st.v8);
  b.scratch.set(x.scratch);
  b.sp = st.spEl0;
  b.nzcv = st.nzcv;
  b.fpcr = st.fpcr;
  b.fpsr = st.fpsr;
  x.excl = st.exclusive;
}

function copyOf(s: Snapshot): Snapshot {
  return { ...s, x: s.x.slice(), v: s.v.slice(), scratch: s.scratch.slice() };
}

/**
 * jhsim itself refused a word (not the harness's range check): QEMU must refuse it too, except
 *  - a STXR: QEMU 7.2 fails one without an open monitor before its alignment check, where the
 *    Arm ARM (ExclusiveMonitorsPass) takes the alignment fault first, as jhsim does;
 *  - a translation fault: only addresses jhsim cannot represent get one here (a non-zero top
 *    byte), and QEMU's Linux runs EL0 with TCR_EL1.TBI0 = 1, where jhsim's machine has TBI off
 *    (with TBI0 = 1 jhsim still faults on such pointers: see the report);
 *  - an unaligned atomic, LDAR or STLR when QEMU has FEAT_LSE2 (see qemu.ts).
 */
const LSE2_OPS = new Set<Insn['op']>(['ATOMIC', 'CAS', 'CASP', 'LDAR', 'STLR']);
let lse2: boolean | undefined;

function judgedByQemu(i: Insn, e: StepException): boolean {
  if (i.op === 'STXR') return false;
  if (e.type !== 'dataAbort') return true;
  if (e.fault.fault === 'translation') return false;
  lse2 ??= qemuHasLse2();
  return !(lse2 && e.fault.fault === 'alignment' && LSE2_OPS.has(i.op));
}

/** Why most candidates are dropped: an access outside the compared scratch bytes. */
export const OUTSIDE = 'outside the scratch';

function restore(x: GenRun): void {
  loadState(x.st, x.bak);
  x.st.exclusive = x.excl;
  x.scratch.set(x.bak.scratch);
}

/** Bits 55..0: the address QEMU compares with its monitor once the top byte is ignored (TBI0). */
const LOW56 = (1n << 56n) - 1n;

/**
 * A STXR whose address or size differs from the open LDXR's is CONSTRAINED UNPREDICTABLE
 * (QEMU 7.2 even stores and reports failure), so the generator keeps only matching ones. With
 * no LDXR open, QEMU's monitor holds address -1 (its cleared exclusive_addr), so a STXR to an
 * address that is -1 once its top byte is ignored passes QEMU's check and stores (a SIGSEGV at
 * that address), where the architecture fails it with status 1: the generator drops those too.
 */
function stxrMismatch(st: A64State, i: Insn): boolean {
  if (i.op !== 'STXR') return false;
  const e = st.exclusive;
  const base = i.rn === 31 ? st.spEl0 : st.x[i.rn]!;
  if (e === undefined) return (base & LOW56) === LOW56;
  return toVa(base) !== e.addr || ((i.pair ? 2 : 1) << i.size) !== e.size;
}

export class Generator {
  readonly classes: InsnClass[];
  private readonly weights: number[];
  private readonly total: number;

  constructor(defs: readonly ClassDef[], private readonly m: JhsimMachine, private readonly stats: Stats) {
    this.classes = defs.map((d) => new InsnClass(d.name, d.templates, d.weight));
    // Draw each class about equally often among the words jhsim accepts: a class is drawn
    // inversely to the share of its encodings jhsim decodes (a fixed probe, so the weights do
    // not depend on the seed); classes jhsim lacks entirely are still drawn, to count them.
    const probe = rng(1);
    this.weights = this.classes.map((c) => {
      let ok = 0;
      for (let k = 0; k < 200; k++) {
        const ws = c.generate({ r: probe, index: 0 });
        if (decodeCached(ws[ws.length - 1]!).op !== 'UNDEFINED') ok++;
      }
      return ok === 0 ? 0.2 : c.weight / Math.max(ok / 200, 0.1);
    });
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }

  private pick(x: number): InsnClass {
    for (let k = 0; k < this.classes.length; k++) {
      x -= this.weights[k]!;
      if (x < 0) return this.classes[k]!;
    }
    return this.classes[this.classes.length - 1]!;
  }

  /**
   * Case `index` of a run with `seed`, for slot `slot` of its batch, with `reps` inputs that
   * share their addressing registers (bases, index, SP) and differ in everything else.
   */
  generate(seed: number, index: number, slot: number, reps: number): GenCase {
    const r = rng(caseSeed(seed, index));
    const inputs = Array.from({ length: reps }, () => randomSnapshot(r));
    for (const s of inputs.slice(1)) {
      for (const b of [...BASES, INDEX]) s.x[b] = inputs[0]!.x[b]!;
      s.sp = inputs[0]!.sp;
    }
    const n = MIN_WORDS + r.int(MAX_WORDS - MIN_WORDS + 1);
    const slotVa = SLOTS_VA + slot * SLOT_SIZE;
    const wordsVa = slotVa + WORDS_OFF;
    const m = this.m;
    m.genMem.roStart = slotVa;
    m.genMem.roEnd = wordsVa;
    m.writeCode(slotVa, SLOT_PREFIX); // what LDR literal reads there, as in the finished program
    const runs = inputs.map((input) => {
      const st = m.newState();
      loadState(st, input);
      return { st, scratch: input.scratch.slice(), bak: emptySnapshot(), excl: st.exclusive };
    });
    const words: number[] = [];
    const classes: string[] = [];
    for (let tries = 0; words.length < n && tries < n * 20; tries++) {
      const cls = this.pick((r.u32() / 4294967296) * this.total);
      const cand = cls.generate({ r, index: words.length, recent: words.slice(-4).map((w) => w & 31) });
      if (words.length + cand.length > n) continue;
      const insns = cand.map((w) => decodeCached(w));
      const undef = insns.findIndex((i) => i.op === 'UNDEFINED');
      if (undef >= 0) {
        this.stats.notImplemented(cls.name, cand[undef]!);
        continue;
      }
      if (insns.some((i) => EXCLUDED.has(i.op))) throw new Error(`class ${cls.name} produced an excluded instruction`);
      // Every input must run the words without an exception; else the inputs run so far roll back.
      let why: string | undefined;
      let stepped = 0;
      for (; stepped < runs.length && why === undefined; stepped++) {
        const x = runs[stepped]!;
        backup(x);
        m.setScratch(x.scratch);
        for (let j = 0; j < cand.length && why === undefined; j++) {
          const pc = wordsVa + 4 * (words.length + j);
          if (stxrMismatch(x.st, insns[j]!)) {
            why = 'STXR not matching the LDXR';
            break;
          }
          try {
            m.genMem.refused = false;
            const e = m.stepWord(x.st, insns[j]!, cand[j]!, pc);
            if (e !== undefined) {
              why = m.genMem.refused ? OUTSIDE : e.type;
              if (!m.genMem.refused && j === 0 && judgedByQemu(insns[j]!, e)) this.stats.refusal(cls.name, cand[j]!, e.type, copyOf(x.bak));
            }
          } catch (err) {
            why = 'threw';
            this.stats.engineError(cls.name, cand[j]!, (err as Error).message, pc, copyOf(x.bak));
          }
        }
        m.scratchInto(x.scratch);
      }
      if (why !== undefined) {
        for (let k = 0; k < stepped; k++) restore(runs[k]!);
        this.stats.rejected(cls.name, why);
        continue;
      }
      for (const w of cand) {
        words.push(w);
        classes.push(cls.name);
        this.stats.accepted(cls.name, w);
      }
    }
    return { index, words, classes, inputs, expected: runs.map((x) => stateSnapshot(x.st, x.scratch)) };
  }
}
