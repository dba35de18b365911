/**
 * Loading configuration files (JSON or binary `.cell`), error reporting with file/field/value,
 * adapting the root CPU set to the board, and printing configs back as JSON.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { decodeCellConfig, decodeSystemConfig, serializeCellConfig, serializeSystemConfig } from './binary.js';
import {
  ARCH_NAMES,
  CACHE_FLAG_NAMES,
  CACHE_TYPE_NAMES,
  CELL_FLAG_NAMES,
  CellConfigSchema,
  CONSOLE_FLAG_NAMES,
  CONSOLE_TYPE_NAMES,
  enumName,
  flagNames,
  formatCpuList,
  IOMMU_TYPE_NAMES,
  MEM_FLAG_NAMES,
  type NameTable,
  PCI_CAP_FLAG_NAMES,
  PCI_TYPE_NAMES,
  SHMEM_PROTOCOL_NAMES,
  SYS_FLAG_NAMES,
  SystemConfigSchema,
  type CellConfig,
  type Console,
  type SystemConfig,
} from './schema.js';
import { DEFAULT_CPU_SET_SIZE, IvshmemBarMask, PciType } from './layout.js';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** One problem found in a configuration. */
export interface ConfigProblem {
  /** Dotted path, e.g. `root_cell.memory_regions.3.flags` ('' = the file as a whole). */
  field: string;
  /** The offending value (undefined if missing). */
  value: unknown;
  /** What is wrong, e.g. `unknown flag "REED"`. */
  reason: string;
}

/** Dotted path -> display form: `root_cell.memory_regions.3.flags` -> `root_cell.memory_regions[3].flags`. */
export function displayField(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/**
 * A configuration could not be used. The message names file, field and offending value, e.g.
 * `configs/x.json: root_cell.memory_regions[3].flags: unknown flag "REED"`.
 */
export class ConfigError extends Error {
  readonly file: string;
  readonly field: string;
  readonly value: unknown;
  readonly reason: string;
  /** All problems found (the first one is the one in file/field/value/reason). */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, field: string, value: unknown, reason: string, more: readonly ConfigProblem[] = []) {
    const line = (p: ConfigProblem) => `${file}: ${p.field ? `${displayField(p.field)}: ` : ''}${p.reason}`;
    const first = { field, value, reason };
    const shown = more.slice(0, 9);
    let message = line(first);
    for (const p of shown) message += `\n${line(p)}`;
    if (more.length > shown.length) message += `\n${file}: (${more.length - shown.length} more problems)`;
    super(message);
    this.name = 'ConfigError';
    this.file = file;
    this.field = field;
    this.value = value;
    this.reason = reason;
    this.problems = [first, ...more];
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length <= 8 ? JSON.stringify(v) : 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

type Issue = z.core.$ZodIssue;

function issueProblems(issue: Issue, basePath: PropertyKey[] = []): ConfigProblem[] {
  const path = [...basePath, ...issue.path];
  const field = path.map(String).join('.');
  const value = issue.input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const obj = (value ?? {}) as Record<string, unknown>;
      return issue.keys.map((k) => ({
        field: field ? `${field}.${k}` : k,
        value: obj[k],
        reason: `unknown key ${JSON.stringify(k)}`,
      }));
    }
    case 'invalid_union': {
      // A branch whose errors are all nested matched the value's shape: report those.
      const nested = issue.errors.find((errs) => errs.length > 0 && errs.every((e) => e.path.length > 0));
      if (nested) return nested.flatMap((e) => issueProblems(e, path));
      const expected = [
        ...new Set(issue.errors.flatMap((errs) => errs.filter((e) => e.code === 'invalid_type').map((e) => (e as { expected: string }).expected))),
      ];
      const custom = issue.errors.flat().find((e) => e.code === 'custom');
      if (custom) return issueProblems(custom, path);
      const reason =
        value === undefined
          ? 'missing required field'
          : `expected ${expected.length ? expected.join(' or ') : 'a different value'}, got ${show(value)}`;
      return [{ field, value, reason }];
    }
    case 'invalid_type':
      return [
        {
          field,
          value,
          reason: value === undefined ? 'missing required field' : `expected ${issue.expected}, got ${show(value)}`,
        },
      ];
    case 'custom':
      return [{ field, value, reason: issue.message }];
    default:
      return [{ field, value, reason: `${issue.message} (got ${show(value)})` }];
  }
}

