/**
 * Tiny GNU-like text front end for the A64 assembler.
 *
 *   assemble(`
 *           mov   x0, #0
 *           mov   x1, #10
 *   loop:   add   x0, x0, x1       // comment
 *           subs  x1, x1, #1       ; also a comment
 *           b.ne  loop
 *           hvc   #0x4a48
 *   `, 0x40000000)
 *
 * One statement per line; labels `name:` (several allowed, optionally followed by a statement);
 * numeric local labels `1:` referenced as `1b` / `1f`; `//`, `;` and leading `#` comments (note:
 * GNU as for AArch64 treats `;` as a statement separator, here it starts a comment).
 * Immediates `#expr` (or bare numbers) with + - * / % << >> & | ^ ~ and .equ constants;
 * addresses [xN], [xN, #imm], [xN, #imm]!, [xN], #imm, [xN, xM{, lsl|uxtw|sxtw|sxtx #s}],
 * [xN, :lo12:sym]; targets `label`, `label+4`, `.`, `.+8`, `1f`.
 * Directives: .word/.long/.4byte, .quad/.xword/.8byte, .hword/.short/.2byte, .byte, .inst,
 * .ascii, .asciz/.string, .align/.p2align (2^n bytes), .balign (n bytes), .org, .skip/.space,
 * .equ/.set; .text .global .globl .type .size .section .arch .cpu .local .weak are ignored.
 * Extension: `mov64 xN, #value` expands to the shortest constant sequence.
 * Errors are A64Errors naming the line number and the problem.
 */
import { Assembler, type AsmResult } from './asm.js';
import { handlerFor } from './asm-ops.js';
import { evalExpr, parseOperand, splitOperands, unescape, type TargetResolver } from './asm-operands.js';
import { A64Error } from './encode-core.js';

const IGNORED = new Set(['.text', '.data', '.global', '.globl', '.type', '.size', '.section', '.arch', '.cpu', '.local', '.weak', '.file', '.ident']);

/** Removes comments outside string/char literals. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"') quote = c;
    else if (c === "'" && /[\s,#(]/.test(line[i - 1] ?? ' ')) quote = c;
    else if (c === ';' || (c === '/' && line[i + 1] === '/')) return line.slice(0, i);
  }
  return line;
}

function parseString(s: string): string {
  const m = /^"((?:\\.|[^"\\])*)"$/.exec(s.trim());
  if (!m) throw new A64Error(`expected a quoted string, got '${s}'`);
  return unescape(m[1]!);
}

class Locals implements TargetResolver {
  private readonly defs = new Map<string, number>();
  /** Name for the next definition of numeric label `n`. */
  define(n: string): string {
    const k = this.defs.get(n) ?? 0;
    this.defs.set(n, k + 1);
    return `.L${n}@${k}`;
  }
  resolveLabel(name: string): string {
    const m = /^(\d+)([fb])$/.exec(name);
    if (!m) return name;
    const k = this.defs.get(m[1]!) ?? 0;
    if (m[2] === 'b') {
      if (k === 0) throw new A64Error(`local label '${m[1]}' not defined before '${name}'`);
      return `.L${m[1]}@${k - 1}`;
    }
    return `.L${m[1]}@${k}`;
  }
}

/**
 * Assembles `source` for load address `base`; returns the image and the symbol table (without
 * numeric local labels). Throws an A64Error "line N: ..." on the first problem.
 */
