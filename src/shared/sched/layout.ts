/**
 * The controlled scheduler's shared buffer (controlled mode, `--schedule`): one header, one slot
 * per agent (every CPU worker, then the main thread's user-space callers as one agent), the
 * decision log (run-length pairs), a ring of the latest schedule points (for `replay --trace`
 * and livelock reports) and a small table of who last touched each word (for wait graphs).
 *
 * Only the agent holding the turn writes anything here, so plain loads and stores would do;
 * Atomics are used anyway because the turn is handed over through this memory.
 */

/** Header words (Int32 indices). */
export const SchedWord = {
  /** 0 = free-running threads; 1 = controlled (one agent at a time). */
  MODE: 0,
  /** Agents: CPUs 0..NR_AGENTS-2, the main thread last. */
  NR_AGENTS: 1,
  /** The agent that holds the turn. */
  TURN: 2,
  /** SchedStrategy of the run. */
  STRATEGY: 3,
  /** PCT depth d (d − 1 priority change points). */
  DEPTH: 4,
  /** SchedStatus: RUNNING, or why the run stopped. */
  STATUS: 5,
  /** Agents that joined controlled mode (the main thread waits for all CPUs). */
  JOINED: 6,
  /** Number of run-length pairs in the decision log. */
  LOG_PAIRS: 7,
  /** Number of run-length pairs of the schedule being replayed (at REPLAY_BASE). */
  REPLAY_PAIRS: 24,
  /** Next pair the replay reads (replay strategy). */
  REPLAY_PAIR: 8,
  /** Decisions left in the current replay pair. */
  REPLAY_LEFT: 9,
  /** 1 = the decision log overflowed (the schedule cannot be replayed past it). */
  LOG_OVERFLOW: 10,
  /** PRNG state of the random and PCT strategies (xorshift128, four words). */
  RNG0: 11,
  RNG1: 12,
  RNG2: 13,
  RNG3: 14,
  /** Index into the PCT change-point table of the next change point. */
  PCT_NEXT: 15,
  /** Agent blamed by STATUS (the one that kept running for a livelock, the first blocked one for a deadlock). */
  STATUS_AGENT: 16,
  /** Schedule points allowed without progress (a completed user-space task) before a livelock is reported. */
  STEP_BUDGET: 17,
  /** Guest instructions per slice in controlled mode (a schedule point after each). */
  GUEST_SLICE: 18,
  /** Number of preemptions (switches away from a runnable agent) so far. */
  PREEMPTIONS: 19,
  /** 1 = replay is lenient: a recorded agent that cannot run is skipped (minimisation). */
  REPLAY_LENIENT: 20,
  /** Replay decisions that could not be followed (lenient replay). */
  REPLAY_MISSES: 21,
  /** Trace ring head (points written, modulo TRACE_ENTRIES). */
  TRACE_HEAD: 22,
  /** Number of PCT change points in use (d − 1). */
  PCT_POINTS: 23,
  /** Exhaustive: choice points (decisions among two or more agents) this run met so far. */
  CHOICES: 25,
  /** Exhaustive: choice points whose agent the run takes from the prefix (at PREFIX_BASE). */
  PREFIX_LEN: 26,
  /** Exhaustive: 1 = more choice points than CHOICES_MAX (the scenario is too big to explore). */
  CHOICE_OVERFLOW: 27,
} as const;

/** Float64 header words (indices into a Float64Array over the same buffer). */
export const SchedF64 = {
  /** Virtual time, ns: what `now()` returns in controlled mode. */
  VTIME_NS: 16,
  /** Schedule points so far. */
  STEP: 17,
  /** STEP when a user-space task last completed (livelock budget). */
  PROGRESS_STEP: 18,
  /**
   * PCT's horizon k: the change points are drawn from points 1..k. Past it PCT picks at random
   * (fair with probability 1): its fixed priorities would otherwise starve an agent for ever
   * behind agents that never block (guest code, yielding only to each other at guest slices).
   */
  PCT_STEPS: 19,
} as const;

export const SchedMode = { FREE: 0, CONTROLLED: 1 } as const;

/**
 * EXHAUSTIVE: one run of a bounded depth-first search (stress-explore.ts): the agents of a prefix
 * of choice points, then the running agent goes on while it can (else the next one in turn),
 * every choice point recorded for the search to branch from.
 */
export const SchedStrategy = { RANDOM: 0, ROUNDROBIN: 1, PCT: 2, REPLAY: 3, EXHAUSTIVE: 4 } as const;
export type SchedStrategyValue = (typeof SchedStrategy)[keyof typeof SchedStrategy];
export const STRATEGY_NAMES = ['random', 'roundrobin', 'pct', 'replay', 'exhaustive'] as const;

export const SchedStatus = {
  RUNNING: 0,
  /** Every agent is blocked with no deadline: the wait graph says on what. */
  DEADLOCK: 1,
  /** STEP_BUDGET points passed without a user-space task completing. */
  LIVELOCK: 2,
  /** The replayed schedule names an agent that cannot run at that point (strict replay). */
  DIVERGED: 3,
  /** The controlled run ended (the harness switched back to free-running threads). */
  ENDED: 4,
} as const;

