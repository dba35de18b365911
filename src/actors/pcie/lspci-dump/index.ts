/**
 * The text formats of pciutils that describe hardware, kept beside the PCIe model because a
 * board file can import real functions from them: `lspci -vxxx` captures (parseLspciDump, for
 * board-import.ts), slot and ID filters, and the function data the lspci/setpci tools format
 * (the tools themselves are user space: src/cli/pciutils).
 */
export type { ImportedFunction, LspciFunction, LspciOptions, PciResource } from './types.js';
export { PciToolError } from './errors.js';
export { parseLspciDump } from './dump-import.js';
export { type IdFilter, type SlotFilter, matchIds, matchSlot, parseIdFilter, parseSlotFilter } from './filters.js';
