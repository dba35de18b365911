/** Files shipped with jhsim (configs/), found from the working directory or the package. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A path as the user wrote it, relative to the working directory; a relative path that does
 * not exist there but names a bundled file (e.g. configs/qemu-arm64.json) resolves to the
 * bundled copy, so the shipped configs work from any directory.
 */
export function resolveUserPath(p: string): string {
  if (isAbsolute(p) || existsSync(p)) return p;
  const bundled = join(PACKAGE_ROOT, p);
  return existsSync(bundled) ? bundled : p;
}

export const DEFAULT_ROOT_CONFIG = 'configs/qemu-arm64.json';

/** A config file in jhsim's JSON form (first non-blank byte is '{'), as opposed to a binary .cell. */
export function looksLikeJson(raw: Uint8Array): boolean {
  for (const b of raw) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b;
  }
  return false;
}
