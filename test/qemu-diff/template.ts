/**
 * Instruction CLASS TEMPLATES: an encoding written as in the Arm ARM's encoding tables, fixed
 * bits plus named fields, e.g. 'sf:1 op:1 S:1 100010 sh:1 imm12:12 Rn:5 Rd:5'. Fields are
 * random unless the template gives a list of values or a function; register fields get
 * role-aware defaults (see fieldValue). A template belongs to a class (its Arm ARM group), the
 * unit of the coverage report.
 */
import { BASES, INDEX, type Rng } from './values.js';

/** What a field generator may know about where its word goes. */
export interface GenCtx {
  r: Rng;
  /** Index of the word in its case. */
  index: number;
  /** Destination register numbers (bits 4:0) of the last words kept, newest last. */
  recent?: readonly number[];
}

export type FieldSpec = readonly number[] | ((c: GenCtx) => number);

export interface TemplateDef {
  /** Encoding: bit strings and name:width fields, most significant first, 32 bits in all. */
  enc: string;
  fields?: Readonly<Record<string, FieldSpec>>;
  /** Rn is a base register into the scratch area and Rm an index (loads and stores). */
  mem?: boolean;
  /** Words to run before this one (e.g. masking a register before MSR FPCR). */
  before?: (c: GenCtx, word: number) => number[];
  /** Relative weight inside its class (default 1). */
  weight?: number;
}

/** A class; `weight` scales how often it is drawn (default 1: big groups get more). */
export interface ClassDef { name: string; templates: readonly TemplateDef[]; weight?: number }

interface Field { name: string; lo: number; width: number }
interface Parsed { def: TemplateDef; fixed: number; fields: Field[] }

function parse(def: TemplateDef): Parsed {
  let pos = 32;
  let fixed = 0;
  const fields: Field[] = [];
  for (const tok of def.enc.trim().split(/\s+/)) {
    const m = /^([A-Za-z][\w]*):(\d+)$/.exec(tok);
    if (m) {
      const width = Number(m[2]);
      pos -= width;
      fields.push({ name: m[1]!, lo: pos, width });
    } else if (/^[01]+$/.test(tok)) {
      pos -= tok.length;
      fixed |= parseInt(tok, 2) << pos;
    } else {
      throw new Error(`template '${def.enc}': bad token '${tok}'`);
    }
  }
  if (pos !== 0) throw new Error(`template '${def.enc}' is ${32 - pos} bits long`);
  for (const f of Object.keys(def.fields ?? {})) {
    if (!fields.some((x) => x.name === f)) throw new Error(`template '${def.enc}': no field ${f}`);
  }
  return { def, fixed: fixed >>> 0, fields };
}

/** General-register destinations avoid the reserved base/index registers most of the time. */
const RESERVED = new Set<number>([...BASES, INDEX]);
const GP_DEST = new Set(['Rd', 'Rt', 'Rt2', 'Rs']);
const SOURCES = new Set(['Rn', 'Rm', 'Ra']);

function fieldValue(f: Field, p: Parsed, c: GenCtx): number {
  const spec = p.def.fields?.[f.name];
  if (spec !== undefined) return typeof spec === 'function' ? spec(c) : c.r.pick(spec);
  const { r } = c;
  if (p.def.mem && f.name === 'Rn') return r.pick([...BASES, 31]); // 31: SP, also in the scratch
  if (p.def.mem && f.name === 'Rm') return r.chance(0.85) ? INDEX : 31;
  // Sources often read what the last words wrote: produced values (NaNs, saturated lanes,
  // flags) flow into the next instruction instead of only the random inputs.
  if (SOURCES.has(f.name) && c.recent !== undefined && c.recent.length > 0 && r.chance(0.3)) return r.pick(c.recent);
  if (GP_DEST.has(f.name)) {
    for (;;) {
      const v = r.int(32);
      if (!RESERVED.has(v) || r.chance(0.1)) return v;
    }
  }
  return r.int(2 ** f.width);
}

/** A class's templates, parsed once, picked by weight. */
export class InsnClass {
  private readonly parsed: Parsed[];
  private readonly total: number;
  constructor(readonly name: string, defs: readonly TemplateDef[], readonly weight = 1) {
    this.parsed = defs.map(parse);
    this.total = defs.reduce((a, d) => a + (d.weight ?? 1), 0);
  }

  /** The words of one random instance (the instruction under test last). */
  generate(c: GenCtx): number[] {
    let x = c.r.int(this.total * 1000) / 1000;
    let p = this.parsed[this.parsed.length - 1]!;
    for (const q of this.parsed) {
      x -= q.def.weight ?? 1;
      if (x < 0) { p = q; break; }
    }
    let w = p.fixed;
    for (const f of p.fields) {
      const v = fieldValue(f, p, c);
      w |= (v & (2 ** f.width - 1)) << f.lo;
    }
    w >>>= 0;
    return p.def.before ? [...p.def.before(c, w), w] : [w];
  }
}

/** Signed value v as a `width`-bit field. */
export function sfield(v: number, width: number): number {
  return v & (2 ** width - 1);
}
