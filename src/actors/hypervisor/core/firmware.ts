/**
 * Builds jailhouse.bin for this simulation: a real `struct jailhouse_header` followed by the
 * core image whose data section carries the initial values of the hypervisor's globals. The
 * hypervisor's code itself is the TypeScript in this folder, run by each CPU worker; the image
 * is what the driver loads, checks and copies exactly like the real one.
 */
import { DATA, ENTRY_MARKER, HDR, HV_SIGNATURE, IMAGE, INVALID_CPU_ID, PARKING_CODE, PERCPU } from './layout.js';
import { decodeLatin1, encodeUtf8 } from '../../../shared/text.js';

export const FIRMWARE_NAME = 'jailhouse.bin';
export const BANNER = 'Jailhouse hypervisor core (jhsim model of v0.12, arm64)';

export function buildFirmwareImage(): Uint8Array {
  const img = new Uint8Array(IMAGE.FILE_SIZE);
  const dv = new DataView(img.buffer);
  img.set(encodeUtf8(HV_SIGNATURE), HDR.SIGNATURE);
  dv.setBigUint64(HDR.CORE_SIZE, BigInt(IMAGE.CORE_SIZE), true);
  dv.setBigUint64(HDR.PERCPU_SIZE, BigInt(PERCPU.SIZE), true);
  dv.setBigUint64(HDR.ENTRY, BigInt(IMAGE.ARCH_ENTRY), true);
  dv.setBigUint64(HDR.CONSOLE_PAGE, BigInt(IMAGE.CONSOLE_PAGE), true);
  img.set(encodeUtf8(BANNER), IMAGE.BANNER);
  img.set(encodeUtf8(ENTRY_MARKER), IMAGE.ARCH_ENTRY);
  PARKING_CODE.forEach((insn, i) => dv.setUint32(IMAGE.PARKING_CODE + i * 4, insn, true));
  dv.setUint32(IMAGE.DATA + DATA.MASTER_CPU_ID, INVALID_CPU_ID, true);
  dv.setUint32(IMAGE.DATA + DATA.PANIC_CPU, 0xffffffff, true);
  return img;
}

/** Header fields of an image, for `jhsim firmware info` and tests. */
export interface FirmwareHeader {
  signature: string;
  coreSize: number;
  percpuSize: number;
  entry: number;
  consolePage: number;
}

export function readFirmwareHeader(img: Uint8Array): FirmwareHeader | undefined {
  if (img.length < HDR.SIZE) return undefined;
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  return {
    signature: decodeLatin1(img.subarray(0, 8)),
    coreSize: Number(dv.getBigUint64(HDR.CORE_SIZE, true)),
    percpuSize: Number(dv.getBigUint64(HDR.PERCPU_SIZE, true)),
    entry: Number(dv.getBigUint64(HDR.ENTRY, true)),
    consolePage: Number(dv.getBigUint64(HDR.CONSOLE_PAGE, true)),
  };
}
