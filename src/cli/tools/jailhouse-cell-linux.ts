/**
 * `jailhouse cell linux` (upstream's tools/jailhouse-cell-linux, arm64): boot a Linux kernel
 * Image in a non-root cell. From the cell config it picks the first RAM region large enough
 * for the device tree, the kernel (at a 2 MiB boundary plus the Image header's text_offset)
 * and the initrd; it rewrites the device tree (/memory from the cell's RAM regions,
 * /chosen bootargs and initrd bounds); then it creates the cell (an existing one is reused),
 * loads the linux-loader at the cell's reset address, "kernel=… dtb=…" 0x1000 above it, the
 * kernel, the device tree and the initrd, and starts the cell. With -w it writes the device
 * tree and prints the equivalent `jailhouse cell` commands instead. The loader is jhsim's own
 * (the built-in inmate linux-loader), doing what upstream's does.
 */
import { gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { Errno } from '../../shared/errno.js';
import { ConfigError, loadCellConfig, type CellConfig } from '../../shared/config/index.js';
import { MemFlags } from '../../shared/config/layout.js';
import { JAILHOUSE_CELL_CREATE, JAILHOUSE_CELL_START } from '../../actors/hypervisor/driver/uapi.js';
import { buildInmate } from '../../actors/cpu/inmates/index.js';
import { encodeUtf8 } from '../../shared/text.js';
import { resolveUserPath } from '../paths.js';
import { readUserFile, type ToolContext } from './tool-context.js';
import { cellCreatePayload, cellIdBytes, ioctlOrExplain, loadImages, type LoadImage } from './jailhouse-cell.js';
import { FdtError, cellsProp, getProp, parseFdt, serializeFdt, setProp, stringProp, type Fdt } from './fdt.js';

export const CELL_LINUX_USAGE = `usage: jailhouse cell linux [-h] [-d DTB] [-i INITRD] [-c "CMDLINE"] [-w PARAMS_FILE]
                             [-a ARCH] [-k FACTOR]
                             CELLCONFIG KERNEL
`;

const PAGE = 0x1000;
/** arm64: the kernel's load address is 2 MiB aligned (plus text_offset). */
const KERNEL_ALIGN = 0x200000;
const RAM_MASK = MemFlags.READ | MemFlags.WRITE | MemFlags.EXECUTE | MemFlags.DMA | MemFlags.IO | MemFlags.COMM_REGION | MemFlags.ROOTSHARED;
const RAM = MemFlags.READ | MemFlags.WRITE | MemFlags.EXECUTE | MemFlags.DMA;

interface Args {
  config: string;
  kernel: string;
  dtb?: string;
  initrd?: string;
  cmdline?: string;
  writeParams?: string;
  arch?: string;
  factor?: number;
}

function parseArgs(argv: string[]): Args | 'help' | string {
  const pos: string[] = [];
  const a: Partial<Args> = {};
  const flags: Record<string, keyof Args> = { '-d': 'dtb', '--dtb': 'dtb', '-i': 'initrd', '--initrd': 'initrd', '-c': 'cmdline', '--cmdline': 'cmdline', '-w': 'writeParams', '--write-params': 'writeParams', '-a': 'arch', '--arch': 'arch', '-k': 'factor', '--kernel-decomp-factor': 'factor' };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '-h' || x === '--help') return 'help';
    const key = flags[x];
    if (key === undefined) {
      if (x.startsWith('-')) return `unrecognized arguments: ${x}`;
      pos.push(x);
      continue;
    }
    const v = argv[++i];
    if (v === undefined) return `argument ${x}: expected one argument`;
    if (key === 'factor') {
      if (!/^\d+$/.test(v)) return `argument ${x}: invalid int value: '${v}'`;
      a.factor = Number(v);
    } else a[key] = v;
  }
  if (pos.length < 2) return 'the following arguments are required: CELLCONFIG, KERNEL';
  if (pos.length > 2) return `unrecognized arguments: ${pos.slice(2).join(' ')}`;
  return { ...a, config: pos[0]!, kernel: pos[1]! };
}

const pageAlign = (v: number, size = PAGE): number => Math.ceil(v / size) * size;

