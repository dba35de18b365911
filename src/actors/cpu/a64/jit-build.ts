/**
 * Code generation for one block (the Translator decides what goes in it): the instructions' JS
 * from jit-emit.ts / jit-simd.ts, the interpreter for the rest, the terminating branch, the
 * self-loop, and the stop after a store into translated code. Split from jit.ts.
 */
import type { Insn } from './insn.js';
import { emit } from './jit-emit.js';
import { condExpr, putConst } from './jit-emit-operands.js';
import { emitSimd } from './jit-simd.js';
import type { FastMem } from './jit-mem.js';
import type { JitRuntime } from './jit-runtime.js';
import { type A64State, RegWord, fromVa } from './state.js';

const PAGE_BYTES = 4096;

/**
 * Compiled block: fn(s, R, M, X, limit) → instructions retired, s.pc set; M.bail = 1 when it
 * handed the instruction at s.pc to the interpreter, 2 when a trap stopped the CPU.
 */
export type BlockFn = (s: A64State, R: Uint32Array, M: FastMem, X: JitRuntime, limit: number) => number;

export function isBranch(i: Insn): boolean {
  return i.op === 'B' || i.op === 'B_COND' || i.op === 'CB' || i.op === 'TB' || i.op === 'BR_REG';
}

/** A conditional branch forward to the same 4 KiB page: inside a block, a side exit. */
export function isSideExit(i: Insn, pc: number, page: number): boolean {
  return (i.op === 'B_COND' || i.op === 'CB' || i.op === 'TB') && i.offset > 4 && Math.floor((pc + i.offset) / PAGE_BYTES) === page;
}

/** The terminator: sets nx (next pc) from a branch (or falls through to pc + 4). */
function branch(i: Insn, pc: number): string {
  const next = pc + 4;
  switch (i.op) {
    case 'B':
      return (i.link ? putConst(30, fromVa(next)) : '') + `nx=${pc + i.offset};`;
    case 'B_COND':
      return `nx=${condExpr(i.cond)}?${pc + i.offset}:${next};`;
    case 'CB': {
      const r = i.rt === 31 ? '0' : i.sf ? `(R[${2 * i.rt}]|R[${2 * i.rt + 1}])` : `R[${2 * i.rt}]`;
      return `nx=(${r}${i.nonZero ? '!==' : '==='}0)?${pc + i.offset}:${next};`;
    }
    case 'TB': {
      const w = i.rt === 31 ? '0' : `R[${2 * i.rt + (i.bit >= 32 ? 1 : 0)}]`;
      return `nx=((${w}>>>${i.bit & 31})&1)${i.nonZero ? '!==' : '==='}0?${pc + i.offset}:${next};`;
    }
    case 'BR_REG': {
      const n = i.rn;
      let s = n === 31 ? 'nx=0;' : `nx=(R[${2 * n + 1}]|0)*4294967296+R[${2 * n}];if(!Number.isSafeInteger(nx))nx=X.va(${n});`;
      if (i.kind === 'BLR') s += putConst(30, fromVa(next));
      return s;
    }
    default:
      return `nx=${next};`;
  }
}

/**
 * Generates and compiles one block. The source keeps the instructions' decoded objects (I) and
 * words (W) for the interpreter calls.
 */
export function build(insns: { i: Insn; word: number; pc: number }[], start: number): BlockFn {
  const n = insns.length;
  // The end of a pass (nx set): loop when it goes back to the start and another pass fits.
  const tail = `if(nx===${start}&&cnt+${n}<=limit)continue;s.pc=nx;return cnt;`;
  let body = '';
  insns.forEach(({ i, pc }, k) => {
    const bail = `s.pc=${pc};M.bail=1;return cnt+${k};`;
    const stop = (skip: boolean): string => (skip ? `s.pc=${pc + 4};M.bail=2;return cnt+${k + 1};` : `s.pc=${pc};M.bail=2;return cnt+${k};`);
    if (k === n - 1 && isBranch(i)) {
      body += branch(i, pc);
      return;
    }
    if (i.op === 'B_COND' || i.op === 'CB' || i.op === 'TB') {
      // A side exit (see isSideExit): taken, the pass ends here with k + 1 instructions.
      body += `${branch(i, pc)}if(nx!==${pc + 4}){cnt+=${k + 1};${tail}}`;
      return;
    }
    if (i.op === 'B') {
      // A followed branch (see compile): only BL's link register is left to do.
      if (i.link) body += putConst(30, fromVa(pc + 4));
      return;
    }
    // FP/SIMD: inline for the forms jit-simd.ts knows, else the decoded closure itself, no
    // interpreter dispatch; with FP trapped or on a fault (state untouched) the interpreter
    // redoes it and reports the exception.
    // After an instruction run outside the inline code: a store into translated code ends the block.
    const smc = `if(M.cw!==0){M.cw=0;s.pc=${pc + 4};return cnt+${k + 1};}`;
    const slow = `if(I[${k}].exec(s,X.mem,${pc})!==undefined){${bail}}${smc}`;
    const code = i.op === 'SIMD'
      ? emitSimd(i, { pc, bail, stop, slow }) ?? `if(!s.fpAllowed()){${bail}}${slow}`
      : emit(i, { pc, bail, stop });
    if (code !== null) body += code;
    else body += `s.pc=${pc};if(!X.exec(I[${k}],${pc},${insns[k]!.word})){s.pc=${pc};M.bail=1;return cnt+${k};}${smc}`;
    if (k === n - 1) body += `nx=${pc + 4};`;
  });
  const src =
    `return function block_${start < 0 ? 'm' : ''}${Math.abs(start).toString(16)}(s,R,M,X,limit){` +
    'let cnt=0,a0=0,a1=0,b0=0,b1=0,r0=0,r1=0,t0=0,t1=0,c=0,o=0,va=0,nx=0,d=M.dv;' +
    `const SP=s.el===0||s.spsel===0?${RegWord.SP_EL0}:${RegWord.SP_EL1},EL=s.el,V=s.v32;` +
    `for(;;){${body}cnt+=${n};${tail}}}`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the translator's whole point
  return new Function('I', src)(insns.map((x) => x.i)) as BlockFn;
}
