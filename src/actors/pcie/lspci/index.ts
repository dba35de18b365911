/** Pure lspci/setpci front-end: formats what root Linux read from config space; no machine I/O. */
export type { ImportedFunction, LspciFunction, LspciOptions, PciResource } from './types.js';
export { PciToolError } from './errors.js';
export { formatLspci } from './lspci.js';
