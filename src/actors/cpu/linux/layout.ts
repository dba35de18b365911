/**
 * Root-cell Linux's shared kernel memory: what all CPUs of the kernel see (online mask, CPU
 * hotplug lock, cross-CPU function-call data, the PCI core's pci_dev table (laid out in
 * pci-layout.ts), the kernel log, the firmware store) plus a region reserved for the jailhouse
 * driver's globals (laid out in hypervisor/driver/layout.ts).
 * One SharedArrayBuffer; word offsets below index its Int32Array, byte offsets its Uint8Array.
 */
import { MAX_CPUS } from '../board.js';

/** Functions the root-Linux model records for Jailhouse's virtual PCI host (KernelWord.VPCI_BDF..). */
export const VPCI_MAX_DEVICES = 32;
/** KernelWord.VPCI_COUNT of a virtual host added but not scanned yet. */
export const VPCI_NOT_SCANNED = -1;

export const KernelWord = {
  /** cpu_online_mask, CPUs 0..31 and 32..63. */
  ONLINE_LO: 0,
  ONLINE_HI: 1,
  /** cpus_read_lock/cpu_hotplug_lock: 0 free, n > 0 readers, -1 a writer (cpu_up/cpu_down). */
  HOTPLUG_LOCK: 2,
  /** CPUs waiting in cpus_read_lock (the hotplug writer kicks them at unlock), CPUs 0..31. */
  HOTPLUG_WAITERS_LO: 3,
  /** Kernel log: total bytes ever written (ring index = LOG_TAIL % LOG_BYTES). */
  LOG_TAIL: 4,
  LOG_LOCK: 5,
  /** Bytes of the firmware image in the firmware store (request_firmware's source). */
  FIRMWARE_SIZE: 6,
  /** Waiters in cpus_read_lock, CPUs 32..63. */
  HOTPLUG_WAITERS_HI: 7,
  /**
   * Jailhouse's virtual PCI host, added by the driver after enable and removed before disable:
   * the functions found on it + 1 (0 = no such host, VPCI_NOT_SCANNED = not scanned yet), its
   * domain, bus count and ECAM address.
   */
  VPCI_COUNT: 8,
  VPCI_DOMAIN: 9,
  VPCI_BUSES: 10,
  VPCI_ECAM_LO: 11,
  VPCI_ECAM_HI: 12,
  /** The BDFs the scan of the virtual host found (up to VPCI_MAX_DEVICES). */
  VPCI_BDF: 13,
  /** Start of the call-function area (see CSD_*). */
  CSD_BASE: 64,
} as const;

/**
 * Cross-CPU function calls as Linux's smp_call_function_many does them: every sender CPU owns
 * one call_single_data slot per target (cfd); a target finds work through the pending-sender
 * mask of its own queue.
 */
export const CSD_WORDS = 4;
export const CsdWord = {
  /** CSD_FLAG_LOCK while the call is queued or running (synchronous calls). */
  FLAGS: 0,
  /** SmpFunc id of the function to run. */
  FUNC: 1,
  ARG: 2,
} as const;
export const CSD_FLAG_LOCK = 1;

/** Per target: pending-sender mask lo/hi. */
export const CSD_QUEUE_WORDS = 2;

export function csdQueueWord(target: number, hi: boolean): number {
  return KernelWord.CSD_BASE + target * CSD_QUEUE_WORDS + (hi ? 1 : 0);
}

export function csdWord(sender: number, target: number, w: number): number {
  return KernelWord.CSD_BASE + MAX_CPUS * CSD_QUEUE_WORDS + (sender * MAX_CPUS + target) * CSD_WORDS + w;
}

const CSD_END_WORD = KernelWord.CSD_BASE + MAX_CPUS * CSD_QUEUE_WORDS + MAX_CPUS * MAX_CPUS * CSD_WORDS;

/** Word offset where the jailhouse driver's globals start (hypervisor/driver/layout.ts). */
export const DRIVER_WORD_BASE = CSD_END_WORD;
export const DRIVER_WORDS = 8192;

