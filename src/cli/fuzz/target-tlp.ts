/**
 * Target `tlp`: the words a user gives `jhsim tlp decode` (hex in every spelling, valid TLPs
 * with bits flipped or cut short) and `jhsim tlp encode` (KEY=VALUE fields with odd values),
 * through the very functions the commands call. Each answers with output or an EINVAL naming
 * the field, never another exception; and the codec keeps its documented promises: what decode
 * returns, encode accepts, and what encode produces, decode reads back.
 */
import fc from 'fast-check';
import { MESSAGES, TLP_KINDS, TlpError, decodeTlp, encodeTlp, type Tlp } from '../../actors/pcie/tlp/index.js';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { BufferIo } from '../io.js';
import { tlpDecodeCli, tlpEncodeCli, tlpFromPairs } from '../commands/tlp.js';
import { checkText, escaped } from './invariants.js';
import { shellQuote } from './quote.js';
import { Counters, FuzzFailure, type FuzzEnv, type FuzzTarget, type TargetRun } from './types.js';

type TlpCase =
  | { mode: 'decode'; words: string[]; checkEcrc: boolean; json: boolean }
  | { mode: 'encode'; pairs: string[]; describe: boolean; json: boolean }
  /** Fields encoded, then the wire bytes damaged and decoded. */
  | { mode: 'damage'; pairs: string[]; flips: { at: number; xor: number }[]; cut: number };

const KEYS = ['kind', 'addr', 'data', 'payload', 'len', 'req', 'tag', 'fbe', 'lbe', 'target', 'completer', 'reg', 'status', 'bc', 'la', 'bcm', 'code', 'routing', 'dest', 'vendor', 'dw2', 'dw3', 'tc', 'attr', 'at', 'ph', 'th', 'ln', 'td', 'ep', 'digest', 'prefix', 'address', 'length', 'bytecount', 'KIND', 'bogus', ''];

const number = fc.oneof(
  fc.constantFrom('0', '1', '-1', '0x0', '0xff', '0xffffffff', '0x100000000', '0xffffffffffffffff', '18446744073709551616', '9007199254740993', '1e3', '0b101', '0b', '0x', '', ' ', '1.5', 'NaN', '1023', '1024', '4096', '4097'),
  fc.nat({ max: 0xffff_ffff }).map(String),
  fc.nat({ max: 0xffff_ffff }).map((n) => `0x${n.toString(16)}`),
  fc.bigInt({ min: 0n, max: (1n << 70n) - 1n }).map((n) => `0x${n.toString(16)}`),
);
const bdf = fc.oneof(fc.constantFrom('00:00.0', '01:00.0', 'ff:1f.7', '100:00.0', 'ff:20.0', '00:00.8', '1:2', 'zz', '0:0.0', '65535', '65536'), fc.tuple(fc.nat({ max: 300 }), fc.nat({ max: 40 }), fc.nat({ max: 9 })).map(([b, d, f]) => `${b.toString(16)}:${d.toString(16)}.${f}`));
const named = fc.constantFrom(...TLP_KINDS, ...MESSAGES.map((m) => m.name), 'SC', 'UR', 'CRS', 'CA', 'RRS', 'to-rc', 'by-id', 'broadcast', 'local', 'gather', 'RO|NS', 'IDO', 'mwr', 'pasid:5', 'tph:1', 'local:3:0x10', 'e2e:15:0xffffff', 'e2e:16:1', '0x91000001', 'pasid:', 'x:y:z:w');
const valueArb = fc.oneof({ weight: 4, arbitrary: number }, { weight: 2, arbitrary: named }, { weight: 2, arbitrary: bdf }, { weight: 1, arbitrary: fc.array(number, { maxLength: 4 }).map((a) => a.join(',')) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('hex')) });
const pair = fc.oneof({ weight: 6, arbitrary: fc.tuple(fc.constantFrom(...KEYS), valueArb).map(([k, v]) => `${k}=${v}`) }, { weight: 1, arbitrary: fc.constantFrom('th', 'ln', 'td', 'ep', 'bcm', 'kind', 'addr', '=', '==') });
const chaotic = fc.tuple(fc.option(fc.constantFrom(...TLP_KINDS).map((k) => `kind=${k}`), { freq: 5, nil: undefined }), fc.array(pair, { maxLength: 7 })).map(([k, rest]) => (k ? [k, ...rest] : rest));

