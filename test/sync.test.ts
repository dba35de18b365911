/**
 * The spinlock's release check (shared/sync.ts): releasing a free lock is a fault, which is
 * also how two holders at once show up (the lock's word cannot say who holds it, but the
 * holders' releases outnumber the acquisitions); a held or contended lock releases quietly.
 */
import { describe, expect, it } from 'vitest';
import { LockError, spinLock, spinUnlock, word, type WaitPolicy } from '../src/shared/sync.js';

const policy: WaitPolicy = { cpu: 0, watchdogMs: 1000, spins: 10 };
const lockWord = () => word(new Int32Array(new SharedArrayBuffer(16)), 2);

describe('spinUnlock', () => {
  it('releases a held lock, and a contended one (word 2), to free', () => {
    const l = lockWord();
    spinLock(policy, l, 'test_lock');
    expect(Atomics.load(l.view, l.index)).toBe(1);
    spinUnlock(l);
    expect(Atomics.load(l.view, l.index)).toBe(0);
    Atomics.store(l.view, l.index, 2);
    spinUnlock(l);
    expect(Atomics.load(l.view, l.index)).toBe(0);
  });

  it('faults on a second release of the same acquisition', () => {
    const l = lockWord();
    spinLock(policy, l, 'test_lock');
    spinUnlock(l);
    expect(() => spinUnlock(l)).toThrow(LockError);
    expect(() => spinUnlock(l)).toThrow('spin_unlock of a free spinlock (lock word 2): released twice, or held by two CPUs at once');
  });

  it('catches two holders at once: a non-atomic test-then-set lets a second CPU take the held lock, and its release finds the word free', () => {
    const l = lockWord();
    spinLock(policy, l, 'test_lock');
    // CPU B tested the word before A's set and now stores "held" over A's hold.
    Atomics.store(l.view, l.index, 1);
    spinUnlock(l); // A
    expect(() => spinUnlock(l)).toThrow(LockError); // B
  });
});
