/**
 * lspci and setpci of the root-cell shell: they read and write /sys/bus/pci/devices/DDDD:BB:DD.F/config
 * through the kernel like pciutils' sysfs backend (so their config accesses are trapped ECAM
 * accesses while root runs under Jailhouse and are counted), and leave the formatting and the
 * register names to the pure front-end in src/cli/pciutils.
 */
import { formatLspci, formatSetpciRead, matchIds, matchSlot, parseSetpci, PciToolError, resolveSetpciOps, type LspciFunction, type LspciOptions, type PciResource } from './pciutils/index.js';
import { strerror } from '../../shared/errno.js';
import type { Io } from '../io.js';
import type { UserProcess } from '../shell/user.js';

const SYSFS = '/sys/bus/pci/devices';

export const LSPCI_USAGE = 'Usage: lspci [-v|-vv|-vvv] [-x|-xxx|-xxxx] [-t] [-n|-nn] [-D] [-k] [-s [[domain]:][bus]:[dev][.[fn]]] [-d [vendor]:[device][:class]]\n';

function parseLspciArgs(args: string[]): LspciOptions {
  const o: LspciOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '-d') {
      const v = args[++i];
      if (v === undefined) throw new PciToolError(`lspci: option requires an argument -- '${a.slice(1)}'`);
      if (a === '-s') o.slot = v;
      else o.device = v;
      continue;
    }
    const m = /^-([vxntDk]+)$/.exec(a);
    if (!m) throw new PciToolError(`lspci: invalid option -- '${a.replace(/^-+/, '')}'`);
    for (const ch of m[1]!) {
      if (ch === 'v') o.verbose = (o.verbose ?? 0) + 1;
      else if (ch === 'x') o.hex = (o.hex ?? 0) + 1;
      else if (ch === 'n') o.numeric = (o.numeric ?? 0) + 1;
      else if (ch === 't') o.tree = true;
      else if (ch === 'D') o.domains = true;
      else o.kernel = true;
    }
  }
  return o;
}

/** "DDDD:BB:DD.F" -> domain and bdf. */
function parseName(name: string): { domain: number; bdf: number } {
  const [d, b, df] = name.split(':');
  const [dev, fn] = (df ?? '0.0').split('.');
  return { domain: parseInt(d!, 16), bdf: (parseInt(b!, 16) << 8) | (parseInt(dev!, 16) << 3) | parseInt(fn!, 16) };
}

/** The kernel's resources file (start end flags per BAR and ROM) with the BAR type from config. */
function parseResources(text: string, cfg: Uint8Array): PciResource[] {
  const out: PciResource[] = [];
  const lines = text.trim().split('\n');
  lines.forEach((line, bar) => {
    const [s, e] = line.trim().split(/\s+/).map((x) => BigInt(x));
    if (s === undefined || e === undefined || (s === 0n && e === 0n)) return;
    const size = e - s + 1n;
    if (bar === 6) {
      out.push({ bar, start: s, size, kind: 'mem32', prefetch: false });
      return;
    }
    const low = (cfg[0x10 + 4 * bar] ?? 0) & 0xf;
    const io = (low & 1) === 1;
    out.push({ bar, start: s, size, kind: io ? 'io' : (low & 6) === 4 ? 'mem64' : 'mem32', prefetch: !io && (low & 8) !== 0 });
  });
  return out;
}

/**
 * The functions' config bytes (and, for lspci, the kernel's resources and IRQ). `only` limits the
 * reads to the functions a slot selects: every config read may be a trapped ECAM access.
 */
