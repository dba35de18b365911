/**
 * The differential run: batches of generated cases, each run by QEMU (as one process, in the
 * background while the next batch is generated) and by jhsim's interpreter and translator,
 * compared field by field. Mismatching cases are then REDUCED: every word of the case becomes
 * a one-word case starting from the state jhsim's interpreter had reached before it, and the
 * first one-word case that still mismatches is the minimal reproducer. The same last batch
 * PROBES a sample of the words jhsim does not decode (QEMU refusing them too means reserved
 * encodings, QEMU running them a gap in jhsim, often a later architecture feature) and runs the
 * words jhsim decodes but refused to run while generating (alignment faults, UNDEFINED at
 * execution), which QEMU must refuse too.
 */
import { BLOCK_SIZE, DRIVER_SIZE, type QemuResult, readBlock } from './layout.js';
import { BRK0, JhsimMachine } from './jhsim.js';
import { type GenCase, Generator } from './gen.js';
import { type Program, SLOT_SIZE, buildProgram } from './program.js';
import { runQemu } from './qemu.js';
import { Stats } from './stats.js';
import { type Outcome, compare, failed } from './compare.js';
import type { ClassDef } from './template.js';
import { randomSnapshot, rng } from './values.js';

export interface DiffOptions {
  seed: number;
  /** Case indices to run. */
  indices: readonly number[];
  batchSize: number;
  /** Inputs per case. */
  reps: number;
  classes: readonly ClassDef[];
  /** Progress lines. */
  log: (line: string) => void;
}

/** A mismatch: case c run from its input `rep`. */
export interface Found { c: GenCase; rep: number; wordsVa: number; outcome: Outcome }

/** A one-word reproducer of a mismatching case (word k of `origin`). */
export interface Reduced { origin: Found; k: number; one: Found }

export interface DiffResult {
  stats: Stats;
  cases: number;
  /** Instructions run by all three and compared (a case's words times its inputs). */
  instructions: number;
  found: Found[];
  reduced: Reduced[];
  /** Mismatching cases no single word reproduces (an interaction between words). */
  unreduced: Found[];
  /** Words jhsim decodes but refused to run (e.g. an alignment fault) where QEMU ran them. */
  refusedOnlyByJhsim: Found[];
  ms: { gen: number; qemuWait: number; jhsim: number; total: number };
}

interface Batch { cases: GenCase[]; prog: Program; results: Promise<QemuResult[]> }

/** How many mismatches are reduced (each costs up to 32 one-word cases). */
const REDUCE_LIMIT = 40;

/**
 * QEMU's results (case k, input r at k * reps + r) for cases [lo, hi) of a batch (the others'
 * words left out, so every case keeps its slot and its pc-relative results). QEMU 7.2 aborts
 * on a few encodings ("code should not be reached"): a run QEMU aborts is split until the case
 * that kills it is alone.
 */
async function qemuResults(cases: readonly GenCase[], reps: number, firstSlot: number, lo: number, hi: number, prog?: Program): Promise<QemuResult[]> {
  const p = prog ?? buildProgram(cases.map((c, k) => ({ words: k >= lo && k < hi ? c.words : [], inputs: c.inputs })), reps, firstSlot);
  let out: Buffer | Error;
  try {
    out = await runQemu(p.elf);
    if (out.length !== p.outputSize) out = new Error(`QEMU wrote ${out.length} bytes, expected ${p.outputSize}`);
  } catch (e) {
    out = e instanceof Error ? e : new Error(String(e));
  }
  if (!(out instanceof Error)) {
    const buf = out;
    return Array.from({ length: (hi - lo) * reps }, (_, k) => readBlock(buf, (lo * reps + k) * BLOCK_SIZE));
  }
  // Only QEMU's own aborts are split; anything else (no binary, a broken harness) is fatal.
  if (!/uncaught target signal|should not be reached|Aborted/.test(out.message)) throw out;
  if (hi - lo === 1) {
    const crash = out.message.replace(/\s+/g, ' ').slice(0, 300);
    return Array.from({ length: reps }, () => ({ ...readBlock(new Uint8Array(BLOCK_SIZE), 0), crash }));
  }
  const mid = (lo + hi) >> 1;
  return [...await qemuResults(cases, reps, firstSlot, lo, mid), ...await qemuResults(cases, reps, firstSlot, mid, hi)];
}

