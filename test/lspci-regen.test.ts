/**
 * Regenerates test/fixtures/lspci/*.txt with the REAL pciutils lspci and setpci (on demand only:
 * `LSPCI_REGEN=1 npx vitest run test/lspci-regen.test.ts`; needs `apt-get install pciutils`).
 * The scenario functions are written as a dump file or as a fake sysfs tree, names come from a
 * pci.ids file generated from our own table, so the fixtures hold pciutils' formatting of
 * exactly the data our formatter gets. The normal test run never needs pciutils.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { BASE_CLASSES, PROG_IFS, SUB_CLASSES } from '../src/cli/tools/pciutils/class-names.js';
import { DEVICES, SUBSYSTEMS, VENDORS } from '../src/cli/tools/pciutils/id-names.js';
import type { LspciFunction } from '../src/cli/tools/pciutils/index.js';
import { SCENARIOS, SETPCI_FIXTURES } from './fixtures/lspci/runs.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'lspci');
const h = (v: number | bigint, w: number): string => v.toString(16).padStart(w, '0');

function idsFile(): string {
  const lines: string[] = [];
  for (const [v, name] of [...VENDORS].sort((a, b) => a[0] - b[0])) {
    lines.push(`${h(v, 4)}  ${name}`);
    for (const [key, dname] of [...DEVICES].filter(([k]) => Math.floor(k / 0x10000) === v).sort((a, b) => a[0] - b[0])) {
      lines.push(`\t${h(key & 0xffff, 4)}  ${dname}`);
      for (const [skey, sname] of SUBSYSTEMS) {
        const [sv, sd, ssv, ssd] = skey.split(':');
        if (parseInt(sv!, 16) === v && parseInt(sd!, 16) === (key & 0xffff)) lines.push(`\t\t${ssv} ${ssd}  ${sname}`);
      }
    }
  }
  for (const [b, name] of BASE_CLASSES) {
    lines.push(`C ${h(b, 2)}  ${name}`);
    for (const [s, sname] of [...SUB_CLASSES].filter(([k]) => k >> 8 === b)) {
      lines.push(`\t${h(s & 0xff, 2)}  ${sname}`);
      for (const [p, pname] of [...PROG_IFS].filter(([k]) => k >> 8 === s)) lines.push(`\t\t${h(p & 0xff, 2)}  ${pname}`);
    }
  }
  return lines.join('\n') + '\n';
}

function slot(f: LspciFunction, domain: boolean): string {
  const s = `${h(f.bdf >> 8, 2)}:${h((f.bdf >> 3) & 0x1f, 2)}.${f.bdf & 7}`;
  return domain ? `${h(f.domain, 4)}:${s}` : s;
}

function dumpText(funcs: LspciFunction[]): string {
  let out = '';
  for (const f of funcs) {
    out += `${slot(f, f.domain !== 0)} fixture\n`;
    for (let i = 0; i < f.config.length; i += 16) {
      out += `${h(i, 2)}: ${Array.from(f.config.subarray(i, i + 16), (b) => h(b, 2)).join(' ')}\n`;
    }
    out += '\n';
  }
  return out;
}

/** Linux resource flags (IORESOURCE_*) plus the BAR's own low flag bits, as sysfs shows them. */
function resourceFlags(kind: string, prefetch: boolean, rom: boolean): bigint {
  if (kind === 'io') return 0x101n;
  let f = 0x200n;
  if (kind === 'mem64') f |= 0x100000n | 0x4n;
  if (prefetch) f |= 0x2000n | 0x8n;
  if (rom) f |= 0x4000n;
  return f;
}

function sysfsTree(root: string, funcs: LspciFunction[]): void {
  for (const f of funcs) {
    const dir = join(root, 'devices', slot(f, true));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config'), f.config);
    const rd = (o: number): number => f.config[o]! | (f.config[o + 1]! << 8);
    writeFileSync(join(dir, 'vendor'), `0x${h(rd(0), 4)}\n`);
    writeFileSync(join(dir, 'device'), `0x${h(rd(2), 4)}\n`);
    writeFileSync(join(dir, 'class'), `0x${h((rd(0x0a) << 8) | f.config[9]!, 6)}\n`);
    writeFileSync(join(dir, 'irq'), `${f.irq ?? 0}\n`);
    const lines: string[] = [];
    for (let i = 0; i < 13; i++) {
      const r = f.resources.find((x) => x.bar === i);
      lines.push(
        r
          ? `0x${h(r.start, 16)} 0x${h(r.start + r.size - 1n, 16)} 0x${h(resourceFlags(r.kind, r.prefetch, i === 6), 16)}`
          : `0x${h(0, 16)} 0x${h(0, 16)} 0x${h(0, 16)}`,
      );
    }
    writeFileSync(join(dir, 'resource'), lines.join('\n') + '\n');
    if (f.driver) {
      // lspci only reports a driver link that resolves, as it does on a real sysfs.
      mkdirSync(join(root, 'bus', 'pci', 'drivers', f.driver), { recursive: true });
      symlinkSync(`../../bus/pci/drivers/${f.driver}`, join(dir, 'driver'));
    }
  }
}

describe.runIf(process.env.LSPCI_REGEN === '1')('regenerate lspci fixtures with real pciutils', () => {
  it('writes every fixture', () => {
    const work = mkdtempSync(join(tmpdir(), 'lspci-regen-'));
    const ids = join(FIXTURES, 'jhsim.ids');
    writeFileSync(ids, idsFile());
    try {
      for (const sc of SCENARIOS) {
        const funcs = sc.funcs();
        let backend: string[];
        if (sc.backend === 'dump') {
          const file = join(work, `${sc.name}.dump`);
          writeFileSync(file, dumpText(funcs));
          backend = ['-F', file];
        } else {
          const root = join(work, sc.name);
          sysfsTree(root, funcs);
          backend = ['-A', 'linux-sysfs', '-O', `sysfs.path=${root}`];
        }
        for (const r of sc.runs) {
          const out = execFileSync('lspci', [...backend, '-O', 'hwdb.disable=1', '-i', ids, ...r.args], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          writeFileSync(join(FIXTURES, r.file), out);
        }
      }
      for (const sp of SETPCI_FIXTURES) {
        const file = join(work, `${sp.file}.dump`);
        writeFileSync(file, dumpText([sp.func()]));
        const out = execFileSync('setpci', ['-A', 'dump', '-O', `dump.name=${file}`, '-s', sp.slot, ...sp.tokens], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        writeFileSync(join(FIXTURES, sp.file), out);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
