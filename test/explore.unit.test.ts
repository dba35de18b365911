/**
 * The bounded search of `stress --schedule exhaustive`, on a model whose schedules can be
 * counted by hand: agents with a number of steps each, one step per schedule point, a choice
 * point wherever two or more agents have steps left. Unbounded, the search runs every
 * interleaving once; a preemption bound of 0 or 1 and a delay bound of 0 or 1 give the counts
 * worked out below; a run that does not follow its prefix is reported as nondeterminism.
 */
import { describe, expect, it } from 'vitest';
import { BoundedSearch, ExploreDiverged, type BoundKind } from '../src/shared/sched/explore.js';
import type { ChoicePoint } from '../src/shared/sched/control.js';

/** One run of the model: agents 0..n-1 with `steps[a]` steps; agent 0 holds the turn first. */
function runModel(steps: readonly number[], prefix: readonly number[], noise = 0): { order: string; choices: ChoicePoint[] } {
  const left = [...steps];
  let cur = 0;
  const choices: ChoicePoint[] = [];
  let order = '';
  for (let step = 1; left.some((x) => x > 0); step++) {
    let mask = 0;
    left.forEach((x, a) => (mask |= x > 0 ? 1 << a : 0));
    let pick: number;
    if ((mask & (mask - 1)) === 0) {
      pick = 31 - Math.clz32(mask);
    } else {
      const preemptible = left[cur]! > 0;
      const i = choices.length;
      if (i < prefix.length) pick = prefix[i]!;
      else if (preemptible) pick = cur;
      else {
        pick = -1;
        for (let k = 1; k <= steps.length && pick < 0; k++) if ((mask >>> ((cur + k) % steps.length)) & 1) pick = (cur + k) % steps.length;
      }
      choices.push({ step: step + noise, me: cur, preemptible, mask, pick });
    }
    left[pick]! -= 1;
    cur = pick;
    order += String(pick);
  }
  return { order, choices };
}

function exploreModel(steps: readonly number[], bound: number, kind: BoundKind): string[] {
  const s = new BoundedSearch(bound, kind);
  const orders: string[] = [];
  let prefix: readonly number[] | undefined = s.prefix;
  while (prefix !== undefined) {
    const r = runModel(steps, prefix);
    orders.push(r.order);
    prefix = s.record(r.choices);
  }
  return orders;
}

describe('bounded search (exhaustive exploration)', () => {
  it('with no effective bound, runs every interleaving exactly once', () => {
    const orders = exploreModel([3, 2], 100, 'preemptions');
    expect(orders.length).toBe(10); // C(5, 2)
    expect(new Set(orders).size).toBe(10);
    const three = exploreModel([1, 1, 1], 100, 'delays');
    expect(new Set(three)).toEqual(new Set(['012', '021', '102', '120', '201', '210']));
  });

  it('a preemption bound counts only switches away from an agent that could go on', () => {
    // 0 preemptions: agent 0 runs to its end; after that the choice between 1 and 2 is free.
    expect(exploreModel([3, 2], 0, 'preemptions')).toEqual(['00011']);
    expect(new Set(exploreModel([1, 1, 1], 0, 'preemptions'))).toEqual(new Set(['012', '021']));
    // 1 preemption with two agents: 0^i 1^2 0^(3-i) for i = 0..3.
    expect(new Set(exploreModel([3, 2], 1, 'preemptions'))).toEqual(new Set(['00011', '00110', '01100', '11000']));
  });

  it('a delay bound counts every deviation from the default, free switches too', () => {
    expect(exploreModel([1, 1, 1], 0, 'delays')).toEqual(['012']);
    // One delay: skip one agent in turn order at one choice point (the turn goes on from the
    // agent that ran: after 1 comes 2).
    expect(new Set(exploreModel([1, 1, 1], 1, 'delays'))).toEqual(new Set(['012', '021', '120']));
    expect(exploreModel([4, 4], 2, 'delays').length).toBeLessThan(exploreModel([4, 4], 2, 'preemptions').length + 1);
  });

  it('reports a run that does not follow its prefix as nondeterminism', () => {
    const s = new BoundedSearch(2);
    const first = runModel([2, 2], s.prefix);
    const next = s.record(first.choices)!;
    // The same prefix, but the run meets its choice points at other schedule points.
    const other = runModel([2, 2], next, 1);
    expect(() => s.record(other.choices)).toThrow(ExploreDiverged);
  });
});
