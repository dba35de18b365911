/**
 * Advanced SIMD shift by immediate (0 Q U 011110 immh immb opcode 1 Rn Rd, immh ≠ 0) and scalar
 * shift by immediate (01 U 111110 immh immb opcode 1 Rn Rd): SSHR USHR SSRA USRA SRSHR URSHR
 * SRSRA URSRA SRI SHL SLI SQSHLU SQSHL UQSHL, the narrowing SHRN RSHRN SQSHRN UQSHRN SQRSHRN
 * UQRSHRN SQSHRUN SQRSHRUN (+2) and SSHLL/USHLL (+2; SXTL/UXTL at shift 0). SCVTF/UCVTF and
 * FCVTZS/FCVTZU (fixed-point) go to advsimd-fp.ts.
 *
 * The element size is the highest set bit of immh; right shifts are 2 × esize - immh:immb
 * (1..esize), left shifts immh:immb - esize (0..esize - 1).
 */
import type { SimdExec, SimdFp } from '../insn.js';
import { bit, bits, simdInsn } from './insn.js';
import { decodeAdvSimdFp } from './advsimd-fp.js';
import { clamp, clampBig, lanes, sRange, uMax, S64_MAX, S64_MIN, U64_MAX, type BigFn, type NumESize, type NumFn } from './advsimd-lanes.js';
import { add64, rshift, rshiftBig } from './advsimd-arith.js';
import { specialise, zeroSource } from './advsimd-specialise.js';
import { narrowExec } from './advsimd-narrow.js';
import { longExec } from './advsimd-long.js';
import { spec } from './advsimd-3diff.js';
import { asm, sreg, vreg } from './advsimd-text.js';
import type { ESize } from './vregs.js';

interface ShiftOp { name: string; signed: boolean; acc: boolean; f: NumFn; f64: BigFn }

const M64 = U64_MAX;

/** Element-wise shift ops (not narrowing or long) for `esize` and `shift`, or undefined. */
function shiftOp(opcode: number, u: number, esize: number, sh: number): ShiftOp | undefined {
  const s = u === 0;
  const p = s ? 's' : 'u';
  const bsh = BigInt(sh);
  // Right shifts as exact divisions by powers of two (the Arm ARM's infinite-precision >>).
  const div = 2 ** sh, half = 2 ** (sh - 1);
  switch (opcode) {
    case 0x00: return { name: p + 'shr', signed: s, acc: false, f: (a) => Math.floor(a / div), f64: (a) => rshiftBig(a, sh, false) };
    case 0x02: return { name: p + 'sra', signed: s, acc: true, f: (a, _b, c) => c + Math.floor(a / div), f64: (a, _b, c) => c + rshiftBig(a, sh, false) };
    case 0x04: return { name: p + 'rshr', signed: s, acc: false, f: (a) => Math.floor((a + half) / div), f64: (a) => rshiftBig(a, sh, true) };
    case 0x06: return { name: p + 'rsra', signed: s, acc: true, f: (a, _b, c) => c + Math.floor((a + half) / div), f64: (a, _b, c) => c + rshiftBig(a, sh, true) };
    case 0x08: {
      if (s) return undefined;
      // SRI: the top `sh` bits of each Vd element are kept.
      const mask = Math.floor(uMax(esize) / div);
      const mask64 = M64 >> bsh;
      return {
        name: 'sri', signed: false, acc: true,
        f: (a, _b, c) => (c & ~mask) | Math.floor(a / div),
        f64: (a, _b, c) => (c & ~mask64) | (a >> bsh),
      };
    }
    case 0x0a: {
      if (s) return { name: 'shl', signed: false, acc: false, f: (a) => a << sh, f64: (a) => a << bsh };
      // SLI: the low `sh` bits of each Vd element are kept.
      const mask = uMax(esize) << sh;
      const mask64 = (M64 << bsh) & M64;
      return {
        name: 'sli', signed: false, acc: true,
        f: (a, _b, c) => (c & ~mask) | (a << sh),
        f64: (a, _b, c) => (c & ~mask64) | ((a << bsh) & M64),
      };
    }
    case 0x0c: {
      if (s) return undefined;
      const hi = uMax(esize);
      return { name: 'sqshlu', signed: true, acc: false, f: (a) => clamp(a * 2 ** sh, 0, hi), f64: (a) => clampBig(a << bsh, 0n, M64) };
    }
    case 0x0e: {
      const [lo, hi] = s ? sRange(esize) : [0, uMax(esize)];
      const [lo64, hi64] = s ? [S64_MIN, S64_MAX] : [0n, M64];
      return { name: p + 'qshl', signed: s, acc: false, f: (a) => clamp(a * 2 ** sh, lo!, hi!), f64: (a) => clampBig(a << bsh, lo64, hi64) };
    }
    default: return undefined;
  }
}

