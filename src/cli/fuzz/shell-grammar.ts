/**
 * Random root-shell lines from the shell's own grammar (README "Commands of the root-cell
 * shell", shell.ts, jailhouse-tool.ts): real commands with arguments drawn from real files and
 * sysfs paths, cell names and ids, numbers at the edges, random strings, unknown flags, every
 * quoting style the parser knows, and now and then a syntax error.
 *
 * What the grammar leaves out on purpose, because upstream Jailhouse wedges on it by design:
 * cells with msg_reply_timeout 0 that are not passive (one started without an answering image is
 * waited for forever by destroy and disable; the lines use copies with a timeout instead), and
 * sleeps longer than a moment.
 */
import fc from 'fast-check';

export interface ShellCmd {
  argv: string[];
  redirect?: string;
}

export interface ShellLine {
  cmds: ShellCmd[];
  /** How each word is quoted (indexes into QUOTING, cycled over the words). */
  quoting: number[];
  /** A deliberate syntax error appended to the line. */
  broken?: 'unterminated-single' | 'unterminated-double' | 'dangling-redirect' | 'double-redirect';
}

/** Files the grammar names; `work:` ones are created by the target in its work directory. */
export const WORK_FILES: Record<string, (n: number) => Uint8Array> = {
  'empty.bin': () => new Uint8Array(0),
  'garbage.bin': (n) => Uint8Array.from({ length: 1024 }, (_, i) => (i * 131 + n) & 0xff),
  'big.bin': (n) => Uint8Array.from({ length: 600_000 }, (_, i) => (i * 7 + n) & 0xff),
  'half-json.json': () => new TextEncoder().encode('{"signature": "JHCLL", "name": '),
  'wrong-json.json': () => new TextEncoder().encode('[1, 2, 3]'),
  'cell-as-system.json': () => new TextEncoder().encode('{"signature": "JHSYS", "revision": 14}'),
};

const CONFIG_FILES = ['configs/qemu-arm64.json', 'configs/qemu-arm64-pcie.json', 'configs/qemu-arm64-guest.json'];
/** Cells that may be started with anything loaded: copies that time out (work:, see target-shell.ts) and a passive one. */
const CELL_FILES = ['work:hello.cell', 'work:compute.cell', 'configs/cells/c-inmate.json'];
const IMAGES = ['configs/inmates/hello.bin', 'configs/inmates/compute.bin', 'configs/inmates/bad-access.bin'];
const OTHER_FILES = ['README.md', 'package.json', 'configs', '/dev/null', '/nonexistent/file', 'configs/cells/hello', '', '.', ...Object.keys(WORK_FILES).map((f) => `work:${f}`)];
const SYSFS = [
  '/sys/devices/jailhouse/enabled', '/sys/devices/jailhouse/mem_pool_size', '/sys/devices/jailhouse/mem_pool_used', '/sys/devices/jailhouse/remap_pool_size',
  '/sys/devices/jailhouse/remap_pool_used', '/sys/devices/jailhouse/console', '/sys/devices/jailhouse/cells', '/sys/devices/jailhouse/cells/0/name',
  '/sys/devices/jailhouse/cells/1/state', '/sys/devices/jailhouse/cells/1/cpus_assigned_list', '/sys/devices/jailhouse/cells/0/cpus_failed',
  '/sys/devices/jailhouse/cells/1/statistics/vmexits_total', '/sys/devices/jailhouse/cells/0/statistics/cpu0/vmexits_mmio', '/sys/devices/jailhouse/cells/9/name',
  '/sys/devices/system/cpu/online', '/sys/devices/system/cpu/cpu1/online', '/sys/devices/system/cpu/cpu0/online', '/sys/devices/system/cpu/cpu3/online',
  '/sys/devices/system/cpu/cpu64/online', '/sys/kernel/debug/jhsim/isolation_violations', '/sys/kernel/debug/jhsim/cpu1/isolation_violations',
  '/sys/bus/pci/devices', '/sys/bus/pci/devices/0000:00:00.0/config', '/', '/sys', '/sys/devices/jailhouse/', '//sys//devices', '/sys/../sys/devices', '/proc/cpuinfo',
];
const NUMBERS = ['0', '1', '-1', '2', '3', '4', '7', '255', '256', '65535', '4294967296', '4294967297', '0x10', '0x', '08', '010', '1e3', '99999999999999999999', 'NaN', 'Infinity', '0.5', '-0'];
const FLAGS = ['-f', '--follow', '--once', '--json', '--name', '-s', '-a', '--address', '--string', '--help', '-h', '--version', '-x', '--bogus', '-v', '-vv', '-t', '-n', '-k', '-D', '-'];
const NAMES = ['hello', 'compute', 'c-inmate', 'qemu-arm64', 'no-such-cell', 'HELLO', 'hello ', 'a'.repeat(40)];

