/**
 * Comparing the three results of a case (QEMU, jhsim's interpreter, jhsim's translator) field
 * by field, and printing a mismatch so it can be understood and re-run without the test.
 */
import { SCRATCH_SIZE, SCRATCH_VA, type QemuResult, type Snapshot } from './layout.js';
import type { JhsimRun } from './jhsim.js';
import type { GenCase } from './gen.js';
import { disasm } from './stats.js';
import { WORDS_OFF } from './program.js';

const hex = (v: bigint | number, digits: number): string => v.toString(16).padStart(digits, '0');

function bytesHex(b: Uint8Array, off: number, reverse: boolean): string {
  const s = Array.from(b.subarray(off, off + 16), (x) => hex(x, 2));
  return (reverse ? s.reverse() : s).join('');
}

/** Every compared field: X0-X30, SP, NZCV, FPCR, FPSR, V0-V31, the scratch in 16-byte rows. */
export const FIELDS: readonly string[] = [
  ...Array.from({ length: 31 }, (_, k) => `X${k}`), 'SP', 'NZCV', 'FPCR', 'FPSR',
  ...Array.from({ length: 32 }, (_, k) => `V${k}`),
  ...Array.from({ length: SCRATCH_SIZE / 16 }, (_, k) => `M${hex(SCRATCH_VA + 16 * k, 8)}`),
];

/** A field's value as printed (V as one 128-bit number; memory rows in address order). */
export function fieldValue(s: Snapshot, f: string): string {
  switch (f) {
    case 'SP': return hex(s.sp, 16);
    case 'NZCV': return hex(s.nzcv, 8);
    case 'FPCR': return hex(s.fpcr, 8);
    case 'FPSR': return hex(s.fpsr, 8);
    default: break;
  }
  const n = Number(f.slice(1));
  if (f[0] === 'X') return hex(s.x[n]!, 16);
  if (f[0] === 'V') return bytesHex(s.v, 16 * n, true);
  return bytesHex(s.scratch, parseInt(f.slice(1), 16) - SCRATCH_VA, false);
}

export interface Outcome {
  qemu: QemuResult;
  interp: JhsimRun;
  jit: JhsimRun;
  /** Fields where any two results differ, plus the run-level problems (signals, exceptions). */
  problems: string[];
  diffs: string[];
}

/** QEMU's signal for a jhsim exception type (SIGILL for UNDEFINED, SIGBUS or SIGSEGV for aborts). */
const SIGNALS: Readonly<Record<string, readonly number[]>> = { undefined: [4], dataAbort: [7, 11] };

/** Both sides refused the same word the same way (a refusal probe, see gen.ts). */
function bothRefused(q: QemuResult, i: JhsimRun, j: JhsimRun): boolean {
  const word = (q.faultOff - WORDS_OFF) / 4;
  return q.crash === undefined && [i.fault, j.fault].every((f) => f !== undefined && f.word === word && (SIGNALS[f.type] ?? []).includes(q.signal));
}

/** `refusal`: a word jhsim refused while generating, where QEMU refusing it too is agreement. */
export function compare(q: QemuResult, i: JhsimRun, j: JhsimRun, refusal = false, expected?: Snapshot): Outcome {
  const problems: string[] = [];
  // Generation stepped the same words on the same engine: a difference is the harness's (or
  // jhsim depending on something outside the architectural state).
  if (expected !== undefined && !same(expected, i.snap)) problems.push('jhsim: the generation run and the interpreter run differ');
  if (refusal && q.signal !== 0 && bothRefused(q, i, j)) return { qemu: q, interp: i, jit: j, problems, diffs: [] };
  if (q.crash !== undefined) problems.push(`QEMU crashed: ${q.crash}`);
  else if (q.signal !== 0) problems.push(`QEMU: signal ${q.signal} at word ${(q.faultOff - WORDS_OFF) / 4}`);
  if (i.error !== undefined) problems.push(`jhsim interpreter: ${i.error}`);
  if (j.error !== undefined) problems.push(`jhsim translator: ${j.error}`);
  const diffs: string[] = [];
  if (q.crash === undefined && q.signal === 0 && !(same(q.snap, i.snap) && same(q.snap, j.snap))) {
    for (const f of FIELDS) {
      const a = fieldValue(q.snap, f);
      if (a !== fieldValue(i.snap, f) || a !== fieldValue(j.snap, f)) diffs.push(f);
    }
  }
  return { qemu: q, interp: i, jit: j, problems, diffs };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The fast path: most cases agree, and formatting every field is what costs. */
function same(a: Snapshot, b: Snapshot): boolean {
  if (a.sp !== b.sp || a.nzcv !== b.nzcv || a.fpcr !== b.fpcr || a.fpsr !== b.fpsr) return false;
  for (let k = 0; k < 31; k++) if (a.x[k] !== b.x[k]) return false;
  return bytesEqual(a.v, b.v) && bytesEqual(a.scratch, b.scratch);
}

export function failed(o: Outcome): boolean {
  return o.problems.length > 0 || o.diffs.length > 0;
}

/** Fields named by the words' disassembly (registers read or written). */
export function involved(texts: readonly string[]): string[] {
  const set = new Set<string>(['NZCV', 'FPCR', 'FPSR']);
  for (const t of texts) {
    const ops = t.replace(/^\S+\s*/, '');
    for (const m of ops.matchAll(/\b([xwvqdshb])(\d+)\b/g)) set.add(`${'xw'.includes(m[1]!) ? 'X' : 'V'}${m[2]}`);
    if (/\b(w?sp)\b/.test(ops)) set.add('SP');
  }
  return FIELDS.filter((f) => set.has(f));
}

/** The full printout of a mismatching case. */
export function formatMismatch(seed: number, c: GenCase, rep: number, wordsVa: number, o: Outcome, rerun: string): string {
  const texts = c.words.map((w, k) => disasm(w, wordsVa + 4 * k));
  const lines = [
    `MISMATCH seed ${seed} case ${c.index} input ${rep} (${c.words.length} words at 0x${wordsVa.toString(16)})`,
    `  re-run: ${rerun}`,
    ...c.words.map((w, k) => `  [${k}] ${hex(w >>> 0, 8)}  ${texts[k]}   (${c.classes[k]})`),
    ...o.problems.map((p) => `  ${p}`),
  ];
  const show = [...new Set([...involved(texts), ...o.diffs])];
  lines.push('  field      initial                           qemu                              interp                            translator');
  for (const f of FIELDS.filter((x) => show.includes(x))) {
    const mark = o.diffs.includes(f) ? '≠' : ' ';
    lines.push(`${mark} ${f.padEnd(9)} ${fieldValue(c.inputs[rep]!, f).padEnd(33)} ${fieldValue(o.qemu.snap, f).padEnd(33)} ${fieldValue(o.interp.snap, f).padEnd(33)} ${fieldValue(o.jit.snap, f)}`);
  }
  return lines.join('\n');
}
