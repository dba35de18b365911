/**
 * Cells end to end on real CPU workers: the lifecycle through the root shell's `jailhouse`
 * commands (create, load, start, shutdown, destroy, list, stats) with the sysfs formats, guest
 * code in cells (PSCI CPU_ON inside a cell, comm-region replies), failure containment, the
 * driver's and the hypervisor's errno paths, and the pool and isolation bookkeeping.
 */
import './dist-fresh.js';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Machine } from '../dist/actors/cpu/supervisor.js';
import { CpuContext } from '../dist/actors/cpu/context.js';
import { Hv } from '../dist/actors/hypervisor/core/hv.js';
import { archHandleTrap } from '../dist/actors/hypervisor/core/trap-dispatch.js';
import { esrForHvc } from '../dist/shared/arm64/esr.js';
import { CELL, COMM, CellState, Hc, JAILHOUSE_HVC_CODE } from '../dist/actors/hypervisor/core/layout.js';
import { buildInmate, INMATES } from '../dist/actors/cpu/inmates/index.js';
import { assemble } from '../dist/actors/cpu/a64/asm-text.js';
import { DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { loadCellConfig, parseCellConfig, serializeCellConfig } from '../dist/shared/config/index.js';
import { hvBase } from '../dist/cli/inspect/inspect.js';
import { hvCells } from '../dist/cli/inspect/inspect-cells.js';
import { BufferIo } from '../dist/cli/io.js';
import { bootRootShell, enableRoot, sleep, type RootShell } from './root-shell.js';
import { jailhouseTool } from '../dist/cli/tools/jailhouse-tool.js';
import { UserProcess } from '../dist/cli/shell/user.js';
import { stress } from '../dist/cli/stress/stress.js';
import { Errno } from '../dist/shared/errno.js';

// Machines of worker threads running guest code: far above vitest's 5 s default.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const JH = '/sys/devices/jailhouse';
let m: Machine | undefined;
afterEach(async () => {
  await m?.shutdown();
  m = undefined;
});

type Booted = RootShell;

async function boot(): Promise<Booted> {
  const b = await bootRootShell();
  m = b.m;
  return b;
}

async function enabled(): Promise<Booted> {
  return enableRoot(await boot());
}

/** Poll the hypervisor console until `re` matches (guest output is asynchronous). */
async function consoleUntil(b: Booted, re: RegExp, ms = 20_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const text = (await b.run(`cat ${JH}/console`)).out;
    if (re.test(text) || Date.now() - t0 > ms) return text;
    await sleep(50);
  }
}

function cellConfig(over: Record<string, unknown>): Uint8Array {
  const base = JSON.parse(readFileSync('configs/cells/hello.json', 'utf8')) as Record<string, unknown>;
  return serializeCellConfig(parseCellConfig({ ...base, ...over }, 'test'));
}

