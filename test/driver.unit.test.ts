/**
 * Pure-logic units of the driver and the CLI: console delta extraction, sysfs CPU-mask
 * formats, the root shell's line parser and the seeded PRNG.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractDelta, type ConsoleSnapshot } from '../src/actors/hypervisor/driver/console.js';
import { CONSOLE } from '../src/actors/hypervisor/core/layout.js';
import { formatMaskHex, formatMaskList, maskToCpus, parseMaskList } from '../src/shared/cpumask.js';
import { parseLine, ShellSyntaxError } from '../src/cli/shell/shell-parse.js';
import { Rng } from '../src/shared/rng.js';

const RING = 2048;
const dec = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

/** The console page after the hypervisor appended `text` starting at tail `startTail`. */
function consoleAfter(text: string, startTail = 0): ConsoleSnapshot {
  const content = new Uint8Array(RING);
  let tail = startTail >>> 0;
  for (let i = 0; i < text.length; i++) {
    content[tail % RING] = text.charCodeAt(i);
    tail = (tail + 1) >>> 0;
  }
  return { tail, content };
}

/** Deterministic printable text of length n. */
function textOf(n: number, salt = 0): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + ((i * 7 + salt) % 90));
  return s;
}

describe('console delta extraction (jailhouse_console_dump_delta)', () => {
  it('the ring is the reference size', () => {
    expect(CONSOLE.CONTENT_SIZE).toBe(RING);
    expect(CONSOLE.SIZE).toBe(RING + 8);
  });

  it('returns tail - head bytes from head, and the new head', () => {
    const snap = consoleAfter('hello, world\n');
    expect(snap.tail).toBe(13);
    const all = extractDelta(snap, 0);
    expect(dec(all.bytes)).toBe('hello, world\n');
    expect(all.missed).toBe(0);
    expect(all.newHead).toBe(13);
    const rest = extractDelta(snap, 7);
    expect(dec(rest.bytes)).toBe('world\n');
    expect(rest.missed).toBe(0);
    expect(rest.newHead).toBe(13);
  });

  it('head == tail: nothing to read', () => {
    const snap = consoleAfter('abc');
    const d = extractDelta(snap, 3);
    expect(d.bytes.length).toBe(0);
    expect(d.missed).toBe(0);
    expect(d.newHead).toBe(3);
  });

  it('copies across the end of the ring (wrap-around at 2048)', () => {
    const text = textOf(RING + 10);
    const snap = consoleAfter(text);
    expect(snap.tail).toBe(RING + 10);
    // Reader 20 bytes behind: starts at ring index 2038, wraps to 0..9.
    const d = extractDelta(snap, RING - 10);
    expect(d.missed).toBe(0);
    expect(d.bytes.length).toBe(20);
    expect(dec(d.bytes)).toBe(text.slice(RING - 10));
    expect(d.newHead).toBe(RING + 10);
  });

  it('exactly 2048 bytes behind is not a miss', () => {
    const text = textOf(RING + 100, 3);
    const snap = consoleAfter(text);
    const d = extractDelta(snap, 100);
    expect(d.missed).toBe(0);
    expect(d.bytes.length).toBe(RING);
    expect(dec(d.bytes)).toBe(text.slice(100));
  });

  it('more than 2048 bytes behind: counts the missed bytes and returns the last 2048', () => {
    const text = textOf(3000, 5);
    const snap = consoleAfter(text);
    const d = extractDelta(snap, 0);
    expect(d.missed).toBe(3000 - RING);
    expect(d.bytes.length).toBe(RING);
    expect(dec(d.bytes)).toBe(text.slice(3000 - RING));
    expect(d.newHead).toBe(3000);
    const d2 = extractDelta(snap, 900);
    expect(d2.missed).toBe(3000 - 900 - RING);
    expect(dec(d2.bytes)).toBe(text.slice(3000 - RING));
  });

  it('tail and head are free-running u32 counters (wrap at 2^32)', () => {
    const start = 0xffff_fff0;
    const text = textOf(40, 11);
    const snap = consoleAfter(text, start);
    expect(snap.tail).toBe((start + 40) >>> 0);
    expect(snap.tail).toBe(24);
    const d = extractDelta(snap, start);
    expect(d.missed).toBe(0);
    expect(dec(d.bytes)).toBe(text);
    expect(d.newHead).toBe(24);
    const d2 = extractDelta(snap, (start + 30) >>> 0);
    expect(dec(d2.bytes)).toBe(text.slice(30));
  });

  it('property: any reader position yields the newest min(delta, 2048) bytes in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 0, max: 6000 }), fc.nat(), (total, back, startSeed) => {
        const start = startSeed >>> 0;
        const text = textOf(total, startSeed % 90);
        const snap = consoleAfter(text, start);
        const behind = Math.min(back, total);
        const head = (snap.tail - behind) >>> 0;
        const d = extractDelta(snap, head);
        const got = Math.min(behind, RING);
        expect(d.bytes.length).toBe(got);
        expect(d.missed).toBe(behind - got);
        expect(dec(d.bytes)).toBe(text.slice(total - got));
        expect(d.newHead).toBe(snap.tail);
      }),
      { numRuns: 200 },
    );
  });
});

