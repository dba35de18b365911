/**
 * `jhsim profile` and `--profile` as a user runs them: the recorder sees every exit the
 * hypervisor counts, the report adds up, the trace is a valid Chrome trace whose slices nest,
 * and the HTML report renders its charts in a real headless Chromium (skipped, loudly, without
 * one; .ci/run installs Debian's chromium).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jhsim } from './cli-process.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('profile.e2e: no chromium found: the HTML report is NOT checked in a browser (apt-get install chromium)');

const Row = z.object({ reason: z.string(), samples: z.number().int().positive(), samples_pct: z.number(), time_pct: z.number(), min_us: z.number().nonnegative(), max_us: z.number(), avg_us: z.number() });
const Report = z.object({
  exits: z.number().int(),
  ring_dropped: z.number().int(),
  sections: z.array(z.object({ scope: z.enum(['all', 'cpu', 'cell']), cpu: z.number().optional(), cell: z.string().optional(), samples: z.number().int(), rows: z.array(Row) })),
  mmio: z.array(z.object({ address: z.string(), handler: z.string(), samples: z.number() })),
  irqs: z.array(z.object({ intid: z.number(), samples: z.number() })),
  calls: z.array(z.object({ call: z.string(), samples: z.number() })),
  files: z.object({ trace: z.string(), html: z.string(), text: z.string() }),
});

/** The Chrome trace event format's fields for the phases jhsim writes (X complete, C counter, M metadata). */
const TraceEvent = z.discriminatedUnion('ph', [
  z.object({ ph: z.literal('X'), name: z.string().min(1), pid: z.number().int(), tid: z.number().int(), ts: z.number().nonnegative(), dur: z.number().nonnegative(), cat: z.string().optional(), args: z.record(z.string(), z.union([z.string(), z.number()])).optional() }),
  z.object({ ph: z.literal('i'), s: z.enum(['t', 'p', 'g']), name: z.string().min(1), pid: z.number().int(), tid: z.number().int(), ts: z.number().nonnegative(), cat: z.string().optional(), args: z.record(z.string(), z.union([z.string(), z.number()])).optional() }),
  z.object({ ph: z.literal('C'), name: z.string().min(1), pid: z.number().int(), ts: z.number().nonnegative(), args: z.record(z.string(), z.number()) }),
  z.object({ ph: z.literal('M'), name: z.enum(['process_name', 'thread_name', 'thread_sort_index']), pid: z.number().int(), tid: z.number().int().optional(), args: z.record(z.string(), z.union([z.string(), z.number()])) }),
]);
const Trace = z.object({ traceEvents: z.array(TraceEvent), displayTimeUnit: z.enum(['ns', 'ms']) });

