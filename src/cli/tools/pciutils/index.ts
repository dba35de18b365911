/**
 * pciutils as jhsim's root shell has them: the lspci/setpci front-end, a user-space tool that
 * formats what root Linux read from config space (no machine I/O). The data types, filters and
 * the capture parser are hardware-description formats: actors/pcie/lspci-dump.
 */
export * from '../../../actors/pcie/lspci-dump/index.js';
export { formatLspci, selectFunctions } from './lspci.js';
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
