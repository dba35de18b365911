/**
 * jailhouse.ko's cell ioctls (driver/cell.c): CELL_CREATE with the hot-unplug of the new
 * cell's CPUs and its rollback, CELL_LOAD (SET_LOADABLE, then the images copied into the
 * region holding each target address), CELL_START, CELL_DESTROY (CPUs brought back online),
 * and the destroy-all that disable runs first.
 */
import { pciClaimDevices, pciReleaseDevices } from './pci.js';
import { CELL_DESC_SIZE, CELL_OFF, CELL_SIGNATURE, CONFIG_REVISION, CellFlags, MEMORY_SIZE, MEM_OFF, MemFlags, cellConfigSize, cellMemRegionsOffset } from '../../../shared/config/layout.js';
import { Errno } from '../../../shared/errno.js';
import { getU64 } from '../../../shared/phys-mem.js';
import { Hc, PAGE_SIZE } from '../core/layout.js';
import type { Kernel } from '../../cpu/linux/kernel.js';
import { KERNEL_BOUNCE_PER_CPU, kernelBounce } from '../../cpu/linux/layout.js';
import { addCpu, removeCpu, withHotplugLocked } from '../../cpu/linux/hotplug.js';
import { Sleep } from '../../cpu/linux/sleep.js';
import { copyFromUser } from '../../cpu/linux/uaccess.js';
import { MachineWord, now } from '../../cpu/layout.js';
import { cString, cellDelete, cellPrepare, cellRegister, configCpus, rootSlot } from './cells.js';
import { maskToCpus } from '../../../shared/cpumask.js';
import { CELL_MEM_MAX, CellSlotWord, DrvWord, drvCellMemByte } from './layout.js';
import { err, lockJailhouse, unlockJailhouse } from './lock.js';
import { DriverState } from './state.js';

import { CellCreate, CellId, CellLoad, JAILHOUSE_CELL_ID_NAMELEN, JAILHOUSE_CELL_ID_UNUSED, PreloadImage } from './uapi.js';

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** find_cell: by id, or by name when the id is JAILHOUSE_CELL_ID_UNUSED. */
function findCell(d: DriverState, id: number, name: string): number {
  for (const s of d.cellSlots(false)) {
    if (d.cellWord(s, CellSlotWord.ID) === id || (id === JAILHOUSE_CELL_ID_UNUSED && d.cellName(s) === name)) return s;
  }
  return -1;
}

function offlined(d: DriverState): Set<number> {
  return new Set(maskToCpus(d.get(DrvWord.OFFLINED_LO), d.get(DrvWord.OFFLINED_HI)));
}

function setOfflined(d: DriverState, cpu: number, on: boolean): void {
  const w = cpu < 32 ? DrvWord.OFFLINED_LO : DrvWord.OFFLINED_HI;
  const bit = 1 << (cpu & 31);
  d.set(w, on ? d.get(w) | bit : d.get(w) & ~bit);
}

function setRootCpu(d: DriverState, cpu: number, on: boolean): void {
  const root = rootSlot(d);
  const cpus = new Set(d.cellCpus(root));
  if (on) cpus.add(cpu);
  else cpus.delete(cpu);
  d.setCellCpus(root, [...cpus].sort((a, b) => a - b));
}

/** The error_cpu_online rollback (and destroy's CPU return): online what is offline, give it all back to root. */
function cpusBackToRoot(k: Kernel, d: DriverState, cpus: number[]): void {
  for (const cpu of cpus) {
    if (!k.isOnline(cpu)) {
      if (addCpu(k, cpu) === 0) setOfflined(d, cpu, false);
      else k.printk(`Jailhouse: failed to bring CPU ${cpu} back online`);
    }
    setRootCpu(d, cpu, true);
  }
}

