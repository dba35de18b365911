/**
 * The isolation attacks as a user runs them: gic-victim in iso-victim.json (CPU 2, SPIs 146 and
 * 152) watches its own distributor state and prints every change; gic-attack in
 * iso-attacker.json (CPU 3, SPIs 128 and 144) makes one narrow or unaligned access to the
 * registers they share. Byte writes to the set/clear registers are ignored by the GIC (word-only
 * registers, IHI 0069 12.1.3), unaligned word writes with the MMU off fault at EL1 before they
 * reach the hypervisor (Arm ARM: Device memory), and the byte write to GICD_IPRIORITYR that
 * upstream Jailhouse's restrict_bitmask_access lets through is reported by the isolation
 * monitor, or stopped by --filters fixed.
 */
import './dist-fresh.js';
import { describe, expect, it, vi } from 'vitest';
import { IsolationMode } from '../dist/actors/cpu/layout.js';
import type { MachineOptions } from '../dist/actors/cpu/supervisor.js';
import { enabledPerTest, sleep, untilLine, type Booted } from './root-shell.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const enabled = enabledPerTest();

const VIOLATION = /jhsim: isolation violation: cell "iso-attacker" \(CPU 3\) wrote GICD_IPRIORITYR36\+2 \(1 byte\): changed the priority of SPI 146, owned by cell "iso-victim"; let through by restrict_bitmask_access/;

/** Victim running and watching, then attack `n`; the victim's lines after "watching" and the console. */
async function attack(n: number, opts: Partial<MachineOptions> = {}): Promise<{ b: Booted; attacker: string[]; victim: string[]; console: string }> {
  const b = await enabled(opts);
  for (const line of ['jailhouse cell create configs/cells/iso-victim.json', 'jailhouse cell load iso-victim configs/inmates/gic-victim.bin', 'jailhouse cell start iso-victim']) {
    expect((await b.run(line)).code, line).toBe(0);
  }
  expect((await untilLine(b, 'iso-victim', /watching/)).at(-1)).toBe('gic-victim: watching');
  for (const line of ['jailhouse cell create configs/cells/iso-attacker.json', `jailhouse cell load iso-attacker configs/inmates/gic-attack.bin -s ${n} -a 0x1000`, 'jailhouse cell start iso-attacker']) {
    expect((await b.run(line)).code, line).toBe(0);
  }
  const attacker = await untilLine(b, 'iso-attacker', /survived|FATAL/);
  // The victim polls its registers about every millisecond: give it many rounds.
  await sleep(300);
  const v = b.lines('iso-victim');
  return { b, attacker, victim: v.slice(v.indexOf('gic-victim: watching') + 1), console: (await b.run('jailhouse console')).out };
}

describe('narrow and unaligned GIC distributor accesses from a cell beside a victim', () => {
  for (const [n, reg] of [[8, 'GICD_ICENABLER4'], [9, 'GICD_ISPENDR4']] as const) {
    it(`attack ${n}: a byte write to lane 3 of ${reg} (SPI 152) changes nothing: the GIC takes these registers as words only`, async () => {
      const { b, attacker, victim, console } = await attack(n);
      expect(attacker).toContain('gic-attack: survived');
      expect(victim).toEqual([]);
      expect(console).not.toMatch(/isolation violation/);
      expect(JSON.parse((await b.run('cpus --json')).out)[3].isolation_violations).toBe(0);
    });
  }

  for (const [n, off] of [[10, 0x191], [11, 0x211]] as const) {
    it(`attack ${n}: an unaligned 32-bit write with the MMU off takes an alignment fault at EL1 (EC 0x25, DFSC 0x21) and never reaches the GIC`, async () => {
      const { b, attacker, victim } = await attack(n);
      // ESR_EL1: EC 0x25 (data abort, same EL), IL, WnR, DFSC 0x21; no instruction syndrome at EL1.
      expect(attacker.at(-1)).toMatch(new RegExp(`^FATAL: unhandled exception, vector 0x200, ESR 0x96000061, ELR 0x[0-9a-f]+, FAR 0x${(0x0800_0000 + off).toString(16)}$`));
      expect(victim).toEqual([]);
      // Nothing trapped to the hypervisor: CPU 3's only exits are the management ones of its start.
      expect(Number((await b.run('cat /sys/devices/jailhouse/cells/2/statistics/cpu3/vmexits_mmio')).out)).toBe(0);
    });
  }

  it("attack 12: a byte write to the victim's lane of GICD_IPRIORITYR36 reaches SPI 146 through upstream's filter, and the monitor reports it", async () => {
    const { b, attacker, victim, console } = await attack(12);
    expect(attacker).toContain('gic-attack: survived');
    expect(victim).toEqual(['gic-victim: GICD_IPRIORITYR36 changed: 0xa00000 -> 0x0']);
    expect(console).toMatch(VIOLATION);
    const cpus = JSON.parse((await b.run('cpus --json')).out) as { cpu: number; cell: string; isolation_violations: number }[];
    expect(cpus.map((c) => c.isolation_violations)).toEqual([0, 0, 0, 1]);
    expect(cpus[3]!.cell).toBe('iso-attacker');
    expect((await b.run('cat /sys/kernel/debug/jhsim/isolation_violations /sys/kernel/debug/jhsim/cpu3/isolation_violations')).out).toBe('1\n1\n');
    expect((await b.run('cpus')).out.split('\n')[4]).toMatch(/^3 .* 1 {2}pc 0x[0-9a-f]+ EL1$/);
  });

  it('attack 12 with --filters fixed: the corrected filter shifts the mask to the byte lane and SPI 146 keeps its priority', async () => {
    const { attacker, victim, console } = await attack(12, { isolation: IsolationMode.FIXED_FILTERS });
    expect(attacker).toContain('gic-attack: survived');
    expect(victim).toEqual([]);
    expect(console).not.toMatch(/isolation violation/);
  });

  it('attack 12 with --isolation-monitor off: the leak happens unreported, as on real Jailhouse', async () => {
    const { b, victim, console } = await attack(12, { isolation: IsolationMode.MONITOR_OFF });
    expect(victim).toEqual(['gic-victim: GICD_IPRIORITYR36 changed: 0xa00000 -> 0x0']);
    expect(console).not.toMatch(/isolation violation/);
    expect((await b.run('cat /sys/kernel/debug/jhsim/isolation_violations')).out).toBe('0\n');
  });
});
