/**
 * `jhsim firmware info [FILE] [--json]`: the header of a hypervisor image. A file that is not
 * one (wrong signature, too short) is refused with EINVAL, as the driver refuses it, instead of
 * printing its first bytes as header fields.
 */
import { readFileSync } from 'node:fs';
import { buildFirmwareImage, readFirmwareHeader } from '../../actors/hypervisor/core/firmware.js';
import { HV_SIGNATURE } from '../../actors/hypervisor/core/layout.js';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { fileError } from '../file-errors.js';
import type { Io } from '../io.js';

export interface FirmwareInfoOptions {
  json?: boolean;
}

export function firmwareInfoCli(file: string | undefined, o: FirmwareInfoOptions, io: Io): number {
  let img: Uint8Array;
  try {
    img = file === undefined ? buildFirmwareImage() : new Uint8Array(readFileSync(file));
  } catch (e) {
    throw fileError(file ?? 'jailhouse.bin', e);
  }
  const name = file ?? 'the built jailhouse.bin';
  const h = readFirmwareHeader(img);
  if (!h) throw new ErrnoError(Errno.EINVAL, `${name}: not a Jailhouse hypervisor image (${img.length} bytes, shorter than the 80-byte jailhouse_header)`);
  if (h.signature !== HV_SIGNATURE) {
    throw new ErrnoError(Errno.EINVAL, `${name}: not a Jailhouse hypervisor image (signature ${JSON.stringify(h.signature)}, expected "${HV_SIGNATURE}")`);
  }
  if (o.json) {
    io.out(`${JSON.stringify({ file: file ?? null, signature: h.signature, size: img.length, core_size: h.coreSize, percpu_size: h.percpuSize, entry: h.entry, console_page: h.consolePage })}\n`);
    return 0;
  }
  const hex = (n: number): string => `0x${n.toString(16)}`;
  io.out(`signature     ${JSON.stringify(h.signature)}\nsize          ${img.length} bytes\ncore_size     ${hex(h.coreSize)}\npercpu_size   ${hex(h.percpuSize)}\nentry         ${hex(h.entry)}\nconsole_page  ${hex(h.consolePage)}\n`);
  return 0;
}
