/**
 * A parsed guest image: its segments and entry point. Its own file because both the public
 * loader (image.ts) and the ELF parser (image-elf.ts) build and return it, and the loader
 * calls the parser: with the types in image.ts the two would import each other.
 */

export type SegmentFlags = 'r' | 'rw' | 'rx' | 'rwx';

export interface ImageSegment {
  /** Load address (guest-physical / IPA for an inmate) of the first byte. */
  addr: number;
  /** File-backed contents (a private copy); may be shorter than memSize. */
  bytes: Uint8Array;
  /** Size in memory; [bytes.length, memSize) is zero-filled on load. Always > 0. */
  memSize: number;
  flags: SegmentFlags;
}

export interface GuestImage {
  format: 'raw' | 'elf';
  /** Load address of the first instruction. */
  entry: number;
  /** Non-overlapping, in ELF program header order (one segment for raw images). */
  segments: ImageSegment[];
  /** Symbol name -> load address, from .symtab (ELF only, when the file has one). */
  symbols?: Map<string, number>;
  /** The file name, used in every error message. */
  name: string;
}
