/**
 * Scalar floating-point instructions decoded and executed through the reference interpreter.
 *
 * Every expected value in CASES was produced by the instruction itself on qemu-aarch64
 * (-cpu cortex-a57: ARMv8.0, no FEAT_FP16) from the same register state, and every text by
 * GNU objdump: the words were assembled by aarch64-linux-gnu-as at development time, so the
 * test needs no cross toolchain. Registers not listed are preset with patterns whose upper
 * halves show the scalar write rule (V[d] = ZeroExtend(result)).
 */
import { describe, expect, it } from 'vitest';
import {
  A64State, step, type AccessSize, type Fault, type GuestMemory, type InterpHooks,
} from '../src/actors/cpu/a64/index.js';
import { decode } from '../src/actors/cpu/a64/decode.js';

const PC = 0x4000;

/** Memory holding one instruction word at PC; any data access faults. */
function oneWordMem(word: number): GuestMemory {
  const fault = (va: number, write: boolean): Fault => ({ fault: 'external', va, write });
  return {
    read: (va: number, _size: AccessSize) => fault(va, false),
    write: (va: number) => fault(va, true),
    atomic: (va: number) => fault(va, true),
    cas: (va: number) => fault(va, true),
    fetch: (va: number) => (va === PC ? word : fault(va, false)),
  };
}

const hooks: InterpHooks = { mpidr: () => 0n, timerRead: () => 0n, timerWrite: () => undefined };

const V_FILL: [bigint, bigint] = [0x5555aaaa5555aaaan, 0x0123456789abcdefn];
const X_FILL = 0x1111111111111111n;

interface Case {
  w: number;
  text: string;
  fpcr: number;
  nzcv: number;
  v: Record<number, bigint>;
  x: Record<number, bigint>;
  out: { v: Record<number, [bigint, bigint]>; x: Record<number, bigint>; nzcv: number; fpsr: number };
}

