/**
 * arch_handle_dabt against a live, enabled machine (the guest-harness config, whose sub-page
 * window at IPA 0x08f00000 the hypervisor emulates): the test acts as a quiescent root-cell CPU
 * and hands the dispatcher data aborts with full syndromes. The A64 engine's trap frame moves
 * register values as 32-bit words, the Linux model's as bigints through get/set; both must
 * give the same architectural results for every access size, with and without sign extension.
 */
import './dist-fresh.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Machine } from '../dist/actors/cpu/supervisor.js';
import { CpuContext } from '../dist/actors/cpu/context.js';
import { Hv } from '../dist/actors/hypervisor/core/hv.js';
import { archHandleTrap } from '../dist/actors/hypervisor/core/trap-dispatch.js';
import type { TrapRegs } from '../dist/actors/hypervisor/core/trap-context.js';
import { MmioAccess } from '../dist/actors/hypervisor/core/mmio.js';
import { Stat } from '../dist/actors/hypervisor/core/layout.js';
import { EC } from '../dist/shared/arm64/exception-class.js';
import { encodeDataAbortIss } from '../dist/shared/arm64/iss-abort.js';
import { esrValue } from '../dist/actors/cpu/a64/interp-exc.js';
import { JAILHOUSE_ENABLE } from '../dist/actors/hypervisor/driver/uapi.js';
import { BoardSchema, DEFAULT_BOARD } from '../dist/actors/cpu/board.js';
import { adaptRootCpuSet, loadSystemConfig, serializeSystemConfig } from '../dist/shared/config/index.js';
import { hvBase } from '../dist/cli/inspect/inspect.js';
import { UserProcess } from '../dist/cli/shell/user.js';

const WINDOW = 0x08f0_0000;
const M64 = (1n << 64n) - 1n;

let m: Machine | undefined;
afterEach(async () => {
  await m?.shutdown();
  m = undefined;
});

async function enabled(): Promise<Hv> {
  const board = BoardSchema.parse({ ...DEFAULT_BOARD, cpus: 2 });
  m = await Machine.boot({ board });
  const sys = adaptRootCpuSet(loadSystemConfig('configs/qemu-arm64-guest.json').config, 2);
  expect(await new UserProcess(m, 0).ioctl(JAILHOUSE_ENABLE, serializeSystemConfig(sys))).toBe(0);
  return new Hv(new CpuContext({ cpu: 1, board, buffers: m.buffers }), hvBase(m), sys.hypervisor_memory.size);
}

/** The A64 engine's frame: X0..X30 as little-endian 32-bit halves. */
class WordFrame implements TrapRegs {
  readonly words = new Uint32Array(62);
  get(n: number): bigint {
    return n >= 31 ? 0n : BigInt(this.words[2 * n]!) | (BigInt(this.words[2 * n + 1]!) << 32n);
  }
  set(n: number, v: bigint): void {
    if (n >= 31) return;
    this.words[2 * n] = Number(v & 0xffff_ffffn);
    this.words[2 * n + 1] = Number((v >> 32n) & 0xffff_ffffn);
  }
}

/** A frame with get/set only (the Linux model's kind). */
class BigFrame implements TrapRegs {
  readonly x: bigint[] = Array.from({ length: 31 }, () => 0n);
  get(n: number): bigint {
    return n >= 31 ? 0n : this.x[n]!;
  }
  set(n: number, v: bigint): void {
    if (n < 31) this.x[n] = BigInt.asUintN(64, v);
  }
}

/** One trapped access at WINDOW + off through arch_handle_trap; the outcome's skip flag. */
function dabt(hv: Hv, regs: TrapRegs, o: { off: number; sas: 0 | 1 | 2 | 3; write: boolean; srt: number; sse?: boolean }): boolean {
  const iss = encodeDataAbortIss({
    isv: true, sas: o.sas, sse: o.sse ?? false, srt: o.srt, sf: true, ar: false, wnr: o.write,
    cm: false, s1ptw: false, ea: false, dfsc: 0x07,
  });
  const ipa = WINDOW + o.off;
  const out = archHandleTrap(hv, { esr: Number(esrValue({ ec: EC.DABT_LOWER, iss })), regs, far: ipa, hpfar: Math.floor(ipa / 4096) * 16 });
  expect(out.action.kind).toBe('resume');
  return out.skip;
}

describe('arch_handle_dabt on the sub-page window', () => {
  it('gives the same results through a 32-bit-word frame and a get/set frame, every size, sign extension included', async () => {
    const hv = await enabled();
    const before = hv.statOf(1, Stat.MMIO);
    const values = [0n, 0x80n, 0x7fffn, 0x8000_0000n, 0x8000_0000_1234_5678n, M64, 0x0123_4567_89ab_cdefn];
    let traps = 0;
    for (const value of values) {
      for (const sas of [0, 1, 2, 3] as const) {
        for (const sse of sas < 3 ? [false, true] : [false]) {
          const results: bigint[][] = [];
          for (const frame of [new WordFrame(), new BigFrame()]) {
            frame.set(5, value);
            frame.set(7, 0xdead_beefn);
            expect(dabt(hv, frame, { off: 16, sas, write: true, srt: 5 })).toBe(true);
            expect(dabt(hv, frame, { off: 16, sas, write: false, srt: 7, sse })).toBe(true);
            // A read into XZR is performed and discarded; a write from XZR stores zero.
            expect(dabt(hv, frame, { off: 24, sas, write: true, srt: 31 })).toBe(true);
            expect(dabt(hv, frame, { off: 24, sas, write: false, srt: 31 })).toBe(true);
            frame.set(8, 1n);
            expect(dabt(hv, frame, { off: 24, sas, write: false, srt: 8 })).toBe(true);
            traps += 5;
            results.push([frame.get(5), frame.get(7), frame.get(8)]);
          }
          const bits = 8n << BigInt(sas);
          const low = value & ((1n << bits) - 1n);
          const read = sse ? BigInt.asUintN(64, BigInt.asIntN(Number(bits), low)) : low;
          expect(results[0]).toEqual([value, read, 0n]);
          expect(results[1]).toEqual(results[0]);
        }
      }
    }
    expect(hv.statOf(1, Stat.MMIO) - before).toBe(traps);
  });

  it('an MmioAccess holds its value as two unsigned 32-bit halves, modulo 2^64', () => {
    const a = new MmioAccess();
    a.value = 0x8000_0000_ffff_fffen;
    expect([a.lo, a.hi]).toEqual([0xffff_fffe, 0x8000_0000]);
    a.value = -2n;
    expect([a.lo, a.hi]).toEqual([0xffff_fffe, 0xffff_ffff]);
    expect(a.value).toBe(M64 - 1n);
    a.value = (1n << 64n) | 5n;
    expect(a.value).toBe(5n);
  });
});
