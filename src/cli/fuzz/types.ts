/**
 * What a fuzz target is to the runner: an arbitrary of cases, an executor that feeds one case to
 * jhsim and checks the invariants, and the words to show a case to a person. Executors signal a
 * broken invariant by throwing FuzzFailure; anything else they throw is itself a finding (a
 * JavaScript exception escaped from jhsim's code).
 */
import type fc from 'fast-check';
import type { Board } from '../../actors/cpu/board.js';

export const TARGET_NAMES = ['cell-config', 'system-config', 'image', 'guest-code', 'shell', 'tlp'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** How jhsim answered one case (both are fine; the invariants decide failure). */
export type Outcome = 'refused' | 'accepted';

/** The invariant a failure broke (the report names it). */
export type Invariant =
  | 'js-exception'
  | 'errno'
  | 'silent'
  | 'state-changed'
  | 'hang'
  | 'sim-fault'
  | 'shell-dead'
  | 'oracle'
  | 'cleanup';

export class FuzzFailure extends Error {
  constructor(
    readonly invariant: Invariant,
    message: string,
  ) {
    super(message);
    this.name = 'FuzzFailure';
  }
}

/** Everything a target needs from the campaign: where to write case files, which machine. */
export interface FuzzEnv {
  /** Board of the machine targets (global --board / --cpus). */
  board: Board;
  /** Board of guest-code runs (2 CPUs unless --cpus says otherwise). */
  guestBoard: Board;
  /** The machine watchdog (ms) of every machine the fuzzer boots. */
  watchdogMs: number;
  /** Wall-clock limit of one case (ms); past it the case is a hang and the machine is replaced. */
  caseTimeoutMs: number;
  /** Directory for case files (configs, images); reproducers point into it. */
  workDir: string;
  firmware?: Uint8Array;
  /** IsolationMode bits (--filters, --isolation-monitor). */
  isolation: number;
  upstreamRaces: boolean;
  /** `jhsim` with the global options a reproducer must repeat (e.g. `jhsim --cpus 4`). */
  jhsim: string;
}

/** One target while it runs: created per campaign, closed at its end. */
export interface TargetRun<C> {
  arbitrary: fc.Arbitrary<C>;
  /** Feeds the case to jhsim; throws FuzzFailure when an invariant breaks. */
  execute(c: C, n: number): Promise<Outcome>;
  /** A short human-readable form of the case. */
  describe(c: C): string;
  /**
   * A command line that replays the case by hand; files it needs are written to env.workDir,
   * named with `tag` so they outlive the scratch files later cases overwrite.
   */
  reproduce(c: C, tag: string): string;
  /**
   * Called after a failure or a hang: whatever machine the target holds may be wedged or in an
   * unknown state, so the next case must start on a fresh one.
   */
  reset(): Promise<void>;
  close(): Promise<void>;
  /** Target-specific counters for the report (e.g. how guest CPUs ended). */
  notes(): Record<string, number>;
}

export interface FuzzTarget {
  name: TargetName;
  start(env: FuzzEnv): Promise<TargetRun<unknown>>;
}

/** Counters keyed by name, for TargetRun.notes. */
export class Counters {
  private readonly m = new Map<string, number>();
  add(key: string, n = 1): void {
    this.m.set(key, (this.m.get(key) ?? 0) + n);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.m].sort(([a], [b]) => a.localeCompare(b)));
  }
}
