/**
 * The bench's profile of the guest engine: functions are sorted into what the engine does by
 * their name and file; only the span from the first to the last sample in translated code
 * counts; and a real `guest run` under --cpu-prof (the path the bench takes) yields shares that
 * add up, with translated code among them (a child process of the built CLI: dist/ is kept fresh).
 */
import './dist-fresh.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_CATEGORIES, classify, profileEngine, summarise } from '../src/cli/bench/bench-engine-profile.js';
import { ROOT } from './cli-process.js';

const D = 'file:///x/dist/';

describe('engine profile', () => {
  it('sorts functions by what they do', () => {
    expect(classify('block_40080038', '')).toBe('translated code');
    expect(classify('run', `${D}actors/cpu/a64/jit.js`)).toBe('dispatch');
    expect(classify('compile', `${D}actors/cpu/a64/jit.js`)).toBe('translation');
    expect(classify('interpretOne', `${D}actors/cpu/a64/jit.js`)).toBe('interpreter');
    expect(classify('build', `${D}actors/cpu/a64/jit-build.js`)).toBe('translation');
    expect(classify('emit', `${D}actors/cpu/a64/jit-emit-mem.js`)).toBe('translation');
    expect(classify('r', `${D}actors/cpu/a64/jit-mem.js`)).toBe('memory access');
    expect(classify('read', `${D}shared/phys-mem.js`)).toBe('memory access');
    expect(classify('step', `${D}actors/cpu/a64/interp.js`)).toBe('interpreter');
    expect(classify('fadd', `${D}actors/cpu/a64/simd/fp-arith.js`)).toBe('interpreter');
    expect(classify('handleDabt', `${D}actors/hypervisor/core/trap-dispatch.js`)).toBe('hypervisor and devices');
    expect(classify('(garbage collector)', '')).toBe('garbage collection');
    expect(classify('(idle)', '')).toBe('idle and waits');
    expect(classify('compileSourceTextModule', 'node:internal/modules/esm/utils')).toBe('other');
  });

  it('counts the span between the first and the last sample in translated code, in shares that add up', () => {
    const frames = [
      { functionName: 'compileSourceTextModule', url: 'node:internal' },
      { functionName: 'block_1000', url: '' },
      { functionName: 'run', url: `${D}actors/cpu/a64/jit.js` },
      { functionName: 'block_2000', url: '' },
      { functionName: 'r', url: `${D}actors/cpu/a64/jit-mem.js` },
    ];
    const nodes = frames.map((callFrame, i) => ({ id: i + 1, callFrame }));
    // Start-up, then blocks, dispatch and memory, then a tail after the last block.
    const samples = [1, 1, 2, 3, 2, 4, 2, 5, 5];
    const timeDeltas = [0, 500, 100, 300, 100, 100, 100, 100, 900];
    const p = summarise({ nodes, samples, timeDeltas })!;
    // Samples 2..6 (the first block sample to the last), each standing for the time to the next
    // sample: 300 + 100 + 100 + 100 + 100, of which the dispatcher's sample 3 has 100.
    expect(p.span_ms).toBe(Math.round(700 / 1000));
    expect(p.shares['translated code']).toBeCloseTo((100 * 600) / 700, 0);
    expect(p.shares.dispatch).toBeCloseTo((100 * 100) / 700, 0);
    expect(p.shares.other).toBe(0);
    expect(p.shares['memory access']).toBe(0);
    expect(ENGINE_CATEGORIES.reduce((s, c) => s + p.shares[c], 0)).toBeCloseTo(100, 0);
    expect(p.top[0]).toEqual({ fn: 'translated blocks (all)', file: '', pct: expect.closeTo(85.7, 1) });
    expect(p.top[1]).toEqual({ fn: 'run', file: 'actors/cpu/a64/jit.js', pct: expect.closeTo(14.3, 1) });
    expect(summarise({ nodes, samples: [1, 3], timeDeltas: [0, 5] })).toBeUndefined();
  });

  it('profiles a real guest run under --cpu-prof', () => {
    const p = profileEngine(join(ROOT, 'test', 'guest-programs', 'sieve.elf'));
    expect(p).toBeDefined();
    expect(p!.span_ms).toBeGreaterThan(0);
    expect(p!.shares['translated code']).toBeGreaterThan(0);
    expect(ENGINE_CATEGORIES.reduce((s, c) => s + p!.shares[c], 0)).toBeGreaterThan(99);
  }, 120_000);
});