/** What goes where in the cell, as upstream's ARMCommon.setup computes it. */
interface Plan {
  loader: number;
  params: number;
  paramText: string;
  kernel: number;
  kernelImage: Uint8Array;
  dtb: number;
  dtbBlob: Uint8Array;
  initrd?: { address: number; bytes: Uint8Array };
  /** The kernel file was gzip-compressed (the printed commands name the unzipped file). */
  gzipped: boolean;
}

function plan(ctx: ToolContext, a: Args, config: CellConfig): Plan | undefined {
  const fail = (msg: string): undefined => {
    ctx.io.err(`${msg}\n`);
    return undefined;
  };
  const rawKernel = readUserFile(ctx, a.kernel);
  if (!rawKernel) return undefined;
  let kernelImage = new Uint8Array(rawKernel);
  const gzipped = kernelImage[0] === 0x1f && kernelImage[1] === 0x8b;
  if (gzipped) {
    try {
      kernelImage = new Uint8Array(gunzipSync(kernelImage));
    } catch (e) {
      return fail(`${a.kernel}: not a valid gzip-compressed kernel (${(e as Error).message})`);
    }
  }
  if (kernelImage.length < 64) return fail(`${a.kernel}: ${kernelImage.length} bytes are too short for an arm64 Image header (64)`);
  const textOffset = Number(new DataView(kernelImage.buffer, kernelImage.byteOffset).getBigUint64(8, true));
  if (!Number.isSafeInteger(textOffset) || textOffset >= KERNEL_ALIGN * 1024) return fail(`${a.kernel}: Image header text_offset 0x${textOffset.toString(16)} is not a plausible offset`);
  let kernelSize = pageAlign(kernelImage.length);
  let imageSize = textOffset + kernelSize + KERNEL_ALIGN;
  let initrd: Uint8Array | undefined;
  if (a.initrd !== undefined) {
    const raw = readUserFile(ctx, a.initrd);
    if (!raw) return undefined;
    initrd = new Uint8Array(raw);
    const space = (a.factor ?? 1) * kernelSize;
    kernelSize += space;
    imageSize += space;
  }
  if (a.dtb === undefined) return fail('No device tree specified');
  const rawDtb = readUserFile(ctx, a.dtb);
  if (!rawDtb) return undefined;
  const dtbSize = pageAlign(rawDtb.length) + PAGE;
  imageSize += dtbSize + 0x2000;
  const isRam = (r: CellConfig['memory_regions'][number]): boolean => (r.flags & RAM_MASK) === RAM;
  const ram = config.memory_regions.filter((r) => isRam(r) && r.size >= imageSize);
  if (!ram.length) return fail('No space found to load all images');
  let dtbAddr = ram[0]!.virt_start;
  if (dtbAddr === 0) dtbAddr += 0x2000; // room for the loader
  const kernelAddr = pageAlign(dtbAddr + dtbSize, KERNEL_ALIGN) + textOffset;
  const initrdAddr = kernelAddr + kernelSize;
  let fdt: Fdt;
  try {
    fdt = parseFdt(new Uint8Array(rawDtb));
    const cells = (name: string): 1 | 2 => {
      const v = getProp(fdt, '/', name);
      if (!v || v.length < 4) throw new FdtError(`the root node has no ${name}`);
      return new DataView(v.buffer, v.byteOffset).getUint32(0, false) === 2 ? 2 : 1;
    };
    const ac = cells('#address-cells');
    const sc = cells('#size-cells');
    setProp(fdt, '/memory', 'device_type', stringProp('memory'));
    // The small region at IPA 0 holds the loader, not Linux's memory.
    const mem = config.memory_regions.filter((r) => isRam(r) && (r.virt_start > 0 || r.size > 0x10000));
    setProp(fdt, '/memory', 'reg', cellsProp(mem.flatMap((r) => [{ value: r.virt_start, cells: ac }, { value: r.size, cells: sc }])));
    if (a.cmdline !== undefined) setProp(fdt, '/chosen', 'bootargs', stringProp(a.cmdline));
    if (initrd) {
      setProp(fdt, '/chosen', 'linux,initrd-start', cellsProp([{ value: initrdAddr, cells: ac }]));
      setProp(fdt, '/chosen', 'linux,initrd-end', cellsProp([{ value: initrdAddr + initrd.length, cells: ac }]));
    }
  } catch (e) {
    if (e instanceof FdtError) return fail(`${a.dtb}: Invalid DTB: ${e.message}`);
    throw e;
  }
  const loader = config.cpu_reset_address;
  return {
    loader,
    params: loader + PAGE,
    paramText: `kernel=0x${kernelAddr.toString(16)} dtb=0x${dtbAddr.toString(16)}`,
    kernel: kernelAddr,
    kernelImage,
    dtb: dtbAddr,
    dtbBlob: serializeFdt(fdt),
    initrd: initrd ? { address: initrdAddr, bytes: initrd } : undefined,
    gzipped,
  };
}

