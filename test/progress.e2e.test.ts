/**
 * Progress bars appear on a terminal and never in pipes: `guest run --max-instructions` and
 * `jhsim profile` under a pseudo-terminal (util-linux `script`) draw their bars on stderr; the
 * same run piped prints none.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, jhsim } from './cli-process.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('progress.e2e: util-linux `script` not found: the terminal case is NOT checked');

const ARGS = ['guest', 'run', 'test/guest-programs/realbench.elf', '--max-instructions', '30000000', '--json'];

describe('progress bars', () => {
  it.skipIf(!hasScript)('guest run --max-instructions draws a bar with an ETA on a terminal', () => {
    const cmd = [process.execPath, CLI, ...ARGS].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/guest run \[[█░]+\] +\d+% \| \d+\/30000000 instructions \| .* left/);
    expect(r.stdout).toContain('"status":"budget"');
  }, 120_000);

  it.skipIf(!hasScript)('jhsim profile shows which command of the session runs, then the held output and the report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jhsim-progress-')), 'p.json');
    const cmd = [process.execPath, CLI, 'profile', '--duration', '0.4', '-o', out].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/profile \[[█░]+\] +\d+% \| \d+\/11 commands \| jailhouse cell/);
    // The session's output comes after the bar, then the tables.
    expect(r.stdout.lastIndexOf('commands |')).toBeLessThan(r.stdout.indexOf('Statistics for ivshmem-a cell'));
    expect(r.stdout).toContain('Analyze events for all CPUs, all cells:');
  }, 120_000);

  it('prints no bar when stderr is a pipe', async () => {
    const r = await jhsim(ARGS, { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('guest run [');
    expect(r.stderr).toBe('');
  }, 120_000);
});
