/**
 * Target `image`: what users load.
 *  - `jailhouse cell load SEL IMAGE|-s STRING [-a ADDR] ...` on a freshly created cell: random
 *    bytes of sizes from 0 to beyond the region (and beyond the tool's ioctl buffer), addresses
 *    at the region edges or anywhere, spelled as the tool reads them (hex, octal, decimal) or not
 *    at all, several images in one call. An oracle derived from the cell's config says whether
 *    the load must succeed; an accepted image must be in the cell's RAM where it was asked to go.
 *  - `guest run`'s image path: mutated ELF headers of the test guest programs and raw blobs with
 *    random --load/--entry through prepareGuestImage (parse + fit) and loadImage: a GuestImage,
 *    or an ErrnoError (ENOEXEC, EINVAL, E2BIG) that starts with the image name; nothing else.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadImage } from '../../actors/cpu/a64/image.js';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { MemFlags, adaptRootCpuSet, loadCellConfig, loadSystemConfig, type CellConfig, type SystemConfig } from '../../shared/config/index.js';
import { PhysicalMemory } from '../../shared/phys-mem.js';
import { Rng } from '../../shared/rng.js';
import { encodeUtf8 } from '../../shared/text.js';
import { DEFAULT_GUEST_CONFIG, DEFAULT_RAW_LOAD, prepareGuestImage } from '../commands/guest-run.js';
import { PACKAGE_ROOT } from '../paths.js';
import { UserProcess } from '../shell/user.js';
import { MachineHost, rootConfigFor } from './host.js';
import { applyElfMutations, describeElfMutations, elfMutationArb, type ElfMutation } from './elf-mutation.js';
import { checkErrnoLines, checkRefusalNamed, checkText, escaped, show } from './invariants.js';
import { shellQuote } from './quote.js';
import { Counters, FuzzFailure, type FuzzEnv, type FuzzTarget, type Outcome, type TargetRun } from './types.js';

const CELLS = ['hello', 'compute', 'c-inmate', 'sgi-pingpong'];
const SIZES = ['empty', 'one', 'page', 'region-1', 'region', 'region+1', 'beyond-arg-max'] as const;
type SizeSpec = (typeof SIZES)[number] | number;
/** What guest run's image checks may answer: not an AArch64 program, bad arguments, too big. */
const GUEST_IMAGE_ERRNOS: ReadonlySet<number> = new Set([Errno.ENOEXEC, Errno.EINVAL, Errno.E2BIG]);
const BAD_SPELLINGS = ['', '0x', '08', '1e3', '-1', '0x1g', '1_000', '+4', ' 12'];

interface ImageArg {
  /** Random bytes (sized relative to the target region, content from `seed`), or `-s text`. */
  source: { kind: 'bytes'; size: SizeSpec; seed: number } | { kind: 'string'; text: string };
  /** No -a at all (address 0), or an address relative to a region of the cell (or absolute), spelled somehow. */
  address?: { from: 'start' | 'end' | 'fit-end' | 'end-1' | 'absolute'; region: number; delta: bigint; spelling: 'hex' | 'dec' | 'oct' | number };
}

interface LoadCase {
  mode: 'load';
  cell: number;
  selector: 'name' | 'id' | '--name' | 'no-such-name' | 'no-such-id' | 'root' | 'id+2^32';
  images: ImageArg[];
}

interface GuestCase {
  mode: 'guest';
  /** Index into the test guest programs, or -1 for a raw blob. */
  program: number;
  muts: ElfMutation[];
  rawSize: number;
  load?: number;
  entry?: number;
}

type ImageCase = LoadCase | GuestCase;

const ADDRESS_EXTRA = [0n, 0x1000n, 0x8000_0000n, 0xffff_ffffn, 1n << 53n, (1n << 64n) - 1n, 1n << 64n, 1n << 70n];

interface Resolved {
  bytes: Uint8Array;
  /** Exact address asked for (undefined: the spelling is not a number the tool reads). */
  address: bigint | undefined;
  /** The -a argument as typed (undefined: no -a). */
  typed?: string;
}