describe('jhsim profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jhsim-profile-'));
  const out = join(dir, 'p.json');
  let report: z.infer<typeof Report>;

  it('records the bundled scenario: timer IRQs, SGIs, ivshmem doorbells, the management hypercalls', async () => {
    const r = await jhsim(['profile', '--duration', '1.5', '-o', out, '--json'], { timeoutMs: 90_000 });
    expect(r.stderr).toContain(`profile: trace ${out}`);
    expect(r.code).toBe(0);
    report = Report.parse(JSON.parse(r.stdout));
    expect(report.ring_dropped).toBe(0);
    const all = report.sections.find((s) => s.scope === 'all')!;
    // The rows add up to the total, and the shares to 100 %.
    expect(all.rows.reduce((s, x) => s + x.samples, 0)).toBe(report.exits);
    expect(all.rows.reduce((s, x) => s + x.samples_pct, 0)).toBeCloseTo(100, 0);
    const reasons = new Set(all.rows.map((x) => x.reason));
    for (const r of ['virt_irq', 'virt_sgi', 'mmio', 'hypercall', 'management', 'psci', 'other']) expect(reasons).toContain(r);
    const cells = report.sections.filter((s) => s.scope === 'cell').map((s) => s.cell);
    for (const c of ['gic-demo', 'sgi-pingpong', 'ivshmem-a', 'ivshmem-b']) expect(cells).toContain(c);
    // gic-demo's timer (PPI 27), the doorbell writes to ivshmem's register BAR, the cell management calls.
    expect(report.irqs.map((i) => i.intid)).toContain(27);
    expect(report.mmio.some((m) => m.handler === 'ivshmem_register_mmio')).toBe(true);
    for (const c of ['CELL_CREATE', 'CELL_START', 'CELL_DESTROY', 'DISABLE', 'CPU_ON_64']) expect(report.calls.map((x) => x.call)).toContain(c);
    for (const f of Object.values(report.files)) expect(existsSync(f)).toBe(true);
    expect(readFileSync(report.files.text, 'utf8')).toMatch(/Analyze events for all CPUs, all cells:\n\n +VM-EXIT +Samples +Samples% +Time% +Min Time +Max Time +Avg time/);
  });

  it('writes a Chrome trace whose slices nest on every CPU track', () => {
    const t = Trace.parse(JSON.parse(readFileSync(out, 'utf8')));
    const x = t.traceEvents.filter((e) => e.ph === 'X');
    const names = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
    expect(names).toEqual(['CPU 0', 'CPU 1', 'CPU 2', 'CPU 3']);
    // Every recorded exit is a slice, or an instant of untimed ones that stands for args.exits
    // of them (the trace kept all: trace_dropped 0 at this size).
    const exits = t.traceEvents.filter((e) => (e.ph === 'X' || e.ph === 'i') && e.cat === 'vmexit');
    expect(exits.reduce((n, e) => n + (e.ph === 'i' ? Number(e.args?.exits) : 1), 0)).toBe(report.exits);
    expect(x.some((e) => e.name === 'guest: gic-demo')).toBe(true);
    expect(x.some((e) => e.name === 'hypervisor entry')).toBe(true);
    // Cell management inside its hypercall: the phases nest in the CELL_CREATE / CELL_DESTROY slices.
    for (const phase of ['cell_suspend', 'unit cell_init', 'park the new cell', 'move memory', 'cell_destroy_internal']) {
      expect(x.some((e) => e.cat === 'management' && e.name.startsWith(phase)), phase).toBe(true);
    }
    expect(x.some((e) => e.name === 'parked' || e.name === 'suspended')).toBe(true);
    // Perfetto and chrome://tracing need slices of a thread to nest: none may end inside another.
    for (const tid of [0, 1, 2, 3]) {
      const open: { end: number }[] = [];
      for (const e of x.filter((s) => s.tid === tid).sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
        while (open.length && open[open.length - 1]!.end <= e.ts + 1e-3) open.pop();
        const parent = open[open.length - 1];
        if (parent) expect(e.ts + e.dur).toBeLessThanOrEqual(parent.end + 1e-3);
        open.push({ end: e.ts + e.dur });
      }
    }
    expect(t.traceEvents.some((e) => e.ph === 'C' && e.name === 'CPU 1 exits/s' && (e.args.virt_irq ?? 0) > 0)).toBe(true);
  });

  it.skipIf(!CHROMIUM)('the HTML report renders its charts and tables in headless Chromium, offline', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${report.files.html}`);
      await page.waitForFunction(() => document.body.dataset.rendered !== '0', undefined, { timeout: 20_000 });
      const charts = await page.$$eval('.chart', (els) => els.map((e) => ({ title: (e as HTMLElement).dataset.title, legend: [...e.querySelectorAll('.u-legend .u-label')].map((l) => l.textContent) })));
      expect(charts[0]!.title).toBe('exits/s, all CPUs, by reason');
      expect(charts.length).toBe(Number(await page.evaluate(() => document.body.dataset.rendered)));
      expect(charts.map((c) => c.title)).toContain('exits/s, CPU 1, by reason');
      expect(charts[0]!.legend).toEqual(expect.arrayContaining(['virt_irq', 'virt_sgi', 'mmio']));
      // The plot really has ink: some pixels of the first chart's canvas are not background.
      const ink = await page.$eval('.chart canvas', (c) => {
        const cv = c as HTMLCanvasElement;
        const px = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      expect(ink).toBeGreaterThan(500);
      const firstTable = await page.$$eval('table.report', (ts) => [...ts[0]!.querySelectorAll('tbody tr')].map((r) => r.firstElementChild!.textContent));
      expect(firstTable).toEqual(report.sections[0]!.rows.map((r) => r.reason));
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('sees every exit the hypervisor counts: a cell CPU\'s records equal its vmexits_total', async () => {
    const file = join(dir, 'run.json');
    const r = await jhsim(['run', '--profile', file, '-c', 'jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo; sleep 0.6; jailhouse cell shutdown gic-demo; cpus --json'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const cpus = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { cpu: number; vmexits: Record<string, number> | null }[];
    const counted = cpus[1]!.vmexits!;
    const text = readFileSync(join(dir, 'run.txt'), 'utf8');
    const section = text.split('Analyze events for ').find((s) => s.startsWith('cell gic-demo:'))!;
    const samples = (reason: string): number => Number(new RegExp(`^ *${reason} +(\\d+)`, 'm').exec(section)?.[1] ?? 0);
    expect(samples('virt_irq')).toBe(counted.vmexits_virt_irq);
    expect(samples('mmio')).toBe(counted.vmexits_mmio);
    expect(Number(/Total Samples:(\d+)/.exec(section)![1])).toBe(counted.vmexits_total);
  });

  it('cell stats --json: a timestamp, rates over the interval, other = total − categories; --unperturbed reads shared memory', async () => {
    const setup = 'jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo; sleep 0.3';
    const r = await jhsim(['run', '-c', `${setup}; jailhouse cell stats gic-demo --json --interval 500; jailhouse cell stats 0 --json --interval 300; jailhouse cell stats 0 --json --interval 300 --unperturbed; jailhouse cell stats gic-demo --once --interval 200`], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    type S = { timestamp: string; source: string; interval_ms: number; counters: Record<string, number>; rates: Record<string, number>; other: number };
    const [demo, rootSysfs, rootShm] = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as S);
    expect(Date.parse(demo!.timestamp)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(demo!.interval_ms).toBeGreaterThanOrEqual(500);
    // gic-demo's timer ticks at 10 Hz: one virt_irq exit each.
    expect(demo!.rates.vmexits_virt_irq).toBeGreaterThan(3);
    expect(demo!.rates.vmexits_virt_irq).toBeLessThan(30);
    const sum = Object.entries(demo!.counters).reduce((s, [k, v]) => (k === 'vmexits_total' ? s : s + v), 0);
    expect(demo!.other).toBe(demo!.counters.vmexits_total! - sum);
    // Through sysfs the root cell measures its own reads (hypercalls); from shared memory it does not.
    expect(rootSysfs!.source).toMatch(/^sysfs/);
    expect(rootSysfs!.rates.vmexits_hypercall).toBeGreaterThan(0);
    expect(rootShm!.source).toBe('shared memory (unperturbed)');
    expect(rootShm!.rates.vmexits_hypercall).toBe(0);
    expect(r.stdout).toMatch(/Statistics for gic-demo cell\n\nCOUNTER \(All CPUs\) +SUM +PER SEC\n/);
    expect(r.stdout).toMatch(/\(other\) +\d+\n\nread from sysfs .* at \d{4}-\d\d-\d\dT.*; rates over \d+ ms\nother = vmexits_total minus the categories/);
  });

  it('top (cpus --watch) shows instructions/s and exits/s by reason per CPU, from shared memory', async () => {
    const setup = 'jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo; sleep 0.3';
    const r = await jhsim(['run', '-c', `${setup}; top --interval 600 --count 2; cpus --watch --interval 300; top --interval 10`], { timeoutMs: 60_000 });
    expect(r.stderr).toContain('top: bad value (--interval 10');
    const screens = r.stdout.split('jhsim top: ').slice(1);
    expect(screens.length).toBe(3);
    for (const screen of screens) {
      const head = screen.split('\n').find((l) => l.includes('INSN/s'))!;
      const titles = head.split('│').map((x) => x.trim()).filter(Boolean);
      expect(titles).toEqual(['CPU', 'STATE', 'CELL', 'GUEST PC', 'INSN/s', 'EXITS/s', 'MMIO', 'MGMT', 'HCALL', 'MAINT', 'VIRQ', 'VSGI', 'PSCI', 'SMCCC', 'OTHER']);
      const cpu1 = screen.split('\n').find((l) => /^│ 1 /.test(l))!.split('│').map((x) => x.trim()).filter(Boolean);
      expect(cpu1.slice(0, 3)).toEqual(['1', 'guest', 'gic-demo']);
      expect(cpu1[3]).toMatch(/^0x[0-9a-f]+ EL1$/);
      // gic-demo's 10 Hz timer: a virt_irq exit per tick.
      const virq = Number(cpu1[titles.indexOf('VIRQ')]);
      expect(virq).toBeGreaterThan(2);
      expect(virq).toBeLessThan(40);
    }
  });

  it('a session command that fails stops the session, is named, and makes the exit status non-zero; the files still cover what ran', async () => {
    const file = join(dir, 'failed.json');
    const r = await jhsim(['profile', '-o', file, '-c', 'jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/no-such.json; jailhouse disable'], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/profile: the session stopped where a command failed \(status [1-9]\d*, in "jailhouse enable [^"]*no-such\.json; jailhouse disable"\)/);
    // The enable ran and was recorded (its hypervisor entries); the disable after the failure did not.
    expect(existsSync(file)).toBe(true);
    const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: { name: string; args?: { cause?: string } }[] }).traceEvents;
    expect(events.map((e) => e.name)).toContain('hypervisor entry');
    expect(events.filter((e) => e.args?.cause === 'DISABLE')).toEqual([]);
  });

  it('stress --profile records one run (its enables and disables); a campaign is refused', async () => {
    const file = join(dir, 'stress.json');
    const r = await jhsim(['stress', '--iterations', '40', '--callers', '2', '--seed', '7', '--profile', file, '--json'], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`profile: trace ${file}`);
    expect(JSON.parse(r.stdout).profile).toBeUndefined();
    const text = readFileSync(join(dir, 'stress.txt'), 'utf8');
    expect(text).toMatch(/^ *hypercall +\d+/m);
    expect(readFileSync(file, 'utf8')).toContain('"name":"hypervisor entry"');
    const c = await jhsim(['stress', '--runs', '2', '--profile', file]);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('records one run');
  });

  it('--log-level debug logs the management events as JSON records; trace adds every exit', async () => {
    const cmds = 'jailhouse enable configs/qemu-arm64.json; jailhouse cell create configs/cells/gic-demo.json; jailhouse cell load gic-demo configs/inmates/gic-demo.bin; jailhouse cell start gic-demo; sleep 0.4; jailhouse cell destroy gic-demo; jailhouse disable';
    const parse = (err: string): { level: number; event?: string; [k: string]: unknown }[] => err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; event?: string });
    const debug = parse((await jhsim(['--log-level', 'debug', 'run', '-c', cmds], { timeoutMs: 60_000 })).stderr);
    const ioctls = debug.filter((e) => e.event === 'ioctl').map((e) => `${e.cmd as string}=${e.ret as number}`);
    expect(ioctls).toEqual(['JAILHOUSE_ENABLE=0', 'JAILHOUSE_CELL_CREATE=0', 'JAILHOUSE_CELL_LOAD=0', 'JAILHOUSE_CELL_START=0', 'JAILHOUSE_CELL_DESTROY=0', 'JAILHOUSE_DISABLE=0']);
    expect(debug.filter((e) => e.event === 'hypervisor_entry').map((e) => e.cpu).sort()).toEqual([0, 1, 2, 3]);
    expect(debug.some((e) => e.event === 'vmexit' && e.cause === 'CELL_CREATE' && e.reason === 'hypercall')).toBe(true);
    expect(debug.some((e) => e.event === 'cpu_state' && e.cpu === 1 && e.state === 'parked')).toBe(true);
    expect(debug.some((e) => e.event === 'mgmt_phase' && String(e.phase).startsWith('cell_suspend'))).toBe(true);
    expect(debug.some((e) => e.event === 'vmexit' && e.reason === 'virt_irq')).toBe(false);
    const trace = parse((await jhsim(['--log-level', 'trace', 'run', '-c', cmds], { timeoutMs: 60_000 })).stderr);
    expect(trace.some((e) => e.event === 'vmexit' && e.reason === 'virt_irq' && e.cell === 'gic-demo' && e.cause === 'INTID 27')).toBe(true);
  });

  it('refuses bad options before it boots anything', async () => {
    const r = await jhsim(['profile', '-o', '/nonexistent/dir/p.json']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--profile \/nonexistent\/dir\/p\.json.*ENOENT/);
    const r2 = await jhsim(['profile', '--cpu', '9', '-o', join(dir, 'x.json')]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toContain('--cpu 9');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
    // A profile file that cannot be written (its name is a directory): the error, and the machine still ends.
    mkdirSync(join(dir, 'isdir.json'));
    const r4 = await jhsim(['run', '--profile', join(dir, 'isdir'), '-c', 'cpus'], { timeoutMs: 30_000 });
    expect(r4.code).not.toBeNull();
    expect(r4.code).not.toBe(0);
    expect(r4.stderr).toMatch(/isdir\.json.*EISDIR/);
    const r3 = await jhsim(['profile', '-c', 'jailhouse enable configs/qemu-arm64.json; jailhouse disable', '--cell', 'nosuch', '-o', join(dir, 'y.json')]);
    expect(r3.code).toBe(0);
    expect(r3.stderr).toMatch(/profile: --cell nosuch: no such cell in this session \(cells: .*qemu-arm64/);
  });
});
