/**
 * The supervisor's side of a profiling session: drains the CPUs' exit rings every few ms (off
 * every simulated path) and keeps exact aggregates of every exit — per CPU and per cell and
 * reason, the top MMIO addresses and IRQs, exits per time bin — plus up to `traceCap` records
 * for the trace file (a record of merged untimed exits is one record there).
 */
import type { Machine } from '../../actors/cpu/supervisor.js';
import { RecKind, RecSlot } from '../../actors/cpu/exit-ring-layout.js';
import { CpuWord, now } from '../../actors/cpu/layout.js';
import { hvView } from '../inspect/inspect.js';
import { NUM_REASONS } from './profile-names.js';
import { EC } from '../../shared/arm64/exception-class.js';

/**
 * Samples and handling time (ms) of one group of exits. In a flood the recorder times only some
 * exits (exit-recorder.ts): `timed` of the `samples` carry a time; min, max and the average are
 * theirs, and the group's total time is estimated as average × samples.
 */
export interface Agg {
  samples: number;
  timed: number;
  time: number;
  min: number;
  max: number;
}

export const newAgg = (): Agg => ({ samples: 0, timed: 0, time: 0, min: Infinity, max: 0 });

/** `n` more exits; `dur` < 0 (UNTIMED) counts them without a time (a timed record is one exit). */
export function addAgg(a: Agg, dur: number, n = 1): void {
  a.samples += n;
  if (dur < 0) return;
  a.timed++;
  a.time += dur;
  if (dur < a.min) a.min = dur;
  if (dur > a.max) a.max = dur;
}

/** Average handling time (ms) of the timed exits, 0 without any. */
export const aggAvg = (a: Agg): number => (a.timed ? a.time / a.timed : 0);

/** The group's handling time (ms), estimated from the timed exits when not all were timed. */
export const aggTotal = (a: Agg): number => aggAvg(a) * a.samples;

/** One exit's decoded record (the trace keeps these). */
export interface ExitRec {
  kind: number;
  cpu: number;
  reason: number;
  ec: number;
  t0: number;
  dur: number;
  /** The cell's id and its name when the record was drained (ids are reused after a destroy). */
  cellId: number;
  cell: string;
  detail: number;
  aux: number;
  count: number;
  /** Exits the record stands for (RecSlot.EXITS: identical untimed exits share a record); 0 if not an exit. */
  exits: number;
}

/** Width of a time bin of the exits-per-second series, ms. */
export const BIN_MS = 100;

/** The MMIO exits at one IPA: the handler that took them, their times, reads and writes. */
export interface MmioEntry {
  handler: number;
  agg: Agg;
  reads: number;
  writes: number;
}

export interface ProfileData {
  nrCpus: number;
  /** Shared-clock ms when recording started and stopped. */
  start: number;
  end: number;
  /** Counter frequency of the board (the guest counter at an exit is derived from its time). */
  timerHz: number;
  /** Aggregates by CPU, cell name, reason and exception class: key = `${cpu}/${cell}/${reason}/${ec}`. */
  groups: Map<string, { cpu: number; cell: string; reason: number; ec: number; agg: Agg }>;
  /** MMIO exits by IPA (with the handler that took them). */
  mmio: Map<number, MmioEntry>;
  /** IRQ exits by the first INTID acknowledged. */
  irqs: Map<number, Agg>;
  /** Hypercalls and SMC functions by code. */
  calls: Map<string, Agg>;
  /** Exits per bin: bins[cpu][reason][bin]. */
  bins: number[][][];
  /** Records kept for the trace (exits, state changes, entries), by time within a CPU. */
  trace: ExitRec[];
  /** Records not kept for the trace (past traceCap). */
  traceDropped: number;
  /** Records each CPU dropped (its ring was full when it wrote). */
  ringDropped: number[];
  /** Each CPU's CpuState and cell (id, name) when recording started. */
  initialStates: number[];
  initialCells: { id: number; name: string }[];
  /** Cell names by id, as last seen while recording. */
  cellNames: Map<number, string>;
}

/** The root cell's name until the hypervisor's cell list says otherwise. */
const ROOT_NAME = 'root';

export class ProfileCollector {
  readonly data: ProfileData;
  private timer: NodeJS.Timeout | undefined;
  /** Told of every record as it is drained (the session's debug/trace log). */
  tap: ((r: ExitRec) => void) | undefined;

  constructor(
    private readonly m: Machine,
    private readonly traceCap = 200_000,
  ) {
    if (!m.exitDrain) throw new Error('the machine was booted without the vmexit recorder (profile: true)');
    this.data = {
      nrCpus: m.nr,
      start: now(),
      end: 0,
      timerHz: m.board.timer_hz,
      groups: new Map(),
      mmio: new Map(),
      irqs: new Map(),
      calls: new Map(),
      bins: Array.from({ length: m.nr }, () => Array.from({ length: NUM_REASONS }, () => [])),
      trace: [],
      traceDropped: 0,
      ringDropped: new Array<number>(m.nr).fill(0),
      cellNames: new Map([[0, ROOT_NAME]]),
      initialStates: Array.from({ length: m.nr }, (_, cpu) => m.cpuState(cpu)),
      initialCells: [],
    };
    // Where each CPU is now: the cell id the hypervisor publishes in its slot, named from the
    // hypervisor's cell list.
    this.refreshNames();
    this.data.initialCells = Array.from({ length: m.nr }, (_, cpu) => {
      const id = m.cpuWord(cpu, CpuWord.CELL_ID) >>> 0;
      return { id, name: this.data.cellNames.get(id) ?? `cell ${id}` };
    });
  }

