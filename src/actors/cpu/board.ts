/**
 * Board description: the hardware the hypervisor is enabled on. The default is modelled on
 * QEMU's arm64 `virt` machine (GICv3, 1 GiB RAM at 0x40000000) as Jailhouse's qemu-arm64
 * configs assume it. It lives with the CPU actor, which builds the machine from it (its PCIe
 * hierarchy is validated by the PCIe model), not in shared/, which imports no actor.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GIC_V3_REDIST_SIZE } from '../gic/regs.js';
import { mpidrAffinity } from '../../shared/arm64/mpidr.js';
import { PcieNodeSchema, TopologyError, flattenTopology } from '../pcie/topology.js';
import { BoardImportError, resolveBoardImports } from '../pcie/board-import.js';

export const MIN_CPUS = 2;
export const MAX_CPUS = 64;

const hex = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+)$/, 'expected a number or a 0x-prefixed hex string'),
]);
const addr = hex.transform((v) => (typeof v === 'number' ? v : Number(v)));

const uartSchema = z.object({
  base: addr,
  /** Bytes of the register window (a PL011 decodes 4 KiB; offsets past 0xffc read as zero). */
  size: addr.default(0x1000),
  /** GIC INTID of its interrupt line (jhsim does not assert it yet). */
  irq: z.number().int(),
});

export type UartDesc = z.infer<typeof uartSchema>;

export const BoardSchema = z
  .object({
    name: z.string().min(1),
    cpus: z.number().int().min(MIN_CPUS).max(MAX_CPUS),
    /** CPUs per Aff1 cluster: QEMU virt with GICv3 puts 16 CPUs in each cluster (Aff0 0..15). */
    cpus_per_cluster: z.number().int().min(1).max(256).default(16),
    /** ID_AA64MMFR0_EL1.PARange expressed as a bit count (cortex-a57: 40). */
    pa_bits: z.union([z.literal(32), z.literal(36), z.literal(40), z.literal(42), z.literal(44), z.literal(48)]).default(40),
    ram: z.array(z.object({ base: addr, size: addr })).min(1),
    gic: z.object({
      version: z.literal(3),
      gicd_base: addr,
      gicr_base: addr,
      gicr_stride: addr.default(GIC_V3_REDIST_SIZE),
      maintenance_irq: z.number().int().default(25),
      /** Interrupt IDs the distributor implements (32 SGIs/PPIs + SPIs; QEMU virt: 256 SPIs). */
      nr_irqs: z.number().int().min(64).max(1024).multipleOf(32).default(288),
    }),
    /** The root console: a PL011 (QEMU virt: 0x09000000, INTID 33 = SPI 1). */
    uart: uartSchema,
    /**
     * Extra PL011s for per-cell consoles (jhsim's: QEMU virt has only the one above). Absent
     * from a board file = none.
     */
    uarts: z.array(uartSchema).default([]),
    pci: z.object({
      ecam_base: addr,
      ecam_size: addr,
      mmio_base: addr,
      mmio_size: addr,
      pio_base: addr,
      pio_size: addr,
      /** The hierarchy below the root complex (actors/pcie/topology.ts); enumerated at boot. */
      devices: z.array(PcieNodeSchema).default([]),
    }),
    timer_hz: z.number().int().positive().default(62_500_000),
  })
  .strict()
  .superRefine((b, ctx) => {
    try {
      flattenTopology(b.pci.devices);
    } catch (e) {
      if (!(e instanceof TopologyError) && !(e instanceof RangeError)) throw e;
      ctx.addIssue({ code: 'custom', path: ['pci', 'devices'], message: e.message });
    }
    // A device window must be page-granular and must not hide RAM or another device.
    const uarts = boardUarts(b);
    uarts.forEach((u, i) => {
      const path = i === 0 ? ['uart'] : ['uarts', i - 1];
      if (u.base % 0x1000 !== 0 || u.size % 0x1000 !== 0 || u.size === 0) {
        ctx.addIssue({ code: 'custom', path, message: 'a UART window must be a non-empty multiple of 4 KiB at a 4 KiB-aligned base' });
      }
      const overlaps = (base: number, size: number): boolean => u.base < base + size && base < u.base + u.size;
      if (b.ram.some((r) => overlaps(r.base, r.size))) ctx.addIssue({ code: 'custom', path, message: 'a UART window overlaps RAM' });
      if (uarts.slice(0, i).some((o) => overlaps(o.base, o.size))) ctx.addIssue({ code: 'custom', path, message: 'two UART windows overlap' });
    });
  });

