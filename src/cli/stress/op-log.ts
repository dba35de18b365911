/** The operation log of a stress run (`--json` ops, the failure bundle's operations.json). */

/** One completed operation of the run (`--json`'s operation log). */
export interface OpRecord {
  op: string;
  caller: number;
  /** 0 or the negative errno. */
  ret: number;
  errno?: string;
  /** When it completed, ms since the run began (virtual time in controlled mode). */
  t: number;
  /** Controlled mode: the schedule point at which it completed. */
  step?: number;
}
