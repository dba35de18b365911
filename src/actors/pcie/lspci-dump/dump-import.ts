/**
 * parseLspciDump: reads the text of `lspci -x/-xxx/-xxxx`, optionally with -v/-vv lines, back
 * into config bytes and the kernel resources those -v lines show. Also accepts a whole capture
 * squashed onto one line (as in the seed notes, shell prompt included): such a line is cut at
 * every function title, hex row and known -v keyword before parsing.
 */
import { PciToolError } from './errors.js';
import type { ImportedFunction, PciResource } from './types.js';

interface Line {
  no: number;
  text: string;
  /** Came out of a squashed line: -v pieces are then not indented. */
  squashed: boolean;
}

const TITLE = /^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])(?:\s+(.*))?$/i;
const ROW = /^([0-9a-f]{2,3}):((?: [0-9a-f]{2}){16})\s*$/i;
// Inside a squashed line: titles (a slot followed by a class name, or by a class number with -n;
// a slot followed by anything else is a command argument) and hex rows.
const SQ_TITLE = /(?:[0-9a-f]{4,8}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] (?=[A-Z]|[0-9a-f]{4}: )/g;
const SQ_ROW = /(?<![0-9a-f:])[0-9a-f]{2,3}:(?: [0-9a-f]{2}){16}(?=\s|$)/gi;
const SQ_KEYWORD = new RegExp(
  [
    '(?:Region \\d+: )?(?:\\[virtual\\] )?(?:Memory at|I/O ports at)',
    '(?:\\[virtual\\] )?Expansion ROM at',
    '(?:Subsystem|Flags|Control|Status|Latency|Interrupt|Capabilities|Kernel driver in use|Kernel modules|Bus' +
      '|I/O behind bridge|Memory behind bridge|Prefetchable memory behind bridge|Secondary status|BridgeCtl|lspci):',
  ].join('|'),
  'g',
);
/** A shell prompt running lspci, e.g. "root@kylin:~# lspci -x". */
const PROMPT = /(^|\s)\S*[#$]\s*(sudo\s+)?lspci(\s|$)/;

function cutSquashed(text: string, no: number): Line[] {
  const starts = new Map<number, 'title' | 'row' | 'kw'>();
  for (const m of text.matchAll(SQ_TITLE)) starts.set(m.index, 'title');
  for (const m of text.matchAll(SQ_ROW)) starts.set(m.index, 'row');
  for (const m of text.matchAll(SQ_KEYWORD)) if (!starts.has(m.index)) starts.set(m.index, 'kw');
  const cuts = [...starts.keys()].sort((a, b) => a - b);
  const prefix = text.slice(0, cuts[0] ?? text.length).trim();
  if (prefix && !PROMPT.test(prefix)) {
    throw new PciToolError(`line ${no}: unexpected text before the dump: "${prefix.slice(0, 60)}"`);
  }
  const out: Line[] = [];
  cuts.forEach((c, i) => {
    const piece = text.slice(c, cuts[i + 1] ?? text.length).trim();
    // A bare slot is a command argument ("lspci -s 01:00.0 01:00.0 Memory ..."), not a title.
    if (starts.get(c) === 'title' && !/\s/.test(piece)) return;
    out.push({ no, text: starts.get(c) === 'kw' ? `\t${piece}` : piece, squashed: true });
  });
  return out;
}

function isSquashed(text: string): boolean {
  if (/^\s/.test(text)) return false;
  const hits = [...text.matchAll(SQ_TITLE), ...text.matchAll(SQ_ROW)].map((m) => m.index);
  if (hits.length === 0) return false;
  if (hits.length > 1 || Math.min(...hits) > 0) return true;
  // One title at the start followed by -v keywords: a squashed `lspci -v`.
  return TITLE.test(text) && [...text.matchAll(SQ_KEYWORD)].length > 0;
}

function sizeOf(text: string): bigint {
  const m = /\[size=(\d+)([KMGT]?)\]/.exec(text);
  if (!m) return 0n;
  const shift = { '': 0n, K: 10n, M: 20n, G: 30n, T: 40n }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return BigInt(m[1]!) << shift;
}

interface Pending {
  no: number;
  domain: number;
  bdf: number;
  headerLine: string;
  rows: number[];
  regions: Array<{ explicit?: number; res: PciResource }>;
  irq?: number;
  driver?: string;
}

/** Reads one -v line into the pending function (unknown lines are ignored). */
function verboseLine(p: Pending, text: string): void {
  const t = text.trim();
  let m = /(?:IRQ|routed to IRQ) (\d+)/.exec(t);
  if (m && /^(Flags|Interrupt):/.test(t)) p.irq = Number(m[1]);
  m = /^Kernel driver in use: (\S+)/.exec(t);
  if (m) p.driver = m[1];
  m = /^(?:Region (\d+): )?(?:\[virtual\] )?Memory at ([0-9a-f]+|<\w+>) \((32-bit|64-bit|low-1M|type 3), (non-)?prefetchable\)/.exec(t);
  if (m) {
    p.regions.push({
      explicit: m[1] !== undefined ? Number(m[1]) : undefined,
      res: {
        bar: -1,
        start: m[2]!.startsWith('<') ? 0n : BigInt(`0x${m[2]}`),
        size: sizeOf(t),
        kind: m[3] === '64-bit' ? 'mem64' : 'mem32',
        prefetch: m[4] === undefined,
        ...(/\[disabled\]/.test(t) ? { disabled: true } : {}),
      },
    });
    return;
  }
  m = /^(?:Region (\d+): )?(?:\[virtual\] )?I\/O ports at ([0-9a-f]+|<\w+>)/.exec(t);
  if (m) {
    p.regions.push({
      explicit: m[1] !== undefined ? Number(m[1]) : undefined,
      res: { bar: -1, start: m[2]!.startsWith('<') ? 0n : BigInt(`0x${m[2]}`), size: sizeOf(t), kind: 'io', prefetch: false, ...(/\[disabled\]/.test(t) ? { disabled: true } : {}) },
    });
    return;
  }
  m = /^(?:\[virtual\] )?Expansion ROM at ([0-9a-f]+|<\w+>)/.exec(t);
  if (m) {
    p.regions.push({
      explicit: 6,
      res: { bar: 6, start: m[1]!.startsWith('<') ? 0n : BigInt(`0x${m[1]}`), size: sizeOf(t), kind: 'mem32', prefetch: false, ...(/\[disabled\]/.test(t) ? { disabled: true } : {}) },
    });
  }
}

/**
 * `lspci -v` omits "Region N:", so BAR numbers are recovered from the registers: each region
 * goes to the next BAR whose register holds its address, else the next implemented one.
 */
function assignBars(p: Pending, config: Uint8Array): PciResource[] {
  const reg = (i: number): number => {
    const o = 0x10 + 4 * i;
    return o + 4 <= config.length ? ((config[o]! | (config[o + 1]! << 8) | (config[o + 2]! << 16) | (config[o + 3]! << 24)) >>> 0) : 0;
  };
  const bars = (config[0x0e] ?? 0) & 0x7f ? 2 : 6;
  let next = 0;
  const out: PciResource[] = [];
  for (const { explicit, res } of p.regions) {
    let bar = explicit;
    if (bar === undefined) {
      const step = (i: number): number => (((reg(i) & 7) === 4) ? 2 : 1);
      const candidates: number[] = [];
      for (let i = next; i < bars; i += step(i)) candidates.push(i);
      const addr = (i: number): bigint => {
        const lo = reg(i);
        if (lo & 1) return BigInt((lo & ~3) >>> 0);
        const hi = (lo & 7) === 4 && i + 1 < bars ? BigInt(reg(i + 1)) << 32n : 0n;
        return hi | BigInt((lo & ~0xf) >>> 0);
      };
      bar = candidates.find((i) => reg(i) !== 0 && addr(i) === res.start)
        ?? candidates.find((i) => reg(i) !== 0 && reg(i) !== 0xffffffff)
        ?? candidates[0]
        ?? next;
    }
    if (bar < 6) next = bar + (res.kind === 'mem64' ? 2 : 1);
    out.push({ ...res, bar });
  }
  return out;
}

function finish(p: Pending): ImportedFunction {
  const config = Uint8Array.from(p.rows);
  const f: ImportedFunction = { domain: p.domain, bdf: p.bdf, config, resources: assignBars(p, config), headerLine: p.headerLine };
  if (p.irq !== undefined) f.irq = p.irq;
  if (p.driver !== undefined) f.driver = p.driver;
  return f;
}

/** Parses lspci dump text (one or many functions); throws PciToolError naming the bad line. */
export function parseLspciDump(text: string): ImportedFunction[] {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (isSquashed(raw)) lines.push(...cutSquashed(raw, i + 1));
    else lines.push({ no: i + 1, text: raw, squashed: false });
  });
  const out: ImportedFunction[] = [];
  let cur: Pending | undefined;
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '' || /^lspci: /.test(t.trim())) continue;
    if (/^\s/.test(t)) {
      if (!cur) throw new PciToolError(`line ${line.no}: -v line before any function title: "${t.trim().slice(0, 60)}"`);
      verboseLine(cur, t);
      continue;
    }
    const row = ROW.exec(t);
    if (row) {
      if (!cur) throw new PciToolError(`line ${line.no}: hex row before any function title: "${t.slice(0, 60)}"`);
      const off = parseInt(row[1]!, 16);
      if (off !== cur.rows.length) {
        throw new PciToolError(`line ${line.no}: hex row at ${row[1]} but ${cur.rows.length.toString(16)} was expected next: "${t.slice(0, 60)}"`);
      }
      cur.rows.push(...row[2]!.trim().split(' ').map((h) => parseInt(h, 16)));
      continue;
    }
    const title = TITLE.exec(t);
    if (title) {
      if (cur) out.push(finish(cur));
      const [, dom, bus, dev, fn] = title;
      cur = {
        no: line.no,
        domain: dom ? parseInt(dom, 16) : 0,
        bdf: (parseInt(bus!, 16) << 8) | (parseInt(dev!, 16) << 3) | Number(fn),
        headerLine: t.trim(),
        rows: [],
        regions: [],
      };
      continue;
    }
    if (!line.squashed && PROMPT.test(t)) continue;
    throw new PciToolError(`line ${line.no}: not lspci output: "${t.trim().slice(0, 60)}"`);
  }
  if (cur) out.push(finish(cur));
  if (out.length === 0) throw new PciToolError('no PCI function found in the dump');
  return out;
}
