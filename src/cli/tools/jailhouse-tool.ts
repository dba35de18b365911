/**
 * The `jailhouse` management tool (tools/jailhouse.c) against the simulated /dev/jailhouse:
 * same arguments, output and exit codes, plus one extra line after an error that says what
 * was wrong (errno name and value, and the driver's reason from the kernel log).
 */
import { Errno, strerror } from '../../shared/errno.js';
import { loadSystemConfig } from '../../shared/config/index.js';
import { JAILHOUSE_DISABLE, JAILHOUSE_ENABLE } from '../../actors/hypervisor/driver/uapi.js';
import { UserProcess } from '../shell/user.js';
import { decodeLatin1 } from '../../shared/text.js';
import { explain, readUserConfig, type ToolContext } from './tool-context.js';
import { cellCreate, cellLoad, cellSimple } from './jailhouse-cell.js';
import { cellStats } from './cell-stats.js';
import { cellLinux } from './jailhouse-cell-linux.js';
import { configCheck } from './config-check.js';

export const JAILHOUSE_USAGE = `Usage: jailhouse { COMMAND | --help | --version }

Available commands:
   enable SYSCONFIG
   disable
   console [-f | --follow]
   cell create CELLCONFIG
   cell list
   cell load { ID | [--name] NAME } { IMAGE | { -s | --string } "STRING" }
             [-a | --address ADDRESS] ...
   cell start { ID | [--name] NAME }
   cell shutdown { ID | [--name] NAME }
   cell destroy { ID | [--name] NAME }
   cell linux [-h] [-d DTB] [-i INITRD] [-c "CMDLINE"] [-w PARAMS_FILE]
              [-a ARCH] [-k FACTOR]
              CELLCONFIG KERNEL
   cell stats { ID | [--name] NAME }
   config create [-h] [-g] [-r ROOT] [-t TEMPLATE_DIR] [-c CONSOLE]
                 [--mem-inmates MEM_INMATES] [--mem-hv MEM_HV]
                 FILE
   config collect FILE.TAR
   config check [-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]
   hardware check 
`;

/** Commands of the real tool that jhsim does not model, and why. */
const NOT_YET: Record<string, string> = {
  'config create': 'no plan: it generates x86 configs from a live system',
  'config collect': 'no plan: it archives a live system',
};

export type { ToolContext } from './tool-context.js';

export const TOOL_VERSION = 'Jailhouse management tool v0.12 (jhsim)';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function jailhouseTool(ctx: ToolContext, argv: string[]): Promise<number> {
  const { io } = ctx;
  const usage = (code: number): number => {
    io.out(JAILHOUSE_USAGE);
    return code;
  };
  const cmd = argv[0];
  if (cmd === '--help') return usage(0);
  if (cmd === '--version') {
    io.out(`${TOOL_VERSION}\n`);
    return 0;
  }
  switch (cmd) {
    case 'enable':
      if (argv.length !== 2) return usage(1);
      return enable(ctx, argv[1]!);
    case 'disable': {
      const from = ctx.user.m.kernelLog().tail;
      const r = await ctx.user.ioctl(JAILHOUSE_DISABLE);
      if (r < 0) {
        explain(ctx, 'JAILHOUSE_DISABLE', r, from);
        return 1;
      }
      return 0;
    }
    case 'console':
      return consoleCmd(ctx, argv.slice(1));
    case 'cell':
    case 'config': {
      if (cmd === 'cell' && argv[1] === 'list' && argv.length === 2) return cellList(ctx);
      if (cmd === 'config' && argv[1] === 'check') {
        const files = argv.slice(2);
        const help = files.includes('-h') || files.includes('--help');
        if (help || !files.length) {
          io.out('usage: jailhouse config check [-h] SYSCONFIG [CELLCONFIG [CELLCONFIG ...]]\n');
          return help ? 0 : 2;
        }
        return configCheck(files, {}, io);
      }
      if (cmd === 'cell') {
        const rest = argv.slice(2);
        switch (argv[1]) {
          case 'create':
            return rest.length === 1 ? cellCreate(ctx, rest[0]!) : usage(1);
          case 'load':
            return cellLoad(ctx, rest, () => usage(1));
          case 'start':
          case 'shutdown':
          case 'destroy':
            return cellSimple(ctx, argv[1], rest, () => usage(1));
          case 'stats':
            return cellStats(ctx, rest);
          case 'linux':
            return cellLinux(ctx, rest);
        }
      }
      const what = NOT_YET[`${cmd} ${argv[1] ?? ''}`];
      if (!what) return usage(1);
      io.err(`jailhouse ${cmd} ${argv[1]}: not modelled by jhsim yet (${what})\n`);
      return 1;
    }
    case 'hardware':
      if (argv[1] !== 'check') return usage(1);
      // The real helper only knows x86.
      io.err('Unsupported architecture\n');
      return 1;
    default:
      return usage(1);
  }
}

