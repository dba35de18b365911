/**
 * The -s slot and -d id filters shared by lspci and setpci. A missing or "*" part matches
 * anything; every number is hexadecimal, as in pciutils.
 */
import { PciToolError } from './errors.js';

export interface SlotFilter {
  domain?: number;
  bus?: number;
  dev?: number;
  fn?: number;
}

export interface IdFilter {
  vendor?: number;
  device?: number;
  cls?: number;
  progIf?: number;
}

function part(text: string, max: number, what: string, whole: string, flag: string): number | undefined {
  if (text === '' || text === '*') return undefined;
  if (!/^[0-9a-fA-F]+$/.test(text)) throw new PciToolError(`${flag} "${whole}": invalid ${what} "${text}"`);
  const v = parseInt(text, 16);
  if (v > max) throw new PciToolError(`${flag} "${whole}": ${what} "${text}" out of range (max ${max.toString(16)})`);
  return v;
}

/** Parses `[[[domain]:]bus]:][dev][.[fn]]`. */
export function parseSlotFilter(text: string): SlotFilter {
  const dot = text.indexOf('.');
  const fnText = dot >= 0 ? text.slice(dot + 1) : '';
  const head = dot >= 0 ? text.slice(0, dot) : text;
  const pieces = head.split(':');
  if (pieces.length > 3) throw new PciToolError(`-s "${text}": too many ':' separated parts`);
  const [domText, busText, devText] =
    pieces.length === 3 ? pieces : pieces.length === 2 ? ['', pieces[0]!, pieces[1]!] : ['', '', pieces[0]!];
  return {
    domain: part(domText!, 0x7fffffff, 'domain', text, '-s'),
    bus: part(busText!, 0xff, 'bus', text, '-s'),
    dev: part(devText!, 0x1f, 'device (slot)', text, '-s'),
    fn: part(fnText, 7, 'function', text, '-s'),
  };
}

/** Parses `[vendor]:[device][:class[:prog-if]]`. */
export function parseIdFilter(text: string): IdFilter {
  const pieces = text.split(':');
  if (pieces.length < 2 || pieces.length > 4) {
    throw new PciToolError(`-d "${text}": expected [vendor]:[device][:class[:prog-if]]`);
  }
  return {
    vendor: part(pieces[0]!, 0xffff, 'vendor', text, '-d'),
    device: part(pieces[1]!, 0xffff, 'device', text, '-d'),
    cls: part(pieces[2] ?? '', 0xffff, 'class', text, '-d'),
    progIf: part(pieces[3] ?? '', 0xff, 'prog-if', text, '-d'),
  };
}

export function matchSlot(f: SlotFilter, domain: number, bdf: number): boolean {
  return (
    (f.domain === undefined || f.domain === domain) &&
    (f.bus === undefined || f.bus === ((bdf >> 8) & 0xff)) &&
    (f.dev === undefined || f.dev === ((bdf >> 3) & 0x1f)) &&
    (f.fn === undefined || f.fn === (bdf & 7))
  );
}

/** Matches against the config header; a too-short config cannot match an id it does not show. */
export function matchIds(f: IdFilter, config: Uint8Array): boolean {
  const rd = (o: number): number => (config[o] ?? 0) | ((config[o + 1] ?? 0) << 8);
  return (
    (f.vendor === undefined || f.vendor === rd(0)) &&
    (f.device === undefined || f.device === rd(2)) &&
    (f.cls === undefined || f.cls === rd(0x0a)) &&
    (f.progIf === undefined || f.progIf === (config[0x09] ?? -1))
  );
}