describe('cell lifecycle through the jailhouse tool', () => {
  it('create, load, start, list, stats, shutdown, destroy with the real layouts; the pool returns to its post-enable use', async () => {
    const b = await enabled();
    const used0 = (await b.run(`cat ${JH}/mem_pool_used`)).out;
    expect((await b.run('jailhouse cell create configs/cells/hello.json')).code).toBe(0);
    let list = (await b.run('jailhouse cell list')).out;
    expect(list).toBe(
      'ID      Name                    State             Assigned CPUs           Failed CPUs             \n' +
        '0       qemu-arm64              running           0,2-3                                           \n' +
        '1       hello                   shut down         1                                               \n',
    );
    expect((await b.run(`cat ${JH}/cells/0/cpus_assigned ${JH}/cells/1/cpus_assigned ${JH}/cells/1/cpus_failed ${JH}/cells/1/cpus_failed_list`)).out).toBe('d\n2\n0\n\n');
    expect((await b.run(`ls ${JH}/cells/1/statistics`)).out).toMatch(/^cpu1\nvmexits_hypercall\n|cpu1/);
    expect((await b.run(`cat /sys/devices/system/cpu/online`)).out).toBe('0,2-3\n');
    expect((await b.run('jailhouse cell load hello configs/inmates/hello.bin')).code).toBe(0);
    expect((await b.run('jailhouse cell start hello')).code).toBe(0);
    // The guest prints character by character through hypercalls while the hypervisor may still
    // be printing its own line (as on Jailhouse), so take the hypervisor's lines out first.
    const con = (await consoleUntil(b, /of its cell; answering comm-region messages/)).replace('Started cell "hello"\n', '');
    expect(con).toMatch(/Created cell "hello"[\s\S]*Hello from the hello inmate on CPU 1 of its cell/);
    list = (await b.run('jailhouse cell list')).out;
    expect(list).toMatch(/^1       hello                   running           1 {23}\s+$/m);
    const stats = JSON.parse((await b.run('jailhouse cell stats hello --json')).out) as { counters: Record<string, number>; cpus: number[] };
    expect(stats.cpus).toEqual([1]);
    expect(stats.counters.vmexits_hypercall).toBeGreaterThan(40);
    expect(stats.counters.vmexits_total).toBeGreaterThanOrEqual(stats.counters.vmexits_hypercall!);
    const once = (await b.run('jailhouse cell stats 1 --once')).out;
    expect(once).toMatch(/^Statistics for hello cell\n\nCOUNTER \(All CPUs\) +SUM +PER SEC\nvmexits_total +\d+/);
    // shutdown = load without images: the cell approves the request (its inmate answers).
    expect((await b.run('jailhouse cell shutdown hello')).code).toBe(0);
    // The inmate approved (it may be parked before it finishes printing that it did).
    expect(await consoleUntil(b, /can be loaded/)).toMatch(/Cell "hello" can be loaded/);
    expect((await b.run(`cat ${JH}/cells/1/state`)).out).toBe('shut down\n');
    expect((await b.run('jailhouse cell destroy 1')).code).toBe(0);
    expect((await b.run('jailhouse cell list')).out).toMatch(/^0       qemu-arm64              running           0-3 +\n$/m);
    expect((await b.run(`cat /sys/devices/system/cpu/online ${JH}/mem_pool_used`)).out).toBe(`0-3\n${used0}`);
    expect((await b.run('jailhouse disable')).code).toBe(0);
  });

  it('a cell whose guest writes outside its memory fails alone: root and a second cell keep running; destroy and disable succeed', async () => {
    const b = await enabled();
    for (const line of [
      'jailhouse cell create configs/cells/hello.json',
      'jailhouse cell create configs/cells/compute.json',
      'jailhouse cell load hello configs/inmates/bad-access.bin',
      'jailhouse cell load compute configs/inmates/compute.bin',
      'jailhouse cell start hello',
    ]) expect((await b.run(line)).code, line).toBe(0);
    // One console for both cells: let the failing one finish its lines before the other starts.
    await consoleUntil(b, /Parking CPU 1/);
    expect((await b.run('jailhouse cell start compute')).code).toBe(0);
    const text = (await consoleUntil(b, /compute: CPU 3 round 2 /)).replace('Started cell "compute"\n', '');
    // PSCI CPU_ON inside the cell started its second CPU.
    expect(text).toMatch(/compute: started on CPU 2[\s\S]*compute: started on CPU 3|compute: started on CPU 3[\s\S]*compute: started on CPU 2/);
    // arm64 Jailhouse's dump_regs between the FATAL line and panic_park's (the store at 0x10, x1 = its target).
    expect(text).toMatch(/Unhandled data write at 0x40000000\(8\)\nFATAL: unhandled trap \(exception class 0x24\)\nCell state before exception:\n pc: 0000000000000010   lr: [0-9a-f]{16} spsr: 000003c5     EL1\n sp: [0-9a-f]{16}  elr: 0000000000000010  esr: 24 1 [0-9a-f]{7}\n x0: [0-9a-f]{16}   x1: 0000000040000000   x2: [0-9a-f]{16}\n(.*\n){8}x27: [0-9a-f]{16}  x28: [0-9a-f]{16}  x29: [0-9a-f]{16}\n\nParking CPU 1 \(Cell: "hello"\)/);
    expect((await b.run(`cat ${JH}/cells/1/state ${JH}/cells/1/cpus_failed_list ${JH}/cells/2/state ${JH}/cells/2/cpus_failed_list`)).out).toBe('failed\n1\nrunning\n\n');
    const rounds = (t: string): number => (t.match(/compute: CPU \d round/g) ?? []).length;
    const before = rounds(text);
    expect(rounds(await consoleUntil(b, new RegExp(`(compute: CPU \\d round[^\\n]*\\n[\\s\\S]*){${before + 2}}`)))).toBeGreaterThan(before);
    // Root still answers.
    expect((await b.run(`cat ${JH}/enabled`)).out).toBe('1\n');
    expect((await b.run('jailhouse cell destroy hello; jailhouse cell destroy compute; jailhouse disable')).code).toBe(0);
    expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
  });

  it('disable destroys the remaining cells first (running guest code) and brings their CPUs back', async () => {
    const b = await enabled();
    expect((await b.run('jailhouse cell create configs/cells/compute.json; jailhouse cell load compute configs/inmates/compute.bin; jailhouse cell start compute')).code).toBe(0);
    await consoleUntil(b, /compute: started on CPU 3/);
    expect((await b.run('jailhouse disable')).code).toBe(0);
    expect((await b.run(`cat ${JH}/enabled /sys/devices/system/cpu/online`)).out).toBe('0\n0-3\n');
    expect(b.m.kernelLog().text).toMatch(/Destroyed Jailhouse cell "compute"[\s\S]*The Jailhouse was closed\./);
  });
});

