/**
 * jailhouse.ko: JAILHOUSE_ENABLE and JAILHOUSE_DISABLE with the reference's checks, order and
 * errnos, on_each_cpu(enter/leave_hypervisor) with the call_done barrier, and the failure
 * unwinding. Runs as a task on one root-cell CPU; the per-CPU halves run in IPI context.
 */
import { pciVirtualHostAdd, pciVirtualHostRemove } from '../../cpu/linux/pci.js';
import { CELL_DESC_SIZE, CELL_OFF, CONFIG_REVISION, SYS_OFF, SYS_SIGNATURE, SYSTEM_HEADER_SIZE, SysFlags, systemConfigSize } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { getU64 } from '../../../shared/phys-mem.js';
import { Hc, HDR, HV_SIGNATURE } from '../core/layout.js';
import { hypervisorEntry } from '../core/setup.js';
import type { Kernel } from '../../cpu/linux/kernel.js';
import { FIRMWARE_BYTE_BASE, KernelWord, SmpFunc } from '../../cpu/linux/layout.js';
import { copyFromUser, linuxSystemRam } from '../../cpu/linux/uaccess.js';
import { cpusReadLock, cpusReadUnlock } from '../../cpu/linux/hotplug.js';
import { CpuWord, MachineWord } from '../../cpu/layout.js';
import { sleepMs } from '../../../shared/sync.js';
import { cString, cellDelete, cellPrepare, cellRegister, configCpus, rootSlot } from './cells.js';
import { cellDestroyNonRoot } from './cell-ioctl.js';
import { err, lockJailhouse, unlockJailhouse } from './lock.js';
import { extractDelta, snapshotLive, takeLastConsole } from './console.js';
import { decodeLatin1 } from '../../../shared/text.js';
import { DrvWord, EPOCH_NO_RESULT, EpochWord, drvEpochWord, drvWord } from './layout.js';
import { DriverState } from './state.js';


function u32(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);
}
function u64(b: Uint8Array, off: number): number {
  return getU64(new DataView(b.buffer, b.byteOffset, b.byteLength), off);
}

/** get_max_cpus: highest CPU set in the root cell's bitmap + 1, scanning bytes downwards. */
function getMaxCpus(k: Kernel, cpuSetSize: number, setPtr: number): number {
  const set = copyFromUser(k.c, setPtr, cpuSetSize);
  if (typeof set === 'number') return set;
  for (let pos = cpuSetSize - 1; pos >= 0; pos--) {
    const b = set[pos]!;
    if (b) return pos * 8 + (32 - Math.clz32(b));
  }
  return -Errno.EINVAL;
}

