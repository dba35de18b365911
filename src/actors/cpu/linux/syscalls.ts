/**
 * The system-call layer of the root-cell Linux model: decodes a task posted to this CPU's
 * mailbox and runs it (ioctl on /dev/jailhouse, sysfs reads and writes, console reads).
 */
import { Errno } from '../../../shared/errno.js';
import { jailhouseCmdDisable, jailhouseCmdEnable } from '../../hypervisor/driver/main.js';
import { JAILHOUSE_DISABLE, JAILHOUSE_ENABLE, JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_DESTROY, JAILHOUSE_CELL_LOAD, JAILHOUSE_CELL_START } from '../../hypervisor/driver/uapi.js';
import { lockJailhouse, unlockJailhouse } from '../../hypervisor/driver/lock.js';
import { jailhouseCmdCellCreate, jailhouseCmdCellDestroy, jailhouseCmdCellLoad, jailhouseCmdCellStart } from '../../hypervisor/driver/cell-ioctl.js';
import { closeReader, openReader, readOnce } from '../../hypervisor/driver/console.js';
import { DriverState } from '../../hypervisor/driver/state.js';
import { CpuWord } from '../layout.js';
import type { Kernel } from './kernel.js';
import { SmpFunc, Sys } from './layout.js';
import { copyFromUser, copyToUser } from './uaccess.js';
import { vfsList, vfsRead, vfsWrite } from './vfs.js';
import { decodeUtf8, encodeUtf8 } from '../../../shared/text.js';

function arg(k: Kernel, i: number): number {
  return Atomics.load(k.c.cpus, k.c.my(CpuWord.TASK_ARG0 + i));
}

function ptr(k: Kernel, i: number): number {
  return (arg(k, i) >>> 0) + (arg(k, i + 1) >>> 0) * 0x1_0000_0000;
}

function userString(k: Kernel, p: number, len: number): string | number {
  const b = copyFromUser(k.c, p, len);
  return typeof b === 'number' ? b : decodeUtf8(b);
}

function toUser(k: Kernel, p: number, max: number, data: Uint8Array): number {
  const out = data.subarray(0, max);
  const r = copyToUser(k.c, p, out);
  return r < 0 ? r : out.length;
}

export function doSyscall(k: Kernel, caller: number, op: number): number {
  switch (op) {
    case Sys.IOCTL:
      return ioctl(k, caller, arg(k, 0) >>> 0, ptr(k, 1));
    case Sys.READ_FILE: {
      const path = userString(k, ptr(k, 0), arg(k, 2));
      if (typeof path === 'number') return path;
      const r = vfsRead(k, caller, path);
      return typeof r === 'number' ? r : toUser(k, ptr(k, 3), arg(k, 5), r);
    }
    case Sys.WRITE_FILE:
    case Sys.PWRITE_FILE: {
      const path = userString(k, ptr(k, 0), arg(k, 2));
      if (typeof path === 'number') return path;
      const data = copyFromUser(k.c, ptr(k, 3), arg(k, 5));
      if (typeof data === 'number') return data;
      if (op === Sys.PWRITE_FILE) return vfsWrite(k, path, data, arg(k, 6) >>> 0);
      const r = vfsWrite(k, path, data);
      return r < 0 ? r : data.length;
    }
    case Sys.LIST_DIR: {
      const path = userString(k, ptr(k, 0), arg(k, 2));
      if (typeof path === 'number') return path;
      const r = vfsList(k, path);
      return typeof r === 'number' ? r : toUser(k, ptr(k, 3), arg(k, 5), encodeUtf8(r.join('\n')));
    }
    case Sys.CONSOLE_OPEN:
      return openReader(new DriverState(k));
    case Sys.CONSOLE_CLOSE:
      return closeReader(new DriverState(k), arg(k, 0));
    case Sys.CONSOLE_READ: {
      const d = new DriverState(k);
      lockJailhouse(k, caller);
      let r: Uint8Array | number;
      try {
        r = readOnce(d, arg(k, 0), arg(k, 3), arg(k, 4) !== 0);
      } finally {
        unlockJailhouse(k);
      }
      return typeof r === 'number' ? r : toUser(k, ptr(k, 1), arg(k, 3), r);
    }
    case Sys.IPI_SELFTEST:
      return ipiSelftest(k, arg(k, 0), arg(k, 1));
    default:
      return -Errno.ENOSYS;
  }
}

/** Round trips of a synchronous cross call to an idle CPU (IPI in, csd unlock back). */
function ipiSelftest(k: Kernel, rounds: number, target: number): number {
  if (target === k.cpu || target < 0 || target >= k.c.nr || !k.isOnline(target) || rounds <= 0) return -Errno.EINVAL;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) k.smpCallFunctionSingle(target, SmpFunc.NOP, 0, true);
  return Math.round((performance.now() - t0) * 1000);
}

function ioctl(k: Kernel, caller: number, cmd: number, argp: number): number {
  switch (cmd) {
    case JAILHOUSE_ENABLE:
      return jailhouseCmdEnable(k, caller, argp);
    case JAILHOUSE_DISABLE:
      return jailhouseCmdDisable(k, caller);
    case JAILHOUSE_CELL_CREATE:
      return jailhouseCmdCellCreate(k, caller, argp);
    case JAILHOUSE_CELL_LOAD:
      return jailhouseCmdCellLoad(k, caller, argp);
    case JAILHOUSE_CELL_START:
      return jailhouseCmdCellStart(k, caller, argp);
    case JAILHOUSE_CELL_DESTROY:
      return jailhouseCmdCellDestroy(k, caller, argp);
    default:
      return -Errno.EINVAL;
  }
}