describe('driver errno paths', () => {
  it('not enabled, duplicate name, CPUs not in root, unknown cell, root as target, bad configs', async () => {
    const b = await boot();
    let r = await b.run('jailhouse cell create configs/cells/hello.json');
    expect([r.code, r.err]).toEqual([1, expect.stringMatching(/^JAILHOUSE_CELL_CREATE: Invalid argument\n  EINVAL \(22\)/)]);
    await b.run('jailhouse enable configs/qemu-arm64.json');
    expect((await b.run('jailhouse cell create configs/cells/hello.json')).code).toBe(0);
    r = await b.run('jailhouse cell create configs/cells/hello.json');
    expect(r.err).toMatch(/^JAILHOUSE_CELL_CREATE: File exists\n  EEXIST \(17\): a cell named "hello" already exists/);
    // Same CPU under another name: not assigned to the root cell any more.
    const dir = (await import('node:fs')).mkdtempSync('/tmp/jhsim-cells-');
    const other = `${dir}/other.json`;
    (await import('node:fs')).writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync('configs/cells/hello.json', 'utf8')), name: 'other' }));
    r = await b.run(`jailhouse cell create ${other}`);
    expect(r.err).toMatch(/Device or resource busy\n  EBUSY \(16\): CPUs 1 of "other" are not assigned to the root cell/);
    for (const [cmd, re] of [
      ['jailhouse cell start nosuch', /JAILHOUSE_CELL_START: No such file or directory/],
      ['jailhouse cell destroy 7', /JAILHOUSE_CELL_DESTROY: No such file or directory/],
      ['jailhouse cell shutdown --name nosuch', /JAILHOUSE_CELL_LOAD: No such file or directory/],
      ['jailhouse cell start 0', /JAILHOUSE_CELL_START: Invalid argument/],
      ['jailhouse cell destroy qemu-arm64', /JAILHOUSE_CELL_DESTROY: Invalid argument/],
      ['jailhouse cell create configs/qemu-arm64.json', /qemu-arm64.json: name: missing required field/],
    ] as const) {
      r = await b.run(cmd);
      expect(r.code, cmd).toBe(1);
      expect(r.err, cmd).toMatch(re);
    }
    const notCell = `${dir}/sys.cell`;
    (await import('node:fs')).writeFileSync(notCell, new Uint8Array(200));
    r = await b.run(`jailhouse cell create ${notCell}`);
    expect(r.err).toMatch(/EINVAL \(22\): Not a cell configuration/);
    const rev = loadCellConfig('configs/cells/hello.json').bytes.slice();
    rev[6] = 13;
    (await import('node:fs')).writeFileSync(`${dir}/rev.cell`, rev);
    r = await b.run(`jailhouse cell create ${dir}/rev.cell`);
    expect(r.err).toMatch(/EINVAL \(22\): Configuration revision mismatch \(config 13, driver 14\)/);
    // Nothing changed by any of these.
    expect((await b.run('jailhouse cell list')).out.split('\n').length).toBe(4);
  });

  it('cell load: a region that is not LOADABLE, an address no region holds, an image too large', async () => {
    const b = await enabled();
    const dir = (await import('node:fs')).mkdtempSync('/tmp/jhsim-cells-');
    const cfg = `${dir}/ro.json`;
    const base = JSON.parse(readFileSync('configs/cells/hello.json', 'utf8')) as { memory_regions: { flags: string[] }[] };
    base.memory_regions[0]!.flags = ['READ', 'WRITE', 'EXECUTE'];
    (await import('node:fs')).writeFileSync(cfg, JSON.stringify(base));
    expect((await b.run(`jailhouse cell create ${cfg}`)).code).toBe(0);
    let r = await b.run('jailhouse cell load hello configs/inmates/hello.bin');
    expect(r.err).toMatch(/JAILHOUSE_CELL_LOAD: Invalid argument\n  EINVAL \(22\): image of 424 bytes at 0x0 does not fit region 0 \(0x0\+0x10000, not LOADABLE\)/);
    expect((await b.run('jailhouse cell destroy hello; jailhouse cell create configs/cells/hello.json')).code).toBe(0);
    r = await b.run('jailhouse cell load hello -s "x" -a 0x90000000');
    expect(r.err).toMatch(/no memory region of the cell contains the load address 0x90000000/);
    const big = `${dir}/big.bin`;
    (await import('node:fs')).writeFileSync(big, new Uint8Array(0x10000));
    r = await b.run(`jailhouse cell load hello ${big} -a 0x10`);
    expect(r.err).toMatch(/image of 65536 bytes at 0x10 does not fit region 0/);
    expect((await b.run('jailhouse cell load hello configs/inmates/hello.bin -s "con-type=none" -a 0x1000')).code).toBe(0);
  });
});