export function jailhouseCmdEnable(k: Kernel, caller: number, arg: number): number {
  const c = k.c;
  const hdr = copyFromUser(c, arg, SYSTEM_HEADER_SIZE);
  if (typeof hdr === 'number') return hdr;
  const sig = String.fromCharCode(...hdr.subarray(0, 5));
  if (sig !== SYS_SIGNATURE) return err(k, Errno.EINVAL, `Not a system configuration (signature "${printable(sig)}", expected "${SYS_SIGNATURE}")`);
  const rev = hdr[SYS_OFF.revision]! | (hdr[SYS_OFF.revision + 1]! << 8);
  if (rev !== CONFIG_REVISION) return err(k, Errno.EINVAL, `Configuration revision mismatch (config ${rev}, driver ${CONFIG_REVISION})`);
  const arch = hdr[SYS_OFF.architecture]!;
  if (arch !== 2) return err(k, Errno.EINVAL, `Configuration architecture mismatch (config ${arch}, driver 2 = arm64)`);
  hdr[SYS_OFF.root_cell + CELL_OFF.name + 31] = 0;
  const cpuSetSize = u32(hdr, SYS_OFF.root_cell + CELL_OFF.cpu_set_size);
  const maxCpus = cpuSetSize === 0 ? -Errno.EINVAL : getMaxCpus(k, cpuSetSize, arg + SYSTEM_HEADER_SIZE);
  if (maxCpus < 0) return maxCpus === -Errno.EINVAL ? err(k, Errno.EINVAL, 'root cell CPU set is empty') : maxCpus;

  lockJailhouse(k, caller);
  try {
    return enableLocked(k, caller, arg, hdr, maxCpus);
  } finally {
    unlockJailhouse(k);
  }
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

function enableLocked(k: Kernel, caller: number, arg: number, hdr: Uint8Array, maxCpus: number): number {
  const c = k.c;
  const d = new DriverState(k);
  if (d.enabled) return err(k, Errno.EBUSY, 'hypervisor already enabled');

  const fwSize = Atomics.load(c.k32, KernelWord.FIRMWARE_SIZE);
  if (fwSize <= 0) return err(k, Errno.ENOENT, 'Missing hypervisor image jailhouse.bin');
  const fw = c.k8.slice(FIRMWARE_BYTE_BASE, FIRMWARE_BYTE_BASE + fwSize);

  const hvPhys = u64(hdr, SYS_OFF.hypervisor_memory);
  const hvSize = u64(hdr, SYS_OFF.hypervisor_memory + 16);
  const fwSig = String.fromCharCode(...fw.subarray(0, Math.min(8, fw.length)));
  if (fw.length < HDR.SIZE || fwSig !== HV_SIGNATURE) return err(k, Errno.EINVAL, `hypervisor image jailhouse.bin has no valid header (signature "${printable(fwSig)}")`);
  if (fw.length >= hvSize)
    return err(k, Errno.EINVAL, `hypervisor image (${fw.length} bytes) does not fit hypervisor_memory.size 0x${hvSize.toString(16)}`);
  const coreSize = u64(fw, HDR.CORE_SIZE);
  const percpuSize = u64(fw, HDR.PERCPU_SIZE);
  const coreAndPercpu = coreSize + maxCpus * percpuSize;
  const configSize = systemConfigSize(new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength));
  if (!(coreAndPercpu < hvSize) || !(configSize < hvSize - coreAndPercpu))
    return err(
      k,
      Errno.EINVAL,
      `hypervisor_memory.size 0x${hvSize.toString(16)} too small: core 0x${coreSize.toString(16)} + ${maxCpus} x per_cpu 0x${percpuSize.toString(16)} + config ${configSize} bytes`,
    );

  // Release the previous mapping and `core` file: the config may have changed.
  d.set64(DrvWord.HV_MEM_LO, DrvWord.HV_MEM_HI, 0);
  d.set(DrvWord.CORE_FILE_SIZE, 0);

  const ram = linuxSystemRam(c);
  if (hvPhys < ram.end && hvPhys + hvSize > ram.start)
    return err(k, Errno.EINVAL, `request_mem_region failed for hypervisor memory at 0x${hvPhys.toString(16)}: in use as System RAM (reserve it with memmap= or mem=)`);
  if (!c.mem.contains(hvPhys, hvSize)) return err(k, Errno.EINVAL, `Unable to map RAM reserved for hypervisor at 0x${hvPhys.toString(16)}`);
  // The image is linked for a page-aligned base (ioremap maps whole pages from there).
  if (hvPhys % 0x1000) return err(k, Errno.EINVAL, `hypervisor_memory.phys_start 0x${hvPhys.toString(16)} is not page-aligned`);

  d.set64(DrvWord.HV_MEM_LO, DrvWord.HV_MEM_HI, hvPhys);
  d.set64(DrvWord.HV_MEM_SIZE_LO, DrvWord.HV_MEM_SIZE_HI, hvSize);
  d.set(DrvWord.CONSOLE_PAGE_OFF, u64(fw, HDR.CONSOLE_PAGE));
  d.set(DrvWord.LAST_CONSOLE_VALID, 0);
  c.mem.copyIn(hvPhys, fw);
  c.mem.fill(hvPhys + fw.length, hvSize - fw.length, 0);
  c.mem.write32(hvPhys + HDR.MAX_CPUS, maxCpus);
  c.mem.write64(hvPhys + HDR.ARM_LINUX_HYP_VECTORS, 0x40080800);
  c.mem.write32(hvPhys + HDR.ARM_LINUX_HYP_ABI, 1);
  d.set(DrvWord.CORE_FILE_SIZE, coreSize);
  d.set(DrvWord.MAX_CPUS, maxCpus);
  d.set(DrvWord.HV_CORE_PERCPU_SIZE, coreAndPercpu);

  const cfg = copyFromUser(c, arg, configSize);
  if (typeof cfg === 'number') return unmap(d, cfg);
  c.mem.copyIn(hvPhys + coreAndPercpu, cfg);
  d.set(DrvWord.CONSOLE_AVAILABLE, u32(hdr, SYS_OFF.flags) & SysFlags.VIRTUAL_DEBUG_CONSOLE ? 1 : 0);

  // jailhouse_cell_prepare_root on the copy inside hypervisor memory.
  const rootCfg = hvPhys + coreAndPercpu + SYS_OFF.root_cell;
  const setSize = c.mem.read32(rootCfg + CELL_OFF.cpu_set_size);
  const rootCpus = configCpus(c.mem.window(rootCfg, CELL_DESC_SIZE + setSize), 64);
  const name = cString(c.mem.copyOut(rootCfg + CELL_OFF.name, 32));
  const slot = cellPrepare(d, { name, cpus: rootCpus }, 0);
  if (slot < 0) return unmap(d, slot);

  d.set(DrvWord.ERROR_CODE, 0);
  cpusReadLock(k);
  let online: number[];
  try {
    online = k.onlineCpus();
    const beyond = online.find((cpu) => cpu >= maxCpus);
    if (beyond !== undefined) {
      // Real hardware would hang here: the hypervisor waits for this CPU, which never enters.
      cellDelete(d, slot);
      return unmap(d, err(k, Errno.EINVAL, `CPU ${beyond} is online but not below max_cpus ${maxCpus} (root cell CPU set does not cover it)`));
    }
    c.mem.write32(hvPhys + HDR.ONLINE_CPUS, online.length);
    d.set(DrvWord.CALL_DONE, 0);
    d.set(DrvWord.CALL_DONE_TARGET, online.length);
    d.set(DrvWord.CALL_DONE_WAITER, k.cpu);
    openEpoch(d, caller, 1, online.length);
    k.onEachCpu(SmpFunc.ENTER_HYPERVISOR, 0, false);
    k.waitIrqsOn(() => d.get(DrvWord.CALL_DONE) >= online.length, 'call_done == num_online_cpus (enable)');
  } finally {
    cpusReadUnlock(k);
  }
  const code = d.get(DrvWord.ERROR_CODE);
  if (code) {
    const why = d.get(DrvWord.CONSOLE_AVAILABLE) ? lastDiagnostic(d) : undefined;
    takeLastConsole(d);
    cellDelete(d, slot);
    k.printk(`jailhouse: the hypervisor returned ${code} on every CPU${why ? ` (${why})` : ''}`);
    return unmap(d, code);
  }
  cellRegister(d, rootSlot(d));
  d.set(DrvWord.ENABLED, 1);
  k.printk('The Jailhouse is opening.');
  pciVirtualHostAdd(k);
  return 0;
}

