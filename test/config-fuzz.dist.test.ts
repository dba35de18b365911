/**
 * Bad binary cell configs never break the machine. Mutations of hello.json's `.cell` image
 * (element counts one past the file or millions, cpu_set_size 0 or huge, truncation, regions at
 * wild physical and guest-physical addresses), then a seeded fast-check campaign over the same
 * fields, go to `jailhouse cell create` on one enabled machine. For each: a clear error or a
 * cell that can be destroyed again, no JavaScript exception text anywhere, no hang, and after a
 * refused create the machine as it was (cell list, online CPUs, mem_pool_used).
 */
import './dist-fresh.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadCellConfig, serializeCellConfig } from '../dist/shared/config/index.js';
import { CELL_DESC_SIZE, CELL_OFF, MEM_OFF } from '../dist/shared/config/layout.js';
import { bootRootShell, type RootShell } from './root-shell.js';

vi.setConfig({ testTimeout: 240_000 });

const tmp = mkdtempSync(join(tmpdir(), 'jhsim-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BASE = serializeCellConfig(loadCellConfig('configs/cells/hello.json').config);
const JS_ERROR = /RangeError|TypeError|ReferenceError|\n\s+at [\w.<>]+ \(/;

type Mutation = (d: DataView) => void;
const u32 = (off: number, v: number): Mutation => (d) => d.setUint32(off, v >>> 0, true);
const region = (field: number, v: bigint): Mutation => (d) => d.setBigUint64(CELL_DESC_SIZE + d.getUint32(CELL_OFF.cpu_set_size, true) + field, v, true);

const FIXED: [string, Mutation | 'truncate'][] = [
  ['cpu_set_size 0', u32(CELL_OFF.cpu_set_size, 0)],
  ['cpu_set_size 65536', u32(CELL_OFF.cpu_set_size, 65536)],
  ['one memory region more than the file holds', (d) => d.setUint32(CELL_OFF.num_memory_regions, d.getUint32(CELL_OFF.num_memory_regions, true) + 1, true)],
  ['a million memory regions', u32(CELL_OFF.num_memory_regions, 1_000_000)],
  ['one irqchip more', (d) => d.setUint32(CELL_OFF.num_irqchips, d.getUint32(CELL_OFF.num_irqchips, true) + 1, true)],
  ['a million PCI devices', u32(CELL_OFF.num_pci_devices, 1_000_000)],
  ['a million PCI caps', u32(CELL_OFF.num_pci_caps, 1_000_000)],
  ['a million stream ids', u32(CELL_OFF.num_stream_ids, 1_000_000)],
  ['a million cache regions', u32(CELL_OFF.num_cache_regions, 1_000_000)],
  ['truncated inside the descriptor', 'truncate'],
  ['RAM at a physical address beyond any RAM', region(MEM_OFF.phys_start, 0xfff0_0000_0000_0000n)],
  ['RAM at a guest-physical address beyond the stage-2 input range', region(MEM_OFF.virt_start, 0x0001_0000_0000_0000n)],
];

function mutated(m: Mutation | 'truncate'): Uint8Array {
  if (m === 'truncate') return BASE.slice(0, 60);
  const b = new Uint8Array(BASE);
  m(new DataView(b.buffer));
  return b;
}

interface Snapshot { cells: string; online: string; pool: string }

async function snapshot(b: RootShell): Promise<Snapshot> {
  return {
    cells: (await b.run('jailhouse cell list')).out,
    online: (await b.run('cat /sys/devices/system/cpu/online')).out,
    pool: (await b.run('cat /sys/devices/jailhouse/mem_pool_used')).out,
  };
}

/** cell create of `bytes`; the outcome checked as the header says. */
async function tryCreate(b: RootShell, label: string, bytes: Uint8Array, before: Snapshot, n: number): Promise<void> {
  const file = join(tmp, `case-${n}.cell`);
  writeFileSync(file, bytes);
  const r = await b.run(`jailhouse cell create ${file}`);
  const con = (await b.run('jailhouse console')).out;
  expect(`${r.out}${r.err}${con}`, label).not.toMatch(JS_ERROR);
  expect(b.m.hangs, label).toEqual([]);
  expect(b.m.faults, label).toEqual([]);
  if (r.code === 0) {
    expect((await b.run('jailhouse cell destroy hello')).code, `${label}: destroy`).toBe(0);
    expect((await snapshot(b)).online, label).toBe(before.online);
  } else {
    expect(r.err, label).toMatch(/^JAILHOUSE_CELL_CREATE: .*\n {2}E[A-Z0-9]+ \(\d+\): /);
    expect(await snapshot(b), label).toEqual(before);
  }
}

describe('bad binary cell configs against jailhouse cell create', () => {
  it('the fixed mutations and a seeded random campaign: clear errors, no JS exceptions, no hang, nothing changed', async () => {
    const seed = Number(process.env.JHSIM_SEED ?? Date.now() % 1_000_000);
    process.stdout.write(`config-fuzz: seed ${seed} (re-run: JHSIM_SEED=${seed} npx vitest run test/config-fuzz.dist.test.ts)\n`);
    const b = await bootRootShell({ watchdogMs: 5000 });
    try {
      expect((await b.run('jailhouse enable configs/qemu-arm64.json')).code).toBe(0);
      const before = await snapshot(b);
      let n = 0;
      for (const [label, m] of FIXED) await tryCreate(b, label, mutated(m), before, n++);
      const field = fc.constantFrom(CELL_OFF.cpu_set_size, CELL_OFF.num_memory_regions, CELL_OFF.num_irqchips, CELL_OFF.num_pci_devices, CELL_OFF.num_pci_caps, CELL_OFF.num_cache_regions);
      const value = fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 0xffff_ffff }));
      const regionField = fc.constantFrom(MEM_OFF.phys_start, MEM_OFF.virt_start, MEM_OFF.size, MEM_OFF.flags);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(regionField, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))), async (counts, wild) => {
          const bytes = new Uint8Array(BASE);
          const d = new DataView(bytes.buffer);
          if (wild) region(wild[0], wild[1])(d);
          for (const [off, v] of counts) d.setUint32(off, v >>> 0, true);
          await tryCreate(b, `counts ${JSON.stringify(counts)} region ${wild ? `${wild[0]}=0x${wild[1].toString(16)}` : 'as is'}`, bytes, before, n++);
        }),
        { seed, numRuns: 40 },
      );
    } finally {
      await b.m.shutdown();
    }
  });
});
