/**
 * Exhaustive bounded exploration (`stress --schedule exhaustive`): a depth-first search over the
 * choice points of a controlled run, bounded by the number of preemptions, as CHESS does
 * (Musuvathi & Qadeer, "Iterative context bounding for systematic testing of multithreaded
 * programs", PLDI 2007), or by the number of delays (see BoundedSearch). A choice point is a schedule point where two or more agents could run;
 * switching away from an agent that could go on is a preemption, switching when it blocked is
 * free. Every run follows the prefix of choices the search hands it, then lets the running agent
 * go on (strategy.ts exploreNext) and reports the choice points it met. The search then branches
 * at the deepest choice point with an alternative not yet run whose preemptions stay within the
 * bound. When none is left, every schedule with at most `bound` preemptions has run: the state
 * space (of this scenario, at this bound) is exhausted.
 *
 * The search holds no machine state: a run is a function of its prefix (controlled mode is
 * deterministic), which the search checks on every run.
 */
import type { ChoicePoint } from './control.js';

interface Frame extends ChoicePoint {
  /** Agents run from here already (bit a), or ruled out by the bound. */
  tried: number;
  /** Preemptions (or delays) taken before this choice point. */
  before: number;
}

/** A run met other choice points inside its prefix than the run that produced the prefix. */
export class ExploreDiverged extends Error {
  constructor(readonly index: number, detail: string) {
    super(`exhaustive search: ${detail}: the scenario is not deterministic, so its schedules cannot be enumerated`);
    this.name = 'ExploreDiverged';
  }

  static at(index: number, want: ChoicePoint, got: ChoicePoint | undefined): ExploreDiverged {
    return new ExploreDiverged(
      index,
      `choice point ${index} of the prefix differs from the run that produced it (expected agent ${want.me} deciding among ${maskText(want.mask)} at point ${want.step}, got ${got ? `agent ${got.me} among ${maskText(got.mask)} at point ${got.step}` : 'none'})`,
    );
  }
}

function maskText(mask: number): string {
  const out: number[] = [];
  for (let a = 0; a < 31; a++) if ((mask >>> a) & 1) out.push(a);
  return `{${out.join(',')}}`;
}

/** What the bound counts. */
export type BoundKind = 'preemptions' | 'delays';

/** Preemptions a choice costs: leaving an agent that could go on. */
function preemptionCost(f: ChoicePoint, pick: number): number {
  return f.preemptible && pick !== f.me ? 1 : 0;
}

/**
 * Delays a choice costs: the eligible agents passed over, in turn order from the one the run
 * would take by default (the running agent if it can go on, else the next after it).
 */
function delayCost(f: ChoicePoint, pick: number): number {
  let n = 0;
  for (let i = f.preemptible ? 0 : 1; i <= 31; i++) {
    const a = (f.me + i) % 31;
    if (a === pick) return n;
    if ((f.mask >>> a) & 1) n++;
  }
  return n;
}

export class BoundedSearch {
  private stack: Frame[] = [];
  private readonly cost: (f: ChoicePoint, pick: number) => number;
  private current: number[] = [];
  /** Schedules whose choice points were recorded. */
  runs = 0;
  /** Most choice points one run met. */
  maxChoices = 0;
  minChoices = Infinity;

  /**
   * `kind`: preemptions (CHESS's bound: switches at blocking points are free, so every way of
   * going on after a block is explored) or delays (Emmi, Qadeer & Rakamarić, "Delay-bounded
   * scheduling", POPL 2011: every deviation from the default schedule counts, so the number of
   * schedules grows polynomially with the choice points, not exponentially with the blocks).
   */
  constructor(readonly bound: number, readonly kind: BoundKind = 'preemptions') {
    this.cost = kind === 'delays' ? delayCost : preemptionCost;
  }

  /** The prefix the next run follows (the first run: none). */
  get prefix(): readonly number[] {
    return this.current;
  }


  /**
   * The choice points of the run that followed `prefix`; returns the next prefix, or undefined
   * once every schedule within the bound has run. Throws ExploreDiverged if the run did not
   * follow its prefix.
   */
  record(choices: readonly ChoicePoint[]): readonly number[] | undefined {
    const p = this.current;
    for (let k = 0; k < p.length; k++) {
      const f = this.stack[k]!;
      const c = choices[k];
      if (!c || c.step !== f.step || c.me !== f.me || c.mask !== f.mask || c.preemptible !== f.preemptible || c.pick !== p[k]) throw ExploreDiverged.at(k, f, c);
    }
    this.runs++;
    this.maxChoices = Math.max(this.maxChoices, choices.length);
    this.minChoices = Math.min(this.minChoices, choices.length);
    for (let k = p.length; k < choices.length; k++) {
      const prev = this.stack[k - 1];
      const before = prev ? prev.before + this.cost(prev, prev.pick) : 0;
      this.stack.push({ ...choices[k]!, tried: 1 << choices[k]!.pick, before });
    }
    return this.branch();
  }

  /** The deepest untried alternative within the bound; the stack is cut just after it. */
  private branch(): readonly number[] | undefined {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const f = this.stack[k]!;
      for (let i = 1; i <= 31; i++) {
        const a = (f.me + i) % 31;
        const bit = 1 << a;
        if (!(f.mask & bit) || f.tried & bit) continue;
        f.tried |= bit;
        if (f.before + this.cost(f, a) > this.bound) continue;
        f.pick = a;
        this.stack.length = k + 1;
        this.current = this.stack.map((x) => x.pick);
        return this.current;
      }
      this.stack.length = k;
    }
    this.current = [];
    return undefined;
  }

  /** Choice points on the current path that still have an alternative to run (a measure of what is left). */
  get open(): number {
    let n = 0;
    for (const f of this.stack) {
      let left = f.mask & ~f.tried;
      while (left) {
        const a = 31 - Math.clz32(left);
        left &= ~(1 << a);
        if (f.before + this.cost(f, a) <= this.bound) {
          n++;
          break;
        }
      }
    }
    return n;
  }
}
