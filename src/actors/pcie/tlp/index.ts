/** PCIe transaction layer: the Tlp value, its wire codec, ECRC, completions and printing. */
export * from './types.js';
export { TlpError } from './error.js';
export { KINDS, TLP_KINDS, isTlpKind, hasData, headerDws, fmtTypeByte, kindOf, type KindInfo, type TlpFamily } from './kinds.js';
export { newTlp } from './new-tlp.js';
export { checkTlp } from './check.js';
export { encodeTlp, ecrcOfTlp, type EncodeOptions } from './encode.js';
export { decodeTlp, type DecodeOptions } from './decode.js';
export { crc32, ecrc } from './ecrc.js';
export { requestByteCount, leadingDisabled, trailingDisabled } from './byte-enables.js';
export { completeRead, completion, atomicOperandSize, type CompleteReadOptions } from './completion.js';
export { splitRequest, type SplitRequestOptions } from './split.js';
export { MESSAGES, MsgCode, messageInfo, messageName, messageCodeOf, intxOf, swizzleIntx, newMessage, intxMessage, errorMessage, setSlotPowerLimit, vendorMessage, messageDestinationId, type MessageInfo, type VendorMessage } from './messages.js';
export { prefixName, prefixByte, prefixDw, pasidPrefix, extTphPrefix, vendorPrefix } from './prefixes.js';
export { formatBdf, parseBdf, bdf } from './bdf.js';
export { parseHexBytes, bytesToHex, bytesToDws } from './hex.js';
export { formatTlp, formatWire, formatPrefix, statusName, tlpToJson, type TlpJson } from './format.js';