export function jailhouseCmdCellCreate(k: Kernel, caller: number, arg: number): number {
  const c = k.c;
  const a = copyFromUser(c, arg, CellCreate.SIZE);
  if (typeof a === 'number') return a;
  const cfgAddr = getU64(dv(a), CellCreate.CONFIG_ADDRESS);
  const cfgSize = dv(a).getUint32(CellCreate.CONFIG_SIZE, true);
  if (cfgSize > KERNEL_BOUNCE_PER_CPU) return err(k, Errno.ENOMEM, `cell configuration of ${cfgSize} bytes exceeds the driver's ${KERNEL_BOUNCE_PER_CPU}-byte buffer`);
  const cfg = copyFromUser(c, cfgAddr, cfgSize);
  if (typeof cfg === 'number') return cfg;
  const sig = String.fromCharCode(...cfg.subarray(0, 5));
  if (cfgSize < CELL_DESC_SIZE || sig !== CELL_SIGNATURE) return err(k, Errno.EINVAL, `Not a cell configuration (${cfgSize} bytes, signature "${sig.replace(/[^\x20-\x7e]/g, '?')}")`);
  const v = dv(cfg);
  const rev = v.getUint16(CELL_OFF.revision, true);
  if (rev !== CONFIG_REVISION) return err(k, Errno.EINVAL, `Configuration revision mismatch (config ${rev}, driver ${CONFIG_REVISION})`);
  if (v.getUint8(CELL_OFF.architecture) !== 2) {
    // Upstream quirk: the error is logged but never returned (err stays 0, no cell is created).
    k.printk(`jailhouse: Configuration architecture mismatch (config ${v.getUint8(CELL_OFF.architecture)}, driver 2 = arm64)`);
    return 0;
  }
  // jhsim: the counts must describe no more than was passed. Jailhouse's driver does not check
  // this, and the hypervisor then reads the rest of the config from whatever follows the
  // driver's copy in root RAM.
  const described = cellConfigSize(v, 0);
  if (described > cfgSize) return err(k, Errno.EINVAL, `the configuration's counts describe ${described} bytes but only ${cfgSize} were given (cpu_set_size ${v.getUint32(CELL_OFF.cpu_set_size, true)}, ${v.getUint32(CELL_OFF.num_memory_regions, true)} memory regions, ${v.getUint32(CELL_OFF.num_irqchips, true)} irqchips, ${v.getUint32(CELL_OFF.num_pci_devices, true)} PCI devices, ${v.getUint32(CELL_OFF.num_pci_caps, true)} PCI caps)`);
  cfg[CELL_OFF.name + 31] = 0;
  const flags = v.getUint32(CELL_OFF.flags, true);
  if (flags & CellFlags.VIRTUAL_CONSOLE_ACTIVE) v.setUint32(CELL_OFF.flags, (flags | CellFlags.VIRTUAL_CONSOLE_PERMITTED) >>> 0, true);
  const name = cString(cfg.subarray(CELL_OFF.name, CELL_OFF.name + 32));
  const cpus = configCpus(v, c.nr);

  lockJailhouse(k, caller);
  try {
    const d = new DriverState(k);
    if (!d.enabled) return -Errno.EINVAL;
    if (findCell(d, JAILHOUSE_CELL_ID_UNUSED, name) >= 0) return err(k, Errno.EEXIST, `a cell named "${name}" already exists`);
    const root = rootSlot(d);
    // Linux never takes its last CPU down (remove_cpu fails with EBUSY): a cell that would take
    // every online CPU leaves the task nowhere to migrate to, so it is refused before anything moves.
    if (k.onlineCpus().every((cpu) => cpus.includes(cpu))) return err(k, Errno.EBUSY, `"${name}" would take every online CPU of root Linux (${k.onlineCpus().join(',')})`);
    if (cpus.includes(k.cpu) && k.isOnline(k.cpu) && cpus.every((cpu) => d.cellCpus(root).includes(cpu))) {
      // remove_cpu() migrates the calling task away first; here the task restarts elsewhere.
      const g = c.machine(MachineWord.SCHED_GEN);
      throw new Sleep('cpus', g, Atomics.load(c.cpus, g), 'migrating off a CPU the new cell takes', k.cpu);
    }
    return createLocked(k, d, cfg, name, cpus);
  } finally {
    unlockJailhouse(k);
  }
}