export type Board = z.infer<typeof BoardSchema>;

export interface CpuTopology {
  /** Logical CPU id (Linux's numbering, Jailhouse's cpu_id). */
  id: number;
  /** MPIDR_EL1 affinity fields Aff3..Aff0 as Jailhouse masks them (0xff00ffffff). */
  mpidr: number;
}

/**
 * The default board's PCIe hierarchy: QEMU virt's host bridge plus what `-device` options would
 * add (two root ports, a switch with two downstream ports, a PCIe-to-PCI bridge with a
 * conventional device, an RCEC and an integrated endpoint), so that every kind of function and
 * bridge is there to look at.
 */
const QEMU_VIRT_PCI = [
  { type: 'host_bridge', device: 0 },
  {
    type: 'root_port',
    device: 1,
    below: {
      type: 'switch',
      device: 0,
      downstream: [
        { device: 0, below: { type: 'endpoint', device: 0, model: 'qemu-nvme' } },
        { device: 1, below: { type: 'endpoint', device: 0, model: 'qemu-testdev' } },
      ],
    },
  },
  { type: 'root_port', device: 2, below: { type: 'pcie_pci_bridge', device: 0, bus: [{ type: 'endpoint', device: 1, model: 'qemu-pci-serial' }] } },
  { type: 'rcec', device: 3 },
  { type: 'rciep', device: 4 },
];

export const DEFAULT_BOARD: Board = BoardSchema.parse({
  name: 'qemu-arm64-virt',
  cpus: 4,
  ram: [{ base: 0x40000000, size: 0x40000000 }],
  gic: { version: 3, gicd_base: 0x08000000, gicr_base: 0x080a0000 },
  uart: { base: 0x09000000, irq: 33 },
  // jhsim's extra consoles (not on QEMU virt), next to the RTC/fw_cfg/GPIO pages.
  uarts: [
    { base: 0x09040000, irq: 34 },
    { base: 0x09050000, irq: 35 },
  ],
  pci: {
    ecam_base: 0x4010000000,
    ecam_size: 0x10000000,
    mmio_base: 0x10000000,
    mmio_size: 0x2eff0000,
    pio_base: 0x3eff0000,
    pio_size: 0x10000,
    devices: QEMU_VIRT_PCI,
  },
});

/** Every PL011 of the board: the root console (`uart`, index 0) first, then `uarts` (1, 2, ...). */
export function boardUarts(board: Pick<Board, 'uart' | 'uarts'>): UartDesc[] {
  return [board.uart, ...board.uarts];
}

/** MPIDR of each CPU: Aff0 = index within the cluster, Aff1 = cluster (QEMU virt's layout). */
export function cpuTopology(board: Board): CpuTopology[] {
  const out: CpuTopology[] = [];
  for (let id = 0; id < board.cpus; id++) {
    const aff0 = id % board.cpus_per_cluster;
    const aff1 = Math.floor(id / board.cpus_per_cluster);
    out.push({ id, mpidr: mpidrAffinity(aff0, aff1) });
  }
  return out;
}

/** Load a board file (JSON) or return the default; `cpus` overrides the CPU count. */
export function loadBoard(file?: string, cpus?: number): Board {
  let raw: unknown = DEFAULT_BOARD;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      // The cause keeps the errno (ENOENT, EISDIR...) for the CLI's message.
      throw new Error(`board ${file}: ${(e as Error).message}`, { cause: e });
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`board ${file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  if (file) {
    try {
      resolveBoardImports(raw, file);
    } catch (e) {
      if (e instanceof BoardImportError) throw new Error(`board ${file}: field pci.devices: ${e.message}`);
      throw e;
    }
  }
  const merged = cpus === undefined ? raw : { ...(raw as object), cpus };
  const r = BoardSchema.safeParse(merged);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.join('.') || '(root)';
    const src = file ?? 'default board';
    if (issue.path[0] === 'cpus' && cpus !== undefined)
      throw new Error(`--cpus ${cpus}: the board supports ${MIN_CPUS} to ${MAX_CPUS} CPUs`);
    throw new Error(`board ${src}: field ${where}: ${issue.message}`);
  }
  return r.data;
}
