/**
 * CPU sets as Linux prints them in sysfs: `%*pb` (hex, 32-bit chunks) and `%*pbl` (ranges).
 * A set is a sorted array of CPU ids; nrCpuIds is the number of possible CPUs.
 */

/** `%*pb`: lowercase hex, most significant 32-bit chunk first, chunks joined by ','. */
export function formatMaskHex(cpus: Iterable<number>, nrCpuIds: number): string {
  const chunks = Math.max(1, Math.ceil(nrCpuIds / 32));
  const words = new Array<number>(chunks).fill(0);
  for (const c of cpus) if (c < nrCpuIds) words[c >> 5]! |= 1 << (c & 31);
  const firstBits = nrCpuIds % 32 || 32;
  const firstDigits = Math.ceil(firstBits / 4);
  const parts: string[] = [];
  for (let i = chunks - 1; i >= 0; i--) {
    const digits = i === chunks - 1 ? firstDigits : 8;
    parts.push((words[i]! >>> 0).toString(16).padStart(digits, '0'));
  }
  return parts.join(',');
}

/** `%*pbl`: ranges such as `0,2-15`; the empty set prints as an empty string. */
export function formatMaskList(cpus: Iterable<number>): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Parse `0,2-15` into CPU ids; throws on malformed input. */
export function parseMaskList(text: string): number[] {
  const out = new Set<number>();
  const trimmed = text.trim();
  if (trimmed === '') return [];
  for (const part of trimmed.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`bad CPU list element "${part}"`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`bad CPU range "${part}"`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

/** CPU ids set in a 64-bit mask kept as two 32-bit words. */
export function maskToCpus(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < 32; c++) if ((lo >>> c) & 1) out.push(c);
  for (let c = 0; c < 32; c++) if ((hi >>> c) & 1) out.push(c + 32);
  return out;
}
