/**
 * The one exception the TLP codec throws. Encode, decode, the completion helpers and the CLI
 * parsers report every bad input with it, so a caller (the fabric, the CLI) can tell a
 * malformed packet from a bug by its class alone.
 */
export class TlpError extends Error {
  constructor(
    message: string,
    /** The Tlp field (or wire field) at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TlpError';
  }
}

/** Throws unless `v` is an integer in min..max; the message names the field and the value. */
export function checkInt(field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    const show = (n: number): string => (n > 9 ? `${n} (0x${n.toString(16)})` : `${n}`);
    const got = Number.isInteger(v) && v >= 0 ? show(v) : String(v);
    throw new TlpError(`${field} ${got}: expected an integer from ${min} to ${show(max)}`, field);
  }
}
