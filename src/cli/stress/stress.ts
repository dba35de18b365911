/**
 * Stress campaign: C concurrent user-space callers issue enable/disable (and CPU hotplug)
 * against one machine, with seeded delays at the simulation's schedule points. After each
 * operation the harness checks that every CPU returned the same result for that round, and
 * at quiescent points that the whole machine is consistent (stress-check.ts).
 */
import { ProfileCollector, type ProfileData } from '../profile/profile-collector.js';
import type { HangReport } from '../../actors/cpu/machine-tasks.js';
import { Machine } from '../../actors/cpu/supervisor.js';
import type { ThreadKeeper } from '../../actors/cpu/cpu-threads.js';
import { JAILHOUSE_DISABLE, JAILHOUSE_ENABLE } from '../../actors/hypervisor/driver/uapi.js';
import { DrvWord, drvWord } from '../../actors/hypervisor/driver/layout.js';
import type { Board } from '../../actors/cpu/board.js';
import { adaptRootCpuSet, loadSystemConfig, serializeSystemConfig } from '../../shared/config/index.js';
import { Errno, errnoName } from '../../shared/errno.js';
import { Rng } from '../../shared/rng.js';
import { Gate } from './gate.js';
import { checkQuiescent, epochResults, type Expectations } from './stress-check.js';
import { UserProcess } from '../shell/user.js';
import { CELL_OPS, destroyStressCells, runCellOp, type CellOp } from './stress-cells.js';
import type { ControlledOptions } from '../../shared/sched/control.js';
import { SchedStrategy } from '../../shared/sched/layout.js';
import { ScheduleStopped } from '../../shared/sched/main-agent.js';
import { TRACE_KEEP, controlledOutcome, type ControlledOutcome } from './stress-controlled.js';
import { machineSnapshot, type MachineSnapshot } from './stress-snapshot.js';
import type { OpRecord } from './op-log.js';

export type { OpRecord } from './op-log.js';

export interface StressOptions {
  board: Board;
  firmware?: Uint8Array;
  callers: number;
  iterations: number;
  seed: number;
  hotplug: boolean;
  /** Also create/load/start/shutdown/destroy cells running guest code. */
  cells?: boolean;
  failCpuRate: number;
  delayPpm: number;
  configFile: string;
  watchdogMs: number;
  /** IsolationMode bits (--filters, --isolation-monitor). */
  isolation?: number;
  /** Keep the upstream driver's race windows (--upstream-races). */
  upstreamRaces?: boolean;
  onProgress?: (done: number) => void;
  /** Record every vmexit of the run (the profiler); the result then carries the recording. */
  profile?: boolean;
  /** Controlled mode: one agent at a time, by this strategy (`--schedule`); absent: real threads. */
  schedule?: ControlledOptions;
  /** Controlled mode: keep this many of the last schedule points in the result (a failed run keeps TRACE_KEEP at least). */
  traceLast?: number;
  /** Stop issuing operations at the first violation (hangs always stop a run); no final clean-up. */
  failFast?: boolean;
  /** Boot on the CPU threads kept here by the previous run, and keep this run's threads here (many short runs). */
  threads?: ThreadKeeper;
}

export interface StressResult {
  seed: number;
  cpus: number;
  callers: number;
  operations: number;
  /** Operations started when the run stopped or first failed (a replay with --iterations this many fails the same way). */
  opsStarted: number;
  /** operation → outcome ("ok" or errno name) → count */
  results: Record<string, Record<string, number>>;
  violations: string[];
  hangs: HangReport[];
  checks: number;
  /** The vmexit recording (StressOptions.profile). */
  profile?: ProfileData;
  /** cpu_init failures injected before enables (--fail-cpu-rate); the next enable to reach that CPU fails. */
  injections: number;
  durationMs: number;
  /** Every completed operation, in completion order. */
  ops: OpRecord[];
  /** Controlled mode: the schedule's figures, its decisions, and why it stopped if it did. */
  controlled?: ControlledOutcome;
  /** The machine as the failure left it (a failed run only; for the failure bundle). */
  snapshot?: MachineSnapshot;
  /** Operations completed and ms since the start (virtual ms in controlled mode) when the first violation or hang was seen. */
  firstFailure?: { operation: number; ms: number };
}

type Op = 'enable' | 'disable' | 'offline' | 'online' | CellOp;

const INJECT_ERRNOS = [Errno.EIO, Errno.ENOMEM, Errno.ENODEV];