  start(intervalMs = 5): this {
    this.timer = setInterval(() => this.drain(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** Drain a last time and stop. */
  stop(): ProfileData {
    if (this.data.end) return this.data;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.drain();
    this.data.end = now();
    return this.data;
  }

  drain(): void {
    const d = this.data;
    this.refreshNames();
    this.m.exitDrain!.visit(this.visitor).forEach((n, cpu) => (d.ringDropped[cpu] = n));
  }

  /** Cell ids and names from the hypervisor's cell list (not regions or maps: this runs every few ms). */
  private refreshNames(): void {
    // Names may change (an id is reused after a destroy): look them up afresh.
    this.lastCellId = -1;
    try {
      const hv = hvView(this.m);
      if (hv) for (const c of hv.cells(512)) this.data.cellNames.set(hv.cellConfigId(c), hv.cellName(c));
    } catch {
      // Hypervisor memory mid-change (enable/disable): names are picked up on the next drain.
    }
  }

  /** Index of each cell name in `names` (group keys carry the index, not the string). */
  private readonly nameIndex = new Map<string, number>();
  private readonly names: string[] = [];
  /** Groups by numeric key ((name index · 64 + cpu) · 16 + reason) · 64 + EC. */
  private readonly byKey = new Map<number, Agg>();

  private readonly visitor = (cpu: number, f64: Float64Array, o: number): void => this.add(cpu, f64, o);
  private lastCellId = -1;
  private lastCell: string | undefined;
  private lastKey = -1;
  private lastAgg: Agg | undefined;
  private lastMmio = -1;
  private lastMmioEntry: MmioEntry | undefined;
  private lastName: string | undefined;
  private lastNameIndex = 0;

  private intern(name: string): number {
    if (name === this.lastName) return this.lastNameIndex;
    this.lastName = name;
    this.lastNameIndex = this.internSlow(name);
    return this.lastNameIndex;
  }

  private internSlow(name: string): number {
    let i = this.nameIndex.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIndex.set(name, i);
    }
    return i;
  }

  /** One record: aggregates without allocating; an object only while the trace has room. */
  private add(cpu: number, r: Float64Array, o: number): void {
    const d = this.data;
    const k = r[o + RecSlot.KIND]!;
    const kind = k & 15;
    const reason = (k >> 4) & 15;
    const ec = k >> 8;
    const t0 = r[o + RecSlot.T0]!;
    // State changes from before the recording started (the machine's boot): its initial
    // states (data.initialStates) already say where the CPUs were.
    if (t0 < d.start) return;
    const dur = r[o + RecSlot.DUR]!;
    const cellId = r[o + RecSlot.CELL]!;
    const detail = r[o + RecSlot.DETAIL]!;
    const aux = r[o + RecSlot.AUX]!;
    const exits = r[o + RecSlot.EXITS]!;
    // Floods repeat one cell, group and address: the last lookup is kept (Map lookups of
    // non-small-integer keys dominate the drain otherwise).
    if (cellId !== this.lastCellId || this.lastCell === undefined) {
      this.lastCellId = cellId;
      this.lastCell = d.cellNames.get(cellId) ?? `cell ${cellId}`;
    }
    const cell = this.lastCell;
    const keep = d.trace.length < this.traceCap;
    if (keep || this.tap) {
      const rec: ExitRec = { kind, cpu, reason, ec, t0, dur, cellId, cell, detail, aux, count: r[o + RecSlot.COUNT]!, exits };
      if (keep) d.trace.push(rec);
      this.tap?.(rec);
    }
    if (!keep) d.traceDropped++;
    if (kind !== RecKind.EXIT) return;
    const key = ((this.intern(cell) * 64 + cpu) * 16 + reason) * 64 + ec;
    let agg = key === this.lastKey ? this.lastAgg : this.byKey.get(key);
    if (!agg) {
      agg = newAgg();
      this.byKey.set(key, agg);
      d.groups.set(`${cpu}/${cell}/${reason}/${ec}`, { cpu, cell, reason, ec, agg });
    }
    this.lastKey = key;
    this.lastAgg = agg;
    addAgg(agg, dur, exits);
    const bin = Math.max(0, Math.floor((t0 - d.start) / BIN_MS));
    const series = d.bins[cpu]![reason]!;
    while (series.length <= bin) series.push(0);
    series[bin]! += exits;
    if (ec === EC.DABT_LOWER) {
      let e = detail === this.lastMmio ? this.lastMmioEntry : d.mmio.get(detail);
      if (!e) d.mmio.set(detail, (e = { handler: Math.floor(aux / 256), agg: newAgg(), reads: 0, writes: 0 }));
      this.lastMmio = detail;
      this.lastMmioEntry = e;
      addAgg(e.agg, dur, exits);
      if (aux & 16) e.writes += exits;
      else e.reads += exits;
    } else if (ec === 0 && r[o + RecSlot.COUNT]! > 0) {
      let e = d.irqs.get(detail);
      if (!e) d.irqs.set(detail, (e = newAgg()));
      addAgg(e, dur, exits);
    } else if (ec === EC.HVC64 || ec === EC.SMC64) {
      const name = `${ec === EC.HVC64 ? 'hvc' : 'smc'}:${detail}`;
      let e = d.calls.get(name);
      if (!e) d.calls.set(name, (e = newAgg()));
      addAgg(e, dur, exits);
    }
  }
}
