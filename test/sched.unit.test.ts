/**
 * The controlled scheduler's decisions, without threads: agents share one schedule buffer and
 * the test plays the agent holding the turn. Strategies pick only runnable agents; a blocked
 * agent becomes runnable when a word it waits on changes or its virtual deadline passes; all
 * blocked without a deadline is a deadlock; the log is run-length encoded and a replay follows
 * it (strictly: divergence stops the run; leniently: the running agent goes on).
 */
import { describe, expect, it } from 'vitest';
import { STOPPED, Scheduler } from '../src/shared/sched/scheduler.js';
import { decodeDecisions, encodeDecisions, initControlled, recordedDecisions, stopReport } from '../src/shared/sched/control.js';
import { AgentState, AgentWord, PointKind, SCHED_SAB_BYTES, SchedStatus, SchedStrategy, agentBase, type SchedStrategyValue } from '../src/shared/sched/layout.js';

const WORDS = new SharedArrayBuffer(64);

function setup(strategy: SchedStrategyValue, agents = 3, extra: Parameters<typeof initControlled>[2] extends infer O ? Partial<O> : never = {}): Scheduler[] {
  const sab = new SharedArrayBuffer(SCHED_SAB_BYTES);
  const s = Array.from({ length: agents }, (_, a) => new Scheduler(sab, [WORDS], a, ['words']));
  initControlled(s[0]!, agents, { strategy, seed: 7, ...extra });
  for (let a = 0; a < agents; a++) s[0]!.i32[agentBase(a) + AgentWord.STATE] = AgentState.RUNNABLE;
  return s;
}

const state = (s: Scheduler, a: number): number => s.agentWord(a, AgentWord.STATE);

