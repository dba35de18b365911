/**
 * `jailhouse config check SYSCONFIG [CELLCONFIG...]`: the checks of Jailhouse's
 * tools/jailhouse-config-check over a configuration set, in its order and wording, plus those a
 * set needs before its cells can coexist:
 *
 * upstream's                                  | jhsim's
 * --------------------------------------------|------------------------------------------------
 * overlapping memory regions inside a cell     | configuration revision and architecture
 * (physically or virtually)                    | memory shared between non-root cells without
 * regions overlapping the hypervisor memory    |   being ROOTSHARED in both
 * missing PCI MMCONFIG interception            | CPUs claimed by two cells, or not root's
 * missing GICD/GICR interception (arm, arm64)  | SPIs claimed by two cells, or not root's
 *
 * Each finding names the cell, its file, the region index and the addresses.
 */
import { GICD_SIZE, GIC_V3_REDIST_SIZE } from '../arm64/gic-frames.js';
import { Arch, CONFIG_REVISION, MemFlags } from './layout.js';
import type { CellConfig, SystemConfig } from './schema.js';

/** One cell configuration file of the set. */
export interface CheckedCell {
  file: string;
  config: CellConfig;
}

const ARCH_NAMES: Readonly<Record<number, string>> = { [Arch.X86]: 'x86', [Arch.ARM]: 'arm', [Arch.ARM64]: 'arm64' };
const archName = (a: number): string => ARCH_NAMES[a] ?? `unknown (${a})`;

export interface CheckReport {
  /** The whole report, upstream's format. */
  text: string;
  /** The findings, one line each (file, cell, what). */
  findings: string[];
}

interface Region { phys_start: number; virt_start: number; size: number; flags: number }

const MEM_FLAG_NAMES: readonly [number, string][] = [
  [MemFlags.READ, 'READ'], [MemFlags.WRITE, 'WRITE'], [MemFlags.EXECUTE, 'EXECUTE'], [MemFlags.DMA, 'DMA'],
  [MemFlags.IO, 'IO'], [MemFlags.COMM_REGION, 'COMM_REGION'], [MemFlags.LOADABLE, 'LOADABLE'],
  [MemFlags.ROOTSHARED, 'ROOTSHARED'],
];

const hex16 = (n: number): string => `0x${n.toString(16).padStart(16, '0')}`;

/** MemRegion.__str__ of pyjailhouse. */
function regionText(r: Region): string {
  const flags = MEM_FLAG_NAMES.filter(([bit]) => (r.flags & bit) !== 0).map(([, n]) => n).join(' | ');
  return `  phys_start: ${hex16(r.phys_start)}\n  virt_start: ${hex16(r.virt_start)}\n  size:       ${hex16(r.size)}\n  flags:      ${flags}`;
}

function overlaps(a0: number, aSize: number, b0: number, bSize: number): boolean {
  if (aSize === 0 || bSize === 0) return false;
  return (a0 >= b0 && a0 < b0 + bSize) || (b0 >= a0 && b0 < a0 + aSize);
}

const physOverlaps = (a: Region, b: Region): boolean => overlaps(a.phys_start, a.size, b.phys_start, b.size);

/** SPIs (INTIDs) a cell's irqchips give it for the GIC distributor at `gicd`. */
function cellSpis(cell: CellConfig, gicd: number): Set<number> {
  const out = new Set<number>();
  for (const chip of cell.irqchips) {
    if (chip.address !== gicd) continue;
    chip.pin_bitmap.forEach((word, w) => {
      for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.add(chip.pin_base + w * 32 + b);
    });
  }
  return out;
}

