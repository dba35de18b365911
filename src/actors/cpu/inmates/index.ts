/**
 * Built-in inmate images (A64 machine code from the project's own assembler), loadable into
 * the shipped demo cells with `jailhouse cell load`: hello (console and comm-region replies),
 * compute (a loop on every CPU of its cell, secondaries started with PSCI CPU_ON) and
 * bad-access (writes outside its cell and is panic-parked), which print through the hypervisor
 * console; and the device inmates, which print on the PL011 and use the GICv3 system-register
 * CPU interface, the redistributors and the generic timer as Jailhouse's inmate library does:
 * gic-demo and uart-demo (Jailhouse's demos of those names), sgi-pingpong (SGI round trips
 * between two CPUs of a cell) and gic-attack (one forbidden GIC access, chosen through the
 * command-line area, for adversarial tests) and gic-victim (watches its own distributor state beside
 * it); pci-probe (config space as a cell sees it on the
 * example PCIe board), msix-probe (a physical device's MSI-X table behind the hypervisor's
 * shadow) and ivshmem-demo (cells ivshmem-a and ivshmem-b exchanging messages through
 * an ivshmem v2 device with MSI-X doorbells). Sources: basic.ts, interrupt-demos.ts, sgi-pingpong.ts,
 * gic-attack.ts, gic-victim.ts, pci-probe.ts, msix-probe.ts, ivshmem-demo.ts (with
 * ivshmem-demo-regs.ts and ivshmem-demo-messages.ts), linux-loader.ts (the first stage of `jailhouse
 * cell linux`) over lib.ts and, for the device inmates, dev-lib.ts and dev-lib-gic.ts. Committed
 * copies live in configs/inmates/*.bin; a test checks they match these sources.
 */
import { assemble } from '../a64/asm-text.js';
import { BAD_ACCESS, COMPUTE, HELLO } from './basic.js';
import { GIC_ATTACK } from './gic-attack.js';
import { GIC_VICTIM } from './gic-victim.js';
import { GIC_DEMO, UART_DEMO } from './interrupt-demos.js';
import { IVSHMEM_DEMO } from './ivshmem-demo.js';
import { LINUX_LOADER } from './linux-loader.js';
import { MSIX_PROBE } from './msix-probe.js';
import { PCI_PROBE } from './pci-probe.js';
import { SGI_PINGPONG } from './sgi-pingpong.js';

export interface Inmate {
  name: string;
  description: string;
  source: string;
}

export const INMATES: readonly Inmate[] = [
  { name: 'hello', description: 'prints a greeting through the hypervisor console, then answers comm-region messages', source: HELLO },
  { name: 'compute', description: 'starts every CPU of its cell with PSCI CPU_ON; each runs a xorshift loop and prints a line per round', source: COMPUTE },
  { name: 'bad-access', description: 'writes to memory its cell does not own: the hypervisor panic-parks the CPU and the cell fails', source: BAD_ACCESS },
  { name: 'gic-demo', description: 'Jailhouse\'s gic-demo: virtual timer at 10 Hz through the GIC, prints the jitter per tick on the PL011', source: GIC_DEMO },
  { name: 'uart-demo', description: 'Jailhouse\'s uart-demo: busy-counts, then prints "Hello <n> from cell!" on the PL011, forever', source: UART_DEMO },
  { name: 'sgi-pingpong', description: 'two CPUs bounce SGI 5 (trapped ICC_SGI1R_EL1 writes); prints round-trip min/avg/max per 1000 rounds', source: SGI_PINGPONG },
  { name: 'gic-attack', description: 'one forbidden GIC access chosen by the number at IPA 0x1000 (-s N -a 0x1000), then what it reads back', source: GIC_ATTACK },
  { name: 'gic-victim', description: 'enables its SPIs 146 and 152 (iso-victim.json), then prints every change of its distributor state and every IRQ it takes', source: GIC_VICTIM },
  { name: 'ivshmem-demo', description: 'Jailhouse\'s ivshmem-demo as a ping-pong: cells ivshmem-a and ivshmem-b exchange 10 messages each way through ivshmem 00:02.0 (MSI-X doorbells)', source: IVSHMEM_DEMO },
  { name: 'pci-probe', description: 'example board: reads root\'s and its own PCI functions through the trapped ECAM, sizes its BAR0; -s 1/2 -a 0x1000 writes a forbidden register', source: PCI_PROBE },
  { name: 'linux-loader', description: 'the first stage of `jailhouse cell linux`: reads "kernel=ADDR dtb=ADDR" at +0x1000 and jumps to the kernel with x0 = the device tree, MMU off', source: LINUX_LOADER },
  { name: 'msix-probe', description: 'default board with qemu-arm64-pcie.json: programs the NVMe\'s MSI-X table through the hypervisor\'s shadow; -s 1/2 -a 0x1000 makes an invalid table/PBA access', source: MSIX_PROBE },
];

/** The image of a built-in inmate, linked at IPA 0. */
export function buildInmate(name: string): Uint8Array {
  const i = INMATES.find((x) => x.name === name);
  if (!i) throw new Error(`no built-in inmate "${name}" (have: ${INMATES.map((x) => x.name).join(', ')})`);
  return assemble(i.source, 0).bytes;
}
