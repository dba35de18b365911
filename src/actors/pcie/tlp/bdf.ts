/** Bus/Device/Function IDs (reference 1.12: id = bus << 8 | dev << 3 | fn), printed `bb:dd.f` in hex. */
import { TlpError } from './error.js';

export function formatBdf(id: number): string {
  const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${hex((id >>> 8) & 0xff, 2)}:${hex((id >>> 3) & 0x1f, 2)}.${(id & 7).toString(16)}`;
}

export function bdf(bus: number, dev: number, fn: number): number {
  return ((bus & 0xff) << 8) | ((dev & 0x1f) << 3) | (fn & 7);
}

/**
 * `bb:dd.f` (hex, as lspci prints it; `dd.f` alone means bus 0) or a plain number (`0x100`,
 * `256`). Throws TlpError naming `field`.
 */
export function parseBdf(s: string, field = 'id'): number {
  const m = /^(?:([0-9a-f]{1,2}):)?([0-9a-f]{1,2})\.([0-7])$/i.exec(s.trim());
  if (m) {
    const bus = m[1] === undefined ? 0 : parseInt(m[1], 16);
    const dev = parseInt(m[2]!, 16);
    if (dev > 0x1f) throw new TlpError(`${field} ${s}: device ${dev} (0x${dev.toString(16)}) is above 0x1f`, field);
    return bdf(bus, dev, parseInt(m[3]!, 16));
  }
  const n = /^(0x[0-9a-f]+|[0-9]+)$/i.test(s.trim()) ? Number(s.trim()) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new TlpError(`${field} ${s}: expected a BDF bb:dd.f (hex) or a 16-bit number`, field);
  return n;
}
