/**
 * ivshmem v2 between two cells on real CPU workers, driven through the root shell: the
 * ivshmem-demo inmate in cells ivshmem-a (peer 0, CPU 2, SPI 150) and ivshmem-b (peer 1, CPU 3,
 * SPI 151) finds 00:02.0 through the trapped ECAM window, programs its BARs and MSI-X vector,
 * and the two exchange 10 pings and 10 pongs through their output sections, each message
 * announced by a doorbell that arrives as the receiver's SPI. Also: a function the cell does not
 * own reads all ones, writing it panic-parks the CPU, and root is whole again after both cells
 * are destroyed; a vector naming a foreign SPI is refused; devices without MSI-X ring on INTx.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellStat, enabledPerTest, sleep, startCell as startCellWith, untilLine, type Booted } from './root-shell.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const JH = '/sys/devices/jailhouse';
const ROUNDS = 10;
/** The shared memory both cells map (state table, output sections of peer 0 and peer 1). */
const STATE_TABLE = 0x7f4f0000;
const OUT0 = 0x7f4f1000;
const OUT1 = 0x7f4f2000;

const enabled = enabledPerTest();

const until = (b: Booted, cell: string, re: RegExp, ms = 30_000): Promise<string[]> => untilLine(b, cell, re, ms);
const stat = cellStat;

const startCell = (b: Booted, name: string, load = '', config = `configs/cells/${name}.json`): Promise<void> =>
  startCellWith(b, config, name, 'configs/inmates/ivshmem-demo.bin', load);

