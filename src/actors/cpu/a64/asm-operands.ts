/**
 * Operand and expression parsing for the A64 text front end (asm-text.ts): GNU-like operands
 * (registers, #imm, [xN, #imm]{!}, [xN, xM, lsl #3], shifts/extends, :lo12:sym, label
 * expressions) and typed accessors used by the mnemonic handlers (asm-ops.ts).
 */
import {
  A64Error, isCond, isExtend, parseReg, type Cond, type Extend, type Reg, type Shift, type XReg,
} from './encode-core.js';
import type { Target } from './asm.js';

export type Operand =
  | { readonly k: 'reg'; readonly r: Reg }
  | { readonly k: 'imm'; readonly v: bigint }
  | { readonly k: 'shift'; readonly op: Shift; readonly amount: number }
  | { readonly k: 'ext'; readonly op: Extend; readonly amount: number | undefined }
  | { readonly k: 'lo12'; readonly sym: string; readonly addend: number }
  | { readonly k: 'mem'; readonly m: MemOperand }
  | { readonly k: 'sym'; readonly text: string };

export interface MemOperand {
  readonly base: XReg;
  readonly offset?: bigint;
  readonly lo12?: { sym: string; addend: number };
  readonly index?: Reg;
  readonly extend?: 'lsl' | 'uxtw' | 'sxtw' | 'sxtx';
  readonly shift?: number;
  readonly writeback: boolean;
}

/** Named constants (.equ/.set) visible to expressions. */
export type Constants = ReadonlyMap<string, bigint>;

// ---------------------------------------------------------------------------------------------
// Expressions: integers with + - * / % << >> & | ^ ~ unary -, parentheses, 'c', constants.

export function evalExpr(src: string, consts: Constants): bigint {
  const toks = src.match(/0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d+|'(?:\\.|[^'])'|[A-Za-z_.$][\w.$]*|<<|>>|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const fail = (msg: string): never => {
    throw new A64Error(`${msg} in expression '${src.trim()}'`);
  };
  const primary = (): bigint => {
    const t = toks[i++];
    if (t === undefined) return fail('missing value');
    if (t === '(') {
      const v = binary(0);
      if (toks[i++] !== ')') fail("missing ')'");
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '~') return ~primary();
    if (/^\d/.test(t)) return BigInt(t.replace(/_/g, ''));
    if (t.startsWith("'")) return BigInt(unescape(t.slice(1, -1)).charCodeAt(0));
    const c = consts.get(t);
    if (c === undefined) return fail(`unknown symbol '${t}'`);
    return c;
  };
  const PREC: Record<string, number> = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };
  const binary = (min: number): bigint => {
    let lhs = primary();
    for (;;) {
      const op = peek();
      const p = op === undefined ? undefined : PREC[op];
      if (p === undefined || p < min) return lhs;
      i++;
      const rhs = binary(p + 1);
      switch (op) {
        case '|': lhs |= rhs; break;
        case '^': lhs ^= rhs; break;
        case '&': lhs &= rhs; break;
        case '<<': lhs <<= rhs; break;
        case '>>': lhs >>= rhs; break;
        case '+': lhs += rhs; break;
        case '-': lhs -= rhs; break;
        case '*': lhs *= rhs; break;
        case '/': if (rhs === 0n) fail('division by zero'); lhs /= rhs; break;
        default: if (rhs === 0n) fail('division by zero'); lhs %= rhs; break;
      }
    }
  };
  if (toks.length === 0) fail('empty value');
  const v = binary(0);
  if (i !== toks.length) fail(`unexpected '${toks[i]}'`);
  return v;
}

/** C-style escapes used in character constants and strings. */
export function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', e: '\x1b' } as Record<string, string>)[e] ?? e;
  });
}

// ---------------------------------------------------------------------------------------------
// Operand splitting and parsing

/** Splits on top-level commas (outside [] () and quotes). */
export function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

