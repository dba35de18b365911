/**
 * The -x/-xxx/-xxxx byte dump. Only bytes that were actually read are shown: a 64-byte
 * (non-root) read prints four rows even for -xxx, as lspci does.
 */
import { hex } from './config-view.js';

export function hexDump(config: Uint8Array, level: number, headerType: number): string[] {
  let want = level >= 4 ? 4096 : level >= 3 ? 256 : headerType === 2 ? 128 : 64;
  want = Math.min(want, config.length - (config.length % 16));
  const out: string[] = [];
  for (let row = 0; row < want; row += 16) {
    const bytes = Array.from(config.subarray(row, row + 16), (b) => hex(b, 2));
    out.push(`${hex(row, 2)}: ${bytes.join(' ')}`);
  }
  return out;
}
