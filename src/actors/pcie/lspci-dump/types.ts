/**
 * Input and option types of the lspci/setpci front-end. The root-Linux model hands over what it
 * read from config space plus the kernel's resource view; nothing here touches the machine.
 */

/** One BAR (0..5) or the expansion ROM (6) as the kernel assigned it. */
export interface PciResource {
  bar: number /* 0..5; 6 = expansion ROM */;
  start: bigint;
  size: bigint;
  kind: 'mem32' | 'mem64' | 'io';
  prefetch: boolean;
  /** The kernel knows decoding is off: "[disabled]" is printed even if the command register says otherwise. */
  disabled?: boolean;
}

/** One PCI function as root Linux sees it. */
export interface LspciFunction {
  domain: number;
  bdf: number; // bus<<8 | dev<<3 | fn
  config: Uint8Array; // config bytes as read: 64, 256 or 4096 long
  /**
   * The kernel's view (sizes from its enumeration). An empty list means "no kernel view": like
   * `lspci -F dump`, addresses then come from the BAR registers and no [size=] is printed.
   */
  resources: PciResource[];
  /** Kernel IRQ; when absent the Interrupt Line register is shown, as pciutils' non-sysfs backends do. */
  irq?: number;
  driver?: string;
}

/** What `parseLspciDump` returns for each function found in a dump. */
export interface ImportedFunction {
  domain: number;
  bdf: number;
  config: Uint8Array;
  resources: PciResource[];
  /** The function's first line as printed, e.g. `01:00.0 Memory controller: Xilinx ...`. */
  headerLine: string;
  irq?: number;
  driver?: string;
}

/** The lspci switches this front-end understands. */
export interface LspciOptions {
  /** -v = 1, -vv = 2, -vvv = 3. */
  verbose?: number;
  /** -x = 1 (64 bytes), -xxx = 3 (256 bytes), -xxxx = 4 (4096 bytes); -xx behaves like -x. */
  hex?: number;
  /** -n = 1 (numbers only), -nn = 2 (names and numbers). */
  numeric?: number;
  /** -D: always print the PCI domain. */
  domains?: boolean;
  /** -t: tree view. */
  tree?: boolean;
  /** -s [[domain]:][bus]:[dev][.[fn]] */
  slot?: string;
  /** -d [vendor]:[device][:class[:prog-if]] */
  device?: string;
  /** -k: print "Kernel driver in use" even without -v. */
  kernel?: boolean;
}