export function decodeShiftImm(w: number, scalar: boolean): SimdFp | undefined {
  const q = bit(w, 30), u = bit(w, 29), immh = bits(w, 22, 19), immhb = bits(w, 22, 16), opcode = bits(w, 15, 11);
  const n = bits(w, 9, 5), d = bits(w, 4, 0);
  if (opcode === 0x1c || opcode === 0x1f) return decodeAdvSimdFp(w, 'shift-by-imm');
  const hsb = 31 - Math.clz32(immh);
  const esize = (8 << hsb) as ESize;
  if (opcode >= 0x10 && opcode <= 0x13) return narrowing(w, scalar, q, u, opcode, esize, 2 * esize - immhb, n, d);
  if (opcode === 0x14) {
    if (scalar || esize === 64) return undefined;
    const sh = immhb - esize, sfx = q ? '2' : '';
    const we = (esize * 2) as ESize;
    const name = sh === 0 ? (u ? 'uxtl' : 'sxtl') : (u ? 'ushll' : 'sshll');
    const text = asm(name + sfx, vreg(d, we, 1), vreg(n, esize, q), ...(sh === 0 ? [] : [`#${sh}`]));
    const scale = 2 ** sh;
    return simdInsn((u ? 'USHLL' : 'SSHLL') + sfx, text,
      longExec({ ...spec(esize as NumESize, q, 64 / esize, d, n, n, u === 0), g: (a) => a * scale }, 'sshll'));
  }
  const left = opcode >= 0x0a;
  const sh = left ? immhb - esize : 2 * esize - immhb;
  const op = shiftOp(opcode, u, esize, sh);
  if (!op) return undefined;
  if (scalar ? esize !== 64 && opcode < 0x0c : esize === 64 && !q) return undefined;
  const text = scalar
    ? asm(op.name, sreg(d, esize), sreg(n, esize), `#${sh}`)
    : asm(op.name, vreg(d, esize, q), vreg(n, esize, q), `#${sh}`);
  const count = scalar ? 1 : (q ? 128 : 64) / esize;
  const fast = esize === 64 ? shift64(op.name, sh, count, d, n) : undefined;
  const exec = fast ?? lanes({ esize, count, d, n, m: n, mIdx: -1, sn: op.signed, sd: false }, op.f, op.f64, `shift:${op.name}`);
  return exec && simdInsn(op.name.toUpperCase(), text, exec);
}