/** The test plays root CPU 2 and calls the hypervisor's trap handler as its worker would. */
function asCpu(b: Booted, cpu: number): Hv {
  return new Hv(new CpuContext({ cpu, board: DEFAULT_BOARD, buffers: b.m.buffers }), hvBase(b.m), 0x400000);
}

function hvc(hv: Hv, code: number, a1 = 0, a2 = 0): number {
  const regs = [BigInt(code), BigInt(a1), BigInt(a2)];
  archHandleTrap(hv, { esr: esrForHvc(JAILHOUSE_HVC_CODE), regs: { get: (n: number) => regs[n] ?? 0n, set: (n: number, v: bigint) => void (regs[n] = v) }, far: 0, hpfar: 0 });
  return Number(BigInt.asIntN(64, regs[0]!));
}

/** A config in root RAM where the driver would have put it; returns its address. */
function place(b: Booted, bytes: Uint8Array, at = 0x50000000): number {
  b.m.mem.copyIn(at, bytes);
  return at;
}

describe('hypervisor cell management errnos (CELL_CREATE, START, SET_LOADABLE, DESTROY)', () => {
  it('in the reference order: EPERM, ENOMEM, EEXIST, E2BIG, EINVAL, EBUSY', async () => {
    const b = await enabled();
    const hv = asCpu(b, 2);
    // The config is read through the root's stage 2: an IPA it does not map is -ENOMEM.
    expect(hvc(hv, Hc.CELL_CREATE, 0x1_0000_0000_00)).toBe(-Errno.ENOMEM);
    const cfg = (over: Record<string, unknown>): number => place(b, cellConfig(over));
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ name: 'qemu-arm64', id: 5 }))).toBe(-Errno.EEXIST);
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ id: 0 }))).toBe(-Errno.EEXIST);
    // More than 16 pages (NUM_TEMPORARY_PAGES) of config.
    const many = Array.from({ length: 2100 }, (_, i) => ({ phys_start: 0x7fa00000, virt_start: 0x100000 + i * 0x1000, size: 0x1000, flags: ['READ'] }));
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ id: 3, memory_regions: many }))).toBe(-Errno.E2BIG);
    // The calling CPU, and a CPU the root does not own.
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ id: 3, cpus: [2] }))).toBe(-Errno.EBUSY);
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ id: 3, cpus: [1, 9] }))).toBe(-Errno.EBUSY);
    // The VMID is the cell id: above 255 is -E2BIG.
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ id: 256 }))).toBe(-Errno.E2BIG);
    // cpu_set_size > 4096: patch the descriptor after serialising.
    const bad = cellConfig({ id: 3 });
    new DataView(bad.buffer, bad.byteOffset).setUint32(48, 4097, true);
    expect(hvc(hv, Hc.CELL_CREATE, place(b, bad))).toBe(-Errno.EINVAL);
    expect(hvCells(b.m).length).toBe(1);
    expect(hvc(hv, Hc.CELL_CREATE, cfg({ id: 3 }))).toBe(0);
    // Management from a CPU of a non-root cell: -EPERM.
    expect(hvc(asCpu(b, 1), Hc.CELL_CREATE, cfg({ id: 4, name: 'x' }))).toBe(-Errno.EPERM);
    expect(hvc(asCpu(b, 1), Hc.CELL_DESTROY, 3)).toBe(-Errno.EPERM);
    expect(hvc(hv, Hc.CELL_START, 9)).toBe(-Errno.ENOENT);
    expect(hvc(hv, Hc.CELL_SET_LOADABLE, 0)).toBe(-Errno.EINVAL);
    expect(hvc(hv, Hc.CELL_DESTROY, 3)).toBe(0);
    expect(hvCells(b.m).length).toBe(1);
  });

  it('a RUNNING_LOCKED cell blocks create and the destroy of another cell; a denied shutdown request is -EPERM', async () => {
    const b = await enabled();
    const hv = asCpu(b, 0);
    const deny = assemble(`
        mov64 x1, #0x80000000
loop:   ldr   w0, [x1, #12]
        cbz   w0, 1f
        str   wzr, [x1, #12]
        dmb   ish
        mov   w2, #2
        str   w2, [x1, #16]
1:      wfe
        b     loop
`, 0).bytes;
    expect(hvc(hv, Hc.CELL_CREATE, place(b, cellConfig({ id: 1 })))).toBe(0);
    expect(hvc(hv, Hc.CELL_CREATE, place(b, serializeCellConfig(parseCellConfig({ ...JSON.parse(readFileSync('configs/cells/compute.json', 'utf8')), id: 2 }, 'c'))))).toBe(0);
    expect(hvc(hv, Hc.CELL_SET_LOADABLE, 1)).toBe(0);
    b.m.mem.copyIn(0x7fa00000, deny);
    expect(hvc(hv, Hc.CELL_START, 1)).toBe(0);
    const [, hello] = hvCells(b.m);
    // The cell refuses SHUTDOWN_REQUEST: start, set_loadable and destroy all get -EPERM.
    expect(hvc(hv, Hc.CELL_SET_LOADABLE, 1)).toBe(-Errno.EPERM);
    expect(hvc(hv, Hc.CELL_DESTROY, 1)).toBe(-Errno.EPERM);
    expect(b.m.mem.read32(hello!.addr + CELL.COMM_PAGE + COMM.REPLY_FROM_CELL)).toBe(2);
    // RUNNING_LOCKED (written by the cell itself).
    b.m.mem.write32(hello!.addr + CELL.COMM_PAGE + COMM.CELL_STATE, CellState.RUNNING_LOCKED);
    expect(hvc(hv, Hc.CELL_CREATE, place(b, cellConfig({ id: 5, name: 'third', cpus: [3] })))).toBe(-Errno.EPERM);
    expect(hvc(hv, Hc.CELL_DESTROY, 2)).toBe(-Errno.EPERM);
    expect(hvc(hv, Hc.CELL_GET_STATE, 1)).toBe(CellState.RUNNING_LOCKED);
    b.m.mem.write32(hello!.addr + CELL.COMM_PAGE + COMM.CELL_STATE, CellState.SHUT_DOWN);
    expect(hvc(hv, Hc.CELL_DESTROY, 2)).toBe(0);
    expect(hvc(hv, Hc.CELL_DESTROY, 1)).toBe(0);
  });

  it('msg_reply_timeout: a silent cell is suspended and marked failed, and the operation goes on', async () => {
    const b = await enabled();
    const hv = asCpu(b, 2);
    expect(hvc(hv, Hc.CELL_CREATE, place(b, cellConfig({ id: 1, msg_reply_timeout: 3000 })))).toBe(0);
    expect(hvc(hv, Hc.CELL_SET_LOADABLE, 1)).toBe(0);
    b.m.mem.copyIn(0x7fa00000, assemble('1: wfe\n b 1b', 0).bytes);
    expect(hvc(hv, Hc.CELL_START, 1)).toBe(0);
    expect(hvc(hv, Hc.CELL_GET_STATE, 1)).toBe(CellState.RUNNING);
    expect(hvc(hv, Hc.CELL_SET_LOADABLE, 1)).toBe(0);
    expect((await b.run(`cat ${JH}/console`)).out).toMatch(/Timeout expired while waiting for reply from target cell\nCell "hello" can be loaded/);
    expect(hvc(hv, Hc.CELL_DESTROY, 1)).toBe(0);
  });
});

