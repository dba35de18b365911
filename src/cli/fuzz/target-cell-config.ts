/**
 * Target `cell-config`: mutated binary `.cell` images of every bundled cell config go to
 * `jailhouse cell create FILE` on a machine enabled with the bundled root config. A refusal
 * must name its errno and leave the machine as it was; a created cell must be destroyable,
 * after which the machine is as it was too.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCellConfig, loadSystemConfig, serializeCellConfig } from '../../shared/config/index.js';
import { PACKAGE_ROOT } from '../paths.js';
import { MachineHost, ROOT_CONFIG, rootConfigFor } from './host.js';
import { FuzzFailure, Counters, type FuzzEnv, type FuzzTarget, type TargetRun } from './types.js';
import { describeMutations, mutationArb, type Mutation, type MutationSpace, writeMutated } from './config-mutation.js';
import { checkErrnoLines, checkRefusalNamed } from './invariants.js';
import { shellQuote } from './quote.js';

interface CellCase {
  base: number;
  muts: Mutation[];
}

export interface BaseFile {
  name: string;
  bytes: Uint8Array;
}

/** Every bundled cell config, serialized. */
export function bundledCells(): BaseFile[] {
  const dir = join(PACKAGE_ROOT, 'configs', 'cells');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ name: `configs/cells/${f}`, bytes: serializeCellConfig(loadCellConfig(join(dir, f)).config) }));
}

/** Addresses at the edges of the board's RAM, the hypervisor memory and the root cell's regions. */
export function interestingAddresses(env: FuzzEnv): bigint[] {
  const out = new Set<bigint>();
  for (const r of env.board.ram) {
    out.add(BigInt(r.base));
    out.add(BigInt(r.base) + BigInt(r.size));
  }
  const sys = loadSystemConfig(join(PACKAGE_ROOT, ROOT_CONFIG)).config;
  out.add(BigInt(sys.hypervisor_memory.phys_start));
  out.add(BigInt(sys.hypervisor_memory.phys_start + sys.hypervisor_memory.size));
  for (const m of sys.root_cell.memory_regions) {
    out.add(BigInt(m.phys_start));
    out.add(BigInt(m.phys_start + m.size));
  }
  return [...out];
}

class CellConfigRun implements TargetRun<CellCase> {
  readonly arbitrary: fc.Arbitrary<CellCase>;
  private readonly host: MachineHost;
  private readonly counters = new Counters();
  private readonly space: MutationSpace;
  private readonly root: string;

  constructor(
    private readonly env: FuzzEnv,
    private readonly bases: BaseFile[],
  ) {
    this.root = rootConfigFor(env);
    this.host = new MachineHost(env, [`jailhouse enable ${this.root}`]);
    this.space = { kind: 'cell', boardCpus: env.board.cpus, addresses: interestingAddresses(env) };
    this.arbitrary = fc.record({
      base: fc.nat({ max: bases.length - 1 }),
      muts: fc.array(mutationArb(this.space), { minLength: 1, maxLength: 4 }),
    });
  }

  /** The case's config written to a file of its own, and its bytes as text. */
  private write(c: CellCase, tag: string): { file: string; input: string } {
    return writeMutated(join(this.env.workDir, `cell-config-${tag}.cell`), this.bases[c.base]!.bytes, c.muts, this.space);
  }

  async execute(c: CellCase): Promise<'refused' | 'accepted'> {
    const h = this.host;
    await h.prepare();
    const before = h.baseline!;
    const { file, input } = this.write(c, 'case');
    const r = await h.runChecked(`jailhouse cell create ${file}`, input);
    await h.checkConsole(input);
    if (r.code !== 0) {
      const errnos = checkErrnoLines('`jailhouse cell create`', r.err);
      checkRefusalNamed('`jailhouse cell create`', r.out, r.err, file);
      this.counters.add(errnos[0] ?? 'tool');
      await h.expectState('a refused `jailhouse cell create`', before);
      return 'refused';
    }
    await this.destroyAll();
    // Pool pages may stay in use after a create/destroy cycle (a block mapping split into a page
    // table is not merged back, as upstream), but a second identical cycle must not take more.
    await h.expectState('`jailhouse cell create` and `jailhouse cell destroy`', before, ['memPoolUsed', 'remapPoolUsed']);
    const once = await h.snapshot();
    if (once.memPoolUsed !== before.memPoolUsed || once.remapPoolUsed !== before.remapPoolUsed) {
      const again = await h.runChecked(`jailhouse cell create ${file}`, input);
      if (again.code !== 0) throw new FuzzFailure('state-changed', `the same config, created and destroyed once, is refused the second time (${again.code}):\n${again.err}`);
      await this.destroyAll();
      await h.expectState('a second identical create/destroy cycle (pool pages leak per cycle)', once);
      h.baseline = once;
      this.counters.add('pool grew once');
    }
    this.counters.add('created');
    return 'accepted';
  }

  private async destroyAll(): Promise<void> {
    const ids = await this.host.nonRootCells();
    if (!ids.length) this.counters.add('accepted without a cell');
    for (const id of ids) {
      const d = await this.host.runChecked(`jailhouse cell destroy ${id}`);
      if (d.code !== 0) throw new FuzzFailure('cleanup', `the created cell ${id} could not be destroyed (${d.code}):\n${d.err}`);
    }
  }

  describe(c: CellCase): string {
    return `${this.bases[c.base]!.name} with ${describeMutations(c.muts)}`;
  }

  reproduce(c: CellCase, tag: string): string {
    const file = this.write(c, tag).file;
    return `${this.env.jhsim} run -c ${shellQuote(`jailhouse enable ${this.root}; jailhouse cell create ${file}; jailhouse cell list`)}`;
  }

  reset(): Promise<void> {
    return this.host.discard();
  }

  close(): Promise<void> {
    return this.host.discard();
  }

  notes(): Record<string, number> {
    return this.counters.toJSON();
  }
}

export const cellConfigTarget: FuzzTarget = {
  name: 'cell-config',
  start: async (env) => new CellConfigRun(env, bundledCells()) as TargetRun<unknown>,
};