/** Field sets a careful user would write for each kind, so that encoding mostly succeeds. */
const small = (max: number): fc.Arbitrary<string> => fc.nat({ max }).map(String);
const dataWords = fc.array(fc.nat({ max: 0xffff_ffff }).map((n) => `0x${n.toString(16)}`), { minLength: 1, maxLength: 4 }).map((w) => `data=${w.join(',')}`);
const wellFormed = fc.oneof(
  fc.tuple(fc.constantFrom('MRd', 'MRdLk', 'MWr'), fc.oneof(fc.nat({ max: 0xffff_fffc }), fc.constant(2 ** 40)).map((a) => `addr=0x${(a - (a % 4)).toString(16)}`), dataWords, small(255).map((t) => `tag=${t}`), bdf.map((b) => `req=${b}`))
    .map(([k, a, d, t, r]) => (k === 'MWr' ? [`kind=${k}`, a, d, t, r] : [`kind=${k}`, a, `len=${1 + (d.length % 4)}`, t, r])),
  fc.tuple(fc.constantFrom('CfgRd0', 'CfgWr0', 'CfgRd1', 'CfgWr1'), bdf, fc.nat({ max: 1023 }).map((r) => `reg=${r * 4}`), dataWords).map(([k, b, r, d]) => [`kind=${k}`, `target=${b}`, r, ...(k.startsWith('CfgWr') ? [d.split(',')[0]!] : [])]),
  fc.tuple(fc.constantFrom(...MESSAGES.map((m) => m.name)), bdf, fc.constantFrom('Msg', 'MsgD'), dataWords).map(([c, b, k, d]) => [`kind=${k}`, `code=${c}`, `req=${b}`, ...(k === 'MsgD' ? [d] : [])]),
  fc.tuple(fc.constantFrom('Cpl', 'CplD', 'CplLk', 'CplDLk'), bdf, fc.constantFrom('SC', 'UR', 'CRS', 'CA'), small(4096).map((n) => `bc=${n || 1}`), small(127).map((n) => `la=${n}`), dataWords).map(([k, b, st, bc, la, d]) => [`kind=${k}`, `completer=${b}`, `status=${st}`, bc, la, ...(k.includes('D') ? [d] : [])]),
  fc.tuple(fc.constantFrom('FetchAdd', 'Swap', 'CAS'), fc.nat({ max: 0xffff_fff0 }), fc.constantFrom(1, 2, 4)).map(([k, a, n]) => [`kind=${k}`, `addr=0x${(a - (a % 16)).toString(16)}`, `data=${Array.from({ length: k === 'CAS' ? n * 2 : n }, (_, i) => i + 1).join(',')}`]),
);
const flagsAndNoise = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom('td', 'ep', 'ln', 'th', 'tc=3', 'attr=RO|NS', 'at=1', 'ph=2', 'prefix=pasid:5', 'prefix=tph:1', 'digest=0x12345678') }, { weight: 1, arbitrary: pair }), { maxLength: 2 });
const pairs = fc.oneof({ weight: 3, arbitrary: fc.tuple(wellFormed, flagsAndNoise).map(([w, n]) => [...w, ...n]) }, { weight: 2, arbitrary: chaotic });

/** Wire bytes of a field set (empty when the fields do not encode). */
function encoded(p: string[]): Uint8Array {
  try {
    return encodeTlp(tlpFromPairs(p));
  } catch {
    return new Uint8Array(0);
  }
}

/** Bytes spelled the ways users paste them. */
const hexWords = fc.tuple(fc.oneof(fc.uint8Array({ maxLength: 48 }), pairs.map(encoded)), fc.constantFrom('dws', 'bytes', 'colons', 'prefixed', 'labels', 'one'), fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.array(fc.constantFrom('HDR', 'DATA', 'ECRC', 'PFX', 'zz', '0x', '123', ':', 'g1', '-', ''), { minLength: 1, maxLength: 2 }) })).map(([b, style, junk]) => {
  const h = Buffer.from(b).toString('hex');
  const chunks = (n: number): string[] => h.match(new RegExp(`.{1,${n}}`, 'g')) ?? [];
  const words = style === 'dws' ? chunks(8) : style === 'bytes' ? chunks(2) : style === 'colons' ? [chunks(2).join(':')] : style === 'prefixed' ? chunks(8).map((w) => `0x${w}`) : style === 'labels' ? ['HDR', ...chunks(8).slice(0, 3), 'DATA', ...chunks(8).slice(3)] : [h];
  return [...words, ...junk].filter((w) => w !== '' || junk.length > 0);
});

