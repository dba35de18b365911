/**
 * The -t view. Every bridge owns the buses in its secondary..subordinate range that no deeper
 * bridge claims; functions on buses nobody claims hang off a per-domain root. Lines are drawn
 * into one reusable buffer: after a line is printed, everything left of the cursor turns into
 * the continuation prefix ("|" where a "+" or "|" was, blanks elsewhere), as lspci's tree does.
 * With -s/-d the whole tree is still built: a function is drawn if it matches or is a bridge with
 * a match below it, and hidden ones still count when choosing "+-" or "\-" (checked against
 * pciutils 3.9: `lspci -t -s 06:` draws "+-03.0" although no later sibling is drawn).
 */
import { ConfigView, hex } from './config-view.js';
import { deviceName } from './names.js';
import type { LspciFunction } from '../../../actors/pcie/lspci-dump/types.js';

interface Bus {
  domain: number;
  number: number;
  devices: Node[];
}

interface Bridge {
  domain: number;
  secondary: number;
  subordinate: number;
  buses: Bus[];
  host: boolean;
}

interface Node {
  f: LspciFunction;
  bridge?: Bridge;
}

class LineBuffer {
  private chars: string[] = [];
  readonly lines: string[] = [];

  write(pos: number, text: string): number {
    for (let i = 0; i < text.length; i++) this.chars[pos + i] = text[i]!;
    return pos + text.length;
  }

  print(pos: number): void {
    this.lines.push(this.chars.slice(0, pos).join(''));
    for (let i = 0; i < pos; i++) this.chars[i] = this.chars[i] === '+' || this.chars[i] === '|' ? '|' : ' ';
  }
}

function busOf(bridge: Bridge, domain: number, number: number): Bus {
  let bus = bridge.buses.find((b) => b.domain === domain && b.number === number);
  if (!bus) {
    bus = { domain, number, devices: [] };
    bridge.buses.push(bus);
    bridge.buses.sort((a, b) => a.domain - b.domain || a.number - b.number);
  }
  return bus;
}

function buildForest(funcs: LspciFunction[]): Bridge {
  const host: Bridge = { domain: 0, secondary: 0, subordinate: 0, buses: [], host: true };
  const nodes: Node[] = funcs.map((f) => {
    const cfg = new ConfigView(f.config);
    const ht = cfg.headerType();
    if (cfg.byte(0x0b) === 0x06 && (ht === 1 || ht === 2)) {
      const bridge: Bridge = { domain: f.domain, secondary: cfg.byte(0x19), subordinate: cfg.byte(0x1a), buses: [], host: false };
      busOf(bridge, f.domain, bridge.secondary);
      return { f, bridge };
    }
    return { f };
  });
  const bridges = nodes.filter((n) => n.bridge).map((n) => n.bridge!);
  for (const node of nodes) {
    const bus = (node.f.bdf >> 8) & 0xff;
    let owner: Bridge = host;
    for (const b of bridges) {
      if (b === node.bridge || b.domain !== node.f.domain || bus < b.secondary || bus > b.subordinate) continue;
      // The innermost claimant wins: the one with the narrowest range.
      if (owner.host || b.secondary > owner.secondary || (b.secondary === owner.secondary && b.subordinate < owner.subordinate)) owner = b;
    }
    busOf(owner, node.f.domain, bus).devices.push(node);
  }
  return host;
}

export function formatTree(
  funcs: LspciFunction[],
  verbose: number,
  numeric: number,
  selected: (f: LspciFunction) => boolean = () => true,
): string[] {
  const sorted = [...funcs].sort((a, b) => a.domain - b.domain || a.bdf - b.bdf);
  const host = buildForest(sorted);
  const buf = new LineBuffer();
  const shown = (n: Node): boolean =>
    selected(n.f) || (n.bridge !== undefined && n.bridge.buses.some((bus) => bus.devices.some(shown)));

  const showDev = (n: Node, pos: number): void => {
    const bdf = n.f.bdf;
    pos = buf.write(pos, `${hex((bdf >> 3) & 0x1f, 2)}.${(bdf & 7).toString(16)}`);
    if (n.bridge) {
      const b = n.bridge;
      const range = b.secondary === b.subordinate ? hex(b.secondary, 2) : `${hex(b.secondary, 2)}-${hex(b.subordinate, 2)}`;
      showBridge(b, buf.write(pos, `-[${range}]-`));
      return;
    }
    if (verbose) {
      const cfg = new ConfigView(n.f.config);
      pos = buf.write(pos, `  ${deviceName(cfg.word(0), cfg.word(2), numeric)}`);
    }
    buf.print(pos);
  };

  const showBus = (bus: Bus, pos: number): void => {
    const devs = bus.devices;
    // A lone hidden function leaves its bus drawn as empty.
    if (devs.length === 0 || (devs.length === 1 && !shown(devs[0]!))) buf.print(pos);
    else if (devs.length === 1) showDev(devs[0]!, buf.write(pos, '--'));
    else {
      devs.forEach((d, i) => {
        if (shown(d)) showDev(d, buf.write(pos, i < devs.length - 1 ? '+-' : '\\-'));
      });
    }
  };

  const showBridge = (b: Bridge, pos: number): void => {
    pos = buf.write(pos, '-');
    if (b.buses.length === 1) {
      const bus = b.buses[0]!;
      if (b.host) pos = buf.write(pos, `[${hex(bus.domain, 4)}:${hex(bus.number, 2)}]-`);
      showBus(bus, pos);
      return;
    }
    b.buses.forEach((bus, i) => {
      const mark = i < b.buses.length - 1 ? '+-' : '\\-';
      showBus(bus, buf.write(pos, `${mark}[${hex(bus.domain, 4)}:${hex(bus.number, 2)}]-`));
    });
  };

  if (host.buses.length) showBridge(host, 0);
  return buf.lines;
}