function zodToConfigError(file: string, issues: readonly Issue[]): ConfigError {
  const problems = issues.flatMap((i) => issueProblems(i));
  const [first, ...more] = problems;
  if (!first) return new ConfigError(file, '', undefined, 'invalid configuration');
  return new ConfigError(file, first.field, first.value, first.reason, more);
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Validates a JSON value as a system config; throws ConfigError. */
export function parseSystemConfig(json: unknown, file = '<config>'): SystemConfig {
  const r = SystemConfigSchema.safeParse(json, { reportInput: true });
  if (!r.success) throw zodToConfigError(file, r.error.issues);
  return r.data;
}

/** Validates a JSON value as a (non-root) cell config; throws ConfigError. */
export function parseCellConfig(json: unknown, file = '<config>'): CellConfig {
  const r = CellConfigSchema.safeParse(json, { reportInput: true });
  if (!r.success) throw zodToConfigError(file, r.error.issues);
  return r.data;
}

/** Result of loading a configuration file. */
export interface LoadedConfig<T> {
  /** Normalised configuration. */
  config: T;
  /** The blob handed to the driver: serialised JSON, or a binary file's bytes unchanged. */
  bytes: Uint8Array;
  /** The path as given. */
  file: string;
}

function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(file, '', undefined, `cannot read file: ${err.code ?? err.message}`);
  }
}

/** JSON if named *.json or if the first non-blank byte is '{' or '['; anything else is a binary blob. */
function looksLikeJson(file: string, bytes: Uint8Array): boolean {
  if (/\.json$/i.test(file)) return true;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b || bytes[i] === 0x5b;
}

function parseJsonText(file: string, bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8').decode(bytes);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ConfigError(file, '', undefined, `invalid JSON: ${(e as Error).message}`);
  }
}

function load<T>(
  file: string,
  raw: Uint8Array,
  parse: (json: unknown, file: string) => T,
  serialize: (c: T) => Uint8Array,
  decode: (b: Uint8Array) => T,
): LoadedConfig<T> {
  if (looksLikeJson(file, raw)) {
    const config = parse(parseJsonText(file, raw), file);
    let bytes: Uint8Array;
    try {
      bytes = serialize(config);
    } catch (e) {
      throw new ConfigError(file, '', undefined, (e as Error).message);
    }
    return { config, bytes, file };
  }
  let config: T;
  try {
    config = decode(raw);
  } catch (e) {
    throw new ConfigError(file, '', raw.length, (e as Error).message);
  }
  return { config, bytes: raw, file };
}

/**
 * Loads a system configuration: JSON (validated, then serialised) or a binary blob (size-checked
 * by decoding; the bytes are returned unchanged so bad signatures etc. reach the driver). `raw`:
 * the file's contents when the caller has read them already (else the file is read here).
 */
export function loadSystemConfig(file: string, raw: Uint8Array = readBytes(file)): LoadedConfig<SystemConfig> {
  return load(file, raw, parseSystemConfig, serializeSystemConfig, decodeSystemConfig);
}

/** Loads a cell configuration (JSON or binary `.cell`); see loadSystemConfig. */
export function loadCellConfig(file: string, raw: Uint8Array = readBytes(file)): LoadedConfig<CellConfig> {
  return load(file, raw, parseCellConfig, serializeCellConfig, decodeCellConfig);
}

