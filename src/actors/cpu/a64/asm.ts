/**
 * A64 program builder on top of the encoder (encode.ts).
 *
 *   const a = new Assembler();
 *   a.mov('x0', 0).mov('x1', 10).label('loop').add('x0', 'x0', 'x1').subs('x1', 'x1', 1)
 *    .bcond('ne', 'loop').hvc(0x4a48);
 *   const { bytes, symbols } = a.finish(0x40000000);
 *
 * Every encoder in ENCODERS is an Assembler method with the same parameters that appends its
 * word(s) and returns `this`. The PC-relative instructions (b, bl, bcond, cbz, cbnz, tbz, tbnz,
 * adr, adrp, ldrLit, ldrswLit, prfmLit) take a {@link Target} instead of a numeric offset:
 * a label name (resolved at finish(), forward references allowed), {label, addend}, or a number
 * = byte offset relative to the instruction, exactly as the encoder takes it. addLo12/ldstLo12
 * provide the `:lo12:label` operands that pair with adrp. Offsets handed to label(), org() and
 * symbols are relative to the start of the program; finish(base) adds `base`.
 */
import {
  A64Error, ENCODERS, adr, adrp, b, bcond, bl, cbnz, cbz, tbnz, tbz, ldrLit, ldrswLit, prfmLit, add,
  loadStore, type Cond, type LdStKind, type Reg, type XReg,
} from './encode.js';

/** A PC-relative target: label, label plus addend, or a byte offset relative to the instruction. */
export type Target = string | number | { readonly label: string; readonly addend?: number };

export interface AsmResult {
  readonly bytes: Uint8Array;
  /** Label -> absolute address (base + offset). */
  readonly symbols: Map<string, number>;
}

interface Fixup {
  readonly at: number;
  readonly label: string;
  readonly addend: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly what: string;
  readonly line: number | undefined;
  /** Returns the value to store, given the resolved target address and the fixup's address. */
  readonly apply: (target: number, pc: number) => number | bigint;
}

const LABEL_OPS = ['b', 'bl', 'bcond', 'cbz', 'cbnz', 'tbz', 'tbnz', 'adr', 'adrp', 'ldrLit', 'ldrswLit', 'prfmLit'] as const;
type LabelOp = (typeof LABEL_OPS)[number];
type Table = typeof ENCODERS;
type Emitters = {
  [K in Exclude<keyof Table, LabelOp>]: (...args: Parameters<Table[K]>) => Assembler;
};

const NOP = 0xd503201f;

export interface Assembler extends Emitters {}

