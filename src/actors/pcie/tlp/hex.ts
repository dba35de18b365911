/** Hex text <-> bytes for the CLI and for printing, in the reference's notation. */
import { TlpError } from './error.js';

/**
 * Bytes from hex text: tokens separated by spaces, colons, commas or semicolons, each an even
 * number of hex digits with an optional `0x` (so `45008001`, `45 00 80 01` and `45:00:80:01` are
 * the same four bytes). The reference's labels `PFX`, `HDR`, `DATA` and `ECRC` are skipped, so its
 * vector lines paste as they are.
 */
export function parseHexBytes(text: string, field = 'hex'): Uint8Array {
  const out: number[] = [];
  for (const raw of text.split(/[\s:,;]+/)) {
    if (raw === '' || /^(PFX|HDR|DATA|ECRC)$/i.test(raw)) continue;
    const tok = raw.replace(/^0x/i, '');
    if (!/^[0-9a-f]+$/i.test(tok)) throw new TlpError(`${field} ${JSON.stringify(raw)}: not hex`, field);
    if (tok.length % 2) throw new TlpError(`${field} ${JSON.stringify(raw)}: odd number of hex digits (write whole bytes, e.g. 0${tok})`, field);
    for (let i = 0; i < tok.length; i += 2) out.push(parseInt(tok.slice(i, i + 2), 16));
  }
  return Uint8Array.from(out);
}

/** `40 00 00 01 ...` */
export function bytesToHex(b: Uint8Array, sep = ' '): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
}

/** Big-endian DW words `40000001 0000000f`; a tail shorter than a DW is printed as its bytes. */
export function bytesToDws(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < b.length; i += 4) words.push(bytesToHex(b.subarray(i, i + 4), ''));
  return words.join(' ');
}
