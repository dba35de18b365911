/** The end-of-run report: coverage per class, then every mismatch with a reproducer. */
import { formatMismatch } from './compare.js';
import type { DiffResult } from './runner.js';
import { disasm, mnemonic } from './stats.js';
import { FIELDS, fieldValue } from './compare.js';
import { OUTSIDE } from './gen.js';

const hex8 = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

export function rerunCommand(seed: number, index?: number): string {
  const only = index === undefined ? '' : ` JHSIM_DIFF_ONLY=${index}`;
  return `JHSIM_SEED=${seed}${only} npx vitest run test/a64-qemu-diff.test.ts`;
}

export function coverageReport(r: DiffResult): string {
  const s = (ms: number): string => (ms / 1000).toFixed(1);
  const lines = [
    `a64-qemu-diff: ${r.cases} cases, ${r.instructions} instructions compared in ${s(r.ms.total)} s ` +
    `(generating ${s(r.ms.gen)} s, jhsim ${s(r.ms.jhsim)} s, waiting for QEMU ${s(r.ms.qemuWait)} s)`,
    `${'class'.padEnd(30)} ${'compared'.padStart(9)} ${'words'.padStart(7)} ${'mnem.'.padStart(5)} ${'not impl.'.padStart(9)} ${'probes: refused/run'.padStart(19)} ${'rejected'.padStart(8)} ${'mismatch'.padStart(8)}`,
  ];
  let words = 0;
  const allMnem = new Set<string>();
  const classes = [...r.stats.classes].sort(([a], [b]) => a.localeCompare(b));
  for (const [name, c] of classes) {
    const rejected = [...c.rejected.values()].reduce((a, b) => a + b, 0);
    words += c.words.size;
    for (const m of c.mnemonics) allMnem.add(`${name}:${m}`);
    lines.push(`${name.padEnd(30)} ${String(c.compared).padStart(9)} ${String(c.words.size).padStart(7)} ${String(c.mnemonics.size).padStart(5)} ` +
      `${String(c.notImplemented).padStart(9)} ${`${c.probesRefused}/${c.probesExecuted.length}`.padStart(19)} ${String(rejected).padStart(8)} ${String(c.mismatches).padStart(8)}`);
  }
  lines.push(`total: ${words} distinct words, ${allMnem.size} distinct class/mnemonic pairs`);
  for (const [name, c] of classes) {
    if (c.mnemonics.size > 0) lines.push(`  ${name}: ${[...c.mnemonics].sort().join(' ')}`);
  }
  const odd = classes.flatMap(([name, c]) => [...c.rejected].filter(([why]) => why !== OUTSIDE).map(([why, n]) => `${name}: ${why} ×${n}`));
  if (odd.length > 0) lines.push(`decoded words jhsim refused to run while generating, not for an access outside the scratch: ${odd.join(', ')}`);
  const crashed = classes.filter(([, c]) => c.probesCrashed.length > 0);
  for (const [name, c] of crashed) lines.push(`QEMU aborted on probes of ${name}: ${c.probesCrashed.slice(0, 12).map(hex8).join(' ')}`);
  const gaps = classes.filter(([, c]) => c.probesExecuted.length > 0);
  if (gaps.length > 0) {
    lines.push('not decoded by jhsim but executed by QEMU (sample words, by class):');
    for (const [name, c] of gaps) lines.push(`  ${name}: ${c.probesExecuted.slice(0, 12).map(hex8).join(' ')}`);
  }
  lines.push(`words jhsim refused to run (not for leaving the scratch), checked alone with QEMU: ${r.stats.refusalsChecked}, of which QEMU ran ${r.refusedOnlyByJhsim.length}`);
  const bad = classes.filter(([, c]) => c.mismatches > 0).map(([n]) => n);
  lines.push(bad.length === 0 ? 'classes with mismatches: none' : `classes with mismatches: ${bad.join(', ')}`);
  return lines.join('\n');
}

/** Every mismatch: one-word reproducers grouped by mnemonic and differing fields, then the rest. */
export function mismatchReport(r: DiffResult, seed: number): string {
  const out: string[] = [];
  if (r.found.length > 0) out.push(`${r.found.length} mismatching cases (${r.found.length > r.reduced.length + r.unreduced.length ? 'the first ones reduced' : 'all reduced'})`);
  const groups = new Map<string, number>();
  for (const x of r.reduced) {
    const w = x.one.c.words[0]!;
    const key = `${mnemonic(w)} ${x.one.outcome.problems.map((p) => p.replace(/\d+/g, '#')).join(',')} ${x.one.outcome.diffs.map((d) => d.replace(/\d+/g, '')).join(',')}`;
    const seen = groups.get(key) ?? 0;
    groups.set(key, seen + 1);
    if (seen > 0) continue;
    out.push(`--- reproducer: word ${x.k} of case ${x.origin.c.index} (input ${x.origin.rep}), alone, from the state jhsim had reached before it`);
    out.push(formatMismatch(seed, x.one.c, 0, x.one.wordsVa, x.one.outcome, rerunCommand(seed, x.origin.c.index)));
  }
  for (const [key, n] of groups) if (n > 1) out.push(`(${n} reproducers like: ${key})`);
  for (const u of r.unreduced) {
    out.push('--- no single word reproduces this case:');
    out.push(formatMismatch(seed, u.c, u.rep, u.wordsVa, u.outcome, rerunCommand(seed, u.c.index)));
  }
  for (const f of r.refusedOnlyByJhsim) {
    out.push('--- jhsim refused this word (an exception) where QEMU ran it:');
    out.push(formatMismatch(seed, f.c, 0, f.wordsVa, f.outcome, '(found while generating; any seed that generates the word)'));
  }
  for (const e of r.stats.engineErrors) {
    out.push(`--- jhsim threw while running ${hex8(e.word)} ${disasm(e.word, e.pc)} (${e.cls}): ${e.message}`);
    out.push(`    from: ${FIELDS.filter((f) => f[0] !== 'M').map((f) => `${f}=${fieldValue(e.input, f)}`).join(' ')}`);
  }
  return out.join('\n');
}