/** A shipped cell config with `edit` applied, written to a temporary file; its path. */
function variant<T>(name: string, edit: (cfg: T) => void): string {
  const cfg = JSON.parse(readFileSync(`configs/cells/${name}.json`, 'utf8')) as T;
  edit(cfg);
  const file = join(mkdtempSync(join(tmpdir(), 'jhsim-ivshmem-')), `${name}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

/** Polls `jailhouse cell list` until ivshmem-a on CPU 2 shows as failed (or 20 s pass). */
async function untilAFailed(b: Booted): Promise<void> {
  const t0 = Date.now();
  while (!/ivshmem-a\s+failed\s+2\s+2/.test((await b.run('jailhouse cell list')).out) && Date.now() - t0 < 20_000) await sleep(20);
}

const got = (l: string[]): string[] => l.filter((x) => x.startsWith('ivshmem-demo: [got] ')).map((x) => x.slice('ivshmem-demo: [got] '.length));
const numbered = (word: string): string[] => Array.from({ length: ROUNDS }, (_, i) => `${word} ${i + 1}`);

describe('ivshmem-demo: two cells exchange messages through ivshmem 00:02.0', () => {
  it('10 pings and 10 pongs, each a doorbell SPI on the receiver; the device is trapped MMIO; root is whole afterwards', async () => {
    const b = await enabled();
    const used0 = Number((await b.run(`cat ${JH}/mem_pool_used`)).out);
    // Peer 1 first: peer 0 starts pinging once the state table says peer 1 is up.
    await startCell(b, 'ivshmem-b');
    const lb0 = await until(b, 'ivshmem-b', /MSI-X vector 0 is SPI/);
    expect(lb0).toContain('ivshmem-demo: MSI-X vector 0 is SPI 151');
    await startCell(b, 'ivshmem-a');
    const la = await until(b, 'ivshmem-a', /id 0 done/);
    const lb = await until(b, 'ivshmem-b', /id 1 done/);

    for (const [l, id, spi] of [[la, 0, 150], [lb, 1, 151]] as const) {
      const head = [
        'ivshmem-demo: 00:00.0 reads ffffffff',
        'ivshmem-demo: found 110a:4106 at 00:02.0',
        `ivshmem-demo: id ${id} of 2 peers, shared memory at 0x7f4f0000: state table 0x1000, R/W section 0x0, output sections 0x1000`,
        `ivshmem-demo: MSI-X vector 0 is SPI ${spi}`,
        ...(id === 0 ? ['ivshmem-demo: peer 1 is up'] : []),
      ];
      expect(l.slice(0, head.length)).toEqual(head);
      expect(l).toContain(`ivshmem-demo: id ${id} done, ${ROUNDS} messages received`);
    }
    // Every message arrived once and in order, and the last line is the summary.
    expect(got(lb)).toEqual(numbered('ping'));
    expect(got(la)).toEqual(numbered('pong'));
    expect(lb.at(-1)).toBe(`ivshmem-demo: id 1 done, ${ROUNDS} messages received`);
    expect(la.at(-1)).toBe(`ivshmem-demo: id 0 done, ${ROUNDS} messages received`);

    // What the hypervisor left in shared memory: both states 1, the last message of each peer.
    const mem = b.m.mem;
    expect([mem.read32(STATE_TABLE), mem.read32(STATE_TABLE + 4)]).toEqual([1, 1]);
    const text = (a: number): string => Buffer.from(mem.copyOut(a + 4, 16)).toString('latin1').split('\0')[0]!;
    expect([mem.read32(OUT0), text(OUT0)]).toEqual([ROUNDS, `ping ${ROUNDS}`]);
    expect([mem.read32(OUT1), text(OUT1)]).toEqual([ROUNDS, `pong ${ROUNDS}`]);

    // ivshmem-b is cell 1 on CPU 3, ivshmem-a cell 2 on CPU 2. The device is trapped MMIO: the
    // 00:00.0 read, the bus scan (IDs of 00:00.0 to 00:02.0 and its class: 18 reads), BAR0 and
    // BAR1, the command register, ID and MAX_PEERS, 8 vendor-capability reads (its next pointer
    // says MSI-X), 4 MSI-X entry writes and the MSI-X control: 37; then gic_init's redistributor walk (3 reads per frame up
    // to the CPU's own: 9 on CPU 2, 12 on CPU 3), GICD_ISENABLER for the SPI, INT_CONTROL, STATE,
    // and one doorbell per message sent. No hypercalls (the PL011 page is mapped).
    expect(await stat(b, 2, 2, 'mmio')).toBe(37 + 9 + 3 + ROUNDS);
    expect(await stat(b, 1, 3, 'mmio')).toBe(37 + 12 + 3 + ROUNDS);
    // Each doorbell is a virt_irq exit on the receiving CPU. Peer 0's state change also raises
    // vector 0 on peer 1, unless it merges with ping 1 while the SPI is still pending.
    for (const [cell, cpu] of [[1, 3], [2, 2]] as const) {
      expect(await stat(b, cell, cpu, 'virt_irq')).toBeGreaterThanOrEqual(ROUNDS);
      expect(await stat(b, cell, cpu, 'virt_irq')).toBeLessThanOrEqual(ROUNDS + 1);
      expect(await stat(b, cell, cpu, 'hypercall')).toBe(0);
    }
    expect((await b.run('jailhouse cell list')).out).toMatch(/^1 +ivshmem-b +running +3 +\n2 +ivshmem-a +running +2 +\n/m);

    // Both answer the shutdown request; destroying them leaves root whole.
    expect((await b.run('jailhouse cell destroy ivshmem-a')).code).toBe(0);
    // Peer 0 leaving set its state to 0, which peer 1 may see as an interrupt: nothing new to print.
    expect(mem.read32(STATE_TABLE)).toBe(0);
    await sleep(100);
    expect(b.lines('ivshmem-b').at(-1)).toBe(`ivshmem-demo: id 1 done, ${ROUNDS} messages received`);
    expect((await b.run('jailhouse cell destroy ivshmem-b')).code).toBe(0);
    expect((await b.run('jailhouse cell list')).out).toBe(
      'ID      Name                    State             Assigned CPUs           Failed CPUs             \n' +
        '0       qemu-arm64              running           0-3                                             \n',
    );
    expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
    // The cells' RAM split root's 2 MiB blocks at 0x7f400000 and 0x7f600000 into page tables,
    // which stay (as in Jailhouse); the ivshmem link and endpoints went back to the pool.
    expect(Number((await b.run(`cat ${JH}/mem_pool_used`)).out)).toBe(used0 + 2);
    const hvlog = (await b.run(`cat ${JH}/console`)).out;
    expect(hvlog).not.toMatch(/FATAL|Parking CPU|Unsupported/);
    expect(hvlog).toMatch(/Created cell "ivshmem-b"[\s\S]*Created cell "ivshmem-a"[\s\S]*Closing cell "ivshmem-a"[\s\S]*Closing cell "ivshmem-b"/);
    expect((await b.run('jailhouse disable')).code).toBe(0);
  });

  it('a function the cell does not own reads all ones; writing its config space panic-parks the CPU', async () => {
    const b = await enabled();
    await startCell(b, 'ivshmem-a', ' -s foreign-write -a 0x1000');
    await untilAFailed(b);
    expect((await b.run('jailhouse cell list')).out).toMatch(/^1 +ivshmem-a +failed +2 +2 *\n/m);
    const l = b.lines('ivshmem-a');
    expect(l.slice(0, 2)).toEqual([
      'ivshmem-demo: 00:00.0 reads ffffffff',
      'ivshmem-demo: writing the command register of 00:00.0, which this cell does not own',
    ]);
    expect(l.join('\n')).not.toMatch(/let through/);
    expect((await b.run(`cat ${JH}/console`)).out).toMatch(/Invalid PCI MMCONFIG write, device 00:00\.0, reg: 0x4, size: 2[\s\S]*Parking CPU 2 \(Cell: "ivshmem-a"\)/);
    expect(await stat(b, 1, 2, 'mmio')).toBe(2);
    expect((await b.run('jailhouse cell destroy ivshmem-a')).code).toBe(0);
    expect((await b.run('cat /sys/devices/system/cpu/online')).out).toBe('0-3\n');
    expect((await b.run('jailhouse disable')).code).toBe(0);
  });

  it('an MSI-X vector naming an SPI the cell does not own: enabling MSI-X is refused (-EPERM routing) and the CPU fails', async () => {
    const b = await enabled();
    // ivshmem-a as shipped, but owning SPI 152 instead of 150, which its vector 0 names.
    const file = variant<{ irqchips: { pin_bitmap: string[] }[] }>('ivshmem-a', (c) => (c.irqchips[0]!.pin_bitmap = ['0x0', '0x0', '0x0', '0x1000000']));
    await startCell(b, 'ivshmem-a', '', file);
    await untilAFailed(b);
    expect((await b.run('jailhouse cell list')).out).toMatch(/^1 +ivshmem-a +failed +2 +2 *\n/m);
    // The MSI-X Enable write (Message Control at 0x62) is the one refused; the vector was accepted while MSI-X was off.
    expect((await b.run(`cat ${JH}/console`)).out).toMatch(/Invalid PCI MMCONFIG write, device 00:02\.0, reg: 0x62, size: 2[\s\S]*Parking CPU 2 \(Cell: "ivshmem-a"\)/);
    expect(b.lines('ivshmem-a').join('\n')).not.toMatch(/MSI-X vector 0 is SPI/);
    expect((await b.run('jailhouse cell destroy ivshmem-a')).code).toBe(0);
  });

  it('devices without MSI-X (bar_mask INTX) ring on INTx: SPI 32 + vpci_irq_base + pin - 1', async () => {
    const b = await enabled();
    // Both cells as shipped, but their ivshmem function has no MSI-X BAR and no vectors. 00:02.0
    // has pin C (device 2 & 3, + 1): SPI 32 + 116 + 2 = 150 for ivshmem-a, 151 for ivshmem-b
    // (vpci_irq_base 117), the SPIs they own.
    const intx = (name: string): string =>
      variant<{ pci_devices: Record<string, unknown>[] }>(name, (c) => Object.assign(c.pci_devices[0]!, { bar_mask: 'INTX', num_msix_vectors: 0 }));
    await startCell(b, 'ivshmem-b', '', intx('ivshmem-b'));
    await until(b, 'ivshmem-b', /INTx is SPI/);
    await startCell(b, 'ivshmem-a', '', intx('ivshmem-a'));
    const la = await until(b, 'ivshmem-a', /id 0 done/);
    const lb = await until(b, 'ivshmem-b', /id 1 done/);
    expect(la).toContain('ivshmem-demo: INTx is SPI 150');
    expect(lb).toContain('ivshmem-demo: INTx is SPI 151');
    expect(got(lb)).toEqual(numbered('ping'));
    expect(got(la)).toEqual(numbered('pong'));
    // 37 device accesses less the 4 MSI-X entry writes and the MSI-X control: 32.
    expect(await stat(b, 2, 2, 'mmio')).toBe(32 + 9 + 3 + ROUNDS);
    expect(await stat(b, 1, 3, 'mmio')).toBe(32 + 12 + 3 + ROUNDS);
    for (const [cell, cpu] of [[1, 3], [2, 2]] as const) expect(await stat(b, cell, cpu, 'virt_irq')).toBeGreaterThanOrEqual(ROUNDS);
    expect((await b.run('jailhouse cell destroy ivshmem-a; jailhouse cell destroy ivshmem-b')).code).toBe(0);
  });

  it('peer 0 started first waits for peer 1 (its state-table slot), then pings', async () => {
    const b = await enabled();
    await startCell(b, 'ivshmem-a');
    await until(b, 'ivshmem-a', /MSI-X vector 0 is SPI 150/);
    await sleep(300);
    expect(b.lines('ivshmem-a').at(-1)).toBe('ivshmem-demo: MSI-X vector 0 is SPI 150');
    expect(b.m.mem.read32(STATE_TABLE + 4)).toBe(0);
    await startCell(b, 'ivshmem-b');
    const la = await until(b, 'ivshmem-a', /id 0 done/);
    const lb = await until(b, 'ivshmem-b', /id 1 done/);
    expect(la.slice(4)).toEqual(['ivshmem-demo: peer 1 is up', ...numbered('pong').map((x) => `ivshmem-demo: [got] ${x}`), `ivshmem-demo: id 0 done, ${ROUNDS} messages received`]);
    expect(got(lb)).toEqual(numbered('ping'));
    // ivshmem-a is cell 1 now: peer 1's state change woke it (maybe merged with pong 1).
    expect(await stat(b, 1, 2, 'virt_irq')).toBeGreaterThanOrEqual(ROUNDS);
    expect((await b.run('jailhouse cell destroy ivshmem-b; jailhouse cell destroy ivshmem-a')).code).toBe(0);
    expect((await b.run('jailhouse cell list')).out).toMatch(/^0 +qemu-arm64 +running +0-3 +\n$/m);
  });
});