async function readFunctions(u: UserProcess, kernelView: boolean, only?: (domain: number, bdf: number) => boolean): Promise<LspciFunction[] | number> {
  const names = await u.listDir(SYSFS);
  if (typeof names === 'number') return names;
  const out: LspciFunction[] = [];
  for (const name of names) {
    const id = parseName(name);
    if (only && !only(id.domain, id.bdf)) continue;
    const config = await u.readFile(`${SYSFS}/${name}/config`);
    if (typeof config === 'number') return config;
    if (!kernelView) {
      out.push({ ...id, config, resources: [] });
      continue;
    }
    const res = await u.readText(`${SYSFS}/${name}/resource`);
    const irq = await u.readText(`${SYSFS}/${name}/irq`);
    out.push({ ...id, config, resources: typeof res === 'string' ? parseResources(res, config) : [], ...(typeof irq === 'string' ? { irq: Number(irq.trim()) } : {}) });
  }
  return out;
}

export async function lspci(u: UserProcess, io: Io, args: string[]): Promise<number> {
  try {
    const opts = parseLspciArgs(args);
    const funcs = await readFunctions(u, true);
    if (typeof funcs === 'number') {
      io.err(`lspci: Cannot open ${SYSFS}: ${strerror(-funcs)}\n`);
      return 1;
    }
    io.out(formatLspci(funcs, opts));
    return 0;
  } catch (e) {
    if (!(e instanceof PciToolError)) throw e;
    io.err(`${e.message}\n${e.message.includes('option') ? LSPCI_USAGE : ''}`);
    return 1;
  }
}

const le = (v: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (v >>> (8 * i)) & 0xff);

export async function setpci(u: UserProcess, io: Io, args: string[]): Promise<number> {
  try {
    const cmd = parseSetpci(args);
    // setpci needs only the config bytes of the functions some group's slot can select.
    const funcs = await readFunctions(u, false, (domain, bdf) => cmd.groups.some((g) => !g.slot || matchSlot(g.slot, domain, bdf)));
    if (typeof funcs === 'number') {
      io.err(`setpci: Cannot open ${SYSFS}: ${strerror(-funcs)}\n`);
      return 1;
    }
    for (const g of cmd.groups) {
      const sel = funcs.filter((f) => (!g.slot || matchSlot(g.slot, f.domain, f.bdf)) && (!g.device || matchIds(g.device, f.config)));
      if (sel.length === 0 && !cmd.force) {
        io.err('setpci: Warning: No devices selected for operation group.\n');
        return 1;
      }
      for (const f of sel) {
        const path = `${SYSFS}/${f.domain.toString(16).padStart(4, '0')}:${(f.bdf >> 8).toString(16).padStart(2, '0')}:${((f.bdf >> 3) & 0x1f).toString(16).padStart(2, '0')}.${f.bdf & 7}/config`;
        let cfg = f.config;
        const read = (off: number, size: 1 | 2 | 4): number => {
          let v = 0;
          for (let i = size - 1; i >= 0; i--) v = v * 256 + (cfg[off + i] ?? 0xff);
          return v;
        };
        for (const op of resolveSetpciOps(g, read)) {
          if (!op.write) {
            io.out(`${formatSetpciRead(read(op.offset, op.width), op.width)}\n`);
            continue;
          }
          const full = op.width === 4 ? 0xffffffff : (1 << (8 * op.width)) - 1;
          const value = op.write.mask === full ? op.write.value : ((read(op.offset, op.width) & ~op.write.mask) | op.write.value) >>> 0;
          if (cmd.verbose) io.out(`${path.split('/')[5]}:${op.offset.toString(16).padStart(2, '0')} ${formatSetpciRead(value, op.width)}\n`);
          if (cmd.demo) continue;
          const r = await u.pwrite(path, le(value, op.width), op.offset);
          if (r < 0) {
            io.err(`setpci: ${path}: ${strerror(-r)}\n`);
            return 1;
          }
          const again = await u.readFile(path);
          if (typeof again !== 'number') cfg = again;
        }
      }
    }
    return 0;
  } catch (e) {
    if (!(e instanceof PciToolError)) throw e;
    io.err(`${e.message}\n`);
    return 1;
  }
}
