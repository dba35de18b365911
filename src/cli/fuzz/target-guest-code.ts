/**
 * Target `guest-code`: random instruction words (a64-words.ts) under `jhsim guest run`
 * semantics, through runGuest itself: a fresh machine per case, the hypervisor enabled with the
 * guest config, the image in root RAM, a small instruction budget per CPU. Whatever the words
 * do, the simulator must not report an internal error, must not hang or time out, and every CPU
 * must end by its budget, powered off, or panic-parked by the hypervisor.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ErrnoError } from '../../shared/errno.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, runGuest } from '../commands/guest-run.js';
import { PACKAGE_ROOT } from '../paths.js';
import { buildProgram, wordArb, type GuestProgram } from './a64-words.js';
import { checkText, escaped } from './invariants.js';
import { Counters, FuzzFailure, type FuzzEnv, type FuzzTarget, type TargetRun } from './types.js';

/** Instructions per CPU: enough to run every word many times, few enough to keep a case short. */
export const GUEST_BUDGET = 20_000;
const ENDED = new Set(['budget', 'off', 'failed']);

interface GuestCodeCase extends GuestProgram {
  allCpus: boolean;
}

class GuestCodeRun implements TargetRun<GuestCodeCase> {
  readonly arbitrary: fc.Arbitrary<GuestCodeCase> = fc.record({
    words: fc.array(wordArb(), { minLength: 1, maxLength: 384 }),
    prologue: fc.boolean(),
    fp: fc.boolean(),
    allCpus: fc.boolean(),
  });
  private readonly counters = new Counters();

  constructor(private readonly env: FuzzEnv) {}

  /** The wall-clock limit of the guest run itself, inside the per-case timeout. */
  private get runTimeoutMs(): number {
    return Math.max(1000, Math.min(10_000, this.env.caseTimeoutMs / 2));
  }

  async execute(c: GuestCodeCase): Promise<'accepted'> {
    const image = buildProgram(c, DEFAULT_RAW_LOAD);
    let r;
    try {
      r = await runGuest({
        board: this.env.guestBoard,
        image,
        name: 'fuzz.bin',
        load: DEFAULT_RAW_LOAD,
        configFile: join(PACKAGE_ROOT, DEFAULT_GUEST_CONFIG),
        maxInstructions: GUEST_BUDGET,
        allCpus: c.allCpus,
        timeoutMs: this.runTimeoutMs,
        watchdogMs: this.env.watchdogMs,
        isolation: this.env.isolation,
        upstreamRaces: this.env.upstreamRaces,
      });
    } catch (e) {
      if (e instanceof ErrnoError && /the simulator failed/.test(e.message)) throw new FuzzFailure(/hung in/.test(e.message) ? 'hang' : 'sim-fault', e.message);
      throw escaped('guest run', e);
    }
    checkText('the guest console', r.output);
    const cpus = r.cpus.map((x) => `CPU ${x.cpu} ${x.status} after ${x.instructions} instructions`).join(', ');
    if (r.timedOut) throw new FuzzFailure('hang', `guest run timed out after ${this.runTimeoutMs} ms with a budget of ${GUEST_BUDGET} instructions: ${cpus}`);
    const stuck = r.cpus.filter((x) => !ENDED.has(x.status));
    if (stuck.length) throw new FuzzFailure('hang', `guest run ended with CPUs neither at their budget, off nor failed: ${cpus}`);
    for (const x of r.cpus) this.counters.add(`cpu ${x.status}`);
    return 'accepted';
  }

  describe(c: GuestCodeCase): string {
    const words = c.words.map((w) => w.toString(16).padStart(8, '0'));
    return `${c.words.length} words${c.prologue ? ` after the stepping prologue${c.fp ? ' (FP on)' : ''}` : ''}${c.allCpus ? ', every CPU at the entry' : ''}: ${words.slice(0, 64).join(' ')}${words.length > 64 ? ' ...' : ''}`;
  }

  reproduce(c: GuestCodeCase, tag: string): string {
    const file = join(this.env.workDir, `guest-code-${tag}.bin`);
    writeFileSync(file, buildProgram(c, DEFAULT_RAW_LOAD));
    const cpus = /--cpus /.test(this.env.jhsim) ? '' : ` --cpus ${this.env.guestBoard.cpus}`;
    return `${this.env.jhsim}${cpus} guest run ${file} --load 0x${DEFAULT_RAW_LOAD.toString(16)} --max-instructions ${GUEST_BUDGET} --timeout 10${c.allCpus ? ' --all-cpus' : ''}`;
  }

  async reset(): Promise<void> {}
  async close(): Promise<void> {}

  notes(): Record<string, number> {
    return this.counters.toJSON();
  }
}

export const guestCodeTarget: FuzzTarget = {
  name: 'guest-code',
  start: async (env) => new GuestCodeRun(env) as TargetRun<unknown>,
};