class ImageRun implements TargetRun<ImageCase> {
  readonly arbitrary: fc.Arbitrary<ImageCase>;
  private readonly host: MachineHost;
  private readonly counters = new Counters();
  private readonly cells: CellConfig[];
  private readonly programs: { name: string; bytes: Uint8Array }[];
  private readonly guestSys: SystemConfig;
  private mem: PhysicalMemory | undefined;

  constructor(private readonly env: FuzzEnv) {
    // One create/destroy cycle of every cell first: a cycle may leave a split block mapping's page
    // table in the pool for good (as upstream), which must not count as a later case's change.
    this.host = new MachineHost(env, [`jailhouse enable ${rootConfigFor(env)}`, ...CELLS.map((c) => `jailhouse cell create configs/cells/${c}.json; jailhouse cell destroy ${c}`)]);
    this.cells = CELLS.map((c) => loadCellConfig(join(PACKAGE_ROOT, 'configs', 'cells', `${c}.json`)).config);
    const dir = join(PACKAGE_ROOT, 'test', 'guest-programs');
    this.programs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.elf')).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) })) : [];
    this.guestSys = adaptRootCpuSet(loadSystemConfig(join(PACKAGE_ROOT, DEFAULT_GUEST_CONFIG)).config, env.guestBoard.cpus);
    // Mostly a fitting load into a LOADABLE region (so that loads get through and land), then
    // every kind of near miss and nonsense.
    const address = (loadable: number[]): fc.Arbitrary<NonNullable<ImageArg['address']>> =>
      fc.record({
        from: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('start' as const, 'fit-end' as const) }, { weight: 2, arbitrary: fc.constantFrom('end' as const, 'end-1' as const, 'absolute' as const) }),
        region: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...loadable) }, { weight: 1, arbitrary: fc.nat({ max: 7 }) }),
        delta: fc.oneof(
          { weight: 6, arbitrary: fc.constant(0n) },
          { weight: 3, arbitrary: fc.constantFrom(1n, -1n, 4n, 0x1000n, -0x1000n, 0x100n) },
          { weight: 1, arbitrary: fc.constantFrom(...ADDRESS_EXTRA) },
          { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
        ),
        spelling: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('hex' as const, 'dec' as const, 'oct' as const) }, { weight: 1, arbitrary: fc.nat({ max: BAD_SPELLINGS.length - 1 }) }),
      });
    const image = (loadable: number[]): fc.Arbitrary<ImageArg> =>
      fc.record({
        source: fc.oneof(
          { weight: 4, arbitrary: fc.record({ kind: fc.constant('bytes' as const), size: fc.oneof({ weight: 2, arbitrary: fc.nat({ max: 0x3000 }) }, { weight: 1, arbitrary: fc.constantFrom(...SIZES) }, { weight: 1, arbitrary: fc.nat({ max: 0x12000 }) }), seed: fc.nat() }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('string' as const), text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '-a', '-s', '--name', ';', "'", '"')) }) },
        ),
        address: fc.option(address(loadable), { freq: 6, nil: undefined }),
      });
    const load = fc.nat({ max: this.cells.length - 1 }).chain((cell) => {
      const loadable = this.cells[cell]!.memory_regions.flatMap((r, i) => (r.flags & MemFlags.LOADABLE ? [i] : []));
      return fc.record({
        mode: fc.constant('load' as const),
        cell: fc.constant(cell),
        selector: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('name' as const, 'id' as const, '--name' as const) }, { weight: 1, arbitrary: fc.constantFrom('no-such-name' as const, 'no-such-id' as const, 'root' as const, 'id+2^32' as const) }),
        images: fc.array(image(loadable.length ? loadable : [0]), { minLength: 1, maxLength: 3 }),
      });
    });
    const addr = fc.oneof(fc.constantFrom(DEFAULT_RAW_LOAD, 0x4000_0000, 0x7fa1_0000 - 0x1000, 0x7fa1_0000, 0, 1, 2, DEFAULT_RAW_LOAD + 2, 2 ** 53, -1, 1.5, Number.NaN), fc.nat({ max: 0xffff_ffff }));
    const guest = fc.record({
      mode: fc.constant('guest' as const),
      program: this.programs.length ? fc.integer({ min: -1, max: this.programs.length - 1 }) : fc.constant(-1),
      muts: fc.oneof({ weight: 1, arbitrary: fc.constant<ElfMutation[]>([]) }, { weight: 3, arbitrary: fc.array(elfMutationArb(), { minLength: 1, maxLength: 3 }) }),
      rawSize: fc.oneof(fc.constantFrom(0, 1, 3, 4, 4096), fc.nat({ max: 70_000 })),
      load: fc.option(addr, { freq: 2, nil: undefined }),
      entry: fc.option(addr, { freq: 2, nil: undefined }),
    });
    this.arbitrary = fc.oneof({ weight: 3, arbitrary: load }, { weight: 2, arbitrary: guest });
  }

  async execute(c: ImageCase): Promise<Outcome> {
    return c.mode === 'load' ? this.load(c) : this.guest(c);
  }

  // --- jailhouse cell load --------------------------------------------------------------

  private region(cell: CellConfig, i: number): CellConfig['memory_regions'][number] {
    return cell.memory_regions[i % cell.memory_regions.length]!;
  }

  private resolve(c: LoadCase): Resolved[] {
    const cell = this.cells[c.cell]!;
    return c.images.map((im) => {
      const r = this.region(cell, im.address?.region ?? 0);
      let bytes: Uint8Array;
      if (im.source.kind === 'string') {
        const s = encodeUtf8(im.source.text);
        bytes = new Uint8Array(s.length + 1);
        bytes.set(s);
      } else {
        const s = im.source.size;
        const n = typeof s === 'number' ? s : { empty: 0, one: 1, page: 4096, 'region-1': r.size - 1, region: r.size, 'region+1': r.size + 1, 'beyond-arg-max': UserProcess.ARG_MAX + 1 }[s];
        bytes = new Uint8Array(Math.max(0, n));
        const rng = new Rng(im.source.seed);
        for (let i = 0; i < bytes.length; i++) bytes[i] = rng.u32() & 0xff;
      }
      const a = im.address;
      if (!a) return { bytes, address: 0n };
      const start = BigInt(r.virt_start);
      const end = start + BigInt(r.size);
      const v = { start, end, 'fit-end': end - BigInt(bytes.length), 'end-1': end - 1n, absolute: 0n }[a.from] + a.delta;
      if (typeof a.spelling === 'number') return { bytes, address: undefined, typed: BAD_SPELLINGS[a.spelling]! };
      if (v < 0n) return { bytes, address: undefined, typed: `-${(-v).toString(16)}` };
      const typed = a.spelling === 'hex' ? `0x${v.toString(16)}` : a.spelling === 'dec' ? v.toString(10) : `0${v.toString(8)}`;
      return { bytes, address: v, typed: typed === '00' ? '0' : typed };
    });
  }

  /** The load line, with image files written as `tag` files. */
  private line(c: LoadCase, images: Resolved[], id: string, tag: string): string {
    const cell = this.cells[c.cell]!;
    const sel = { name: [cell.name], id: [id], '--name': ['--name', cell.name], 'no-such-name': ['no-such-cell'], 'no-such-id': ['77'], root: ['0'], 'id+2^32': [String(2 ** 32 + Number(id))] }[c.selector];
    const args = ['jailhouse', 'cell', 'load', ...sel];
    images.forEach((im, i) => {
      const src = c.images[i]!.source;
      if (src.kind === 'string') args.push('-s', src.text);
      else {
        const file = join(this.env.workDir, `image-${tag}-${i}.bin`);
        writeFileSync(file, im.bytes);
        args.push(file);
      }
      if (im.typed !== undefined) args.push('-a', im.typed);
    });
    return args.map((a) => (a === '' ? "''" : shellQuote(a))).join(' ');
  }

  /** Whether the cell's config lets every image in (first region holding the address decides, as in the driver). */
  private expectAccepted(c: LoadCase, images: Resolved[]): { ok: boolean; why: string } {
    if (!['name', 'id', '--name', 'id+2^32'].includes(c.selector)) return { ok: false, why: `selector ${c.selector}` };
    const total = 48 + images.length * 32 + images.reduce((a, im) => a + im.bytes.length, 0);
    if (total > UserProcess.ARG_MAX) return { ok: false, why: `${total} bytes exceed the ioctl buffer` };
    for (const im of images) {
      if (im.address === undefined) return { ok: false, why: `-a ${JSON.stringify(im.typed)} is not a number` };
      if (im.bytes.length === 0) continue;
      const r = this.cells[c.cell]!.memory_regions.find((m) => im.address! >= BigInt(m.virt_start) && im.address! < BigInt(m.virt_start) + BigInt(m.size));
      if (!r) return { ok: false, why: `no region holds 0x${im.address.toString(16)}` };
      const fits = im.address + BigInt(im.bytes.length) <= BigInt(r.virt_start) + BigInt(r.size);
      if (!fits || !(r.flags & MemFlags.WRITE) || !(r.flags & MemFlags.LOADABLE)) return { ok: false, why: `0x${im.address.toString(16)}+0x${im.bytes.length.toString(16)} does not fit a WRITE|LOADABLE region` };
    }
    return { ok: true, why: 'every image fits a LOADABLE region' };
  }

  private async load(c: LoadCase): Promise<Outcome> {
    const h = this.host;
    await h.prepare();
    const cell = this.cells[c.cell]!;
    const cr = await h.runChecked(`jailhouse cell create configs/cells/${CELLS[c.cell]}.json`);
    if (cr.code !== 0) throw new FuzzFailure('cleanup', `the bundled cell ${CELLS[c.cell]} could not be created (${cr.code}):\n${cr.err}`);
    const ids = await h.nonRootCells();
    const id = ids[0] ?? '1';
    const before = await h.snapshot();
    const images = this.resolve(c);
    const line = this.line(c, images, id, 'case');
    const r = await h.runChecked(line, line);
    await h.checkConsole(line);
    const want = this.expectAccepted(c, images);
    if (r.code === 0 && !want.ok) throw new FuzzFailure('oracle', `\`jailhouse cell load\` accepted images the cell's config does not admit (${want.why})`);
    if (r.code !== 0 && want.ok) throw new FuzzFailure('oracle', `\`jailhouse cell load\` refused images that fit (${want.why}):\n${r.out}${r.err}`);
    if (r.code === 0) this.checkLanded(cell, images);
    else {
      this.counters.add(checkErrnoLines('`jailhouse cell load`', r.err)[0] ?? 'tool');
      checkRefusalNamed('`jailhouse cell load`', r.out, r.err);
    }
    // A refused load may still have stopped the cell (SET_LOADABLE comes first, as upstream).
    await h.expectState(r.code === 0 ? '`jailhouse cell load`' : 'a refused `jailhouse cell load`', before, ['cells']);
    for (const x of await h.nonRootCells()) {
      const d = await h.runChecked(`jailhouse cell destroy ${x}`);
      if (d.code !== 0) throw new FuzzFailure('cleanup', `cell ${x} could not be destroyed after the load (${d.code}):\n${d.err}`);
    }
    await h.expectState('cell create, load and destroy', h.baseline!);
    if (r.code === 0) this.counters.add('loaded');
    return r.code === 0 ? 'accepted' : 'refused';
  }

  /** Every image no later image overwrites is in the cell's RAM at the address asked for. */
  private checkLanded(cell: CellConfig, images: Resolved[]): void {
    const m = this.host.machine!;
    images.forEach((im, i) => {
      if (!im.bytes.length || im.address === undefined) return;
      const lo = im.address;
      const hi = lo + BigInt(im.bytes.length);
      if (images.slice(i + 1).some((o) => o.bytes.length && o.address !== undefined && o.address < hi && o.address + BigInt(o.bytes.length) > lo)) return;
      const r = cell.memory_regions.find((x) => lo >= BigInt(x.virt_start) && lo < BigInt(x.virt_start) + BigInt(x.size))!;
      const phys = r.phys_start + Number(lo - BigInt(r.virt_start));
      const got = m.mem.copyOut(phys, im.bytes.length);
      const bad = got.findIndex((b, j) => b !== im.bytes[j]);
      if (bad >= 0) throw new FuzzFailure('oracle', `image ${i} (${im.bytes.length} bytes for 0x${lo.toString(16)}) is not in the cell's RAM at 0x${phys.toString(16)}: first difference at +0x${bad.toString(16)}`);
    });
  }

  // --- guest run's image path ---------------------------------------------------------------

  private guestBytes(c: GuestCase): { name: string; bytes: Uint8Array } {
    if (c.program < 0) {
      const b = new Uint8Array(c.rawSize);
      const rng = new Rng(c.rawSize);
      for (let i = 0; i < b.length; i++) b[i] = rng.u32() & 0xff;
      return { name: `raw-${c.rawSize}.bin`, bytes: b };
    }
    const p = this.programs[c.program]!;
    return { name: p.name, bytes: applyElfMutations(p.bytes, c.muts) };
  }

  private async guest(c: GuestCase): Promise<Outcome> {
    const { name, bytes } = this.guestBytes(c);
    let image;
    try {
      image = prepareGuestImage({ image: bytes, name, load: c.load, entry: c.entry }, this.guestSys);
    } catch (e) {
      if (!(e instanceof ErrnoError)) throw escaped(`guest run's image checks (${name})`, e);
      if (!GUEST_IMAGE_ERRNOS.has(e.errno) || !e.message.startsWith(`${name}: `)) {
        throw new FuzzFailure('errno', `guest run refused ${name} with errno ${e.errno} or without naming the image: ${e.message}`);
      }
      checkText('guest run', e.message, `${String(c.load)} ${String(c.entry)}`);
      this.counters.add(`guest ${e.errno === Errno.ENOEXEC ? 'ENOEXEC' : e.errno === Errno.EINVAL ? 'EINVAL' : 'E2BIG'}`);
      return 'refused';
    }
    this.mem ??= new PhysicalMemory(this.env.guestBoard.ram.map((b) => ({ base: b.base, size: b.size, sab: new SharedArrayBuffer(b.size) })));
    try {
      loadImage(this.mem, image);
    } catch (e) {
      throw new FuzzFailure('oracle', `guest run accepted ${name} (entry 0x${image.entry.toString(16)}) but loading it failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.counters.add('guest accepted');
    return 'accepted';
  }

  describe(c: ImageCase): string {
    if (c.mode === 'guest') {
      const what = c.program < 0 ? `a raw blob of ${c.rawSize} bytes` : `${this.programs[c.program]!.name} with ${describeElfMutations(c.muts)}`;
      return `guest run of ${what}, --load ${show(c.load)}, --entry ${show(c.entry)}`;
    }
    return `${this.line(c, this.resolve(c), '1', 'describe')} (cell ${CELLS[c.cell]}, images ${show(c.images)})`;
  }

  reproduce(c: ImageCase, tag: string): string {
    if (c.mode === 'guest') {
      const { name, bytes } = this.guestBytes(c);
      const file = join(this.env.workDir, `${tag}-${name}`);
      writeFileSync(file, bytes);
      const opt = (k: string, v: number | undefined): string => (v === undefined ? '' : ` --${k} ${Number.isSafeInteger(v) && v >= 0 ? `0x${v.toString(16)}` : String(v)}`);
      return `${this.env.jhsim} guest run ${file}${opt('load', c.load)}${opt('entry', c.entry)} --max-instructions 1000 --timeout 10`;
    }
    const line = this.line(c, this.resolve(c), '1', tag);
    return `${this.env.jhsim} run -c ${shellQuote(`jailhouse enable ${rootConfigFor(this.env)}; jailhouse cell create configs/cells/${CELLS[c.cell]}.json; ${line}`)}`;
  }

  reset(): Promise<void> {
    return this.host.discard();
  }

  close(): Promise<void> {
    this.mem = undefined;
    return this.host.discard();
  }

  notes(): Record<string, number> {
    return this.counters.toJSON();
  }
}

export const imageTarget: FuzzTarget = {
  name: 'image',
  start: async (env) => new ImageRun(env) as TargetRun<unknown>,
};