describe('cell stats live view', () => {
  it('draws the real screen, c switches to one CPU (rates reset), q quits', async () => {
    const b = await enabled();
    expect((await b.run('jailhouse cell create configs/cells/compute.json; jailhouse cell load compute configs/inmates/compute.bin; jailhouse cell start compute')).code).toBe(0);
    const io = new BufferIo();
    let press: ((k: string) => void) | undefined;
    const keys = (onKey: (k: string) => void): (() => void) => {
      press = onKey;
      return () => (press = undefined);
    };
    const done = jailhouseTool({ user: new UserProcess(b.m, 5), io, keys }, ['cell', 'stats', 'compute']);
    const screens = (): string[] => io.stdout.split('\x1b[2J\x1b[H').filter(Boolean);
    const until = async (n: number): Promise<void> => {
      for (let i = 0; i < 400 && screens().length < n; i++) await sleep(25);
    };
    await until(1);
    expect(screens()[0]).toMatch(/^Statistics for compute cell\n\n\x1b\[7mCOUNTER \(All CPUs\) +SUM +PER SEC\x1b\[0m\n/);
    await until(2);
    // The second sample has rates (rounded per-second deltas).
    expect(screens()[1]).toMatch(/\nvmexits_hypercall +\d+ +\d+\n/);
    press!('c');
    await until(3);
    expect(screens()[2]).toMatch(/COUNTER \(CPU 2\)/);
    press!('q');
    expect(await done).toBe(0);
    expect(press).toBeUndefined();
  });
});

describe('stress with cells (real workers)', () => {
  it('a short seeded run: concurrent cell management and enable/disable keep every invariant', async () => {
    const r = await stress({
      board: { ...DEFAULT_BOARD, cpus: 4 },
      callers: 3,
      iterations: 120,
      seed: 7,
      hotplug: false,
      cells: true,
      failCpuRate: 0,
      delayPpm: 20000,
      configFile: 'configs/qemu-arm64.json',
      watchdogMs: 10_000,
    });
    expect(r.violations).toEqual([]);
    expect(r.hangs).toEqual([]);
    expect(r.operations).toBe(120);
    expect(Object.keys(r.results)).toEqual(expect.arrayContaining(['create', 'load', 'start', 'destroy']));
  });
});

describe('built-in inmates', () => {
  it('configs/inmates/*.bin are the images the sources assemble to', () => {
    for (const i of INMATES) expect(new Uint8Array(readFileSync(`configs/inmates/${i.name}.bin`)), i.name).toEqual(buildInmate(i.name));
  });
});