async function enable(ctx: ToolContext, file: string): Promise<number> {
  // Like the real tool, a binary .cell goes to the driver as it is (the driver checks it);
  // only jhsim's JSON form is parsed and validated here.
  const bytes = readUserConfig(ctx, file, loadSystemConfig);
  return bytes ? enableIoctl(ctx, bytes) : 1;
}


async function enableIoctl(ctx: ToolContext, bytes: Uint8Array): Promise<number> {
  if (bytes.length > UserProcess.ARG_MAX) {
    // Refused before the ioctl, like cell create's oversized configs: the argument area is ARG_MAX bytes.
    ctx.io.err(`jailhouse enable: the configuration's ${bytes.length} bytes do not fit the tool's ${UserProcess.ARG_MAX}-byte ioctl buffer (E2BIG ${Errno.E2BIG})\n`);
    return 1;
  }
  const from = ctx.user.m.kernelLog().tail;
  const r = await ctx.user.ioctl(JAILHOUSE_ENABLE, bytes);
  if (r < 0) {
    explain(ctx, 'JAILHOUSE_ENABLE', r, from);
    return 1;
  }
  return 0;
}

async function consoleCmd(ctx: ToolContext, args: string[]): Promise<number> {
  let follow = false;
  if (args.length === 1) {
    if (args[0] !== '-f' && args[0] !== '--follow') {
      ctx.io.out(JAILHOUSE_USAGE);
      return 1;
    }
    follow = true;
  }
  const u = ctx.user;
  const fd = await u.consoleOpen();
  if (fd < 0) {
    ctx.io.err(`opening /dev/jailhouse: ${strerror(fd)}\n`);
    return 1;
  }
  // UART lines go between the hypervisor's lines, never inside one.
  let atLineStart = true;
  const uartLines = (final: boolean): void => {
    // Mid-line they wait for the hypervisor's line to end (at the end: a line end is added).
    if (!ctx.uart || (!atLineStart && !final)) return;
    const text = ctx.uart.takeText();
    if (!text) return;
    ctx.io.out(atLineStart ? text : `\n${text}`);
    atLineStart = true;
  };
  try {
    for (;;) {
      const r = await u.consoleRead(fd, 128, !follow);
      if (typeof r === 'number') {
        if (r === -Errno.EAGAIN && follow) {
          uartLines(false);
          if (await waitOrAbort(ctx, 100)) return 0;
          continue;
        }
        ctx.io.err(`read(console): ${strerror(r)}\n`);
        return 1;
      }
      if (r.length === 0) {
        uartLines(!follow);
        if (!follow) return 0;
        if (await waitOrAbort(ctx, 100)) return 0;
        continue;
      }
      const text = decodeLatin1(r);
      ctx.io.out(text);
      atLineStart = text.endsWith('\n');
    }
  } finally {
    await u.consoleClose(fd);
  }
}

async function waitOrAbort(ctx: ToolContext, ms: number): Promise<boolean> {
  if (ctx.signal?.aborted) return true;
  await sleep(ms);
  return ctx.signal?.aborted ?? false;
}

/** `jailhouse cell list`: the cells directory sorted as strings, the real tool's columns. */
async function cellList(ctx: ToolContext): Promise<number> {
  const u = ctx.user;
  const dir = '/sys/devices/jailhouse/cells';
  const ids = await u.listDir(dir);
  if (typeof ids === 'number') return 0;
  const sorted = ids.filter((n) => !n.startsWith('.')).sort();
  if (!sorted.length) return 0;
  const pad = (s: string, n: number): string => s.padEnd(n);
  ctx.io.out(pad('ID', 8) + pad('Name', 24) + pad('State', 18) + pad('Assigned CPUs', 24) + pad('Failed CPUs', 24) + '\n');
  for (const id of sorted) {
    const f: string[] = [];
    for (const attr of ['name', 'state', 'cpus_assigned_list', 'cpus_failed_list']) {
      const t = await u.readText(`${dir}/${id}/${attr}`);
      if (typeof t === 'number') {
        ctx.io.err(`reading ${dir}/${id}/${attr}: ${strerror(t)}\n`);
        return 1;
      }
      f.push(t.replace(/\n$/, ''));
    }
    ctx.io.out(pad(id, 8) + pad(f[0]!, 24) + pad(f[1]!, 18) + pad(f[2]!, 24) + pad(f[3]!, 24) + '\n');
  }
  return 0;
}
