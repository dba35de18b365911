/**
 * `jhsim tlp decode|encode` run as a user would (the built CLI in a child process; `npm test`
 * builds it first): the reference vectors come out byte-exact, bad input fails with EINVAL and
 * a message naming the field.
 */
import { describe, expect, it } from 'vitest';
import { jhsim } from './cli-process.js';

describe('jhsim tlp', () => {
  it('encode prints the reference notation and the bytes (V04)', async () => {
    const r = await jhsim(['tlp', 'encode', 'kind=MWr', 'addr=0xf0000000', 'data=0x12345678']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('HDR 40000001 0000000f f0000000 ; DATA 78563412\n40 00 00 01 00 00 00 0f f0 00 00 00 78 56 34 12\n');
  });

  it('encode computes the ECRC (V27a) and describes the TLP', async () => {
    const r = await jhsim(['tlp', 'encode', 'kind=CfgWr1', 'target=01:00.0', 'reg=4', 'data=6', 'tag=4', 'td', '--describe']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('HDR 45008001 0000040f 01000004 ; DATA 06000000 ; ECRC 0637d36d');
    expect(r.stdout).toContain('target     01:00.0  register 0x004');
    expect(r.stdout).toContain('ECRC       0637d36d ok');
  });

  it('decode takes DWs, spaced or colon-separated bytes and the reference labels', async () => {
    const r = await jhsim(['tlp', 'decode', '--check-ecrc', 'HDR', '45008001', '00:00:04:0f', '01 00 00 04', ';', 'DATA', '06000000', ';', 'ECRC', '0637d36d']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HDR 45008001 0000040f 01000004 ; DATA 06000000 ; ECRC 0637d36d\nCfgWr1 \(byte 0 0x45/);
    expect(r.stdout).toContain('requester  00:00.0  tag 4 (0x04)');
    const j = await jhsim(['tlp', 'decode', '--json', '4a000001 01000004 00000200 0000f8ff']);
    expect(JSON.parse(j.stdout)).toMatchObject({ wire: 'HDR 4a000001 01000004 00000200 ; DATA 0000f8ff', tlp: { kind: 'CplD', fields: { completerId: '01:00.0', byteCount: 4, statusName: 'SC' }, data: '0000f8ff' } });
  });

  it('bad input: EINVAL, exit 1, the field and value named on stderr', async () => {
    const [tag, key, ecrc, short, odd] = await Promise.all([
      jhsim(['tlp', 'encode', 'kind=MRd', 'addr=0x1000', 'tag=1024']),
      jhsim(['tlp', 'encode', 'kind=MRd', 'colour=red']),
      jhsim(['tlp', 'decode', '--check-ecrc', '45008001 0000040f 01000004 06000000 0637d36e']),
      jhsim(['tlp', 'decode', '40000001', '0000000f']),
      jhsim(['tlp', 'decode', '4000001']),
    ]);
    expect(tag.code).toBe(1);
    expect(tag.stdout).toBe('');
    expect(tag.stderr).toBe('jhsim: tlp encode: tag 1024 (0x400): expected an integer from 0 to 1023 (0x3ff) (EINVAL 22)\n');
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/tlp encode: unknown key "colour"/);
    expect(ecrc.code).toBe(1);
    expect(ecrc.stderr).toBe('jhsim: tlp decode: ECRC mismatch: digest 0x0637d36e, computed 0x0637d36d (EINVAL 22)\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/tlp decode: truncated header: 8 of 12 bytes of a MWr header/);
    expect(odd.code).toBe(1);
    expect(odd.stderr).toMatch(/tlp decode: hex "4000001": odd number of hex digits/);
  });
});