const pick = (xs: readonly string[]): fc.Arbitrary<string> => fc.constantFrom(...xs);
const oddString = fc.oneof(fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('x'.repeat(5000), '💥', '\t', ' ', "it's", 'a"b', 'a\\b', '$HOME', '*'));
const word = fc.oneof({ weight: 3, arbitrary: pick(NUMBERS) }, { weight: 2, arbitrary: pick(FLAGS) }, { weight: 2, arbitrary: pick(NAMES) }, { weight: 2, arbitrary: oddString }, { weight: 1, arbitrary: pick(SYSFS) }, { weight: 1, arbitrary: pick(OTHER_FILES) });
const selector: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: pick(['hello', 'compute', 'c-inmate', '1', '2', '0']).map((s) => [s]) },
  { weight: 2, arbitrary: pick(NAMES).map((n) => ['--name', n]) },
  { weight: 2, arbitrary: word.map((w) => [w]) },
);
/** ASCII only: such bytes cannot form a backward branch, so an image of them never loops (see the header). */
const asciiText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 24 });
const address = fc.oneof(pick(['0', '0x0', '0x1000', '0xffff', '0x10000', '0x70000000', '0x80000000', '0xffffffffffffffff', '-1', 'x', '0x10000000000000000']), fc.nat().map((n) => `0x${n.toString(16)}`));

const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });

const loadArgs = fc.array(
  fc.tuple(
    fc.oneof({ weight: 3, arbitrary: pick(IMAGES).map((f) => [f]) }, { weight: 2, arbitrary: asciiText.map((t) => ['-s', t]) }, { weight: 1, arbitrary: pick(OTHER_FILES).map((f) => [f]) }),
    optional(fc.tuple(pick(['-a', '--address']), address)),
  ).map(([img, a]) => (a === undefined ? img : [...img, ...a])),
  { minLength: 0, maxLength: 3 },
).map((xs) => xs.flat());

const jailhouse = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(pick(CONFIG_FILES), pick(CELL_FILES), pick(OTHER_FILES), word).map((f) => ['enable', f]) },
  { weight: 3, arbitrary: fc.constant(['disable']) },
  { weight: 2, arbitrary: fc.array(pick(['-f', '--follow', '-x']), { maxLength: 1 }).map((a) => ['console', ...a]) },
  { weight: 4, arbitrary: fc.oneof({ weight: 4, arbitrary: pick(CELL_FILES) }, { weight: 1, arbitrary: pick(CONFIG_FILES) }, { weight: 1, arbitrary: pick(OTHER_FILES) }).map((f) => ['cell', 'create', f]) },
  { weight: 4, arbitrary: fc.tuple(selector, loadArgs).map(([s, a]) => ['cell', 'load', ...s, ...a]) },
  { weight: 4, arbitrary: fc.tuple(pick(['start', 'shutdown', 'destroy']), selector).map(([c, s]) => ['cell', c, ...s]) },
  { weight: 2, arbitrary: fc.constant(['cell', 'list']) },
  { weight: 2, arbitrary: fc.tuple(selector, fc.subarray(['--once', '--json'])).map(([s, f]) => ['cell', 'stats', ...s, ...f]) },
  { weight: 1, arbitrary: fc.array(fc.oneof(pick(CONFIG_FILES), pick(CELL_FILES), pick(['configs/cells/hello.json', 'configs/cells/gic-demo.json']), pick(OTHER_FILES), pick(['-h'])), { maxLength: 3 }).map((f) => ['config', 'check', ...f]) },
  { weight: 1, arbitrary: pick(['--help', '--version', 'hardware', 'cell', 'config', 'bogus', '']).map((w) => [w]) },
  { weight: 1, arbitrary: fc.constantFrom(['hardware', 'check'], ['cell', 'linux', 'x'], ['config', 'create', 'x'], ['cell', 'list', 'extra'], ['enable'], ['enable', 'a', 'b']) },
);

