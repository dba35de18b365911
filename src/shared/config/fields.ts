/**
 * Unsigned integer fields of the JSON config form: a JSON number, or a hex ("0x7fc00000") or
 * decimal string, checked against the field's width. u64 values are limited to 2^53-1 so every
 * value stays exact as a JS number.
 */
import { z } from 'zod';

/** The largest u64 value accepted (2^53-1: exact as a JS number). */
export const U64_MAX_EXACT = Number.MAX_SAFE_INTEGER;

export const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Parses a JSON number or a string ("0x7fc00000" or "1234") as an unsigned integer <= max.
 * Returns the number or an error message.
 */
export function parseUnsigned(v: unknown, max: number, what: string): number | { error: string } {
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) return { error: `invalid ${what} ${v} (expected a non-negative integer)` };
    n = v;
  } else if (typeof v === 'string') {
    const s = v.trim();
    let big: bigint;
    if (/^0x[0-9a-f]+$/i.test(s)) big = BigInt(s);
    else if (/^[0-9]+$/.test(s)) big = BigInt(s);
    else
      return {
        error: `invalid number ${JSON.stringify(v)} (expected a JSON number, a 0x-prefixed hex string or a decimal string)`,
      };
    if (big > BigInt(U64_MAX_EXACT)) return { error: `value ${v} out of range for ${what} (max ${hex(max)})` };
    n = Number(big);
  } else {
    return { error: `expected a number or a numeric string, got ${describe(v)}` };
  }
  if (n > max) return { error: `value ${typeof v === 'string' ? v : hex(n)} out of range for ${what} (max ${hex(max)})` };
  return n;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** What a number field accepts before parsing: a JSON number or a numeric string. */
export const numberInput = z.union([z.number(), z.string()]);

function uint(max: number, what: string) {
  return numberInput.transform((v, ctx): number => {
    const r = parseUnsigned(v, max, what);
    if (typeof r === 'number') return r;
    ctx.addIssue({ code: 'custom', message: r.error, input: v });
    return z.NEVER;
  });
}

/** u8 field. */
export const u8 = uint(0xff, 'u8');
/** u16 field. */
export const u16 = uint(0xffff, 'u16');
/** u32 field. */
export const u32 = uint(0xffffffff, 'u32');
/** u64 field, limited to 2^53-1 so it stays exact as a JS number. */
export const u64 = uint(U64_MAX_EXACT, 'u64 (limited to 2^53-1)');
