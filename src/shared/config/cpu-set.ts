/**
 * CPU sets of the JSON config form: a list of ids or a range string ("0,2-15"), parsed,
 * formatted and validated as a zod field.
 */
import { z } from 'zod';
import { numberInput, parseUnsigned } from './fields.js';

/** Largest CPU id accepted anywhere (the bitmap must still fit cpu_set_size). */
const MAX_CPU_ID = 0xffff;

/** Parses "0-3", "0,2-15", "5" (whitespace allowed; "" = empty set) into sorted unique ids. */
export function parseCpuList(s: string): number[] | { error: string } {
  const out = new Set<number>();
  const trimmed = s.trim();
  if (trimmed === '') return [];
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return { error: `invalid CPU list ${JSON.stringify(s)} (expected e.g. "0-3" or "0,2-15")` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return { error: `invalid CPU range ${JSON.stringify(part.trim())} (end before start)` };
    if (hi > MAX_CPU_ID) return { error: `CPU id ${hi} out of range (max ${MAX_CPU_ID})` };
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

/** Formats CPU ids as a range string ("0,2-15"): Linux's `%*pbl` form (shared/cpumask.ts). */
export { formatMaskList as formatCpuList } from '../cpumask.js';

/** A CPU set field: a range string or an array of ids; normalised to sorted unique ids. */
export const cpuSetField = z.union([z.string(), z.array(numberInput)]).transform((v, ctx): number[] => {
  if (typeof v === 'string') {
    const r = parseCpuList(v);
    if (Array.isArray(r)) return r;
    ctx.addIssue({ code: 'custom', message: r.error, input: v });
    return z.NEVER;
  }
  const out = new Set<number>();
  for (const item of v) {
    const r = parseUnsigned(item, MAX_CPU_ID, 'CPU id');
    if (typeof r !== 'number') {
      ctx.addIssue({ code: 'custom', message: r.error, input: item });
      return z.NEVER;
    }
    out.add(r);
  }
  return [...out].sort((a, b) => a - b);
});
