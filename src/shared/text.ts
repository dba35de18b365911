/** Shared text codecs: constructing a TextDecoder/TextEncoder per call is costly on hot paths. */
const encoder = new TextEncoder();
const utf8 = new TextDecoder();
const latin1 = new TextDecoder('latin1');

export const encodeUtf8 = (s: string): Uint8Array => encoder.encode(s);
export const decodeUtf8 = (b: Uint8Array): string => utf8.decode(b);
export const decodeLatin1 = (b: Uint8Array): string => latin1.decode(b);
