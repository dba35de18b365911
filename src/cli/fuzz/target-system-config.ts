/**
 * Target `system-config`: mutated binary root configs (the bundled system configs that run on
 * the board, their root CPU sets adapted to it) go to `jailhouse enable FILE` on a disabled
 * machine. A refusal must name its errno and leave the machine disabled and as it was; an
 * accepted config must disable again, after which the machine is as it was too.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { adaptRootCpuSet, loadSystemConfig, serializeSystemConfig } from '../../shared/config/index.js';
import { PACKAGE_ROOT } from '../paths.js';
import { MachineHost } from './host.js';
import { describeMutations, mutationArb, type Mutation, type MutationSpace, writeMutated } from './config-mutation.js';
import { checkErrnoLines, checkRefusalNamed } from './invariants.js';
import { shellQuote } from './quote.js';
import { interestingAddresses, type BaseFile } from './target-cell-config.js';
import { Counters, FuzzFailure, type FuzzEnv, type FuzzTarget, type TargetRun } from './types.js';

/** Root configs of the default board (rk3588-xilinx.json needs its own board). */
const SYSTEM_CONFIGS = ['configs/qemu-arm64.json', 'configs/qemu-arm64-pcie.json', 'configs/qemu-arm64-guest.json'];

interface SystemCase {
  base: number;
  muts: Mutation[];
}

class SystemConfigRun implements TargetRun<SystemCase> {
  readonly arbitrary: fc.Arbitrary<SystemCase>;
  private readonly host: MachineHost;
  private readonly counters = new Counters();
  private readonly space: MutationSpace;
  private readonly bases: BaseFile[];

  constructor(private readonly env: FuzzEnv) {
    this.host = new MachineHost(env);
    this.bases = SYSTEM_CONFIGS.map((name) => ({ name, bytes: serializeSystemConfig(adaptRootCpuSet(loadSystemConfig(join(PACKAGE_ROOT, name)).config, env.board.cpus)) }));
    this.space = { kind: 'system', boardCpus: env.board.cpus, addresses: interestingAddresses(env) };
    this.arbitrary = fc.record({
      // The plain root config most of the time: its mutations reach deepest.
      base: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat({ max: this.bases.length - 1 }) }),
      muts: fc.array(mutationArb(this.space), { minLength: 1, maxLength: 4 }),
    });
  }

  /** The case's config written to a file of its own, and its bytes as text. */
  private write(c: SystemCase, tag: string): { file: string; input: string } {
    return writeMutated(join(this.env.workDir, `system-config-${tag}.cell`), this.bases[c.base]!.bytes, c.muts, this.space);
  }

  async execute(c: SystemCase): Promise<'refused' | 'accepted'> {
    const h = this.host;
    await h.prepare();
    const before = h.baseline!;
    const { file, input } = this.write(c, 'case');
    const r = await h.runChecked(`jailhouse enable ${file}`, input);
    await h.checkConsole(input);
    if (r.code !== 0) {
      const errnos = checkErrnoLines('`jailhouse enable`', r.err);
      checkRefusalNamed('`jailhouse enable`', r.out, r.err, file);
      this.counters.add(errnos[0] ?? 'tool');
      await h.expectState('a refused `jailhouse enable`', before);
      return 'refused';
    }
    const d = await h.runChecked('jailhouse disable');
    if (d.code !== 0) throw new FuzzFailure('cleanup', `the accepted config could not be disabled again (${d.code}):\n${d.err}`);
    await h.checkConsole(input);
    await h.expectState('`jailhouse enable` and `jailhouse disable`', before);
    this.counters.add('enabled');
    return 'accepted';
  }

  describe(c: SystemCase): string {
    return `${this.bases[c.base]!.name} (binary, root CPUs 0-${this.env.board.cpus - 1}) with ${describeMutations(c.muts)}`;
  }

  reproduce(c: SystemCase, tag: string): string {
    return `${this.env.jhsim} run -c ${shellQuote(`jailhouse enable ${this.write(c, tag).file}; jailhouse disable`)}`;
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

export const systemConfigTarget: FuzzTarget = {
  name: 'system-config',
  start: async (env) => new SystemConfigRun(env) as TargetRun<unknown>,
};
