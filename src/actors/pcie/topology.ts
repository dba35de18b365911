/**
 * The board's PCIe hierarchy as described in the board file (`pci.devices`): a tree of root
 * ports, switches, bridges and endpoints under the root complex. Flattening it gives the list
 * of function slots the fabric and its shared state are built from; bus numbers are not part of
 * it (enumeration assigns them, as Linux does), only each function's device/function number
 * and the bridge whose secondary bus it sits on.
 */
import { z } from 'zod';
import type { FunctionImage } from './function-image.js';
import { buildFunction, imageFromCapture } from './function-model.js';
import { MODELS, modelNames } from './models.js';
import { PCI_CAP_ID_EXP, PCI_HEADER_TYPE_MFD } from './regs.js';
import { findCap } from './function-model.js';

const devNo = z.number().int().min(0).max(31);
const modelName = z.string().refine((m) => m in MODELS, { message: `unknown device model (known: ${modelNames().join(', ')})` });
const modelRef = z.union([
  modelName,
  z.strictObject({ import: z.string().min(1), slot: z.string().optional() }),
  z.strictObject({
    capture: z.strictObject({
      name: z.string(),
      config: z.string().regex(/^([0-9a-fA-F]{2})+$/),
      bars: z.array(z.strictObject({ index: z.number().int().min(0).max(5), kind: z.enum(['mem32', 'mem64', 'io']), prefetch: z.boolean(), size: z.number().int().positive() })),
      rom_size: z.number().int().nonnegative().optional(),
    }),
  }),
]);

/** A function captured on real hardware (an imported lspci dump, resolved when the board loads). */
export interface CapturedModel {
  capture: {
    name: string;
    /** Config bytes as hex (64, 256 or 4096 bytes). */
    config: string;
    bars: { index: number; kind: 'mem32' | 'mem64' | 'io'; prefetch: boolean; size: number }[];
    rom_size?: number;
  };
}

/** In a board file: `{ "import": "dump.txt", "slot": "01:00.0" }`, replaced by a CapturedModel on load. */
export interface ImportModel {
  import: string;
  slot?: string;
}

export type ModelRef = string | CapturedModel | ImportModel;

export interface PcieNodeInput {
  type: 'endpoint' | 'root_port' | 'switch' | 'pcie_pci_bridge' | 'rcec' | 'rciep' | 'host_bridge';
  device: number;
  model?: ModelRef;
  /** Extra functions of a multi-function endpoint (function 0 is `model`). */
  functions?: { fn: number; model: ModelRef }[];
  /** Below a root port or a switch downstream port: the one device (at device 0) on its link. */
  below?: PcieNodeInput;
  /** A switch's downstream ports (virtual PCI-to-PCI bridges on its internal bus). */
  downstream?: { device: number; model?: ModelRef; below?: PcieNodeInput }[];
  /** Devices on the conventional PCI bus behind a PCIe-to-PCI bridge. */
  bus?: PcieNodeInput[];
}

export const PcieNodeSchema: z.ZodType<PcieNodeInput> = z.lazy(() =>
  z
    .object({
      type: z.enum(['endpoint', 'root_port', 'switch', 'pcie_pci_bridge', 'rcec', 'rciep', 'host_bridge']),
      device: devNo,
      model: modelRef.optional(),
      functions: z.array(z.object({ fn: z.number().int().min(1).max(7), model: modelRef })).optional(),
      below: PcieNodeSchema.optional(),
      downstream: z.array(z.object({ device: devNo, model: modelRef.optional(), below: PcieNodeSchema.optional() })).optional(),
      bus: z.array(PcieNodeSchema).optional(),
    })
    .strict(),
);

/** Default model per node type. */
const DEFAULT_MODEL: Record<PcieNodeInput['type'], string> = {
  endpoint: 'qemu-testdev',
  root_port: 'qemu-root-port',
  switch: 'pex8747-upstream',
  pcie_pci_bridge: 'qemu-pcie-pci-bridge',
  rcec: 'rcec',
  rciep: 'qemu-rciep',
  host_bridge: 'qemu-host-bridge',
};

