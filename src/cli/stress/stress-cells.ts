/**
 * The cell half of `jhsim stress --cells`: a few cell "slots" (fixed names and private RAM, a
 * CPU set drawn from the caller's seeded stream at every create), and the operations a caller
 * can issue on them (create, load a built-in inmate, start, shutdown, destroy), all through the
 * real ioctls. The inmates keep running guest code while other callers destroy or disable.
 */
import { JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_DESTROY, JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START } from '../../actors/hypervisor/driver/uapi.js';
import { buildInmate } from '../../actors/cpu/inmates/index.js';
import { parseCellConfig, serializeCellConfig } from '../../shared/config/index.js';
import type { Rng } from '../../shared/rng.js';
import { cellCreatePayload, cellIdBytes, cellLoadPayload } from '../tools/jailhouse-cell.js';
import type { UserProcess } from '../shell/user.js';

export type CellOp = 'create' | 'load' | 'start' | 'shutdown' | 'destroy';
export const CELL_OPS: readonly CellOp[] = ['create', 'create', 'load', 'load', 'start', 'start', 'shutdown', 'destroy', 'destroy'];

/**
 * Private RAM of stress cell n: one 2 MiB block each, 2 MiB aligned, below the shipped demo
 * cells' RAM. Taking a block out of the root's huge-page mapping splits nothing, so the page
 * pool really must return to its post-enable use once the cells are gone (a 64 KiB region inside
 * a root 2 MiB block would leave the split table behind, as in Jailhouse).
 */
const STRESS_RAM_BASE = 0x7e000000;
const STRESS_RAM_SIZE = 0x200000;
/**
 * Polls before a silent cell is declared failed: a cell started without an image (or with one
 * that never answers) would otherwise block the hypervisor forever, as in Jailhouse with 0.
 */
const STRESS_MSG_REPLY_TIMEOUT = 20000;
export const STRESS_CELL_SLOTS = 4;

export function stressCellName(n: number): string {
  return `stress${n}`;
}

/** Cell n's config with the given CPUs: 64 KiB loadable RAM at IPA 0, comm region at 0x80000000. */
export function stressCellConfig(n: number, cpus: number[]): Uint8Array {
  return serializeCellConfig(
    parseCellConfig({
      signature: 'JHCLL',
      architecture: 'arm64',
      revision: 14,
      name: stressCellName(n),
      flags: ['VIRTUAL_CONSOLE_PERMITTED'],
      cpus,
      cpu_reset_address: 0,
      msg_reply_timeout: STRESS_MSG_REPLY_TIMEOUT,
      memory_regions: [
        { phys_start: STRESS_RAM_BASE + n * STRESS_RAM_SIZE, virt_start: 0, size: STRESS_RAM_SIZE, flags: ['READ', 'WRITE', 'EXECUTE', 'LOADABLE'] },
        { phys_start: 0, virt_start: 0x80000000, size: 0x1000, flags: ['READ', 'WRITE', 'COMM_REGION'] },
      ],
      // One SPI each (140 + n), taken from root at create and given back at destroy.
      irqchips: [{ address: 0x08000000, pin_base: 128, pin_bitmap: [1 << (12 + n), 0, 0, 0] }],
    }, `${stressCellName(n)} (generated)`),
  );
}

const IMAGES = ['hello', 'compute', 'bad-access'] as const;
const imageCache = new Map<string, Uint8Array>();

function image(name: string): Uint8Array {
  let b = imageCache.get(name);
  if (!b) imageCache.set(name, (b = buildInmate(name)));
  return b;
}

/** One cell operation by `u`, its operands drawn from `rng`; the ioctl's result. */
export async function runCellOp(u: UserProcess, rng: Rng, op: CellOp, nrCpus: number): Promise<number> {
  const n = rng.int(STRESS_CELL_SLOTS);
  const sel = { id: -1, name: stressCellName(n) };
  switch (op) {
    case 'create': {
      // One or two CPUs out of 1..nr-1 (CPU 0 stays with root-cell Linux, as on x86 Jailhouse).
      const a = 1 + rng.int(nrCpus - 1);
      const b = 1 + rng.int(nrCpus - 1);
      const cpus = [...new Set(rng.chance(0.5) ? [a] : [a, b])].sort((x, y) => x - y);
      const cfg = stressCellConfig(n, cpus);
      return u.ioctlBuilt(JAILHOUSE_CELL_CREATE, (addr) => cellCreatePayload(addr, cfg));
    }
    case 'load': {
      const img = image(rng.pick([...IMAGES, 'hello', 'compute']));
      return u.ioctlBuilt(JAILHOUSE_CELL_LOAD, (addr) => cellLoadPayload(addr, sel, [{ bytes: img, address: 0 }]));
    }
    case 'start':
      return u.ioctl(JAILHOUSE_CELL_START, cellIdBytes(sel));
    case 'shutdown':
      return u.ioctlBuilt(JAILHOUSE_CELL_LOAD, (addr) => cellLoadPayload(addr, sel, []));
    case 'destroy':
      return u.ioctl(JAILHOUSE_CELL_DESTROY, cellIdBytes(sel));
  }
}

/** Destroys every stress cell that exists (ENOENT for the others), as a user cleans up. */
export async function destroyStressCells(u: UserProcess): Promise<void> {
  for (let n = 0; n < STRESS_CELL_SLOTS; n++) await u.ioctl(JAILHOUSE_CELL_DESTROY, cellIdBytes({ id: -1, name: stressCellName(n) }));
}