export async function cellLinux(ctx: ToolContext, argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  if (a === 'help') {
    ctx.io.out(CELL_LINUX_USAGE);
    return 0;
  }
  if (typeof a === 'string') {
    ctx.io.err(`${CELL_LINUX_USAGE}jailhouse-cell-linux: error: ${a}\n`);
    return 2;
  }
  if (a.arch !== undefined && a.arch !== 'arm64') {
    ctx.io.err(`jailhouse-cell-linux: jhsim models arm64 only (-a ${a.arch})\n`);
    return 1;
  }
  let config: CellConfig;
  let cfgBytes: Uint8Array;
  try {
    const l = loadCellConfig(resolveUserPath(a.config));
    config = l.config;
    cfgBytes = l.bytes;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    ctx.io.err(`${e.message}\n`);
    return 1;
  }
  const p = plan(ctx, a, config);
  if (!p) return 1;
  const hex = (n: number): string => `0x${n.toString(16)}`;
  if (a.writeParams !== undefined) {
    writeFileSync(resolveUserPath(a.writeParams), p.dtbBlob);
    ctx.io.out(
      'Modified device tree written. Start Linux with the following commands (adjusting paths as needed):\n\n' +
        `jailhouse cell create ${a.config}\n` +
        `jailhouse cell load ${config.name} linux-loader.bin -a ${hex(p.loader)} -s "${p.paramText}" -a ${hex(p.params)} ${a.kernel}${p.gzipped ? '-unzipped' : ''} -a ${hex(p.kernel)} ` +
        (p.initrd ? `${a.initrd} -a ${hex(p.initrd.address)} ` : '') +
        `${a.writeParams} -a ${hex(p.dtb)}\n` +
        `jailhouse cell start ${config.name}\n` +
        (p.gzipped ? `\nNote that ${a.kernel} is zipped and requires decompression first.\n` : ''),
    );
    return 0;
  }
  const create = await ctx.user.ioctlBuilt(JAILHOUSE_CELL_CREATE, (addr) => cellCreatePayload(addr, cfgBytes));
  // An existing cell of that name is reused, as upstream's JailhouseCell does.
  if (create < 0 && create !== -Errno.EEXIST) {
    return ioctlOrExplain(ctx, 'JAILHOUSE_CELL_CREATE', () => Promise.resolve(create));
  }
  const sel = { id: -1, name: config.name };
  const params = encodeUtf8(p.paramText);
  const images: LoadImage[] = [
    { bytes: buildInmate('linux-loader'), address: p.loader },
    { bytes: p.kernelImage, address: p.kernel },
    { bytes: p.dtbBlob, address: p.dtb },
    ...(p.initrd ? [{ bytes: p.initrd.bytes, address: p.initrd.address }] : []),
    { bytes: new Uint8Array([...params, 0]), address: p.params },
  ];
  // One JAILHOUSE_CELL_LOAD per image, as upstream's tool issues them.
  for (const im of images) {
    const r = await loadImages(ctx, sel, [im]);
    if (r) return r;
  }
  return ioctlOrExplain(ctx, 'JAILHOUSE_CELL_START', () => ctx.user.ioctl(JAILHOUSE_CELL_START, cellIdBytes(sel)));
}