/** The last simulator diagnostic ("jhsim: ...") on the hypervisor console, if any. */
function lastDiagnostic(d: DriverState): string | undefined {
  const text = decodeLatin1(extractDelta(snapshotLive(d), 0).bytes);
  const lines = text.split('\n').filter((l) => l.startsWith('jhsim: '));
  return lines.length ? lines[lines.length - 1]!.slice(7) : undefined;
}

/** jailhouse_firmware_free on the enable error path: the `core` file and the mapping go. */
function unmap(d: DriverState, ret: number): number {
  d.set64(DrvWord.HV_MEM_LO, DrvWord.HV_MEM_HI, 0);
  d.set(DrvWord.CORE_FILE_SIZE, 0);
  return ret;
}

/** call_done++; the CPU spinning on it only needs waking once the count is complete. */
function callDone(d: DriverState): void {
  if (d.add(DrvWord.CALL_DONE, 1) >= d.get(DrvWord.CALL_DONE_TARGET)) d.k.c.kick(d.get(DrvWord.CALL_DONE_WAITER));
}

/** Start an epoch-log entry for an on_each_cpu round (observability only). */
function openEpoch(d: DriverState, caller: number, kind: number, expected: number): void {
  const e = d.add(DrvWord.EPOCH, 1);
  const k32 = d.k.c.k32;
  Atomics.store(k32, drvEpochWord(e, EpochWord.EPOCH), e);
  Atomics.store(k32, drvEpochWord(e, EpochWord.KIND), kind);
  Atomics.store(k32, drvEpochWord(e, EpochWord.EXPECTED), expected);
  Atomics.store(k32, drvEpochWord(e, EpochWord.COUNT), 0);
  for (let cpu = 0; cpu < 64; cpu++) Atomics.store(k32, drvEpochWord(e, EpochWord.RESULTS + cpu), EPOCH_NO_RESULT);
  if (caller >= 0 && caller < 64) Atomics.store(k32, drvWord(DrvWord.CALLER_EPOCH + caller), e);
}

