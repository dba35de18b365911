/**
 * Byte-equal comparison with real pciutils output stored in test/fixtures/lspci (see
 * lspci-regen.test.ts for how they were made). No pciutils needed at test time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatLspci } from '../src/actors/pcie/lspci/index.js';
import { SCENARIOS } from './fixtures/lspci/runs.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'lspci');

describe('lspci output equals real pciutils 3.9 output', () => {
  for (const sc of SCENARIOS) {
    for (const r of sc.runs) {
      it(`${sc.name}: lspci ${r.args.join(' ')} (${r.file})`, () => {
        const expected = readFileSync(join(FIXTURES, r.file), 'utf8');
        const actual = formatLspci(sc.funcs(), r.options);
        // Debug aid: LSPCI_ACTUAL=dir writes our output next to nothing else, for diffing.
        if (process.env.LSPCI_ACTUAL) writeFileSync(join(process.env.LSPCI_ACTUAL, r.file), actual);
        expect(actual).toBe(expected);
      });
    }
  }
});