const CASES: Case[] = [
  { w: 0x1e622820, text: "fadd\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3ff0000000000000n, 2: 0x3ca0000000000000n }, x: {  },
    out: { v: { 0: [0x3ff0000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // 1 + 2^-53 ties to even: 1.0, IXC; V0[127:64] zeroed
  { w: 0x1e622820, text: "fadd\td0, d1, d2", fpcr: 0x400000, nzcv: 0x0, v: { 1: 0x3ff0000000000000n, 2: 0x3ca0000000000000n }, x: {  },
    out: { v: { 0: [0x3ff0000000000001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // the same rounded up
  { w: 0x1e222820, text: "fadd\ts0, s1, s2", fpcr: 0x800000, nzcv: 0x0, v: { 1: 0x3f800000n, 2: 0xbf800000n }, x: {  },
    out: { v: { 0: [0x80000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // x - x = -0 rounding towards -inf
  { w: 0x1e653883, text: "fsub\td3, d4, d5", fpcr: 0x0, nzcv: 0x0, v: { 4: 0x7ff0000000000000n, 5: 0x7ff0000000000000n }, x: {  },
    out: { v: { 3: [0x7ff8000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // inf - inf: default NaN, IOC
  { w: 0x1e220820, text: "fmul\ts0, s1, s2", fpcr: 0xc00000, nzcv: 0x0, v: { 1: 0x7f7fffffn, 2: 0x40000000n }, x: {  },
    out: { v: { 0: [0x7f7fffffn, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x14 } }, // overflow towards zero: max normal, OFC IXC
  { w: 0x1e220820, text: "fmul\ts0, s1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7f7fffffn, 2: 0x40000000n }, x: {  },
    out: { v: { 0: [0x7f800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x14 } }, // overflow to nearest: inf
  { w: 0x1e620820, text: "fmul\td0, d1, d2", fpcr: 0x1000000, nzcv: 0x0, v: { 1: 0x10000000000000n, 2: 0x3fe0000000000000n }, x: {  },
    out: { v: { 0: [0x0n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x8 } }, // denormal result flushed: +0, UFC only
  { w: 0x1e620820, text: "fmul\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x10000000000000n, 2: 0x3fe0000000000000n }, x: {  },
    out: { v: { 0: [0x8000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // exact denormal result: no flags
  { w: 0x1e621820, text: "fdiv\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3ff0000000000000n, 2: 0x0n }, x: {  },
    out: { v: { 0: [0x7ff0000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x2 } }, // 1 / 0: inf, DZC
  { w: 0x1e221820, text: "fdiv\ts0, s1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f800000n, 2: 0x40400000n }, x: {  },
    out: { v: { 0: [0x3eaaaaabn, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // 1 / 3
  { w: 0x1e224820, text: "fmax\ts0, s1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7fc00001n, 2: 0x3f800000n }, x: {  },
    out: { v: { 0: [0x7fc00001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FMAX propagates the quiet NaN
  { w: 0x1e226820, text: "fmaxnm\ts0, s1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7fc00001n, 2: 0x3f800000n }, x: {  },
    out: { v: { 0: [0x3f800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FMAXNM: the number wins
  { w: 0x1e627820, text: "fminnm\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff0000000000001n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: { 0: [0x7ff8000000000001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // FMINNM with a signalling NaN: quietened NaN, IOC
  { w: 0x1e625820, text: "fmin\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x0n, 2: 0x8000000000000000n }, x: {  },
    out: { v: { 0: [0x8000000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // min(+0, -0) = -0
  { w: 0x1e624820, text: "fmax\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x8000000000000000n, 2: 0x0n }, x: {  },
    out: { v: { 0: [0x0n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // max(-0, +0) = +0
  { w: 0x1e628820, text: "fnmul\td0, d1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff8000000000005n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: { 0: [0xfff8000000000005n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FNMUL negates a NaN result too
  { w: 0x1e228820, text: "fnmul\ts0, s1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x40000000n, 2: 0x40400000n }, x: {  },
    out: { v: { 0: [0xc0c00000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // -(2 * 3)
  { w: 0x1f020c20, text: "fmadd\ts0, s1, s2, s3", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f800800n, 2: 0x3f800800n, 3: 0xbf801000n }, x: {  },
    out: { v: { 0: [0x33800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // fused: (1+2^-12)^2 - (1+2^-11) = 2^-24 exactly
  { w: 0x1f428c20, text: "fmsub\td0, d1, d2, d3", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff8000000000001n, 2: 0x3ff0000000000000n, 3: 0x3ff0000000000000n }, x: {  },
    out: { v: { 0: [0xfff8000000000001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FMSUB negates Rn before NaN selection
  { w: 0x1f620c20, text: "fnmadd\td0, d1, d2, d3", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4000000000000000n, 2: 0x4000000000000000n, 3: 0x3ff0000000000000n }, x: {  },
    out: { v: { 0: [0xc014000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // -(1) - 2*2 = -5
  { w: 0x1f228c20, text: "fnmsub\ts0, s1, s2, s3", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x40000000n, 2: 0x40000000n, 3: 0x7fc00000n }, x: {  },
    out: { v: { 0: [0xffc00000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FNMSUB negates Ra: NaN addend sign-flipped
  { w: 0x1f420c20, text: "fmadd\td0, d1, d2, d3", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff0000000000000n, 2: 0x0n, 3: 0x7ff8000000000000n }, x: {  },
    out: { v: { 0: [0x7ff8000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // inf * 0 + qNaN: default NaN, IOC
  { w: 0x1e61c020, text: "fsqrt\td0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xbff0000000000000n }, x: {  },
    out: { v: { 0: [0x7ff8000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // sqrt(-1): default NaN, IOC
  { w: 0x1e61c020, text: "fsqrt\td0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4000000000000000n }, x: {  },
    out: { v: { 0: [0x3ff6a09e667f3bcdn, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // sqrt(2): IXC
  { w: 0x1e21c020, text: "fsqrt\ts0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x80000000n }, x: {  },
    out: { v: { 0: [0x80000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // sqrt(-0) = -0
  { w: 0x1e60c020, text: "fabs\td0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xfff0000000000001n }, x: {  },
    out: { v: { 0: [0x7ff0000000000001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FABS of a signalling NaN: sign cleared, no flags
  { w: 0x1e214020, text: "fneg\ts0, s1", fpcr: 0x2000000, nzcv: 0x0, v: { 1: 0x7f800001n }, x: {  },
    out: { v: { 0: [0xff800001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FNEG: no NaN processing even with DN
  { w: 0x1e204020, text: "fmov\ts0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xcafef00d7f800001n }, x: {  },
    out: { v: { 0: [0x7f800001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FMOV register: low 32 bits, rest zero
  { w: 0x1e624020, text: "fcvt\ts0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x47f0000000000000n }, x: {  },
    out: { v: { 0: [0x7f800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x14 } }, // double too big for single: inf, OFC IXC
  { w: 0x1e624020, text: "fcvt\ts0, d1", fpcr: 0xc00000, nzcv: 0x0, v: { 1: 0x47f0000000000000n }, x: {  },
    out: { v: { 0: [0x7f7fffffn, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x14 } }, // towards zero: max normal
  { w: 0x1e22c020, text: "fcvt\td0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7f800001n }, x: {  },
    out: { v: { 0: [0x7ff8000020000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // sNaN widened: quiet, payload left-aligned, IOC
  { w: 0x1e624020, text: "fcvt\ts0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xfff4000000000123n }, x: {  },
    out: { v: { 0: [0xffe00000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // signalling NaN narrowed: quietened, payload truncated, IOC
  { w: 0x1e23c020, text: "fcvt\th0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x47800000n }, x: {  },
    out: { v: { 0: [0x7c00n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x14 } }, // 65536 to IEEE half: inf
  { w: 0x1e23c020, text: "fcvt\th0, s1", fpcr: 0x4000000, nzcv: 0x0, v: { 1: 0x47800000n }, x: {  },
    out: { v: { 0: [0x7c00n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // 65536 to alternative half: representable
  { w: 0x1e63c020, text: "fcvt\th0, d1", fpcr: 0x4000000, nzcv: 0x0, v: { 1: 0x7ff8000000000000n }, x: {  },
    out: { v: { 0: [0x0n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x1 } }, // NaN to alternative half: 0, IOC
  { w: 0x1ee24020, text: "fcvt\ts0, h1", fpcr: 0x4000000, nzcv: 0x0, v: { 1: 0x7c00n }, x: {  },
    out: { v: { 0: [0x47800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // alternative half 0x7c00 is 65536
  { w: 0x1ee2c020, text: "fcvt\td0, h1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x1n }, x: {  },
    out: { v: { 0: [0x3e70000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // half denormal to double (never flushed)
  { w: 0x1e23c020, text: "fcvt\th0, s1", fpcr: 0x1000000, nzcv: 0x0, v: { 1: 0x33800000n }, x: {  },
    out: { v: { 0: [0x1n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // single 2^-24 to half: smallest half denormal (FZ does not apply to half)
  { w: 0x1e624020, text: "fcvt\ts0, d1", fpcr: 0x1000000, nzcv: 0x0, v: { 1: 0x3800000000000000n }, x: {  },
    out: { v: { 0: [0x0n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x8 } }, // double 2^-127 to single with FZ: flushed, UFC
  { w: 0x1e644020, text: "frintn\td0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4004000000000000n }, x: {  },
    out: { v: { 0: [0x4000000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // frintn 2.5 = 2
  { w: 0x1e664020, text: "frinta\td0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4004000000000000n }, x: {  },
    out: { v: { 0: [0x4008000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // frinta 2.5 = 3
  { w: 0x1e24c020, text: "frintp\ts0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xbf000000n }, x: {  },
    out: { v: { 0: [0x80000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // frintp -0.5 = -0
  { w: 0x1e254020, text: "frintm\ts0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f000000n }, x: {  },
    out: { v: { 0: [0x0n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // frintm 0.5 = +0
  { w: 0x1e65c020, text: "frintz\td0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xc00c000000000000n }, x: {  },
    out: { v: { 0: [0xc008000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // frintz -3.5 = -3
  { w: 0x1e674020, text: "frintx\td0, d1", fpcr: 0x800000, nzcv: 0x0, v: { 1: 0x3ff8000000000000n }, x: {  },
    out: { v: { 0: [0x3ff0000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // frintx 1.5 in RM = 1, IXC
  { w: 0x1e67c020, text: "frinti\td0, d1", fpcr: 0x400000, nzcv: 0x0, v: { 1: 0x3ff8000000000000n }, x: {  },
    out: { v: { 0: [0x4000000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // frinti 1.5 in RP = 2, no IXC
  { w: 0x1e222020, text: "fcmp\ts1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f800000n, 2: 0x40000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x80000000, fpsr: 0x0 } }, // 1 < 2: N
  { w: 0x1e602028, text: "fcmp\td1, #0.0", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x8000000000000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x60000000, fpsr: 0x0 } }, // -0 == 0: ZC
  { w: 0x1e622020, text: "fcmp\td1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff8000000000000n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x30000000, fpsr: 0x0 } }, // unordered: CV, no IOC for a quiet NaN
  { w: 0x1e622030, text: "fcmpe\td1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff8000000000000n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x30000000, fpsr: 0x1 } }, // FCMPE: IOC for a quiet NaN
  { w: 0x1e222020, text: "fcmp\ts1, s2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7f800001n, 2: 0x3f800000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x30000000, fpsr: 0x1 } }, // FCMP: IOC for a signalling NaN
  { w: 0x1e202038, text: "fcmpe\ts1, #0.0", fpcr: 0x1000000, nzcv: 0x0, v: { 1: 0x1n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x60000000, fpsr: 0x80 } }, // denormal flushed under FZ: equal to 0, IDC
  { w: 0x1e622020, text: "fcmp\td1, d2", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4000000000000000n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x20000000, fpsr: 0x0 } }, // 2 > 1: C
  { w: 0x1e221424, text: "fccmp\ts1, s2, #0x4, ne", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f800000n, 2: 0x3f800000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x60000000, fpsr: 0x0 } }, // condition holds: compare (Z C)
  { w: 0x1e221424, text: "fccmp\ts1, s2, #0x4, ne", fpcr: 0x0, nzcv: 0x40000000, v: { 1: 0x3f800000n, 2: 0x40000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x40000000, fpsr: 0x0 } }, // condition fails: flags = #nzcv
  { w: 0x1e62043f, text: "fccmpe\td1, d2, #0xf, eq", fpcr: 0x0, nzcv: 0x40000000, v: { 1: 0x7ff8000000000000n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0x30000000, fpsr: 0x1 } }, // FCCMPE with a quiet NaN: IOC
  { w: 0x1e62143f, text: "fccmpe\td1, d2, #0xf, ne", fpcr: 0x0, nzcv: 0x40000000, v: { 1: 0x7ff8000000000000n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: {  }, x: {  }, nzcv: 0xf0000000, fpsr: 0x0 } }, // condition fails: no comparison, no IOC
  { w: 0x1e620c20, text: "fcsel\td0, d1, d2, eq", fpcr: 0x0, nzcv: 0x40000000, v: { 1: 0x7ff0000000000001n, 2: 0x3ff0000000000000n }, x: {  },
    out: { v: { 0: [0x7ff0000000000001n, 0x0n] }, x: {  }, nzcv: 0x40000000, fpsr: 0x0 } }, // FCSEL copies bits, signalling NaN untouched
  { w: 0x1e220c20, text: "fcsel\ts0, s1, s2, eq", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f800000n, 2: 0x40000000n }, x: {  },
    out: { v: { 0: [0x40000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FCSEL false: Rm
  { w: 0x1e6e1000, text: "fmov\td0, #1.000000000000000000e+00", fpcr: 0x0, nzcv: 0x0, v: {  }, x: {  },
    out: { v: { 0: [0x3ff0000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // VFPExpandImm 0x70
  { w: 0x1e381003, text: "fmov\ts3, #-1.250000000000000000e-01", fpcr: 0x0, nzcv: 0x0, v: {  }, x: {  },
    out: { v: { 3: [0xbe000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // 
  { w: 0x1e67f000, text: "fmov\td0, #3.100000000000000000e+01", fpcr: 0x0, nzcv: 0x0, v: {  }, x: {  },
    out: { v: { 0: [0x403f000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // 
  { w: 0x1e291000, text: "fmov\ts0, #1.875000000000000000e-01", fpcr: 0x0, nzcv: 0x0, v: {  }, x: {  },
    out: { v: { 0: [0x3e400000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // smallest magnitude imm (1.5 * 2^-3)
  { w: 0x9e42f420, text: "scvtf\td0, x1, #3", fpcr: 0x0, nzcv: 0x0, v: {  }, x: { 1: 0xfffffffffffffff4n },
    out: { v: { 0: [0xbff8000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // -12 / 8 = -1.5
  { w: 0x1e038020, text: "ucvtf\ts0, w1, #32", fpcr: 0x0, nzcv: 0x0, v: {  }, x: { 1: 0xffffffffffffffffn },
    out: { v: { 0: [0x3f800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // 0xffffffff / 2^32 rounds to 1.0, IXC
  { w: 0x9e220020, text: "scvtf\ts0, x1", fpcr: 0x0, nzcv: 0x0, v: {  }, x: { 1: 0x1000001n },
    out: { v: { 0: [0x4b800000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // 2^24 + 1 ties to even
  { w: 0x9e220020, text: "scvtf\ts0, x1", fpcr: 0x400000, nzcv: 0x0, v: {  }, x: { 1: 0x1000001n },
    out: { v: { 0: [0x4b800001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // 2^24 + 1 rounded up
  { w: 0x9e630020, text: "ucvtf\td0, x1", fpcr: 0x0, nzcv: 0x0, v: {  }, x: { 1: 0xffffffffffffffffn },
    out: { v: { 0: [0x43f0000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x10 } }, // 2^64 - 1: 2^64, IXC
  { w: 0x1e620020, text: "scvtf\td0, w1", fpcr: 0x0, nzcv: 0x0, v: {  }, x: { 1: 0xffffffff80000000n },
    out: { v: { 0: [0xc1e0000000000000n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // W source: -2^31 (upper bits ignored)
  { w: 0x1e58fc20, text: "fcvtzs\tw0, d1, #1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3ff8000000000000n }, x: { 0: 0xffffffffffffffffn },
    out: { v: {  }, x: { 0: 0x3n }, nzcv: 0x0, fpsr: 0x0 } }, // 1.5 * 2 = 3, W write zero-extends
  { w: 0x9e190020, text: "fcvtzu\tx0, s1, #64", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x8000000000000000n }, nzcv: 0x0, fpsr: 0x0 } }, // 0.5 * 2^64 = 2^63
  { w: 0x1e380020, text: "fcvtzs\tw0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4f000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x7fffffffn }, nzcv: 0x0, fpsr: 0x1 } }, // 2^31 saturates to 0x7fffffff, IOC
  { w: 0x9e780020, text: "fcvtzs\tx0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xc3e0000000000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x8000000000000000n }, nzcv: 0x0, fpsr: 0x0 } }, // -2^63 fits exactly
  { w: 0x1e790020, text: "fcvtzu\tw0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xbfe0000000000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x0n }, nzcv: 0x0, fpsr: 0x10 } }, // -0.5 towards zero: 0, IXC (not IOC)
  { w: 0x1e610020, text: "fcvtnu\tw0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xbfe8000000000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x0n }, nzcv: 0x0, fpsr: 0x1 } }, // -0.75 to nearest: -1 saturates to 0, IOC
  { w: 0x9e600020, text: "fcvtns\tx0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x4004000000000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x2n }, nzcv: 0x0, fpsr: 0x10 } }, // 2.5 to nearest even: 2, IXC
  { w: 0x9e640020, text: "fcvtas\tx0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xc004000000000000n }, x: {  },
    out: { v: {  }, x: { 0: 0xfffffffffffffffdn }, nzcv: 0x0, fpsr: 0x10 } }, // -2.5 ties away: -3
  { w: 0x1e250020, text: "fcvtau\tw0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3fc00000n }, x: {  },
    out: { v: {  }, x: { 0: 0x2n }, nzcv: 0x0, fpsr: 0x10 } }, // 1.5 ties away: 2
  { w: 0x1e280020, text: "fcvtps\tw0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3f800001n }, x: {  },
    out: { v: {  }, x: { 0: 0x2n }, nzcv: 0x0, fpsr: 0x10 } }, // ceil(1 + 2^-23) = 2
  { w: 0x9e300020, text: "fcvtms\tx0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xbf800001n }, x: {  },
    out: { v: {  }, x: { 0: 0xfffffffffffffffen }, nzcv: 0x0, fpsr: 0x10 } }, // floor(-(1 + 2^-23)) = -2
  { w: 0x1e380020, text: "fcvtzs\tw0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7fc00000n }, x: { 0: 0x1234n },
    out: { v: {  }, x: { 0: 0x0n }, nzcv: 0x0, fpsr: 0x1 } }, // NaN: 0, IOC
  { w: 0x9e780020, text: "fcvtzs\tx0, d1", fpcr: 0x1000000, nzcv: 0x0, v: { 1: 0xfffffffffffffn }, x: {  },
    out: { v: {  }, x: { 0: 0x0n }, nzcv: 0x0, fpsr: 0x80 } }, // denormal flushed: 0, IDC only
  { w: 0x9e660020, text: "fmov\tx0, d1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x7ff0000000000001n }, x: {  },
    out: { v: {  }, x: { 0: 0x7ff0000000000001n }, nzcv: 0x0, fpsr: 0x0 } }, // FMOV to general: bits
  { w: 0x9e670001, text: "fmov\td1, x0", fpcr: 0x0, nzcv: 0x0, v: {  }, x: { 0: 0x7ff0000000000001n },
    out: { v: { 1: [0x7ff0000000000001n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // FMOV to FP: bits, V1[127:64] zeroed
  { w: 0x9eae0020, text: "fmov\tx0, v1.d[1]", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3ff0000000000000n }, x: {  },
    out: { v: {  }, x: { 0: 0x123456789abcdefn }, nzcv: 0x0, fpsr: 0x0 } }, // the upper half (V1.D[1] = the garbage)
  { w: 0x9eaf0001, text: "fmov\tv1.d[1], x0", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3ff0000000000000n }, x: { 0: 0xfeedfacecafebeefn },
    out: { v: { 1: [0x3ff0000000000000n, 0xfeedfacecafebeefn] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // writes the upper half, keeps the lower
  { w: 0x1e260020, text: "fmov\tw0, s1", fpcr: 0x0, nzcv: 0x0, v: { 1: 0xbf800000n }, x: { 0: 0xffffffffffffffffn },
    out: { v: {  }, x: { 0: 0xbf800000n }, nzcv: 0x0, fpsr: 0x0 } }, // W write zero-extends
  { w: 0x1e2703e1, text: "fmov\ts1, wzr", fpcr: 0x0, nzcv: 0x0, v: { 1: 0x3ff0000000000000n }, x: {  },
    out: { v: { 1: [0x0n, 0x0n] }, x: {  }, nzcv: 0x0, fpsr: 0x0 } }, // from WZR
];

/** Words that must be UNDEFINED: FEAT_FP16 half-precision forms, later extensions, unallocated. */
const UNDEFINED: [number, string][] = [
  [0x1ee22820, 'fadd h0, h1, h2'],
  [0x1ee70020, 'fmov h0, w1'],
  [0x1ee60020, 'fmov w0, h1'],
  [0x1e284020, 'frint32z s0, s1'],
  [0x1e7e0020, 'fjcvtzs w0, d1'],
  [0x1e634020, 'bfcvt h0, s1'],
  [0x1ef80020, 'fcvtzs w0, h1'],
  [0x1ee20020, 'scvtf h0, w1'],
  [0x1fc20c20, 'fmadd h0, h1, h2, h3'],
  [0x1ee22020, 'fcmp h1, h2'],
  [0x1eee1000, 'fmov h0, #1.0'],
  [0x1ee44020, 'frintn h0, h1'],
  [0x1ee20c20, 'fcsel h0, h1, h2, eq'],
  [0x1ee20420, 'fccmp h1, h2, #0, eq'],
  [0x1ea22820, 'ftype 10 in FP data-processing (2 source)'],
  [0x3e222820, 'S = 1'],
  [0x9e222820, 'M = 1'],
  [0x1e180020, 'fcvtzs w0, s1 with scale 0 (64 fraction bits into a W register)'],
  [0x1e229820, 'FP data-processing (2 source) opcode 1001'],
  [0x1e26c020, 'FP data-processing (1 source) opcode 001101'],
  [0x1e222024, 'FP compare opcode2 00100'],
  [0x1e226020, 'FP compare op 01'],
  [0x1e2e1020, 'FP immediate with imm5 != 0'],
  [0x1e208020, 'bits 15:12 = 1000 with bits 11:10 = 00'],
  [0x9e2e0020, 'fmov Xd, Vn.D[1] with ftype 00'],
  [0x9ea60020, 'fmov x0, v1.d[1] with rmode 00 and ftype 10'],
  [0x1e660020, 'fmov w0, d1 (width mismatch)'],
  [0x1e2a0020, 'scvtf s0, w1 with rmode 01'],
  [0x1e340020, 'fcvtas s0 with rmode 10'],
  [0x1e088020, 'fixed-point conversion rmode:opcode 01000'],
];

function stateFor(c: Case): A64State {
  const s = new A64State();
  s.fpen = 3;
  for (let n = 0; n < 32; n++) {
    s.v64[n * 2] = c.v[n] ?? V_FILL[0];
    s.v64[n * 2 + 1] = V_FILL[1];
  }
  for (let n = 0; n < 31; n++) s.x[n] = c.x[n] ?? X_FILL;
  s.fpcr = c.fpcr;
  s.nzcv = c.nzcv;
  s.pc = PC;
  return s;
}

describe('a64 scalar FP: instructions against QEMU results', () => {
  it.each(CASES.map((c) => [c.text, c] as const))('%s', (_text, c) => {
    const insn = decode(c.w);
    expect(insn.op).toBe('SIMD');
    if (insn.op === 'SIMD') expect(insn.text).toBe(c.text);
    const s = stateFor(c);
    expect(step(s, oneWordMem(c.w), hooks)).toEqual({ kind: 'ok' });
    expect(s.pc).toBe(PC + 4);
    for (let n = 0; n < 32; n++) {
      const want = c.out.v[n] ?? [c.v[n] ?? V_FILL[0], V_FILL[1]];
      expect([s.v64[n * 2], s.v64[n * 2 + 1]], `V${n}`).toEqual(want);
    }
    for (let n = 0; n < 31; n++) expect(s.x[n], `X${n}`).toBe(c.out.x[n] ?? c.x[n] ?? X_FILL);
    expect(s.nzcv >>> 0).toBe(c.out.nzcv);
    expect(s.fpsr).toBe(c.out.fpsr);
  });
});

describe('a64 scalar FP: unallocated and absent-feature encodings', () => {
  it.each(UNDEFINED.map(([w, what]) => [what, w] as const))('%s is UNDEFINED', (_what, w) => {
    expect(decode(w).op).toBe('UNDEFINED');
    const s = new A64State();
    s.fpen = 3;
    s.pc = PC;
    const r = step(s, oneWordMem(w), hooks);
    expect(r).toMatchObject({ kind: 'exception', type: 'undefined' });
  });
});

describe('a64 scalar FP: access control', () => {
  it('traps with EC 0x07 (fpAccess) while CPACR_EL1.FPEN disables FP, leaving the state alone', () => {
    const s = new A64State();
    s.pc = PC;
    s.v64[2] = 0x3ff0_0000_0000_0000n;
    const w = 0x1e622820; // fadd d0, d1, d2
    expect(step(s, oneWordMem(w), hooks)).toMatchObject({ kind: 'exception', type: 'fpAccess', pc: PC });
    expect(s.v64[0]).toBe(0n);
    expect(s.pc).toBe(PC);
  });
});