export class Assembler {
  private buf = new Uint8Array(1024);
  private pos = 0;
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];
  /** Source line attached to errors and fixups (set by the text front end). */
  line: number | undefined;

  /** Current offset from the start of the program. */
  get offset(): number {
    return this.pos;
  }

  private where(line = this.line, at = this.pos): string {
    return line !== undefined ? `line ${line}` : `offset 0x${at.toString(16)}`;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
  }

  private put(value: number | bigint, size: number): void {
    this.ensure(size);
    let v = BigInt.asUintN(size * 8, BigInt(value));
    for (let i = 0; i < size; i++) {
      this.buf[this.pos++] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  /** Defines `name` at the current offset. */
  label(name: string): this {
    if (!/^[A-Za-z_.$][\w.$@]*$/.test(name)) throw new A64Error(`${this.where()}: invalid label name '${name}'`);
    if (this.labels.has(name)) throw new A64Error(`${this.where()}: label '${name}' already defined`);
    this.labels.set(name, this.pos);
    return this;
  }

  /** True if `name` has been defined. */
  hasLabel(name: string): boolean {
    return this.labels.has(name);
  }

  /** Appends instruction word(s), little-endian. */
  emit(words: number | readonly number[]): this {
    if (this.pos % 4 !== 0) throw new A64Error(`${this.where()}: instruction at unaligned offset 0x${this.pos.toString(16)}`);
    for (const w of typeof words === 'number' ? [words] : words) {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new A64Error(`${this.where()}: bad instruction word ${w}`);
      this.put(w, 4);
    }
    return this;
  }

  private data(size: 1 | 2 | 4 | 8, v: number | bigint | Target, what: string): this {
    if (typeof v === 'string' || (typeof v === 'object' && v !== null)) {
      this.ref(v, what, size, (target) => {
        if (size < 8 && (target < 0 || target >= 2 ** (size * 8))) {
          throw new A64Error(`address 0x${target.toString(16)} does not fit in ${size * 8} bits`);
        }
        return BigInt(target);
      });
      this.put(0, size);
      return this;
    }
    const b = BigInt(v);
    const bits = BigInt(size * 8);
    if (b >= 1n << bits || b < -(1n << (bits - 1n))) throw new A64Error(`${this.where()}: ${what} value ${v} does not fit in ${size * 8} bits`);
    this.put(b, size);
    return this;
  }
  /** 8-bit data. */
  byte(v: number): this { return this.data(1, v, '.byte'); }
  /** 16-bit data. */
  hword(v: number): this { return this.data(2, v, '.hword'); }
  /** 32-bit data; a label (or {label, addend}) stores its absolute address. */
  word(v: number | string | { label: string; addend?: number }): this { return this.data(4, v, '.word'); }
  /** 64-bit data; a label stores its absolute address. */
  quad(v: number | bigint | string | { label: string; addend?: number }): this { return this.data(8, v, '.quad'); }

  /** Raw bytes. */
  bytes(u8: Uint8Array | readonly number[]): this {
    for (const x of u8) this.data(1, x, '.bytes');
    return this;
  }
  /** UTF-8 string without terminator. */
  ascii(s: string): this { return this.bytes(new TextEncoder().encode(s)); }
  /** UTF-8 string plus NUL. */
  asciz(s: string): this { return this.ascii(s).byte(0); }

  /** `n` bytes of `fill`. */
  skip(n: number, fill = 0): this {
    if (!Number.isInteger(n) || n < 0) throw new A64Error(`${this.where()}: bad skip size ${n}`);
    for (let i = 0; i < n; i++) this.put(fill, 1);
    return this;
  }

  /**
   * Aligns to `n` bytes (a power of two; note GNU `.align k` means 2^k). Without `fill`, pads like
   * GNU as in code: zero bytes to a 4-byte boundary, then NOPs. With `fill`, pads with that byte.
   */
  align(n: number, fill?: number): this {
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new A64Error(`${this.where()}: alignment ${n} is not a power of two`);
    const pad = (n - (this.pos % n)) % n;
    if (fill !== undefined) return this.skip(pad, fill);
    const zeros = Math.min(pad, (4 - (this.pos % 4)) % 4);
    this.skip(zeros);
    for (let i = zeros; i < pad; i += 4) this.put(NOP, 4);
    return this;
  }

  /** Moves to `offset` from the start of the program (forward only), filling with `fill`. */
  org(offset: number, fill = 0): this {
    if (!Number.isInteger(offset) || offset < this.pos) {
      throw new A64Error(`${this.where()}: .org 0x${offset.toString(16)} moves backwards from 0x${this.pos.toString(16)}`);
    }
    return this.skip(offset - this.pos, fill);
  }

  /**
   * Records a reference to a label patched at finish(): `apply(targetAddr, fixupAddr)` returns the
   * value stored over `size` bytes at the current offset (the caller emits the placeholder).
   */
  ref(target: Target, what: string, size: 1 | 2 | 4 | 8, apply: (target: number, pc: number) => number | bigint): void {
    if (typeof target === 'number') throw new A64Error(`${this.where()}: ${what}: a reference needs a label`);
    const t = typeof target === 'string' ? { label: target, addend: 0 } : target;
    this.fixups.push({ at: this.pos, label: t.label, addend: t.addend ?? 0, size, what, line: this.line, apply });
  }

  private pcrel(target: Target, what: string, enc: (offset: number, target: number, pc: number) => number): this {
    if (typeof target === 'number') return this.emit(enc(target, NaN, NaN));
    this.ref(target, what, 4, (t, pc) => enc(t - pc, t, pc));
    return this.emit(0);
  }

  b(target: Target): this { return this.pcrel(target, 'b', (o) => b(o)); }
  bl(target: Target): this { return this.pcrel(target, 'bl', (o) => bl(o)); }
  bcond(cond: Cond, target: Target): this { return this.pcrel(target, `b.${cond}`, (o) => bcond(cond, o)); }
  cbz(rt: Reg, target: Target): this { return this.pcrel(target, 'cbz', (o) => cbz(rt, o)); }
  cbnz(rt: Reg, target: Target): this { return this.pcrel(target, 'cbnz', (o) => cbnz(rt, o)); }
  tbz(rt: Reg, bit: number, target: Target): this { return this.pcrel(target, 'tbz', (o) => tbz(rt, bit, o)); }
  tbnz(rt: Reg, bit: number, target: Target): this { return this.pcrel(target, 'tbnz', (o) => tbnz(rt, bit, o)); }
  adr(rd: Reg, target: Target): this { return this.pcrel(target, 'adr', (o) => adr(rd, o)); }
  /** ADRP to the 4 KiB page of a label (a number is the page offset in bytes, as in the encoder). */
  adrp(rd: Reg, target: Target): this {
    return this.pcrel(target, 'adrp', (o, t, pc) => adrp(rd, Number.isNaN(t) ? o : page(t) - page(pc)));
  }
  ldrLit(rt: Reg, target: Target): this { return this.pcrel(target, 'ldr (literal)', (o) => ldrLit(rt, o)); }
  ldrswLit(rt: Reg, target: Target): this { return this.pcrel(target, 'ldrsw (literal)', (o) => ldrswLit(rt, o)); }
  prfmLit(op: string | number, target: Target): this { return this.pcrel(target, 'prfm (literal)', (o) => prfmLit(op, o)); }

  /** ADD rd, rn, #:lo12:label (the low 12 bits of the label's address). */
  addLo12(rd: Reg, rn: Reg, target: string | { label: string; addend?: number }): this {
    this.ref(target, 'add :lo12:', 4, (t) => add(rd, rn, { imm: t & 0xfff, lsl: 0 }));
    return this.emit(0);
  }
  /** LDR/STR/... rt, [rn, #:lo12:label] (scaled unsigned offset; the label must be size-aligned). */
  ldstLo12(kind: LdStKind, rt: Reg, rn: XReg, target: string | { label: string; addend?: number }): this {
    this.ref(target, `${kind} :lo12:`, 4, (t) => {
      const lo = t & 0xfff;
      const w = loadStore(kind, rt, { base: rn, offset: lo });
      // Force the scaled form: unscaled would silently mean something else.
      if (((w >>> 24) & 1) !== 1) throw new A64Error(`:lo12: offset 0x${lo.toString(16)} is not aligned to the access size`);
      return w;
    });
    return this.emit(0);
  }

  /**
   * Resolves all references and returns the image (little-endian) for load address `base`.
   * Does not modify the builder, so it may be called again (e.g. with another base).
   */
  finish(base = 0): AsmResult {
    if (!Number.isSafeInteger(base) || base < 0) throw new A64Error(`finish: bad base address ${base}`);
    const bytes = this.buf.slice(0, this.pos);
    for (const f of this.fixups) {
      const off = this.labels.get(f.label);
      const where = this.where(f.line, f.at);
      if (off === undefined) throw new A64Error(`${where}: undefined label '${f.label}' (${f.what})`);
      let v: number | bigint;
      try {
        v = f.apply(base + off + f.addend, base + f.at);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new A64Error(`${where}: ${f.what} to '${f.label}' at 0x${(base + off + f.addend).toString(16)}: ${msg}`);
      }
      let x = BigInt.asUintN(f.size * 8, BigInt(v));
      for (let i = 0; i < f.size; i++) {
        bytes[f.at + i] = Number(x & 0xffn);
        x >>= 8n;
      }
    }
    const symbols = new Map<string, number>();
    for (const [k, v] of this.labels) symbols.set(k, base + v);
    return { bytes, symbols };
  }
}

function page(a: number): number {
  return Math.floor(a / 4096) * 4096;
}

for (const [name, fn] of Object.entries(ENCODERS)) {
  if ((LABEL_OPS as readonly string[]).includes(name)) continue;
  const enc = fn as (...args: unknown[]) => number | number[];
  Object.defineProperty(Assembler.prototype, name, {
    value: function (this: Assembler, ...args: unknown[]): Assembler {
      let words: number | number[];
      try {
        words = enc(...args);
      } catch (e) {
        if (e instanceof A64Error && this.line === undefined) throw new A64Error(`offset 0x${this.offset.toString(16)}: ${e.message}`);
        throw e;
      }
      return this.emit(words);
    },
    writable: true,
    configurable: true,
  });
}

/** Convenience: words -> little-endian bytes. */
export function wordsToBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w, true));
  return out;
}