function createLocked(k: Kernel, d: DriverState, cfg: Uint8Array, name: string, cpus: number[]): number {
  const v = dv(cfg);
  const nMem = v.getUint32(CELL_OFF.num_memory_regions, true);
  if (nMem > CELL_MEM_MAX) return err(k, Errno.ENOMEM, `${nMem} memory regions exceed the ${CELL_MEM_MAX} the driver model can copy`);
  const slot = cellPrepare(d, { name, cpus });
  if (slot < 0) return slot;
  const id = d.cellWord(slot, CellSlotWord.ID);
  // The regions the driver keeps for cell load.
  const memOff = cellMemRegionsOffset(v, 0);
  k.c.k8.set(cfg.subarray(memOff, memOff + nMem * MEMORY_SIZE), drvCellMemByte(slot));
  d.setCellWord(slot, CellSlotWord.NUM_MEM, nMem);
  v.setUint32(CELL_OFF.id, id, true);
  const root = rootSlot(d);
  const rootCpus = d.cellCpus(root);
  if (!cpus.every((cpu) => rootCpus.includes(cpu))) {
    cellDelete(d, slot);
    return err(k, Errno.EBUSY, `CPUs ${cpus.filter((cpu) => !rootCpus.includes(cpu)).join(',')} of "${name}" are not assigned to the root cell`);
  }
  // Upstream releases the hotplug lock after each remove_cpu, so a concurrent `echo 1 >
  // .../online` can bring a CPU back between its offlining and the hypercall that gives it to the
  // new cell: Linux then runs on a CPU the cell owns. jhsim holds the lock throughout unless the
  // machine keeps upstream's windows (--upstream-races).
  if (k.c.upstreamRaces) return offlineAndCreate(k, d, cfg, name, cpus, slot, id);
  return withHotplugLocked(k, `cell create "${name}"`, () => offlineAndCreate(k, d, cfg, name, cpus, slot, id));
}

/** The offlining of the new cell's CPUs, the CELL_CREATE hypercall and the error_cpu_online rollback. */
function offlineAndCreate(k: Kernel, d: DriverState, cfg: Uint8Array, name: string, cpus: number[], slot: number, id: number): number {
  const rollback = (ret: number): number => {
    cpusBackToRoot(k, d, cpus);
    cellDelete(d, slot);
    return ret;
  };
  for (const cpu of cpus) {
    if (k.isOnline(cpu)) {
      const r = removeCpu(k, cpu);
      if (r) return rollback(err(k, -r, `taking CPU ${cpu} offline for "${name}" failed`));
      setOfflined(d, cpu, true);
    }
    setRootCpu(d, cpu, false);
  }
  const delay = Atomics.exchange(k.c.cpus, k.c.machine(MachineWord.DELAY_CELL_CREATE_MS), 0);
  if (delay > 0) {
    // Test hook: hold the window between offlining and the hypercall open (interrupts on).
    const until = now() + delay;
    k.waitIrqsOn(() => now() >= until, 'the cell-create test delay', until);
  }
  // The hypervisor reads the config by physical address: a kernel copy in RAM.
  pciClaimDevices(k, cfg, id, name);
  const bounce = kernelBounce(k.cpu);
  k.c.mem.copyIn(bounce, cfg);
  const ret = k.hypercall(Hc.CELL_CREATE, bounce);
  if (ret < 0) {
    pciReleaseDevices(k, id);
    return rollback(ret);
  }
  cellRegister(d, slot);
  k.printk(`Created Jailhouse cell "${name}"`);
  return ret;
}

/** Copy and check a struct jailhouse_cell_id; the prologue finds the cell with the lock held. */
function readCellId(k: Kernel, arg: number): { id: number; name: string } | number {
  const b = copyFromUser(k.c, arg, CellId.SIZE);
  if (typeof b === 'number') return b;
  b[CellId.NAME + JAILHOUSE_CELL_ID_NAMELEN - 1] = 0;
  return { id: dv(b).getInt32(CellId.ID, true), name: cString(b.subarray(CellId.NAME, CellId.NAME + JAILHOUSE_CELL_ID_NAMELEN)) };
}

function withCell(k: Kernel, caller: number, sel: { id: number; name: string }, fn: (d: DriverState, slot: number) => number): number {
  lockJailhouse(k, caller);
  try {
    const d = new DriverState(k);
    if (!d.enabled) return -Errno.EINVAL;
    const slot = findCell(d, sel.id, sel.name);
    if (slot < 0) return -Errno.ENOENT;
    return fn(d, slot);
  } finally {
    unlockJailhouse(k);
  }
}

export function jailhouseCmdCellLoad(k: Kernel, caller: number, arg: number): number {
  const h = copyFromUser(k.c, arg, CellLoad.SIZE);
  if (typeof h === 'number') return h;
  const sel = readCellId(k, arg);
  if (typeof sel === 'number') return sel;
  const n = dv(h).getUint32(CellLoad.NUM_PRELOAD_IMAGES, true);
  return withCell(k, caller, sel, (d, slot) => {
    const ret = k.hypercall(Hc.CELL_SET_LOADABLE, d.cellWord(slot, CellSlotWord.ID));
    if (ret) return ret;
    for (let i = 0; i < n; i++) {
      const r = loadImage(k, d, slot, arg + CellLoad.IMAGE + i * PreloadImage.SIZE);
      if (r) return r;
    }
    return 0;
  });
}