const command: fc.Arbitrary<ShellCmd> = fc.oneof(
  { weight: 10, arbitrary: jailhouse.map((a) => ({ argv: ['jailhouse', ...a] })) },
  { weight: 1, arbitrary: fc.tuple(jailhouse, word).map(([a, extra]) => ({ argv: ['jailhouse', ...a, extra] })) },
  { weight: 3, arbitrary: fc.array(fc.oneof(pick(SYSFS), word), { minLength: 0, maxLength: 3 }).map((p) => ({ argv: ['cat', ...p] })) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.array(fc.oneof(pick(['0', '1', '2', '']), word), { maxLength: 2 }), optional(fc.oneof(pick(SYSFS), word))).map(([w, r]) => ({ argv: ['echo', ...w], redirect: r })),
  },
  { weight: 1, arbitrary: optional(fc.oneof(pick(SYSFS), word)).map((p) => ({ argv: p === undefined ? ['ls'] : ['ls', p] })) },
  { weight: 1, arbitrary: fc.array(pick(['0', '0.01', '0.001', '-1', 'x', '', 'NaN', 'Infinity', '1e-3', '0x0']), { maxLength: 2 }).map((a) => ({ argv: ['sleep', ...a] })) },
  { weight: 2, arbitrary: fc.array(pick(['--json', '-x', 'all']), { maxLength: 2 }).map((a) => ({ argv: ['cpus', ...a] })) },
  { weight: 1, arbitrary: pick(['dmesg', 'help', 'exit', 'quit']).map((c) => ({ argv: [c] })) },
  { weight: 1, arbitrary: fc.array(fc.oneof(pick(['-v', '-vv', '-x', '-xxx', '-t', '-n', '-D', '-k', '-s', '-d', '00:01.0', '0000:00:00.0', 'zz', '1af4:', ':']), word), { maxLength: 3 }).map((a) => ({ argv: ['lspci', ...a] })) },
  { weight: 1, arbitrary: fc.array(fc.oneof(pick(['-s', '00:01.0', '00:00.0', 'COMMAND', 'COMMAND=0', 'BASE_ADDRESS_0=ffffffff', 'CAP_EXP+8.w', '4.l=1:1', '-v', '-D', '-f', 'VENDOR_ID.b']), word), { maxLength: 4 }).map((a) => ({ argv: ['setpci', ...a] })) },
  { weight: 1, arbitrary: fc.tuple(oddString.filter((s) => s.trim() !== ''), fc.array(word, { maxLength: 2 })).map(([c, a]) => ({ argv: [c, ...a] })) },
);

export function shellLineArb(): fc.Arbitrary<ShellLine> {
  return fc.record({
    cmds: fc.array(command, { minLength: 1, maxLength: 3 }),
    quoting: fc.array(fc.nat({ max: QUOTING.length - 1 }), { minLength: 1, maxLength: 4 }),
    broken: fc.oneof(
      { weight: 15, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('unterminated-single' as const, 'unterminated-double' as const, 'dangling-redirect' as const, 'double-redirect' as const) },
    ),
  });
}

/** Ways to write one word so the shell's parser reads it back unchanged. */
const QUOTING: readonly ((w: string) => string)[] = [
  (w) => plain(w) ?? single(w),
  single,
  (w) => (w.includes('"') ? single(w) : `"${w}"`),
  (w) => (w === '' ? "''" : w.replace(/[\s'"\\;#>]/g, (c) => `\\${c}`)),
];

function plain(w: string): string | undefined {
  return w !== '' && !/[\s'"\\;#>]/.test(w) ? w : undefined;
}

function single(w: string): string {
  return `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The line as typed; `resolve` maps `work:` file names to real paths. */
export function renderLine(l: ShellLine, resolve: (w: string) => string): string {
  let k = 0;
  const q = (w: string): string => QUOTING[l.quoting[k++ % l.quoting.length]!]!(resolve(w));
  const text = l.cmds.map((c) => [...c.argv.map(q), ...(c.redirect !== undefined ? ['>', q(c.redirect)] : [])].join(' ')).join('; ');
  switch (l.broken) {
    case 'unterminated-single': return `${text} 'oops`;
    case 'unterminated-double': return `${text} "oops`;
    case 'dangling-redirect': return `${text} >`;
    case 'double-redirect': return `${text} > a > b`;
    default: return text;
  }
}