function recordEpochResult(d: DriverState, cpu: number, ret: number): void {
  const e = d.get(DrvWord.EPOCH);
  Atomics.store(d.k.c.k32, drvEpochWord(e, EpochWord.RESULTS + cpu), ret);
  Atomics.add(d.k.c.k32, drvEpochWord(e, EpochWord.COUNT), 1);
}

/** enter_hypervisor, in IPI context on every online CPU. */
export function enterHypervisor(k: Kernel): void {
  const c = k.c;
  const d = new DriverState(k);
  const delayCpu = Atomics.load(c.cpus, c.machine(MachineWord.DELAY_ENTRY_CPU));
  if (delayCpu === k.cpu + 1) {
    Atomics.store(c.cpus, c.machine(MachineWord.DELAY_ENTRY_CPU), 0);
    const ms = Atomics.load(c.cpus, c.machine(MachineWord.DELAY_ENTRY_MS));
    sleepMs(ms, `test delay before CPU ${k.cpu} enters the hypervisor`);
  }
  let ret: number;
  if (k.cpu < d.get(DrvWord.MAX_CPUS)) {
    ret = hypervisorEntry(c, d.hvMem, d.hvMemSize);
  } else {
    ret = -Errno.EINVAL;
  }
  Atomics.store(c.cpus, c.my(CpuWord.ENTRY_RESULT), ret);
  Atomics.store(c.cpus, c.my(CpuWord.ENTRY_EPOCH), d.get(DrvWord.EPOCH));
  recordEpochResult(d, k.cpu, ret);
  if (ret) d.set(DrvWord.ERROR_CODE, ret);
  callDone(d);
}

export function jailhouseCmdDisable(k: Kernel, caller: number): number {
  lockJailhouse(k, caller);
  try {
    return disableLocked(k, caller);
  } finally {
    unlockJailhouse(k);
  }
}

function disableLocked(k: Kernel, caller: number): number {
  const d = new DriverState(k);
  if (!d.enabled) return -Errno.EINVAL;
  const destroyed = cellDestroyNonRoot(k, d);
  if (destroyed) return destroyed;
  d.set(DrvWord.ERROR_CODE, 0);
  cpusReadLock(k);
  try {
    const online = k.onlineCpus();
    const root = rootSlot(d);
    const rootCpus = d.cellCpus(root).length;
    if (online.length !== rootCpus) {
      return err(k, Errno.EBUSY, `${online.length} CPUs online but the root cell has ${rootCpus}: bring all root CPUs online first`);
    }
    pciVirtualHostRemove(k);
    d.set(DrvWord.CALL_DONE, 0);
    d.set(DrvWord.CALL_DONE_TARGET, online.length);
    d.set(DrvWord.CALL_DONE_WAITER, k.cpu);
    openEpoch(d, caller, 2, online.length);
    k.onEachCpu(SmpFunc.LEAVE_HYPERVISOR, 0, false);
    k.waitIrqsOn(() => d.get(DrvWord.CALL_DONE) >= online.length, 'call_done == num_online_cpus (disable)');
  } finally {
    cpusReadUnlock(k);
  }
  const code = d.get(DrvWord.ERROR_CODE);
  if (code) {
    // Still enabled: the virtual host comes back.
    pciVirtualHostAdd(k);
    return code;
  }
  takeLastConsole(d);
  cellDelete(d, rootSlot(d));
  d.set(DrvWord.ENABLED, 0);
  k.printk('The Jailhouse was closed.');
  return 0;
}

/** leave_hypervisor, in IPI context on every online CPU. */
export function leaveHypervisor(k: Kernel): void {
  const c = k.c;
  const d = new DriverState(k);
  // Fault in every page the world switch will touch.
  c.mem.touchPages(d.hvMem, d.get(DrvWord.HV_CORE_PERCPU_SIZE));
  const ret = k.hypercall(Hc.DISABLE);
  Atomics.store(c.cpus, c.my(CpuWord.LEAVE_RESULT), ret);
  Atomics.store(c.cpus, c.my(CpuWord.LEAVE_EPOCH), d.get(DrvWord.EPOCH));
  recordEpochResult(d, k.cpu, ret);
  if (ret) d.set(DrvWord.ERROR_CODE, ret);
  callDone(d);
}