describe('CPU mask formats (%*pb and %*pbl)', () => {
  it('4 possible CPUs: one hex digit', () => {
    expect(formatMaskHex([0, 1, 2, 3], 4)).toBe('f');
    expect(formatMaskHex([1], 4)).toBe('2');
    expect(formatMaskHex([], 4)).toBe('0');
  });

  it('16 possible CPUs: four digits, zero padded', () => {
    expect(formatMaskHex(Array.from({ length: 16 }, (_, i) => i), 16)).toBe('ffff');
    expect(formatMaskHex([1], 16)).toBe('0002');
    expect(formatMaskHex([], 16)).toBe('0000');
    expect(formatMaskHex([0, 15], 16)).toBe('8001');
  });

  it('32 possible CPUs: bit 31 prints unsigned', () => {
    expect(formatMaskHex([31], 32)).toBe('80000000');
    expect(formatMaskHex([], 32)).toBe('00000000');
  });

  it('40 possible CPUs: a 2-digit high chunk, then an 8-digit chunk', () => {
    expect(formatMaskHex([1], 40)).toBe('00,00000002');
    expect(formatMaskHex([], 40)).toBe('00,00000000');
    expect(formatMaskHex([39], 40)).toBe('80,00000000');
    expect(formatMaskHex([32, 0], 40)).toBe('01,00000001');
    expect(formatMaskHex(Array.from({ length: 40 }, (_, i) => i), 40)).toBe('ff,ffffffff');
  });

  it('64 possible CPUs: two full chunks', () => {
    expect(formatMaskHex([1], 64)).toBe('00000000,00000002');
    expect(formatMaskHex([63], 64)).toBe('80000000,00000000');
    expect(formatMaskHex([31, 32], 64)).toBe('00000001,80000000');
    expect(formatMaskHex(Array.from({ length: 64 }, (_, i) => i), 64)).toBe('ffffffff,ffffffff');
  });

  it('CPUs beyond nr_cpu_ids are ignored', () => {
    expect(formatMaskHex([1, 16, 20], 16)).toBe('0002');
  });

  it('lists ranges; the empty set is an empty string', () => {
    expect(formatMaskList([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])).toBe('0,2-15');
    expect(formatMaskList([])).toBe('');
    expect(formatMaskList([3])).toBe('3');
    expect(formatMaskList([0, 1])).toBe('0-1');
    expect(formatMaskList([5, 1, 3, 2, 3])).toBe('1-3,5');
    expect(formatMaskList([0, 2, 4, 63])).toBe('0,2,4,63');
  });

  it('parses lists and round-trips with the formatter', () => {
    expect(parseMaskList('0,2-15')).toEqual([0, ...Array.from({ length: 14 }, (_, i) => i + 2)]);
    expect(parseMaskList('')).toEqual([]);
    expect(parseMaskList(' 3 \n')).toEqual([3]);
    expect(() => parseMaskList('3-1')).toThrow();
    expect(() => parseMaskList('a')).toThrow();
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 64 }), (cpus) => {
        const sorted = [...cpus].sort((a, b) => a - b);
        expect(parseMaskList(formatMaskList(cpus))).toEqual(sorted);
        // hex and list agree: decode the hex chunks back into CPUs.
        const hex = formatMaskHex(cpus, 64).split(',');
        expect(maskToCpus(parseInt(hex[1]!, 16), parseInt(hex[0]!, 16))).toEqual(sorted);
      }),
      { numRuns: 200 },
    );
  });
});