export const AgentState = { FREE: 0, RUNNABLE: 1, BLOCKED: 2, EXITED: 3 } as const;

/** What an agent was doing at a schedule point (the trace's "what it did"). */
export const PointKind = {
  LOCK: 1,
  UNLOCK: 2,
  SIGNAL: 3,
  WAIT: 4,
  KICK: 5,
  TRAP: 6,
  GUEST_SLICE: 7,
  TASK: 8,
  /** A seeded delay point of the old stress mode (c.schedulePoint()). */
  POINT: 9,
  SLEEP: 10,
  /** The main thread posted or collected user-space tasks. */
  USER: 11,
  BLOCKED: 12,
  EXIT: 13,
} as const;
export const POINT_KIND_NAMES: Record<number, string> = {
  1: 'lock', 2: 'unlock', 3: 'signal', 4: 'wait', 5: 'kick', 6: 'trap', 7: 'guest-slice', 8: 'task', 9: 'point', 10: 'sleep', 11: 'user', 12: 'block', 13: 'exit',
};

export const MAX_AGENTS = 66;
/** A blocked agent may wait on this many words at once (the main thread: one per caller). */
export const MAX_WAITS = 70;
/** Bytes of an agent's "what am I waiting for" text. */
export const WHAT_BYTES = 160;

/** Per-agent slot (Int32 words from agentBase). */
export const AgentWord = {
  /** AgentState. */
  STATE: 0,
  /** 1 = this agent may run (the turn handed to it); it clears the word when it takes it. */
  GO: 1,
  /** Words this blocked agent waits on (entries at WAITS). */
  NWAIT: 2,
  /** PCT priority (higher runs first). */
  PRIO: 3,
  /** Schedule points this agent executed. */
  RUNS: 4,
  /** Kind, buffer and index of its latest point. */
  LAST_KIND: 5,
  LAST_BUF: 6,
  LAST_INDEX: 7,
  /** Deadline of a timed wait, virtual ns (Float64 at word DEADLINE_F64 * 2); Infinity = none. */
  DEADLINE_F64: 4,
  /** Length of WHAT text. */
  WHAT_LEN: 10,
  /** Waits: (buffer id, index, value) triples; the agent may run once any word differs from its value. */
  WAITS: 12,
  WHAT: 12 + 3 * MAX_WAITS,
} as const;
export const AGENT_WORDS = 512;

/** Decision log: pairs (agent, count), after the agents' slots. */
export const LOG_PAIRS_MAX = 1 << 20;
/** Trace ring entries: (step lo, agent, kind, buffer, index, value, context) words. */
export const TRACE_ENTRIES = 8192;
export const TRACE_WORDS = 7;
/** Who-touched table: (buffer + 1, index, agent, kind, step) per entry, open addressing. */
export const TOUCH_ENTRIES = 4096;
export const TOUCH_WORDS = 5;
/** PCT change points (step numbers, Float64). */
export const PCT_MAX_POINTS = 64;
/**
 * Exhaustive: choice points a run may meet, each recorded as (step, who/what, eligible agents):
 * CHOICE_WORDS words at CHOICE_BASE. Word 1 packs ChoiceBits; word 2 is the mask of agents that
 * could run there, so the search supports at most EXPLORE_MAX_AGENTS agents.
 */
export const CHOICES_MAX = 1 << 17;
export const CHOICE_WORDS = 3;
export const EXPLORE_MAX_AGENTS = 31;
/** Word 1 of a choice point: the agent deciding, whether leaving it is a preemption, the agent picked. */
export const ChoiceBits = {
  ME_MASK: 0x7f,
  /** The deciding agent could go on (not blocked, not at a guest slice's forced yield). */
  PREEMPTIBLE: 0x80,
  PICK_SHIFT: 8,
} as const;

const HEADER_WORDS = 64;
export const AGENTS_BASE = HEADER_WORDS;
export const LOG_BASE = AGENTS_BASE + MAX_AGENTS * AGENT_WORDS;
/** The schedule a replay follows (run-length pairs, as the log). */
export const REPLAY_BASE = LOG_BASE + 2 * LOG_PAIRS_MAX;
export const TRACE_BASE = REPLAY_BASE + 2 * LOG_PAIRS_MAX;
export const TOUCH_BASE = TRACE_BASE + TRACE_ENTRIES * TRACE_WORDS;
/** Exhaustive: the choice points of this run. */
export const CHOICE_BASE = TOUCH_BASE + TOUCH_ENTRIES * TOUCH_WORDS;
/** Exhaustive: the prefix, one agent per choice point. */
export const PREFIX_BASE = CHOICE_BASE + CHOICES_MAX * CHOICE_WORDS;
/** Float64 index of the PCT change points. */
export const PCT_F64_BASE = (PREFIX_BASE + CHOICES_MAX + 1) >> 1;
export const SCHED_SAB_BYTES = (PCT_F64_BASE + PCT_MAX_POINTS) * 8;

export function agentBase(agent: number): number {
  return AGENTS_BASE + agent * AGENT_WORDS;
}

/** Float64 index of an agent's deadline. */
export function agentDeadlineF64(agent: number): number {
  return (agentBase(agent) >> 1) + AgentWord.DEADLINE_F64;
}
