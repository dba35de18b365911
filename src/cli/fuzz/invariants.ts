/**
 * The text-level invariants every target shares: no JavaScript exception text reaches the user,
 * a failed ioctl names its errno, a refusal is never silent, and nothing prints the tell-tale
 * words of a value that went astray (undefined, NaN, [object Object]) unless the input had them.
 */
import { FuzzFailure } from './types.js';

/** Exception class names and V8 stack frames: what a user must never see. */
const JS_ERROR = /\b(?:RangeError|TypeError|ReferenceError|EvalError|URIError|AggregateError)\b|^\s+at (?:async )?[\w.<>$[\] ]+ \(|^\s+at (?:file|node):/m;

/** Words that show a value went astray inside the formatting code. */
const ASTRAY = ['undefined', 'NaN', '[object Object]', 'Infinity'];

export function jsErrorIn(text: string): string | undefined {
  const m = JS_ERROR.exec(text);
  if (!m) return undefined;
  const lineStart = text.lastIndexOf('\n', m.index) + 1;
  const lineEnd = text.indexOf('\n', m.index);
  return text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
}

/** Fails when `text` (what `what` printed) holds exception text or astray words not in `input`. */
export function checkText(what: string, text: string, input = ''): void {
  const js = jsErrorIn(text);
  if (js !== undefined) throw new FuzzFailure('js-exception', `${what} printed JavaScript exception text: ${JSON.stringify(js)}\n${indent(clip(text))}`);
  for (const w of ASTRAY) {
    if (text.includes(w) && !input.includes(w)) throw new FuzzFailure('js-exception', `${what} printed "${w}" (a value gone astray):\n${indent(clip(text))}`);
  }
}

/** A JavaScript exception that escaped from jhsim's code into the caller. */
export function escaped(what: string, e: unknown): FuzzFailure {
  if (e instanceof FuzzFailure) return e;
  const err = e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(e);
  return new FuzzFailure('js-exception', `${what} threw instead of answering with an error:\n${indent(err)}`);
}

const IOCTL_LINE = /^(JAILHOUSE_[A-Z_]+): (.*)$/;
const ERRNO_LINE = /^ {2}(E[A-Z0-9]+) \((\d+)\): \S/;

/**
 * A failed ioctl prints `JAILHOUSE_X: strerror` and then `  ENAME (n): reason`; returns the
 * errno names seen (empty when no ioctl failed).
 */
export function checkErrnoLines(what: string, stderr: string): string[] {
  const lines = stderr.split('\n');
  const names: string[] = [];
  lines.forEach((l, i) => {
    if (!IOCTL_LINE.test(l)) return;
    const m = ERRNO_LINE.exec(lines[i + 1] ?? '');
    if (!m) throw new FuzzFailure('errno', `${what}: "${l}" is not followed by an "  ENAME (n): reason" line:\n${indent(clip(stderr))}`);
    names.push(m[1]!);
  });
  return names;
}

/** A command that failed said why: on stderr, or with its usage text on stdout. */
export function checkNotSilent(what: string, code: number, out: string, err: string): void {
  if (code !== 0 && err.trim() === '' && !/usage/i.test(out)) {
    throw new FuzzFailure('silent', `${what} failed with exit status ${code} and said nothing${out ? ` (stdout: ${JSON.stringify(clip(out, 200))})` : ''}`);
  }
}

/**
 * A refusal says which errno (`EINVAL (22): ...` after a failed ioctl, `(E2BIG 7)` from the
 * tool), or is the tool's usage text, or a config file's own error (`FILE: ...`, for JSON).
 */
export function checkRefusalNamed(what: string, out: string, err: string, file?: string): void {
  if (/\bE[A-Z0-9]+ \(\d+\)|\(E[A-Z0-9]+ \d+\)/.test(err) || /usage/i.test(out)) return;
  if (file !== undefined && err.startsWith(`${file}: `)) return;
  throw new FuzzFailure('errno', `${what} was refused without naming an errno:\n${indent(clip(`${out}${err}`))}`);
}

export function clip(s: string, n = 1200): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length - n} more characters)` : s;
}

export function indent(s: string, by = '    '): string {
  return s.replace(/\n$/, '').split('\n').map((l) => by + l).join('\n');
}

/** A readable rendering of a value for case descriptions (bigints as hex). */
export function show(v: unknown): string {
  const one = (x: unknown): unknown =>
    typeof x === 'bigint' ? `0x${x.toString(16)}` : x instanceof Uint8Array ? `<${x.length} bytes>` : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x;
  return v === undefined ? 'undefined' : JSON.stringify(v, (_k, x: unknown) => one(x));
}