// ---------------------------------------------------------------------------------------------
// Adapting and printing
// ---------------------------------------------------------------------------------------------

/**
 * A copy of `config` whose root cell CPU set is 0..cpus-1 (cpu_set_size grows in 8-byte steps
 * if needed). Used to run the shipped 4-CPU config on boards with another CPU count.
 */
export function adaptRootCpuSet(config: SystemConfig, cpus: number): SystemConfig {
  if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`adaptRootCpuSet: invalid CPU count ${cpus}`);
  const copy = structuredClone(config);
  copy.root_cell.cpus = Array.from({ length: cpus }, (_, i) => i);
  const needed = Math.ceil(cpus / 64) * 8;
  if (copy.root_cell.cpu_set_size < needed) copy.root_cell.cpu_set_size = needed;
  return copy;
}

/** Options of configToJson. */
export interface ConfigToJsonOptions {
  /** Flags as lists of names and enumerations as names (default: hex strings / numbers). */
  symbolic?: boolean;
  /** Print every field, also those equal to their default (default: omit them). */
  full?: boolean;
}

const H = (n: number): string => '0x' + n.toString(16);
/** Addresses: at least 8 hex digits (0 stays "0x0"). */
const A = (n: number): string => (n === 0 ? '0x0' : '0x' + n.toString(16).padStart(8, '0'));

class Printer {
  constructor(private readonly opts: ConfigToJsonOptions) {}

  flags(t: NameTable, n: number): string | string[] {
    return this.opts.symbolic ? flagNames(t, n) : H(n);
  }

  enumv(t: NameTable, n: number): string | number {
    return this.opts.symbolic ? (enumName(t, n) ?? n) : n;
  }

