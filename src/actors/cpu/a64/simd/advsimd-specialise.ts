/**
 * Per-shape executor code for the Advanced SIMD integer groups.
 *
 * WHY: V8 keeps type feedback per function literal, not per closure. An executor factory that
 * returns one closure literal for every operation and element size sees Uint8Array, Uint16Array
 * and Uint32Array views and dozens of lane functions at the same sites, goes polymorphic or
 * megamorphic, and cannot inline the lane function: measured 3-5 times slower than a loop
 * written out for one operation. So each executor's loop is compiled from source once per
 * shape key (operation, element size, lane count, signedness, ...): every key gets its own
 * literal, whose sites see one view type and one lane function (the lane-function closures
 * passed in for a key come from one literal, which V8 can still inline).
 *
 * The sources are built only from this module's callers' templates and numeric constants,
 * never from guest data.
 */

type Compiled = (...args: never[]) => unknown;

const cache = new Map<string, Compiled>();

/**
 * The function with parameters `params` and body `body`, compiled once per `key` (the key must
 * determine the body).
 */
export function specialise<F extends Compiled>(key: string, params: readonly string[], body: string): F {
  let fn = cache.get(key);
  if (!fn) {
    fn = new Function(...params, `'use strict';\n${body}`) as Compiled;
    cache.set(key, fn);
  }
  return fn as F;
}

/**
 * Source reading a lane expression of esize bits as signed (sign-extended) or unsigned.
 */
export function readLane(expr: string, esize: number, signed: boolean): string {
  if (!signed) return expr;
  return esize === 32 ? `(${expr} | 0)` : `((${expr} << ${32 - esize}) >> ${32 - esize})`;
}

/**
 * Source zeroing V[d] (d a variable of the generated code) above its first `bytes` bytes:
 * two word stores for a 64-bit vector result, a fill for a scalar.
 */
export function zeroSource(bytes: number): string {
  if (bytes >= 16) return '';
  if (bytes === 8) return 'const z = s.v32; z[d * 4 + 2] = 0; z[d * 4 + 3] = 0;';
  return `s.v8.fill(0, d * 16 + ${bytes}, d * 16 + 16);`;
}