class TlpRun implements TargetRun<TlpCase> {
  private readonly counters = new Counters();
  readonly arbitrary: fc.Arbitrary<TlpCase> = fc.oneof(
    fc.record({ mode: fc.constant('decode' as const), words: hexWords, checkEcrc: fc.boolean(), json: fc.boolean() }),
    fc.record({ mode: fc.constant('encode' as const), pairs, describe: fc.boolean(), json: fc.boolean() }),
    fc.record({ mode: fc.constant('damage' as const), pairs, flips: fc.array(fc.record({ at: fc.nat({ max: 63 }), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 3 }), cut: fc.nat({ max: 8 }) }),
  );

  constructor(private readonly env: FuzzEnv) {}

  async execute(c: TlpCase): Promise<'refused' | 'accepted'> {
    if (c.mode === 'damage') return this.damage(c.pairs, c.flips, c.cut);
    const io = new BufferIo();
    const input = c.mode === 'decode' ? c.words.join(' ') : c.pairs.join(' ');
    const cmd = c.mode === 'decode' ? 'tlp decode' : 'tlp encode';
    try {
      if (c.mode === 'decode') tlpDecodeCli(c.words, { checkEcrc: c.checkEcrc, json: c.json }, io);
      else tlpEncodeCli(c.pairs, { describe: c.describe, json: c.json }, io);
    } catch (e) {
      if (!(e instanceof ErrnoError)) throw escaped(`jhsim ${cmd}`, e);
      if (e.errno !== Errno.EINVAL || !e.message.startsWith(`${cmd}: `)) throw new FuzzFailure('errno', `jhsim ${cmd} refused with errno ${e.errno} or without naming the command: ${e.message}`);
      checkText(`jhsim ${cmd}`, e.message, input);
      this.counters.add(`${c.mode} refused`);
      return 'refused';
    }
    checkText(`jhsim ${cmd}`, io.stdout + io.stderr, input);
    if (c.json) {
      try {
        JSON.parse(io.stdout);
      } catch {
        throw new FuzzFailure('oracle', `jhsim ${cmd} --json printed something that is not JSON:\n${io.stdout.slice(0, 400)}`);
      }
    }
    this.counters.add(`${c.mode}d`);
    return 'accepted';
  }

  /** Round trips: encode's bytes decode; damaged bytes decode into a TLP encode accepts, or are refused. */
  private damage(p: string[], flips: { at: number; xor: number }[], cut: number): 'refused' | 'accepted' {
    let t: Tlp;
    let bytes: Uint8Array;
    try {
      t = tlpFromPairs(p);
      bytes = encodeTlp(t);
    } catch (e) {
      if (e instanceof TlpError) {
        this.counters.add('damage: fields refused');
        return 'refused';
      }
      throw escaped('tlp encode', e);
    }
    try {
      decodeTlp(bytes);
    } catch (e) {
      throw new FuzzFailure('oracle', `decodeTlp refuses what encodeTlp produced (${Buffer.from(bytes).toString('hex')}): ${e instanceof Error ? e.message : String(e)}`);
    }
    const damaged = bytes.slice(0, Math.max(0, bytes.length - cut));
    for (const f of flips) if (damaged.length) damaged[f.at % damaged.length]! ^= f.xor;
    let back: Tlp;
    try {
      back = decodeTlp(damaged, { checkEcrc: false });
    } catch (e) {
      if (e instanceof TlpError) {
        this.counters.add('damage: refused');
        return 'refused';
      }
      throw escaped(`tlp decode ${Buffer.from(damaged).toString('hex')}`, e);
    }
    try {
      encodeTlp(back);
    } catch (e) {
      throw new FuzzFailure('oracle', `decodeTlp accepted ${Buffer.from(damaged).toString('hex')} into a TLP that encodeTlp refuses: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.counters.add('damage: decoded');
    return 'accepted';
  }

  describe(c: TlpCase): string {
    if (c.mode === 'damage') return `tlp encode ${c.pairs.map(shellQuote).join(' ')}, then ${c.cut} bytes cut and bytes flipped ${JSON.stringify(c.flips)}`;
    return this.reproduce(c);
  }

  reproduce(c: TlpCase): string {
    if (c.mode === 'decode') return `${this.env.jhsim} tlp decode ${c.checkEcrc ? '--check-ecrc ' : ''}${c.json ? '--json ' : ''}-- ${c.words.map(shellQuote).join(' ')}`;
    const encode = `${this.env.jhsim} tlp encode ${c.mode === 'encode' && c.describe ? '--describe ' : ''}${c.mode === 'encode' && c.json ? '--json ' : ''}-- ${c.pairs.map(shellQuote).join(' ')}`;
    if (c.mode === 'encode') return encode;
    let bytes: Uint8Array;
    try {
      bytes = encodeTlp(tlpFromPairs(c.pairs));
    } catch {
      return encode;
    }
    const damaged = bytes.slice(0, Math.max(0, bytes.length - c.cut));
    for (const f of c.flips) if (damaged.length) damaged[f.at % damaged.length]! ^= f.xor;
    return `${encode}   # and the damaged bytes: ${this.env.jhsim} tlp decode ${Buffer.from(damaged).toString('hex') || "''"}`;
  }

  async reset(): Promise<void> {}
  async close(): Promise<void> {}

  notes(): Record<string, number> {
    return this.counters.toJSON();
  }
}

export const tlpTarget: FuzzTarget = {
  name: 'tlp',
  start: async (env) => new TlpRun(env) as TargetRun<unknown>,
};

