/**
 * The import directions src/ must keep (../shared/design/ARCHITECTURE.md, "Layers depend one
 * way"), and the import cycles that exist today by name. test/architecture.test.ts checks
 * both on every `npm test`; paths are relative to src/.
 */

/** A set of source files: paths that start with one of `prefixes`. */
export interface Layer {
  readonly name: string;
  readonly prefixes: readonly string[];
}

export const MACHINE_MODEL: Layer = {
  name: 'machine model (CPU engine and MMU, GIC, PCIe, devices; the CPU context, slot layout and board)',
  // The CPU context builds each CPU's device bus: which cell a UART byte comes from is the
  // CELL_ID word of the CPU's slot (the hypervisor keeps it), not a walk of hypervisor memory.
  prefixes: [
    'actors/cpu/a64/',
    'actors/gic/',
    'actors/pcie/',
    'actors/cpu/devices/',
    'actors/cpu/context.ts',
    'actors/cpu/layout.ts',
    'actors/cpu/board.ts',
  ],
};
export const HARDWARE: Layer = {
  name: 'hardware (GIC, PCIe, devices)',
  prefixes: ['actors/gic/', 'actors/pcie/', 'actors/cpu/devices/'],
};
export const HYPERVISOR: Layer = { name: 'hypervisor software (core, driver)', prefixes: ['actors/hypervisor/'] };
export const EMULATOR: Layer = {
  name: 'emulator internals (A64 decoder, interpreter, translator, MMU; the guest engine)',
  prefixes: ['actors/cpu/a64/', 'actors/cpu/guest/'],
};
export const OS_STATE: Layer = { name: 'root-Linux model (OS state)', prefixes: ['actors/cpu/linux/'] };
export const SHARED: Layer = { name: 'shared (arm64 layer, memory, config, sync)', prefixes: ['shared/'] };
export const ACTORS: Layer = { name: 'actors', prefixes: ['actors/'] };
export const CLI: Layer = { name: 'CLI', prefixes: ['cli/'] };
export const UNIT_TABLE: Layer = {
  name: 'the hypervisor\'s unit table and MMIO dispatch',
  prefixes: ['actors/hypervisor/core/unit.ts', 'actors/hypervisor/core/mmio.ts', 'actors/hypervisor/core/mmio-handler.ts', 'actors/hypervisor/core/mmio-access.ts'],
};
export const UNITS: Layer = {
  name: 'the hypervisor\'s units (irqchip and GIC, PCI with MSI-X and ivshmem)',
  prefixes: ['actors/hypervisor/core/irqchip', 'actors/hypervisor/core/gic-', 'actors/hypervisor/core/pci', 'actors/hypervisor/core/ivshmem'],
};

/** No file of `from` may import a file of `to`. */
export interface Forbidden {
  readonly from: Layer;
  readonly to: Layer;
  /** Why the arrow may not point this way. */
  readonly why: string;
}

export const FORBIDDEN: readonly Forbidden[] = [
  {
    from: MACHINE_MODEL,
    to: HYPERVISOR,
    why: 'the machine runs whatever software is loaded: the MMU walks stage 2 by the descriptor format (shared/arm64), not by the hypervisor\'s paging code',
  },
  {
    from: HYPERVISOR,
    to: EMULATOR,
    why: 'the hypervisor sees a trap frame (hypervisor/core/trap-context.ts) and the arm64 syndrome layout, not the interpreter that produced the exit',
  },
  {
    from: MACHINE_MODEL,
    to: OS_STATE,
    why: 'hardware state is hardware\'s; what root Linux knows lives with Linux',
  },
  {
    from: HARDWARE,
    to: OS_STATE,
    why: 'hardware buffers hold hardware state only (root Linux\'s tables live with Linux)',
  },
  {
    from: SHARED,
    to: ACTORS,
    why: 'shared/ (the arm64 layer among it) is below every actor and may import none',
  },
  {
    from: SHARED,
    to: CLI,
    why: 'shared/ is below the CLI',
  },
  {
    from: UNIT_TABLE,
    to: UNITS,
    why: 'the units register with the table and their MMIO handlers by ID (core/unit.ts, core/mmio-handler.ts); setup, cell management and MMIO dispatch walk the table, and only core/unit-list.ts imports the units',
  },
  {
    from: ACTORS,
    to: CLI,
    why: 'the CLI is the top layer: the machine, the hypervisor and Linux do not call their user interface',
  },
];

/**
 * An import cycle that exists today and is tolerated until the sub-task named in `why` removes
 * it: every import between two files of one cycle must be listed here, so a new import that
 * closes another cycle (or widens one of these) fails the check, and so does an entry that is
 * no longer part of a cycle (remove it when its cycle is gone).
 */
export interface CycleException {
  readonly name: string;
  /** Why the cycle is there and what removes it. */
  readonly why: string;
  /** The directory the files are in (relative to src/). */
  readonly dir: string;
  /** File (without .ts, relative to dir) -> the files of the cycle it imports. */
  readonly imports: Readonly<Record<string, readonly string[]>>;
}

export const CYCLE_EXCEPTIONS: readonly CycleException[] = [];
