/**
 * A profile as a Chrome trace (the JSON trace event format), which ui.perfetto.dev and
 * chrome://tracing open unchanged: one thread track per CPU whose slices are, in time order, what
 * the CPU was doing — each vmexit with its handling time (name: the reason; args: exception
 * class, cell, cause), the hypervisor's entry with its barrier, and between them the CPU's state
 * (guest code of a cell, parked, suspended, root Linux without the hypervisor …); plus one counter
 * track per CPU with its exits per second by reason. Exits the recorder did not time (a flood)
 * are instant events, those it merged (the same cause) one instant with their number in args.exits.
 */
import { CPU_STATE_NAMES, CpuState } from '../../actors/cpu/layout.js';
import { MGMT_PHASES, RecKind } from '../../actors/cpu/exit-ring-layout.js';
import { BIN_MS, type ExitRec, type ProfileData } from './profile-collector.js';
import { REASON_NAMES, causeText, ecName } from './profile-names.js';

/** One Chrome trace event (the fields jhsim writes). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'C' | 'M' | 'i';
  pid: number;
  tid?: number;
  /** µs from the start of the recording. */
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, string | number>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns' | 'ms';
  otherData: Record<string, string | number>;
}

const PID = 1;

function stateName(state: number, cell: { id: number; name: string }): string {
  if (state === CpuState.GUEST) return cell.id === 0 ? `root cell: ${cell.name} (Linux)` : `guest: ${cell.name}`;
  return CPU_STATE_NAMES[state] ?? `state ${state}`;
}

/** What a vmexit's slice or instant says about it. */
function exitArgs(r: ExitRec): Record<string, string | number> {
  return { ec: ecName(r.ec), cell: r.cell, cause: causeText(r.reason, r.ec, r.detail, r.aux) };
}

/** The events of one CPU's track, in time order, top-level slices never overlapping. */
function cpuEvents(d: ProfileData, cpu: number, recs: ExitRec[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  // Times in whole ns from the start (ts, end), so adjacent slices meet exactly after rounding.
  const ns = (t: number): number => Math.round((t - d.start) * 1e6);
  const span = (t0: number, dur: number): { ts: number; dur: number } => ({ ts: ns(t0) / 1000, dur: (ns(t0 + dur) - ns(t0)) / 1000 });
  let state = d.initialStates[cpu] ?? CpuState.LINUX;
  let cell = d.initialCells[cpu] ?? { id: 0, name: 'root' };
  let cursor = d.start;
  const background = (until: number): void => {
    if (until - cursor > 0) out.push({ name: stateName(state, cell), cat: 'state', ph: 'X', pid: PID, tid: cpu, ...span(cursor, until - cursor), args: { state: CPU_STATE_NAMES[state] ?? state } });
    if (until > cursor) cursor = until;
  };
  for (const r of recs) {
    if (r.kind === RecKind.STATE) {
      background(r.t0);
      state = r.detail;
      cell = { id: r.cellId, name: r.cell };
      continue;
    }
    if (r.t0 >= cursor) background(r.t0);
    if (r.kind === RecKind.EXIT && r.dur < 0) {
      // Not timed (a flood of exits): an instant at the end of the last timed exit before them,
      // one for all the exits of the same cause the recorder merged (args.exits).
      out.push({ name: REASON_NAMES[r.reason] ?? `reason ${r.reason}`, cat: 'vmexit', ph: 'i', s: 't', pid: PID, tid: cpu, ts: ns(r.t0) / 1000, args: { ...exitArgs(r), timed: 0, exits: r.exits } });
      continue;
    }
    if (r.kind === RecKind.EXIT) {
      cell = { id: r.cellId, name: r.cell };
      out.push({
        name: REASON_NAMES[r.reason] ?? `reason ${r.reason}`,
        cat: 'vmexit',
        ph: 'X', pid: PID, tid: cpu, ...span(r.t0, r.dur),
        args: exitArgs(r),
      });
    } else if (r.kind === RecKind.PHASE) {
      // Inside the hypercall that runs it: a child slice of that exit.
      out.push({ name: MGMT_PHASES[r.detail] ?? `phase ${r.detail}`, cat: 'management', ph: 'X', pid: PID, tid: cpu, ...span(r.t0, r.dur) });
      continue;
    } else if (r.kind === RecKind.ENTRY) {
      out.push({ name: 'hypervisor entry', cat: 'management', ph: 'X', pid: PID, tid: cpu, ...span(r.t0, r.dur), args: { result: r.detail } });
      if (r.aux > 0 && r.aux <= r.dur) out.push({ name: 'entry barrier A (entered_cpus == online_cpus)', cat: 'management', ph: 'X', pid: PID, tid: cpu, ...span(r.t0, r.aux) });
    }
    cursor = Math.max(cursor, r.t0 + r.dur);
  }
  background(d.end);
  return out;
}

export function chromeTrace(d: ProfileData): ChromeTrace {
  const ev: TraceEvent[] = [{ name: 'process_name', ph: 'M', pid: PID, args: { name: `jhsim machine (${d.nrCpus} CPUs)` } }];
  const perCpu: ExitRec[][] = Array.from({ length: d.nrCpus }, () => []);
  for (const r of d.trace) perCpu[r.cpu]!.push(r);
  for (let cpu = 0; cpu < d.nrCpus; cpu++) {
    ev.push({ name: 'thread_name', ph: 'M', pid: PID, tid: cpu, args: { name: `CPU ${cpu}` } });
    ev.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid: cpu, args: { sort_index: cpu } });
    ev.push(...cpuEvents(d, cpu, perCpu[cpu]!.sort((a, b) => a.t0 - b.t0)));
    const bins = d.bins[cpu]!;
    const n = Math.max(0, ...bins.map((s) => s.length));
    for (let b = 0; b < n; b++) {
      const args: Record<string, number> = {};
      bins.forEach((s, reason) => {
        if (s.length) args[REASON_NAMES[reason]!] = ((s[b] ?? 0) * 1000) / BIN_MS;
      });
      ev.push({ name: `CPU ${cpu} exits/s`, ph: 'C', pid: PID, ts: b * BIN_MS * 1000, args });
    }
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ns',
    otherData: { tool: 'jhsim profile', start_ms: d.start, duration_ms: d.end - d.start, trace_records_not_kept: d.traceDropped, ring_dropped: d.ringDropped.reduce((s, x) => s + x, 0) },
  };
}