describe('root shell line parser', () => {
  it('splits commands at ;', () => {
    const cmds = parseLine('jailhouse enable a.cell; cat /sys/devices/jailhouse/enabled ;cpus');
    expect(cmds.map((c) => c.argv)).toEqual([['jailhouse', 'enable', 'a.cell'], ['cat', '/sys/devices/jailhouse/enabled'], ['cpus']]);
    expect(cmds.map((c) => c.text)).toEqual(['jailhouse enable a.cell', 'cat /sys/devices/jailhouse/enabled', 'cpus']);
    expect(cmds.every((c) => c.redirect === undefined)).toBe(true);
  });

  it('empty commands and blank lines produce nothing', () => {
    expect(parseLine('')).toEqual([]);
    expect(parseLine('   ')).toEqual([]);
    expect(parseLine(';;')).toEqual([]);
    expect(parseLine('a;;b').map((c) => c.argv)).toEqual([['a'], ['b']]);
  });

  it('quotes group words and protect ; and >', () => {
    expect(parseLine(`echo "a b" 'c d'`)[0]!.argv).toEqual(['echo', 'a b', 'c d']);
    expect(parseLine(`echo "x;y" 'p>q'`)[0]!.argv).toEqual(['echo', 'x;y', 'p>q']);
    expect(parseLine(`echo ab"c d"e`)[0]!.argv).toEqual(['echo', 'abc de']);
    expect(parseLine(`echo "it's" '"q"'`)[0]!.argv).toEqual(['echo', "it's", '"q"']);
    expect(parseLine(`echo ""`)[0]!.argv).toEqual(['echo', '']);
    expect(parseLine('echo a\\ b \\;')[0]!.argv).toEqual(['echo', 'a b', ';']);
  });

  it('output redirection: echo 0 > path', () => {
    const [c] = parseLine('echo 0 > /sys/devices/system/cpu/cpu3/online');
    expect(c!.argv).toEqual(['echo', '0']);
    expect(c!.redirect).toBe('/sys/devices/system/cpu/cpu3/online');
    const [d] = parseLine('echo 1 >/sys/x');
    expect(d!.argv).toEqual(['echo', '1']);
    expect(d!.redirect).toBe('/sys/x');
    const [e] = parseLine('echo 1>"/sys/a b"');
    expect(e!.argv).toEqual(['echo', '1']);
    expect(e!.redirect).toBe('/sys/a b');
    const two = parseLine('echo 0 > /a; echo 1 > /b');
    expect(two.map((x) => [x.argv, x.redirect])).toEqual([
      [['echo', '0'], '/a'],
      [['echo', '1'], '/b'],
    ]);
  });

  it('comments end the line', () => {
    expect(parseLine('cpus # show the CPUs; not a command').map((c) => c.argv)).toEqual([['cpus']]);
    expect(parseLine('# nothing')).toEqual([]);
    expect(parseLine('echo a#b')[0]!.argv).toEqual(['echo', 'a#b']);
  });

  it('syntax errors', () => {
    expect(() => parseLine('echo 0 >')).toThrow(ShellSyntaxError);
    expect(() => parseLine('echo 0 > ; cpus')).toThrow(ShellSyntaxError);
    expect(() => parseLine('> /path')).toThrow(ShellSyntaxError);
    expect(() => parseLine('echo a > b > c')).toThrow(ShellSyntaxError);
    expect(() => parseLine('echo a >> b')).toThrow(ShellSyntaxError);
    expect(() => parseLine('echo "abc')).toThrow(/unterminated double quote/);
    expect(() => parseLine("echo 'abc")).toThrow(/unterminated single quote/);
  });
});

describe('seeded PRNG', () => {
  const take = (r: Rng, n: number): number[] => Array.from({ length: n }, () => r.u32());

  it('is deterministic per (seed, stream)', () => {
    expect(take(new Rng(3, 0), 50)).toEqual(take(new Rng(3, 0), 50));
    expect(take(new Rng(3, 1001), 50)).toEqual(take(new Rng(3, 1001), 50));
    expect(take(new Rng(0xffffffff, 7), 50)).toEqual(take(new Rng(0xffffffff, 7), 50));
  });

  it('different streams or seeds give different sequences', () => {
    const seqs = [take(new Rng(3, 0), 20), take(new Rng(3, 1), 20), take(new Rng(4, 0), 20), take(new Rng(3, 1000), 20), take(new Rng(3, 1001), 20)];
    for (let i = 0; i < seqs.length; i++) for (let j = i + 1; j < seqs.length; j++) expect(seqs[i]).not.toEqual(seqs[j]);
  });

  it('stays in range and covers it', () => {
    const r = new Rng(42, 5);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const u = r.u32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      const f = r.next();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.int(7);
      expect(Number.isInteger(n) && n >= 0 && n < 7).toBe(true);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Rng(1).chance(0)).toBe(false);
    expect(['a', 'b', 'c']).toContain(new Rng(9).pick(['a', 'b', 'c']));
  });
});