  /** Builds an object; entries whose `isDefault` is true are dropped unless `full`. */
  obj(entries: [key: string, value: unknown, isDefault?: boolean][]): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const [k, v, isDefault] of entries) if (this.opts.full || !isDefault) o[k] = v;
    return o;
  }

  console(c: Console): Record<string, unknown> {
    return this.obj([
      ['address', A(c.address), c.address === 0],
      ['size', H(c.size), c.size === 0],
      ['type', this.enumv(CONSOLE_TYPE_NAMES, c.type), c.type === 0],
      ['flags', this.flags(CONSOLE_FLAG_NAMES, c.flags), c.flags === 0],
      ['divider', H(c.divider), c.divider === 0],
      ['gate_nr', c.gate_nr, c.gate_nr === 0],
      ['clock_reg', A(c.clock_reg), c.clock_reg === 0],
    ]);
  }

  barMask(m: readonly number[]): string | string[] {
    if (this.opts.symbolic)
      for (const [name, v] of Object.entries(IvshmemBarMask)) if (v.every((x, i) => x === m[i])) return name;
    return m.map(H);
  }

  cell(c: CellConfig, root: boolean): Record<string, unknown> {
    const isConsoleZero = Object.values(c.console).every((v) => v === 0);
    // Root cell: signature/arch/revision default to zero, so only non-zero values are printed
    // (printing arch 0 as "x86" would mislead). Other cells: always printed.
    const arch = root && c.architecture === 0 ? 0 : this.enumv(ARCH_NAMES, c.architecture);
    return this.obj([
      ['comment', c.comment, c.comment === undefined],
      ['signature', c.signature, root && c.signature === ''],
      ['architecture', arch, root && c.architecture === 0],
      ['revision', c.revision, root && c.revision === 0],
      ['name', c.name],
      ['id', c.id, c.id === 0],
      ['flags', this.flags(CELL_FLAG_NAMES, c.flags), c.flags === 0],
      ['cpu_set_size', c.cpu_set_size, c.cpu_set_size === DEFAULT_CPU_SET_SIZE],
      ['cpus', cpusValue(c.cpus)],
      ['vpci_irq_base', c.vpci_irq_base, c.vpci_irq_base === 0],
      ['cpu_reset_address', A(c.cpu_reset_address), c.cpu_reset_address === 0],
      ['msg_reply_timeout', c.msg_reply_timeout, c.msg_reply_timeout === 0],
      ['console', this.console(c.console), isConsoleZero],
      [
        'memory_regions',
        c.memory_regions.map((m) =>
          this.obj([
            ['phys_start', A(m.phys_start)],
            ['virt_start', A(m.virt_start)],
            ['size', H(m.size)],
            ['flags', this.flags(MEM_FLAG_NAMES, m.flags)],
          ]),
        ),
        c.memory_regions.length === 0,
      ],
      [
        'cache_regions',
        c.cache_regions.map((r) =>
          this.obj([
            ['start', H(r.start)],
            ['size', H(r.size)],
            ['type', this.enumv(CACHE_TYPE_NAMES, r.type)],
            ['flags', this.flags(CACHE_FLAG_NAMES, r.flags), r.flags === 0],
          ]),
        ),
        c.cache_regions.length === 0,
      ],
      [
        'irqchips',
        c.irqchips.map((r) =>
          this.obj([
            ['address', A(r.address)],
            ['id', r.id, r.id === 0],
            ['pin_base', r.pin_base],
            ['pin_bitmap', r.pin_bitmap.map(H)],
          ]),
        ),
        c.irqchips.length === 0,
      ],
      [
        'pio_regions',
        c.pio_regions.map((r) => this.obj([['base', H(r.base)], ['length', H(r.length)]])),
        c.pio_regions.length === 0,
      ],
      [
        'pci_devices',
        c.pci_devices.map((d) => {
          // ivshmem devices always show domain and the shmem fields (peers are linked by them)
          const shm = d.type === PciType.IVSHMEM;
          return this.obj([
            ['type', this.enumv(PCI_TYPE_NAMES, d.type)],
            ['iommu', d.iommu, d.iommu === 0],
            ['domain', d.domain, !shm && d.domain === 0],
            ['bdf', H(d.bdf)],
            ['bar_mask', this.barMask(d.bar_mask), d.bar_mask.every((x) => x === 0)],
            ['caps_start', d.caps_start, d.caps_start === 0],
            ['num_caps', d.num_caps, d.num_caps === 0],
            ['num_msi_vectors', d.num_msi_vectors, d.num_msi_vectors === 0],
            ['msi_64bits', d.msi_64bits, d.msi_64bits === 0],
            ['msi_maskable', d.msi_maskable, d.msi_maskable === 0],
            ['num_msix_vectors', d.num_msix_vectors, d.num_msix_vectors === 0],
            ['msix_region_size', H(d.msix_region_size), d.msix_region_size === 0],
            ['msix_address', A(d.msix_address), d.msix_address === 0],
            ['shmem_regions_start', d.shmem_regions_start, !shm && d.shmem_regions_start === 0],
            ['shmem_dev_id', d.shmem_dev_id, !shm && d.shmem_dev_id === 0],
            ['shmem_peers', d.shmem_peers, !shm && d.shmem_peers === 0],
            ['shmem_protocol', this.enumv(SHMEM_PROTOCOL_NAMES, d.shmem_protocol), !shm && d.shmem_protocol === 0],
          ]);
        }),
        c.pci_devices.length === 0,
      ],
      [
        'pci_caps',
        c.pci_caps.map((p) =>
          this.obj([
            ['id', H(p.id)],
            ['start', H(p.start)],
            ['len', H(p.len)],
            ['flags', this.flags(PCI_CAP_FLAG_NAMES, p.flags), p.flags === 0],
          ]),
        ),
        c.pci_caps.length === 0,
      ],
      ['stream_ids', c.stream_ids.map(H), c.stream_ids.length === 0],
    ]);
  }

  system(s: SystemConfig): Record<string, unknown> {
    const p = s.platform_info;
    const hv = s.hypervisor_memory;
    return this.obj([
      ['comment', s.comment, s.comment === undefined],
      ['signature', s.signature],
      ['architecture', this.enumv(ARCH_NAMES, s.architecture)],
      ['revision', s.revision],
      ['flags', this.flags(SYS_FLAG_NAMES, s.flags), s.flags === 0],
      [
        'hypervisor_memory',
        this.obj([
          ['phys_start', A(hv.phys_start)],
          ['size', H(hv.size)],
          ['virt_start', A(hv.virt_start), hv.virt_start === 0],
          ['flags', this.flags(MEM_FLAG_NAMES, hv.flags), hv.flags === 0],
        ]),
      ],
      ['debug_console', this.console(s.debug_console), Object.values(s.debug_console).every((v) => v === 0)],
      [
        'platform_info',
        this.obj([
          ['pci_mmconfig_base', A(p.pci_mmconfig_base), p.pci_mmconfig_base === 0],
          ['pci_mmconfig_end_bus', p.pci_mmconfig_end_bus, p.pci_mmconfig_base === 0 && p.pci_mmconfig_end_bus === 0],
          ['pci_is_virtual', p.pci_is_virtual, p.pci_is_virtual === 0],
          ['pci_domain', p.pci_domain, p.pci_domain === 0],
          [
            'iommu_units',
            p.iommu_units.map((u) =>
              this.obj([
                ['type', this.enumv(IOMMU_TYPE_NAMES, u.type)],
                ['base', A(u.base), u.base === 0],
                ['size', H(u.size), u.size === 0],
                ['amd', u.amd && this.obj([
                  ['bdf', H(u.amd.bdf)],
                  ['base_cap', H(u.amd.base_cap)],
                  ['msi_cap', H(u.amd.msi_cap)],
                  ['features', H(u.amd.features)],
                ]), u.amd === undefined],
                ['tipvu', u.tipvu && this.obj([
                  ['tlb_base', A(u.tipvu.tlb_base)],
                  ['tlb_size', H(u.tipvu.tlb_size)],
                ]), u.tipvu === undefined],
              ]),
            ),
            p.iommu_units.length === 0,
          ],
          [
            'arm',
            this.obj([
              ['maintenance_irq', p.arm.maintenance_irq],
              ['gic_version', p.arm.gic_version],
              ['gicd_base', A(p.arm.gicd_base)],
              ['gicc_base', A(p.arm.gicc_base)],
              ['gich_base', A(p.arm.gich_base)],
              ['gicv_base', A(p.arm.gicv_base)],
              ['gicr_base', A(p.arm.gicr_base)],
            ]),
          ],
        ]),
      ],
      ['root_cell', this.cell(s.root_cell, true)],
    ]);
  }
}

/** A range string ("0-15") if the set contains a run of 3 or more CPUs, else a list of ids. */
function cpusValue(cpus: readonly number[]): string | number[] {
  const list = formatCpuList(cpus);
  const longRun = list.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return hi !== undefined && lo !== undefined && hi - lo >= 2;
  });
  return longRun ? list : [...cpus];
}

/** JSON text with 2-space indentation; arrays of scalars stay on one line. */
function pretty(v: unknown, indent = ''): string {
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => x === null || typeof x !== 'object')) return '[' + v.map((x) => JSON.stringify(x)).join(', ') + ']';
    return '[\n' + v.map((x) => inner + pretty(x, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return '{\n' + entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(',\n') + '\n' + indent + '}';
  }
  return JSON.stringify(v);
}

/**
 * Pretty-prints a system or cell config as JSON (addresses, sizes and flags as hex strings),
 * parseable again by the schema. Ends with a newline.
 */
export function configToJson(config: SystemConfig | CellConfig, options: ConfigToJsonOptions = {}): string {
  const p = new Printer(options);
  const obj = 'root_cell' in config ? p.system(config) : p.cell(config, false);
  return pretty(obj) + '\n';
}
