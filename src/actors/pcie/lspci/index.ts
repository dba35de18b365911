/** Pure lspci/setpci front-end: formats what root Linux read from config space; no machine I/O. */
export type { ImportedFunction, LspciFunction, LspciOptions, PciResource } from './types.js';
export { PciToolError } from './errors.js';
export { formatLspci, selectFunctions } from './lspci.js';
export { parseLspciDump } from './dump-import.js';
export { type IdFilter, type SlotFilter, matchIds, matchSlot, parseIdFilter, parseSlotFilter } from './filters.js';
export {
  type SetpciBase,
  type SetpciCommand,
  type SetpciGroup,
  type SetpciOp,
  type SetpciOperation,
  type SetpciValue,
  type SetpciWidth,
  applySetpciWrite,
  formatSetpciRead,
  parseSetpci,
  parseSetpciOperation,
  resolveSetpciOps,
} from './setpci.js';
