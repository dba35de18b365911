/**
 * Name lookups formatted the way lspci prints them for -n levels 0/1/2, e.g.
 * "Xilinx Corporation Device 7014", "10ee:7014", "Xilinx Corporation Device [10ee:7014]".
 */
import { BASE_CLASSES, PROG_IFS, SUB_CLASSES } from './class-names.js';
import { hex } from './config-view.js';
import { DEVICES, SUBSYSTEMS, VENDORS, dev } from './id-names.js';

/** Vendor + device, or subsystem vendor + subsystem id (when `parent` names the device). */
export function deviceName(
  vendor: number,
  device: number,
  numeric: number,
  parent?: { vendor: number; device: number },
): string {
  const ids = `${hex(vendor, 4)}:${hex(device, 4)}`;
  if (numeric === 1) return ids;
  const vname = VENDORS.get(vendor);
  let dname: string | undefined;
  if (!parent) dname = DEVICES.get(dev(vendor, device));
  else {
    dname = SUBSYSTEMS.get(`${hex(parent.vendor, 4)}:${hex(parent.device, 4)}:${ids}`);
    // A subsystem equal to the device itself is named like the device.
    if (!dname && parent.vendor === vendor && parent.device === device) dname = DEVICES.get(dev(vendor, device));
  }
  if (numeric >= 2) {
    const text = vname ? (dname ? `${vname} ${dname}` : `${vname} Device`) : 'Device';
    return `${text} [${ids}]`;
  }
  if (vname && dname) return `${vname} ${dname}`;
  if (vname) return `${vname} Device ${hex(device, 4)}`;
  return `Device ${ids}`;
}

/** Class from the 16-bit base<<8|subclass. */
export function className(cls: number, numeric: number): string {
  const code = hex(cls, 4);
  if (numeric === 1) return code;
  const sub = SUB_CLASSES.get(cls);
  if (sub) return numeric >= 2 ? `${sub} [${code}]` : sub;
  const base = BASE_CLASSES.get(cls >> 8);
  // pciutils already appends the code when only the base class is known, so -nn adds nothing.
  if (base) return `${base} [${code}]`;
  return numeric >= 2 ? `Class [${code}]` : `Class ${code}`;
}

/** Programming-interface name, shown even with -n (pciutils does the same). */
export function progIfName(cls: number, progIf: number): string | undefined {
  return PROG_IFS.get((cls << 8) | progIf);
}