export async function stress(o: StressOptions): Promise<StressResult> {
  const sys = adaptRootCpuSet(loadSystemConfig(o.configFile).config, o.board.cpus);
  const cfgBytes = serializeSystemConfig(sys);
  const exp: Expectations = { rootCpus: Array.from({ length: o.board.cpus }, (_, i) => i), enabledByResults: 0, cells: !!o.cells };
  const controlled = o.schedule !== undefined;
  const m = await Machine.boot({ board: o.board, firmware: o.firmware, seed: o.seed, watchdogMs: o.watchdogMs, delayPpm: controlled ? 0 : o.delayPpm, delayMaxUs: 200, isolation: o.isolation, upstreamRaces: o.upstreamRaces, profile: o.profile, controlled, threads: o.threads?.threads });
  const recording = o.profile ? new ProfileCollector(m).start() : undefined;
  const t0 = performance.now();
  // ms on the run's clock, to the µs: virtual in controlled mode (the scheduler's, whatever mode it is in now).
  const clock = (): number => Math.round((m.sched ? m.sched.elapsedMs() : performance.now() - t0) * 1000) / 1000;
  const res: StressResult = {
    seed: o.seed,
    cpus: o.board.cpus,
    callers: o.callers,
    operations: 0,
    opsStarted: 0,
    results: {},
    violations: [],
    hangs: m.hangs,
    checks: 0,
    injections: 0,
    durationMs: 0,
    ops: [],
  };
  const gate = new Gate();
  const checker = new UserProcess(m, o.callers);
  let started = 0;
  let aborted = false;
  let checking: Promise<void> | undefined;

  const tally = (op: Op, ret: number): void => {
    const key = ret >= 0 ? 'ok' : errnoName(ret);
    const counts = (res.results[op] ??= {});
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const failed = (): void => {
    res.firstFailure ??= { operation: res.operations, ms: clock() };
  };
  const violation = (msg: string): void => {
    if (res.violations.length === 0) res.opsStarted = started;
    failed();
    if (res.violations.length < 200) res.violations.push(msg);
    // A controlled run stops at the first failure: its schedule then ends where the bug showed.
    if (o.failFast || controlled) aborted = true;
  };
  const withWatchdog = async <T>(p: Promise<T>, what: string): Promise<T> => {
    // The controlled scheduler has its own watchdogs (deadlock, livelock, a stuck agent).
    if (controlled) return p;
    let timer: NodeJS.Timeout | undefined;
    const limit = o.watchdogMs * 3;
    const t = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} did not complete within ${limit} ms`)), limit);
    });
    try {
      return await Promise.race([p, t]);
    } finally {
      clearTimeout(timer);
    }
  };

  const quiescentCheck = async (): Promise<void> => {
    if (checking) return checking;
    checking = (async () => {
      await gate.exclusive();
      try {
        if (!aborted) {
          res.checks++;
          for (const v of await withWatchdog(checkQuiescent(m, checker, exp), 'invariant check')) violation(`after operation ${res.operations}: ${v}`);
        }
      } finally {
        gate.releaseExclusive();
        checking = undefined;
      }
    })();
    return checking;
  };

  const runOp = async (u: UserProcess, rng: Rng, caller: number): Promise<void> => {
    // Onlining is likelier than offlining so that phases with every root CPU online (where
    // enable can succeed) alternate with phases where hotplug races the driver.
    let ops: Op[] = o.hotplug ? ['enable', 'enable', 'enable', 'disable', 'disable', 'disable', 'offline', 'online', 'online'] : ['enable', 'disable'];
    if (o.cells) ops = [...ops, 'enable', ...CELL_OPS];
    const op = rng.pick(ops);
    const pickTarget = rng.next();
    const epochBefore = Atomics.load(m.k32, drvWord(DrvWord.CALLER_EPOCH + caller));
    let ret: number;
    if (op === 'enable') {
      if (rng.chance(o.failCpuRate)) {
        const online = m.onlineCpus();
        m.injectCpuInitFailure(rng.pick(online), rng.pick(INJECT_ERRNOS));
        res.injections++;
      }
      ret = await withWatchdog(u.ioctl(JAILHOUSE_ENABLE, cfgBytes), 'JAILHOUSE_ENABLE');
    } else if (op === 'disable') {
      ret = await withWatchdog(u.ioctl(JAILHOUSE_DISABLE), 'JAILHOUSE_DISABLE');
    } else if (CELL_OPS.includes(op as CellOp)) {
      ret = await withWatchdog(runCellOp(u, rng, op as CellOp, o.board.cpus), `cell ${op}`);
    } else {
      // Offline an online CPU, online an offline one (any CPU when there is none).
      const online = new Set(m.onlineCpus());
      const all = Array.from({ length: o.board.cpus }, (_, i) => i);
      const pool = all.filter((c) => (op === 'offline') === online.has(c));
      const from = pool.length ? pool : all;
      const cpu = from[Math.floor(pickTarget * from.length)]!;
      ret = await withWatchdog(u.writeFile(`/sys/devices/system/cpu/cpu${cpu}/online`, op === 'online' ? '1' : '0', { ...u.opts, avoid: cpu }), `cpu${cpu} ${op}`);
    }
    res.operations++;
    tally(op, ret);
    res.ops.push({ op, caller, ret, ...(ret < 0 ? { errno: errnoName(ret) } : {}), t: clock(), ...(m.sched ? { step: m.sched.step } : {}) });
    if (ret === 0 && op === 'enable') exp.enabledByResults! += 1;
    if (ret === 0 && op === 'disable') exp.enabledByResults! -= 1;
    if ((op === 'enable' || op === 'disable') && Atomics.load(m.k32, drvWord(DrvWord.CALLER_EPOCH + caller)) !== epochBefore) {
      const e = epochResults(m, caller);
      if (e) {
        if (e.results.size !== e.expected) violation(`${op} by caller ${caller}: ${e.results.size} of ${e.expected} CPUs reported a result`);
        for (const [cpu, r] of e.results) {
          if (r !== ret) violation(`${op} by caller ${caller} returned ${ret} but CPU ${cpu} returned ${r}`);
        }
      }
    }
  };

  const caller = async (id: number): Promise<void> => {
    // Operations come from one stream, CPU placement from another, so the sequence of
    // operations a seed produces does not depend on scheduling.
    const rng = new Rng(o.seed, id);
    const u = new UserProcess(m, id, { rng: new Rng(o.seed, 1000 + id) });
    while (!aborted && started < o.iterations) {
      started++;
      await gate.shared();
      try {
        await runOp(u, rng, id);
      } catch (e) {
        aborted = true;
        failed();
        if (!(e instanceof ScheduleStopped)) res.hangs.push({ cpu: -1, what: (e as Error).message, ms: o.watchdogMs * 3 });
      } finally {
        gate.releaseShared();
      }
      if (m.hangs.length) {
        aborted = true;
        failed();
      }
      o.onProgress?.(res.operations);
      await quiescentCheck();
    }
  };

  const body = async (): Promise<void> => {
    await Promise.all(Array.from({ length: o.callers }, (_, i) => caller(i)));
    if (!aborted) {
      // Leave the machine as found: cells destroyed, every CPU online, hypervisor disabled, then
      // check it. The cells go first: a CPU a cell took while it was offline returns to root
      // offline (the driver onlines only the CPUs it offlined itself), and disable refuses with
      // EBUSY while a root CPU is offline, as upstream's does.
      if (o.cells) await withWatchdog(destroyStressCells(checker), 'final cell destroy');
      for (let cpu = 0; cpu < o.board.cpus; cpu++) await withWatchdog(checker.writeFile(`/sys/devices/system/cpu/cpu${cpu}/online`, '1', { avoid: cpu }), 'final online');
      const r = await withWatchdog(checker.ioctl(JAILHOUSE_DISABLE), 'final disable');
      if (r !== 0 && r !== -Errno.EINVAL) violation(`final disable failed with ${errnoName(r)}`);
      if (r === 0) exp.enabledByResults! -= 1;
      await quiescentCheck();
    }
  };

  try {
    if (o.schedule) {
      // Each run of a campaign draws its schedule from its own seed.
      const sched = o.schedule.strategy === SchedStrategy.REPLAY ? o.schedule : { ...o.schedule, seed: o.seed };
      await m.runControlled(sched, body);
    } else {
      await body();
    }
  } catch (e) {
    failed();
    if (!(e instanceof ScheduleStopped)) res.hangs.push({ cpu: -1, what: (e as Error).message, ms: o.watchdogMs * 3 });
  } finally {
    if (m.hangs.length) failed();
    res.durationMs = Math.round(performance.now() - t0);
    if (res.violations.length === 0) res.opsStarted = started;
    if (o.schedule) {
      const failing = res.violations.length > 0 || res.hangs.length > 0 || m.controlledStop !== undefined;
      res.controlled = controlledOutcome(m, o.schedule, Math.max(o.traceLast ?? 0, failing ? TRACE_KEEP : 0));
      if (res.controlled.stop) {
        failed();
        res.hangs.push({ cpu: -1, what: res.controlled.stop.join('\n'), ms: 0 });
      }
    }
    if (res.violations.length || res.hangs.length || m.faults.length) res.snapshot = machineSnapshot(m);
    for (const f of m.faults) violation(`CPU ${f.cpu} fault: ${f.message.split('\n')[0]}`);
    if (recording) res.profile = recording.stop();
    if (o.threads) o.threads.threads = await m.recycle();
    else await m.shutdown();
  }
  return res;
}