/** SHRN RSHRN SQSHRUN SQRSHRUN SQSHRN UQSHRN SQRSHRN UQRSHRN (opcode 1000x/1001x). */
function narrowing(w: number, scalar: boolean, q: number, u: number, opcode: number, esize: ESize, sh: number, n: number, d: number): SimdFp | undefined {
  if (esize === 64) return undefined;
  const round = (opcode & 1) === 1;
  let name: string, signed: boolean, lo: number, hi: number;
  const e = esize as NumESize;
  if (opcode <= 0x11) {
    if (!u) {
      if (scalar) return undefined;
      name = round ? 'rshrn' : 'shrn';
      signed = false; lo = -Infinity; hi = Infinity;
    } else {
      name = round ? 'sqrshrun' : 'sqshrun';
      signed = true; lo = 0; hi = uMax(esize);
    }
  } else {
    signed = u === 0;
    name = `${signed ? 's' : 'u'}q${round ? 'r' : ''}shrn`;
    [lo, hi] = signed ? sRange(esize) : [0, uMax(esize)];
  }
  const truncate = name === 'shrn' || name === 'rshrn';
  const bsh = BigInt(sh);
  const [lo64, hi64] = [BigInt(Math.max(lo, -(2 ** 31))), BigInt(Math.min(hi, 2 ** 32 - 1))];
  const f = (x: number): number => (truncate ? rshift(x, sh, round) : clamp(rshift(x, sh, round), lo, hi));
  const f64 = (l: number, h: number): number => {
    const x = (BigInt(h) << 32n) + BigInt(l);
    const r = round ? (x + (1n << (bsh - 1n))) >> bsh : x >> bsh;
    return Number(truncate ? BigInt.asUintN(32, r) : clampBig(r, lo64, hi64));
  };
  const we = (esize * 2) as ESize, sfx = !scalar && q ? '2' : '';
  const text = scalar
    ? asm(name, sreg(d, esize), sreg(n, we), `#${sh}`)
    : asm(name + sfx, vreg(d, esize, q), vreg(n, we, 1), `#${sh}`);
  const count = scalar ? 1 : 64 / esize;
  return simdInsn(name.toUpperCase() + sfx, text, narrowExec(e, scalar ? 0 : q, count, d, n, signed, f, f64, name));
}

/**
 * SHL, USHR, SSHR, USRA, SSRA on 64-bit lanes as 32-bit halves (int64 loops and hashes shift
 * in every iteration; bigints cost several times more), compiled per shift amount.
 */
function shift64(name: string, sh: number, count: number, d: number, n: number): SimdExec | undefined {
  let code: string;
  const hs = '(hi | 0)';
  switch (name) {
    case 'shl':
      code = sh === 0 ? 'rl = lo; rh = hi;'
        : sh < 32 ? `rh = ((hi << ${sh}) | (lo >>> ${32 - sh})) >>> 0; rl = (lo << ${sh}) >>> 0;`
          : `rh = (lo << ${sh - 32}) >>> 0; rl = 0;`;
      break;
    case 'ushr': case 'usra':
      code = sh < 32 ? `rl = ((lo >>> ${sh}) | (hi << ${32 - sh})) >>> 0; rh = hi >>> ${sh};`
        : sh < 64 ? `rl = hi >>> ${sh - 32}; rh = 0;` : 'rl = 0; rh = 0;';
      break;
    case 'sshr': case 'ssra':
      code = sh < 32 ? `rl = ((lo >>> ${sh}) | (hi << ${32 - sh})) >>> 0; rh = (${hs} >> ${sh}) >>> 0;`
        : sh < 64 ? `rl = (${hs} >> ${sh - 32}) >>> 0; rh = (${hs} >> 31) >>> 0;` : `rl = rh = (${hs} >> 31) >>> 0;`;
      break;
    default:
      return undefined;
  }
  const acc = name.endsWith('sra');
  const lines = ['const v = s.v32; let lo = 0, hi = 0, rl = 0, rh = 0;'];
  for (let i = 0; i < count; i++) {
    lines.push(`lo = v[n * 4 + ${2 * i}]; hi = v[n * 4 + ${2 * i + 1}];`, code);
    lines.push(acc ? `add64(v, d * 4 + ${2 * i}, rl, rh, false);` : `v[d * 4 + ${2 * i}] = rl; v[d * 4 + ${2 * i + 1}] = rh;`);
  }
  const body = `
return (s) => {
  ${lines.join('\n  ')}
  ${zeroSource(count * 8)}
  return undefined;
};`;
  return specialise<(add: typeof add64, d: number, n: number) => SimdExec>(`shift64:${name}:${sh}:${count}`, ['add64', 'd', 'n'], body)(add64, d, n);
}
