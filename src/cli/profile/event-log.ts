/**
 * `--log-level debug|trace`: the management events of a session as structured pino records,
 * from the vmexit recorder's records (workers never log across threads on the exit path) and
 * the user process's ioctls. debug: ioctls, hypercalls, PSCI/SMCCC calls, the hypervisor's entry
 * on each CPU and every CPU state change (cell create and destroy park, suspend and resume
 * CPUs); trace: also every other exit (SGI_EVENT and SGI_INJECT IPIs, sent SGIs, MMIO, IRQs).
 */
import type { Logger } from 'pino';
import { CPU_STATE_NAMES } from '../../actors/cpu/layout.js';
import { MGMT_PHASES, RecKind } from '../../actors/cpu/exit-ring-layout.js';
import { IOCTL_NAMES } from '../../actors/hypervisor/driver/uapi.js';
import { errnoName } from '../../shared/errno.js';
import { EC } from '../../shared/arm64/exception-class.js';
import type { ExitRec } from './profile-collector.js';
import { REASON_NAMES, causeText, ecName } from './profile-names.js';

/** ms to three decimals (µs resolution). */
const us = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Logs one recorder record at debug (management) or trace (every other exit). */
export function logRecord(log: Logger, r: ExitRec): void {
  if (r.kind === RecKind.STATE) {
    log.debug({ event: 'cpu_state', cpu: r.cpu, state: CPU_STATE_NAMES[r.detail] ?? r.detail, cell: r.cell }, `CPU ${r.cpu} ${CPU_STATE_NAMES[r.detail] ?? r.detail}`);
    return;
  }
  if (r.kind === RecKind.PHASE) {
    log.debug({ event: 'mgmt_phase', cpu: r.cpu, phase: MGMT_PHASES[r.detail] ?? r.detail, ms: us(r.dur) }, `CPU ${r.cpu} ${MGMT_PHASES[r.detail] ?? r.detail}`);
    return;
  }
  if (r.kind === RecKind.ENTRY) {
    log.debug({ event: 'hypervisor_entry', cpu: r.cpu, ret: r.detail, ms: us(r.dur) }, `CPU ${r.cpu} hypervisor entry returned ${r.detail}`);
    return;
  }
  const management = r.ec === EC.HVC64 || r.ec === EC.SMC64;
  const level = management ? 'debug' : 'trace';
  if (!log.isLevelEnabled(level)) return;
  const cause = causeText(r.reason, r.ec, r.detail, r.aux);
  // Untimed exits of a flood come merged: one line for `exits` identical ones, without a time.
  const timing = r.dur < 0 ? { exits: r.exits } : { ms: us(r.dur) };
  log[level]({ event: 'vmexit', cpu: r.cpu, cell: r.cell, reason: REASON_NAMES[r.reason], ec: ecName(r.ec), cause, ...timing }, `CPU ${r.cpu} ${REASON_NAMES[r.reason]}: ${cause}${r.exits > 1 ? ` (${r.exits} exits)` : ''}`);
}

export function logIoctl(log: Logger, e: { cmd: number; ret: number; ms: number; caller: number }): void {
  const name = IOCTL_NAMES.get(e.cmd) ?? `ioctl 0x${(e.cmd >>> 0).toString(16)}`;
  log.debug({ event: 'ioctl', cmd: name, ret: e.ret, ...(e.ret < 0 ? { errno: errnoName(e.ret) } : {}), ms: Math.round(e.ms * 1000) / 1000, caller: e.caller }, `${name} returned ${e.ret}`);
}