describe('controlled scheduler', () => {
  it('random and roundrobin pick only runnable agents; a guest slice yields to another agent', () => {
    for (const strategy of [SchedStrategy.RANDOM, SchedStrategy.ROUNDROBIN] as const) {
      const s = setup(strategy);
      s[1]!.markBlocked([{ view: new Int32Array(WORDS), index: 0, value: Atomics.load(new Int32Array(WORDS), 0) }], undefined, 'test wait');
      for (let i = 0; i < 50; i++) expect([0, 2]).toContain(s[0]!.decide(PointKind.POINT));
      for (let i = 0; i < 20; i++) expect(s[0]!.decide(PointKind.GUEST_SLICE)).toBe(2);
    }
    const rr = setup(SchedStrategy.ROUNDROBIN);
    expect([rr[0]!.decide(PointKind.POINT), rr[1]!.decide(PointKind.POINT), rr[2]!.decide(PointKind.POINT)]).toEqual([1, 2, 0]);
  });

  it('a blocked agent runs again when its word changes, or when virtual time reaches its deadline', () => {
    const s = setup(SchedStrategy.ROUNDROBIN, 2);
    const w = new Int32Array(WORDS);
    s[1]!.markBlocked([{ view: w, index: 1, value: Atomics.load(w, 1) }], undefined, 'word');
    expect(s[0]!.decide(PointKind.POINT)).toBe(0);
    Atomics.add(w, 1, 1);
    expect(s[0]!.decide(PointKind.POINT)).toBe(1);
    expect(state(s[0]!, 1)).toBe(AgentState.RUNNABLE);
    // Both wait; one has a deadline: time jumps to it and that agent runs.
    s[0]!.markBlocked([{ view: w, index: 2, value: Atomics.load(w, 2) }], undefined, 'forever');
    s[1]!.markBlocked([], s[1]!.nowMs() + 5, 'sleep 5 ms');
    expect(s[1]!.decide(PointKind.BLOCKED)).toBe(1);
    expect(s[0]!.nowMs()).toBeGreaterThanOrEqual(5);
  });

  it('every agent blocked without a deadline is a deadlock, reported with the wait graph', () => {
    const s = setup(SchedStrategy.PCT, 2);
    const w = new Int32Array(WORDS);
    s[0]!.markBlocked([{ view: w, index: 3, value: Atomics.load(w, 3) }], undefined, 'lock A');
    s[1]!.markBlocked([{ view: w, index: 4, value: Atomics.load(w, 4) }], undefined, 'lock B');
    expect(s[1]!.decide(PointKind.BLOCKED)).toBe(STOPPED);
    expect(s[0]!.status).toBe(SchedStatus.DEADLOCK);
    const report = stopReport(s[0]!);
    expect(report[0]).toMatch(/^deadlock at schedule point \d+/);
    expect(report.join('\n')).toContain('CPU 0: waits in "lock A" on words[3]');
    expect(report.join('\n')).toContain('user space (the callers): waits in "lock B" on words[4]');
  });

  it('records decisions run-length encoded, and a strict replay follows them or stops at a divergence', () => {
    const s = setup(SchedStrategy.RANDOM, 3);
    const picks = Array.from({ length: 40 }, () => s[0]!.decide(PointKind.POINT));
    const log = recordedDecisions(s[0]!);
    expect(decodeDecisions(encodeDecisions(log))).toEqual(log);
    const expanded: number[] = [];
    for (let i = 0; i < log.length; i += 2) for (let n = 0; n < log[i + 1]!; n++) expanded.push(log[i]!);
    expect(expanded).toEqual(picks);

    const r = setup(SchedStrategy.REPLAY, 3, { replay: log });
    expect(Array.from({ length: 40 }, () => r[0]!.decide(PointKind.POINT))).toEqual(picks);

    const d = setup(SchedStrategy.REPLAY, 3, { replay: Int32Array.from([2, 1]) });
    d[2]!.markBlocked([{ view: new Int32Array(WORDS), index: 5, value: Atomics.load(new Int32Array(WORDS), 5) }], undefined, 'x');
    expect(d[0]!.decide(PointKind.POINT)).toBe(STOPPED);
    expect(d[0]!.status).toBe(SchedStatus.DIVERGED);

    const l = setup(SchedStrategy.REPLAY, 3, { replay: Int32Array.from([2, 1]), lenient: true });
    l[2]!.markBlocked([{ view: new Int32Array(WORDS), index: 5, value: Atomics.load(new Int32Array(WORDS), 5) }], undefined, 'x');
    expect(l[0]!.decide(PointKind.POINT)).toBe(0);
  });

  it('PCT runs the highest-priority runnable agent and demotes the running one at its change points', () => {
    const s = setup(SchedStrategy.PCT, 3, { depth: 2, pctSteps: 1 });
    const prio = (a: number): number => s[0]!.agentWord(a, AgentWord.PRIO);
    const first = s[0]!.decide(PointKind.POINT);
    expect(prio(first)).toBe(Math.max(prio(0), prio(1), prio(2)));
    // The single change point (step 1) has passed: the agent that decided there was demoted below all.
    expect(Math.min(prio(0), prio(1), prio(2))).toBe(1);
  });

  it('PCT past its horizon picks at random: two agents yielding only to each other at guest slices do not starve the third', () => {
    const run = (pctSteps: number): Set<number> => {
      const s = setup(SchedStrategy.PCT, 3, { depth: 1, pctSteps });
      const prio = (a: number): number => s[0]!.agentWord(a, AgentWord.PRIO);
      const low = [0, 1, 2].reduce((x, a) => (prio(a) < prio(x) ? a : x), 0);
      const hi = [0, 1, 2].filter((a) => a !== low);
      const ran = new Set<number>();
      // The two higher agents run guest code: every point is a guest slice, passed to the other one.
      let me = hi[0]!;
      for (let i = 0; i < 200; i++) {
        const next = s[me]!.decide(me === low ? PointKind.POINT : PointKind.GUEST_SLICE);
        ran.add(next);
        me = next;
      }
      return new Set([...ran].filter((a) => a === low));
    };
    // Within the horizon the lowest agent never runs; past it (after 50 points) it does.
    expect(run(1000).size).toBe(0);
    expect(run(50).size).toBe(1);
  });

  it('rejects a malformed schedule', () => {
    expect(() => decodeDecisions('0*3,x*')).toThrow(/bad schedule decision "x\*" \(pair 1\)/);
    expect(() => decodeDecisions('0*0')).toThrow(/bad schedule decision/);
  });
});