export async function runDiff(o: DiffOptions): Promise<DiffResult> {
  const t0 = performance.now();
  const ms = { gen: 0, qemuWait: 0, jhsim: 0, total: 0 };
  const stats = new Stats();
  const m = new JhsimMachine(DRIVER_SIZE + o.batchSize * SLOT_SIZE + 4);
  const gen = new Generator(o.classes, m, stats);
  const found: Found[] = [];
  let instructions = 0;
  let cases = 0;

  const launch = (cs: GenCase[], firstSlot = 0): Batch => {
    const reps = cs[0]!.inputs.length;
    const prog = buildProgram(cs, reps, firstSlot);
    return { cases: cs, prog, results: qemuResults(cs, reps, firstSlot, 0, cs.length, prog) };
  };

  /** Runs jhsim on a finished batch and compares with QEMU's output. */
  const finish = async (b: Batch, refusals?: ReadonlySet<GenCase>): Promise<Found[]> => {
    const tw = performance.now();
    const results = await b.results;
    ms.qemuWait += performance.now() - tw;
    const tj = performance.now();
    m.loadCode(b.prog.code);
    b.cases.forEach((c, k) => m.writeCode(b.prog.wordsVa(k) + 4 * c.words.length, [BRK0]));
    const bad: Found[] = [];
    b.cases.forEach((c, k) => {
      const va = b.prog.wordsVa(k);
      c.inputs.forEach((input, rep) => {
        const q = results[k * b.prog.reps + rep]!;
        const r = compare(q, m.runInterp(input, va, c.words.length), m.runJit(input, va, c.words.length), refusals?.has(c), c.expected?.[rep]);
        if (failed(r)) bad.push({ c, rep, wordsVa: va, outcome: r });
      });
    });
    ms.jhsim += performance.now() - tj;
    return bad;
  };

  const account = (b: Batch, bad: Found[]): void => {
    for (const c of b.cases) {
      cases++;
      instructions += c.words.length * c.inputs.length;
      c.classes.forEach((cls) => { stats.of(cls).compared += c.inputs.length; });
    }
    found.push(...bad);
    o.log(`  ${cases} cases, ${instructions} instructions compared, ${found.length} mismatches (${Math.round(performance.now() - t0)} ms)`);
  };

  const inflight: Batch[] = [];
  for (let start = 0; start < o.indices.length; start += o.batchSize) {
    const tg = performance.now();
    const idx = o.indices.slice(start, start + o.batchSize);
    // Case i has slot i % batchSize, as in a full run, also when it runs alone (JHSIM_DIFF_ONLY).
    const first = idx[0]! % o.batchSize;
    const cs = idx.map((i, k) => gen.generate(o.seed, i, first + k, o.reps));
    ms.gen += performance.now() - tg;
    inflight.push(launch(cs, first));
    // One batch in QEMU while this process generates the next keeps both sides busy.
    while (inflight.length > 1) {
      const b = inflight.shift()!;
      account(b, await finish(b));
    }
  }
  while (inflight.length > 0) {
    const b = inflight.shift()!;
    account(b, await finish(b));
  }

  const { reduced, unreduced, refusedOnlyByJhsim } = await reduceAndProbe(m, stats, found.slice(0, REDUCE_LIMIT), o.batchSize, launch, finish);
  for (const r of [...reduced.map((x) => x.one), ...refusedOnlyByJhsim]) stats.of(r.c.classes[0]!).mismatches++;
  for (const u of unreduced) for (const cls of new Set(u.c.classes)) stats.of(cls).mismatches++;
  ms.total = performance.now() - t0;
  return { stats, cases, instructions, found, reduced, unreduced, refusedOnlyByJhsim, ms };
}

async function reduceAndProbe(
  m: JhsimMachine, stats: Stats, bad: Found[], batchSize: number,
  launch: (cs: GenCase[]) => Batch, finish: (b: Batch, refusals?: ReadonlySet<GenCase>) => Promise<Found[]>,
): Promise<{ reduced: Reduced[]; unreduced: Found[]; refusedOnlyByJhsim: Found[] }> {
  const singles = new Map<GenCase, { origin: Found; k: number }>();
  for (const f of bad) {
    m.writeCode(f.wordsVa, f.c.words);
    f.c.words.forEach((w, k) => {
      const pre = m.runInterp(f.c.inputs[f.rep]!, f.wordsVa, k).snap;
      singles.set({ index: f.c.index, words: [w], classes: [f.c.classes[k]!], inputs: [pre] }, { origin: f, k });
    });
  }
  const probes = new Map<GenCase, string>();
  for (const [cls, s] of stats.classes) {
    for (const word of s.undefSample) probes.set({ index: -1, words: [word], classes: [cls], inputs: [randomSnapshot(rng(word))] }, cls);
  }
  // Words jhsim refused while generating: run alone from the same state, QEMU should refuse too.
  const refusals = new Set<GenCase>(stats.refusals.map((x) => ({ index: -1, words: [x.word], classes: [x.cls], inputs: [x.input] })));
  const all = [...singles.keys(), ...refusals, ...probes.keys()];
  const failing = new Map<GenCase, Found>();
  for (let start = 0; start < all.length; start += batchSize) {
    const b = launch(all.slice(start, start + batchSize));
    const results = await b.results;
    // Probes are judged on QEMU's signal alone; one-word cases go through the usual compare.
    b.cases.forEach((c, k) => {
      const cls = probes.get(c);
      if (cls === undefined) return;
      const q = results[k]!;
      if (q.crash !== undefined) stats.of(cls).probesCrashed.push(c.words[0]!);
      else if (q.signal === 4) stats.of(cls).probesRefused++;
      else stats.of(cls).probesExecuted.push(c.words[0]!);
    });
    const n = b.cases.filter((c) => singles.has(c) || refusals.has(c)).length;
    for (const f of await finish({ cases: b.cases.slice(0, n), prog: b.prog, results: Promise.resolve(results) }, refusals)) failing.set(f.c, f);
  }
  stats.refusalsChecked = refusals.size;
  const refusedOnlyByJhsim = [...refusals].flatMap((c) => failing.get(c) ?? []);
  const reduced: Reduced[] = [];
  const unreduced: Found[] = [];
  for (const f of bad) {
    const first = [...singles].find(([c, s]) => s.origin === f && failing.has(c));
    if (first === undefined) unreduced.push(f);
    else reduced.push({ origin: f, k: first[1].k, one: failing.get(first[0])! });
  }
  return { reduced, unreduced, refusedOnlyByJhsim };
}