export function assemble(source: string, base = 0): AsmResult {
  const a = new Assembler();
  const consts = new Map<string, bigint>();
  const locals = new Locals();
  const lines = source.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    a.line = lineNo;
    try {
      let text = stripComment(raw).trim();
      if (text.startsWith('#')) return;
      for (;;) {
        const m = /^([A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)\s*/.exec(text);
        if (!m) break;
        a.label(/^\d+$/.test(m[1]!) ? locals.define(m[1]!) : m[1]!);
        text = text.slice(m[0].length);
      }
      if (text === '') return;
      const sp = /^(\S+)\s*(.*)$/.exec(text)!;
      const mn = sp[1]!.toLowerCase();
      const rest = sp[2]!;
      if (mn.startsWith('.') && !/^\.[+-]?$/.test(mn)) {
        directive(a, mn, rest, consts);
        return;
      }
      const h = handlerFor(mn);
      if (!h) throw new A64Error(`unknown mnemonic '${sp[1]}'`);
      const ops = rest.trim() === '' ? [] : splitOperands(rest).map((o) => parseOperand(o, consts));
      h({ a, mn, ops, consts, res: locals });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/^line \d+:/.test(msg)) throw e;
      throw new A64Error(`line ${lineNo}: ${msg} (in '${raw.trim()}')`);
    }
  });
  a.line = undefined;
  const r = a.finish(base);
  const symbols = new Map([...r.symbols].filter(([k]) => !k.includes('@')));
  return { bytes: r.bytes, symbols };
}

function directive(a: Assembler, d: string, rest: string, consts: Map<string, bigint>): void {
  const args = (): string[] => (rest.trim() === '' ? [] : splitOperands(rest));
  const num = (s: string): bigint => evalExpr(s, consts);
  const isSymRef = (s: string): boolean => /^[A-Za-z_.$][\w.$]*\s*([+-].*)?$/.test(s.trim()) && !consts.has(s.trim());
  const symRef = (s: string): { label: string; addend: number } => {
    const m = /^([A-Za-z_.$][\w.$]*)\s*(?:([+-])(.+))?$/.exec(s.trim())!;
    return { label: m[1]!, addend: m[2] ? Number(num(m[3]!)) * (m[2] === '-' ? -1 : 1) : 0 };
  };
  switch (d) {
    case '.word': case '.long': case '.4byte': case '.inst':
      for (const s of args()) {
        if (d !== '.inst' && isSymRef(s)) a.word(symRef(s));
        else a.word(Number(num(s)));
      }
      return;
    case '.quad': case '.xword': case '.8byte': case '.dword':
      for (const s of args()) {
        if (isSymRef(s)) a.quad(symRef(s));
        else a.quad(num(s));
      }
      return;
    case '.hword': case '.short': case '.2byte':
      for (const s of args()) a.hword(Number(num(s)));
      return;
    case '.byte':
      for (const s of args()) a.byte(Number(num(s)));
      return;
    case '.ascii':
      for (const s of args()) a.ascii(parseString(s));
      return;
    case '.asciz': case '.string':
      for (const s of args()) a.asciz(parseString(s));
      return;
    case '.align': case '.p2align': case '.balign': {
      const [n, fill] = args();
      if (n === undefined) throw new A64Error(`${d} needs an argument`);
      const v = Number(num(n));
      if (d !== '.balign' && (v < 0 || v > 16)) throw new A64Error(`${d} ${v}: exponent out of range 0..16`);
      a.align(d === '.balign' ? v : 2 ** v, fill === undefined || fill === '' ? undefined : Number(num(fill)));
      return;
    }
    case '.org': {
      const [n, fill] = args();
      if (n === undefined) throw new A64Error('.org needs an offset');
      a.org(Number(num(n)), fill === undefined ? 0 : Number(num(fill)));
      return;
    }
    case '.skip': case '.space': {
      const [n, fill] = args();
      if (n === undefined) throw new A64Error(`${d} needs a size`);
      a.skip(Number(num(n)), fill === undefined ? 0 : Number(num(fill)));
      return;
    }
    case '.equ': case '.set': {
      const [name, value] = args();
      if (!name || value === undefined || !/^[A-Za-z_.$][\w.$]*$/.test(name)) throw new A64Error(`${d} name, value`);
      consts.set(name, num(value));
      return;
    }
    default:
      if (IGNORED.has(d)) return;
      throw new A64Error(`unknown directive '${d}'`);
  }
}