/** Word offset where root Linux's PCI device table starts (pci-layout.ts). */
export const PCI_WORD_BASE = DRIVER_WORD_BASE + DRIVER_WORDS;
export const PCI_WORDS = 8192;

/** Byte areas after the word area. */
export const LOG_BYTE_BASE = (PCI_WORD_BASE + PCI_WORDS) * 4;
export const LOG_BYTES = 65536;
export const DRIVER_BYTE_BASE = LOG_BYTE_BASE + LOG_BYTES;
export const DRIVER_BYTES = 256 * 1024;
export const FIRMWARE_BYTE_BASE = DRIVER_BYTE_BASE + DRIVER_BYTES;
export const FIRMWARE_MAX_BYTES = 4 * 1024 * 1024;
export const KERNEL_SAB_BYTES = FIRMWARE_BYTE_BASE + FIRMWARE_MAX_BYTES;

/**
 * Functions an IPI can run (Linux passes function pointers; across workers we pass ids).
 */
export const SmpFunc = {
  NOP: 0,
  ENTER_HYPERVISOR: 1,
  LEAVE_HYPERVISOR: 2,
  /** take_cpu_down: the target leaves the online mask and dies when the IRQ returns. */
  TAKE_CPU_DOWN: 3,
} as const;

/**
 * User memory: each user-space caller gets a 1 MiB buffer in root-cell Linux RAM (below the
 * mem=768M limit) for ioctl arguments, paths and read buffers, so copy_from_user really reads
 * simulated RAM.
 */
export const USER_MEM_BASE = 0x60000000;
export const USER_MEM_PER_CALLER = 0x100000;
export const MAX_CALLERS = 64;

/**
 * kmalloc stand-in for kernel copies that must live in simulated RAM (the hypervisor reads them
 * by physical address, e.g. the cell config passed to CELL_CREATE): one area per CPU, right
 * after the user buffers, inside the RAM Linux owns.
 */
export const KERNEL_BOUNCE_BASE = USER_MEM_BASE + MAX_CALLERS * USER_MEM_PER_CALLER;
export const KERNEL_BOUNCE_PER_CPU = 0x20000;

export function kernelBounce(cpu: number): number {
  return KERNEL_BOUNCE_BASE + cpu * KERNEL_BOUNCE_PER_CPU;
}

export function userBuffer(caller: number): number {
  return USER_MEM_BASE + caller * USER_MEM_PER_CALLER;
}

/** Syscall numbers of the simulated user/kernel interface. */
export const Sys = {
  /** ioctl(/dev/jailhouse, ARG0 = cmd, ARG1/ARG2 = user pointer lo/hi). */
  IOCTL: 1,
  /** Read a whole file: ARG0/1 = path ptr, ARG2 = path len, ARG3/4 = buf ptr, ARG5 = buf len. */
  READ_FILE: 2,
  /** Write a file: ARG0/1 = path ptr, ARG2 = path len, ARG3/4 = data ptr, ARG5 = data len. */
  WRITE_FILE: 3,
  /** List a directory: same arguments as READ_FILE; names separated by '\n'. */
  LIST_DIR: 4,
  /** open("/dev/jailhouse"): returns a reader id. */
  CONSOLE_OPEN: 5,
  /** read(fd, buf, count) on /dev/jailhouse: ARG0 = reader, ARG1/2 = buf, ARG3 = count, ARG4 = O_NONBLOCK. */
  CONSOLE_READ: 6,
  CONSOLE_CLOSE: 7,
  /**
   * Kernel self-test (jhsim-specific, like a selftest module): ARG0 rounds of
   * smp_call_function_single(ARG1, nop, wait) from this CPU; returns the total microseconds.
   */
  IPI_SELFTEST: 8,
  /** pwrite(): WRITE_FILE's arguments plus ARG6 = file offset. */
  PWRITE_FILE: 9,
} as const;