export interface PcieSlot {
  index: number;
  /** Slot of the bridge whose secondary bus this function sits on (-1: the root bus). */
  parent: number;
  device: number;
  fn: number;
  /** The model's name (an imported function: its lspci title). */
  model: string;
  image: FunctionImage;
  bridge: boolean;
  /** PCIe Device/Port Type, or -1 for a conventional PCI function. */
  portType: number;
}

export class TopologyError extends Error {}

function resolveModel(ref: ModelRef): { model: string; image: FunctionImage } {
  if (typeof ref === 'string') {
    if (!(ref in MODELS)) throw new TopologyError(`unknown device model "${ref}" (known: ${modelNames().join(', ')})`);
    return { model: ref, image: buildFunction(MODELS[ref]!) };
  }
  if ('import' in ref) throw new TopologyError(`model import "${ref.import}" was not resolved (load the board with loadBoard)`);
  const c = ref.capture;
  const config = Uint8Array.from(c.config.match(/../g) ?? [], (h) => parseInt(h, 16));
  return { model: c.name, image: imageFromCapture({ config, bars: c.bars, ...(c.rom_size ? { romSize: c.rom_size } : {}) }) };
}

export function flattenTopology(nodes: PcieNodeInput[]): PcieSlot[] {
  const slots: PcieSlot[] = [];
  const add = (parent: number, device: number, fn: number, ref: ModelRef): number => {
    const { model, image } = resolveModel(ref);
    const cap = findCap(image.config, PCI_CAP_ID_EXP);
    const portType = cap ? (image.config[cap + 2]! >> 4) & 0xf : -1;
    const taken = slots.find((s) => s.parent === parent && s.device === device && s.fn === fn);
    if (taken) throw new TopologyError(`two functions at device ${device} function ${fn} on the same bus (${taken.model} and ${model})`);
    slots.push({ index: slots.length, parent, device, fn, model, image, bridge: (image.config[0x0e]! & 0x7f) === 1, portType });
    return slots.length - 1;
  };
  const oneChild = (parent: number, n: PcieNodeInput | undefined, where: string): void => {
    if (!n) return;
    if (n.device !== 0) throw new TopologyError(`${where}: a PCIe link has only device 0 below it, not device ${n.device}`);
    node(parent, n, where);
  };
  const node = (parent: number, n: PcieNodeInput, where: string): void => {
    const model = n.model ?? DEFAULT_MODEL[n.type];
    const onRoot = parent === -1;
    if ((n.type === 'root_port' || n.type === 'rcec' || n.type === 'rciep' || n.type === 'host_bridge') && !onRoot) {
      throw new TopologyError(`${where}: a ${n.type} is part of the root complex and sits on bus 0 only`);
    }
    const s = add(parent, n.device, 0, model);
    switch (n.type) {
      case 'root_port':
        oneChild(s, n.below, `${where} > root port ${n.device}`);
        break;
      case 'switch': {
        if (onRoot) throw new TopologyError(`${where}: a switch sits below a root port or a downstream port, not on the root bus`);
        for (const d of n.downstream ?? []) {
          const ds = add(s, d.device, 0, d.model ?? 'pex8747-downstream');
          oneChild(ds, d.below, `${where} > switch port ${d.device}`);
        }
        break;
      }
      case 'pcie_pci_bridge':
        for (const c of n.bus ?? []) {
          if (c.type !== 'endpoint') throw new TopologyError(`${where}: only endpoints sit on the conventional PCI bus behind a PCIe-to-PCI bridge`);
          node(s, c, `${where} > pci bridge`);
        }
        break;
      default:
        for (const f of n.functions ?? []) add(parent, n.device, f.fn, f.model);
        if ((n.functions ?? []).length > 0) slots[s]!.image.config[0x0e]! |= PCI_HEADER_TYPE_MFD;
    }
  };
  nodes.forEach((n) => node(-1, n, 'pci.devices'));
  return slots;
}