const SHIFT_RE = /^(lsl|lsr|asr|ror)\s*(?:#\s*)?(.+)$/i;
const EXT_RE = /^(uxt[bhwx]|sxt[bhwx])(?:\s*(?:#\s*)?(.+))?$/i;
const LO12_RE = /^#?\s*:lo12:\s*(.+)$/i;

function parseSymRef(text: string, consts: Constants): { sym: string; addend: number } {
  const m = /^([A-Za-z_.$][\w.$]*|\d+[fb])\s*(?:([+-])(.+))?$/.exec(text.trim());
  if (!m) throw new A64Error(`bad symbol reference '${text}'`);
  const add = m[2] ? Number(evalExpr(m[3]!, consts)) * (m[2] === '-' ? -1 : 1) : 0;
  return { sym: m[1]!, addend: add };
}

function looksNumeric(s: string): boolean {
  return /^[-+~(]?\s*(\d|'|\()/.test(s) && !/^\d+[fb]$/.test(s);
}

export function parseOperand(text: string, consts: Constants): Operand {
  const s = text.trim();
  if (s === '') throw new A64Error('empty operand');
  const reg = parseReg(s);
  if (reg) return { k: 'reg', r: s.toLowerCase() as Reg };
  if (s.startsWith('[')) return { k: 'mem', m: parseMem(s, consts) };
  const lo = LO12_RE.exec(s);
  if (lo) {
    const r = parseSymRef(lo[1]!, consts);
    return { k: 'lo12', sym: r.sym, addend: r.addend };
  }
  if (s.startsWith('#')) return { k: 'imm', v: evalExpr(s.slice(1), consts) };
  const sh = SHIFT_RE.exec(s);
  if (sh) return { k: 'shift', op: sh[1]!.toLowerCase() as Shift, amount: Number(evalExpr(sh[2]!, consts)) };
  const ex = EXT_RE.exec(s);
  if (ex) {
    return { k: 'ext', op: ex[1]!.toLowerCase() as Extend, amount: ex[2] === undefined ? undefined : Number(evalExpr(ex[2], consts)) };
  }
  if (s.startsWith('=')) throw new A64Error(`literal pool operands ('${s}') are not supported; use mov64`);
  if (looksNumeric(s)) return { k: 'imm', v: evalExpr(s, consts) };
  if (/^[A-Za-z_][\w.$]*$/.test(s) && consts.has(s)) return { k: 'imm', v: consts.get(s)! };
  return { k: 'sym', text: s };
}

function parseMem(s: string, consts: Constants): MemOperand {
  const m = /^\[(.*)\]\s*(!?)$/.exec(s);
  if (!m) throw new A64Error(`bad memory operand '${s}'`);
  const parts = splitOperands(m[1]!);
  const writeback = m[2] === '!';
  const b = parseReg(parts[0] ?? '');
  if (!b || b.sf !== 1) throw new A64Error(`memory operand '${s}': base must be an x register or sp`);
  const base = parts[0]!.toLowerCase() as XReg;
  if (parts.length === 1) {
    if (writeback) throw new A64Error(`memory operand '${s}': writeback needs an offset`);
    return { base, writeback };
  }
  const second = parts[1]!;
  const lo = LO12_RE.exec(second);
  if (lo) {
    if (parts.length > 2 || writeback) throw new A64Error(`memory operand '${s}': bad :lo12: form`);
    return { base, lo12: parseSymRef(lo[1]!, consts), writeback };
  }
  const idx = parseReg(second);
  if (idx) {
    if (writeback) throw new A64Error(`memory operand '${s}': writeback not allowed with a register offset`);
    if (parts.length > 3) throw new A64Error(`memory operand '${s}': too many parts`);
    let extend: MemOperand['extend'] = 'lsl';
    let shift: number | undefined;
    if (parts.length === 3) {
      const e = /^(lsl|uxtw|sxtw|sxtx)(?:\s*#?\s*(.+))?$/i.exec(parts[2]!);
      if (!e) throw new A64Error(`memory operand '${s}': expected lsl/uxtw/sxtw/sxtx, got '${parts[2]}'`);
      extend = e[1]!.toLowerCase() as MemOperand['extend'];
      if (e[2] !== undefined) shift = Number(evalExpr(e[2], consts));
      else if (extend === 'lsl') throw new A64Error(`memory operand '${s}': lsl needs an amount`);
    }
    return shift === undefined
      ? { base, index: second.toLowerCase() as Reg, extend, writeback }
      : { base, index: second.toLowerCase() as Reg, extend, shift, writeback };
  }
  if (parts.length > 2) throw new A64Error(`memory operand '${s}': too many parts`);
  const offText = second.startsWith('#') ? second.slice(1) : second;
  return { base, offset: evalExpr(offText, consts), writeback };
}

// ---------------------------------------------------------------------------------------------
// Typed accessors for handlers

function describe(o: Operand | undefined): string {
  if (!o) return 'nothing';
  switch (o.k) {
    case 'reg': return `register ${o.r}`;
    case 'imm': return `immediate #${o.v}`;
    case 'mem': return 'a memory operand';
    case 'shift': return `shift ${o.op}`;
    case 'ext': return `extend ${o.op}`;
    case 'lo12': return `:lo12:${o.sym}`;
    default: return `'${o.text}'`;
  }
}

export function expectReg(o: Operand | undefined, what = 'operand'): Reg {
  if (o?.k !== 'reg') throw new A64Error(`${what}: expected a register, got ${describe(o)}`);
  return o.r;
}
export function expectXReg(o: Operand | undefined, what = 'operand'): XReg {
  const r = expectReg(o, what);
  if (parseReg(r)!.sf !== 1) throw new A64Error(`${what}: expected an x register, got ${r}`);
  return r as XReg;
}
export function expectImm(o: Operand | undefined, what = 'operand'): bigint {
  if (o?.k !== 'imm') throw new A64Error(`${what}: expected an immediate, got ${describe(o)}`);
  return o.v;
}
export function expectNum(o: Operand | undefined, what = 'operand'): number {
  const v = expectImm(o, what);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new A64Error(`${what}: ${v} too large`);
  return Number(v);
}
export function expectIdent(o: Operand | undefined, what = 'operand'): string {
  if (o?.k !== 'sym' || !/^[A-Za-z_][\w.]*$/.test(o.text)) throw new A64Error(`${what}: expected a name, got ${describe(o)}`);
  return o.text.toLowerCase();
}
export function expectCond(o: Operand | undefined, what = 'condition'): Cond {
  const c = o?.k === 'sym' ? o.text.toLowerCase() : '';
  if (!isCond(c)) throw new A64Error(`${what}: expected a condition (eq, ne, ...), got ${describe(o)}`);
  return c;
}
export function expectMem(o: Operand | undefined, what = 'address'): MemOperand {
  if (o?.k !== 'mem') throw new A64Error(`${what}: expected a memory operand [..], got ${describe(o)}`);
  return o.m;
}
export function isExtendName(s: string): boolean {
  return isExtend(s);
}

/** Local-label and '.' handling supplied by the line parser. */
export interface TargetResolver {
  /** Internal label name for `1f`/`1b` or an ordinary label. */
  resolveLabel(name: string): string;
}

/** A branch/ADR/literal target: label{+-expr}, 1f/1b, or .{+-expr} (relative offset). */
export function expectTarget(o: Operand | undefined, consts: Constants, res: TargetResolver, what = 'target'): Target {
  if (o?.k !== 'sym') throw new A64Error(`${what}: expected a label, got ${describe(o)}`);
  const t = o.text.trim();
  const dot = /^\.\s*(?:([+-])(.+))?$/.exec(t);
  if (dot) {
    const v = dot[1] ? evalExpr(dot[2]!, consts) : 0n;
    return Number(dot[1] === '-' ? -v : v);
  }
  const r = parseSymRef(t, consts);
  return { label: res.resolveLabel(r.sym), addend: r.addend };
}