function loadImage(k: Kernel, d: DriverState, slot: number, descAddr: number): number {
  const desc = copyFromUser(k.c, descAddr, PreloadImage.SIZE);
  if (typeof desc === 'number') return desc;
  const src = getU64(dv(desc), PreloadImage.SOURCE_ADDRESS);
  const size = getU64(dv(desc), PreloadImage.SIZE_FIELD);
  const target = getU64(dv(desc), PreloadImage.TARGET_ADDRESS);
  if (size === 0) return 0;
  const nMem = d.cellWord(slot, CellSlotWord.NUM_MEM);
  const mem = dv(k.c.k8.subarray(drvCellMemByte(slot), drvCellMemByte(slot) + nMem * MEMORY_SIZE));
  for (let i = 0; i < nMem; i++) {
    const o = i * MEMORY_SIZE;
    const virt = getU64(mem, o + MEM_OFF.virt_start);
    const rsize = getU64(mem, o + MEM_OFF.size);
    if (!(target >= virt && target < virt + rsize)) continue;
    const flags = getU64(mem, o + MEM_OFF.flags);
    const off = target - virt;
    if (size > rsize - off || !(flags & MemFlags.WRITE) || !(flags & MemFlags.LOADABLE)) {
      return err(k, Errno.EINVAL, `image of ${size} bytes at 0x${target.toString(16)} does not fit region ${i} (0x${virt.toString(16)}+0x${rsize.toString(16)}${flags & MemFlags.LOADABLE ? '' : ', not LOADABLE'}${flags & MemFlags.WRITE ? '' : ', not WRITE'})`);
    }
    const phys = getU64(mem, o + MEM_OFF.phys_start) + off;
    const first = phys - (phys % PAGE_SIZE);
    if (!k.c.mem.contains(first, Math.ceil((phys + size - first) / PAGE_SIZE) * PAGE_SIZE)) {
      return err(k, Errno.EBUSY, `Unable to map cell RAM at 0x${phys.toString(16)} for image loading`);
    }
    const bytes = copyFromUser(k.c, src, size);
    if (typeof bytes === 'number') return bytes;
    k.c.mem.copyIn(phys, bytes);
    return 0;
  }
  return err(k, Errno.EINVAL, `no memory region of the cell contains the load address 0x${target.toString(16)}`);
}

export function jailhouseCmdCellStart(k: Kernel, caller: number, arg: number): number {
  const sel = readCellId(k, arg);
  if (typeof sel === 'number') return sel;
  return withCell(k, caller, sel, (d, slot) => k.hypercall(Hc.CELL_START, d.cellWord(slot, CellSlotWord.ID)));
}

export function jailhouseCmdCellDestroy(k: Kernel, caller: number, arg: number): number {
  const sel = readCellId(k, arg);
  if (typeof sel === 'number') return sel;
  return withCell(k, caller, sel, (d, slot) => cellDestroy(k, d, slot));
}

/** cell_destroy: the hypercall, then CPUs back online and to the root cell, then the object. */
function cellDestroy(k: Kernel, d: DriverState, slot: number): number {
  const ret = k.hypercall(Hc.CELL_DESTROY, d.cellWord(slot, CellSlotWord.ID));
  if (ret) return ret;
  pciReleaseDevices(k, d.cellWord(slot, CellSlotWord.ID));
  const off = offlined(d);
  for (const cpu of d.cellCpus(slot)) {
    if (off.has(cpu)) {
      if (addCpu(k, cpu)) k.printk(`Jailhouse: failed to bring CPU ${cpu} back online`);
      setOfflined(d, cpu, false);
    }
    setRootCpu(d, cpu, true);
  }
  k.printk(`Destroyed Jailhouse cell "${d.cellName(slot)}"`);
  cellDelete(d, slot);
  return 0;
}

/** jailhouse_cmd_cell_destroy_non_root (disable, lock held): the first failure stops it. */
export function cellDestroyNonRoot(k: Kernel, d: DriverState): number {
  for (const slot of d.cellSlots(false)) {
    if (d.cellWord(slot, CellSlotWord.ID) === 0) continue;
    const ret = cellDestroy(k, d, slot);
    if (ret) {
      k.printk(`Jailhouse: failed to destroy cell "${d.cellName(slot)}"`);
      return ret;
    }
  }
  return 0;
}