/** Runs every check over the system config (from `sysFile`) and the non-root cells' configs. */
export function checkConfigSet(sysFile: string, sys: SystemConfig, cells: CheckedCell[]): CheckReport {
  const out: string[] = [];
  const findings: string[] = [];
  const root: CheckedCell = { file: sysFile, config: sys.root_cell };
  const all = [root, ...cells];
  const finding = (c: CheckedCell, what: string): void => {
    findings.push(`${c.file}: cell '${c.config.name}': ${what}`);
  };
  out.push('Reading configuration set:', `  Architecture:  ${archName(sys.architecture)}`, `  Root cell:     ${root.config.name} (${sysFile})`);
  for (const c of cells) out.push(`  Non-root cell: ${c.config.name} (${c.file})`);

  // Header checks the driver does at load (jhsim's).
  let text = 'Configuration revision and architecture:';
  const header: string[] = [];
  const headerOf = (file: string, revision: number, architecture: number): void => {
    if (revision !== CONFIG_REVISION) header.push(`${file}: revision ${revision}, the driver accepts only ${CONFIG_REVISION}`);
    if (architecture !== sys.architecture) header.push(`${file}: architecture ${archName(architecture)}, the system is ${archName(sys.architecture)}`);
  };
  headerOf(sysFile, sys.revision, sys.architecture);
  for (const c of cells) headerOf(c.file, c.config.revision, c.config.architecture);
  findings.push(...header);
  out.push(text + (header.length ? `${header.map((h) => `\n\n${h}`).join('')}\n` : ' OK'));

  // Upstream: overlapping memory regions inside a cell.
  text = 'Overlapping memory regions inside cell:';
  let found = '';
  for (const c of all) {
    const regs = c.config.memory_regions;
    regs.forEach((a, i) => {
      for (let j = i + 1; j < regs.length; j++) {
        const b = regs[j]!;
        const how = [physOverlaps(a, b) ? 'physically' : '', overlaps(a.virt_start, a.size, b.virt_start, b.size) ? 'virtually' : ''].filter(Boolean);
        if (!how.length) continue;
        found += `\n\nIn cell '${c.config.name}', region ${i}\n${regionText(a)}\n${how.join(' and ')} overlaps with region ${j}\n${regionText(b)}`;
        finding(c, `region ${i} (phys 0x${a.phys_start.toString(16)}, virt 0x${a.virt_start.toString(16)}, size 0x${a.size.toString(16)}) ${how.join(' and ')} overlaps region ${j} (phys 0x${b.phys_start.toString(16)}, virt 0x${b.virt_start.toString(16)}, size 0x${b.size.toString(16)})`);
      }
    });
  }
  out.push(text + (found ? `${found}\n` : ' None'));

  // Upstream: regions overlapping the hypervisor memory.
  const hv: Region = { ...sys.hypervisor_memory, virt_start: sys.hypervisor_memory.phys_start, flags: 0 };
  text = 'Overlapping memory regions with hypervisor:';
  found = '';
  for (const c of all) {
    c.config.memory_regions.forEach((r, i) => {
      if (!physOverlaps(r, hv)) return;
      found += `\n\nIn cell '${c.config.name}', region ${i}\n${regionText(r)}\noverlaps with hypervisor memory region\n${regionText(hv)}`;
      finding(c, `region ${i} (phys 0x${r.phys_start.toString(16)}, size 0x${r.size.toString(16)}) overlaps the hypervisor memory (0x${hv.phys_start.toString(16)}, size 0x${hv.size.toString(16)})`);
    });
  }
  out.push(text + (found ? `${found}\n` : ' None'));

  // Upstream: missing interceptions (MMCONFIG, GIC).
  const resources: { name: string; r: Region }[] = [];
  const pi = sys.platform_info;
  if (pi.pci_mmconfig_base > 0) {
    resources.push({ name: 'MMCONFIG', r: { phys_start: pi.pci_mmconfig_base, virt_start: pi.pci_mmconfig_base, size: (pi.pci_mmconfig_end_bus + 1) * 256 * 4096, flags: 0 } });
  }
  const gic = (name: string, base: number, size: number): void => {
    resources.push({ name, r: { phys_start: base, virt_start: base, size, flags: 0 } });
  };
  if (pi.arm.gic_version === 3) {
    gic('GICD', pi.arm.gicd_base, GICD_SIZE);
    gic('GICR', pi.arm.gicr_base, GIC_V3_REDIST_SIZE);
  } else if (pi.arm.gic_version === 2) {
    gic('GICD', pi.arm.gicd_base, 0x1000);
    gic('GICC', pi.arm.gicc_base, 0x2000);
    gic('GICH', pi.arm.gich_base, 0x2000);
    gic('GICV', pi.arm.gicv_base, 0x2000);
  }
  const missing = (title: string, names: string[]): void => {
    found = '';
    for (const c of all) {
      c.config.memory_regions.forEach((r, i) => {
        for (const res of resources) {
          if (!names.includes(res.name) || !physOverlaps(r, res.r)) continue;
          found += `\n\nIn cell '${c.config.name}', region ${i}\n${regionText(r)}\noverlaps with ${res.name}\n${regionText(res.r)}`;
          finding(c, `region ${i} (phys 0x${r.phys_start.toString(16)}, size 0x${r.size.toString(16)}) maps the ${res.name} (0x${res.r.phys_start.toString(16)}) the hypervisor must intercept`);
        }
      });
    }
    out.push(title + (found ? `${found}\n` : ' None'));
  };
  if (pi.pci_mmconfig_base > 0) missing('Missing PCI MMCONFIG interceptions:', ['MMCONFIG']);
  missing(`Missing resource interceptions for architecture ${archName(sys.architecture)}:`, ['GICD', 'GICR', 'GICC', 'GICH', 'GICV']);

  // jhsim's: memory of one non-root cell mapped by another without ROOTSHARED on both sides.
  text = 'Memory shared between non-root cells without ROOTSHARED in both:';
  found = '';
  const shared = (r: Region): boolean => (r.flags & MemFlags.ROOTSHARED) !== 0;
  const comm = (r: Region): boolean => (r.flags & MemFlags.COMM_REGION) !== 0;
  cells.forEach((a, ai) => {
    for (const b of cells.slice(ai + 1)) {
      a.config.memory_regions.forEach((ra, i) => {
        b.config.memory_regions.forEach((rb, j) => {
          if (comm(ra) || comm(rb) || !physOverlaps(ra, rb) || (shared(ra) && shared(rb))) return;
          found += `\n\nRegion ${i} of cell '${a.config.name}'\n${regionText(ra)}\nand region ${j} of cell '${b.config.name}'\n${regionText(rb)}`;
          finding(a, `region ${i} (phys 0x${ra.phys_start.toString(16)}, size 0x${ra.size.toString(16)}) is also region ${j} of cell '${b.config.name}' (${b.file}) but not ROOTSHARED in both`);
        });
      });
    }
  });
  out.push(text + (found ? `${found}\n` : ' None'));

  // jhsim's: CPUs and SPIs each in one non-root cell, and all of them root's to give.
  const ownership = (title: string, what: string, of: (c: CellConfig) => Set<number>): void => {
    found = '';
    const rootHas = of(sys.root_cell);
    const owner = new Map<number, CheckedCell>();
    for (const c of cells) {
      for (const x of of(c.config)) {
        const o = owner.get(x);
        if (o) {
          found += `\n\n${what} ${x} is in cell '${o.config.name}' and in cell '${c.config.name}'`;
          finding(c, `${what} ${x} is also in cell '${o.config.name}' (${o.file})`);
        } else owner.set(x, c);
        if (!rootHas.has(x)) {
          found += `\n\n${what} ${x} of cell '${c.config.name}' is not the root cell's to give`;
          finding(c, `${what} ${x} is not in the root cell's configuration`);
        }
      }
    }
    out.push(title + (found ? `${found}\n` : ' None'));
  };
  ownership('CPUs claimed twice or not the root cell\'s:', 'CPU', (c) => new Set(c.cpus));
  ownership('Interrupts claimed twice or not the root cell\'s:', 'SPI', (c) => cellSpis(c, pi.arm.gicd_base));

  return { text: `${out.join('\n')}\n`, findings };
}
