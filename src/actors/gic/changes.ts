/**
 * What a GIC register write changed, for jhsim's isolation monitor (not GIC state): while a
 * worker records, the distributor and redistributor register files note each field of each
 * interrupt their writes changed.
 */

/** The state a register write changed. */
export const GicField = {
  GROUP: 'group', ENABLE: 'enable', PENDING: 'pending', ACTIVE: 'active', PRIORITY: 'priority', CONFIG: 'config',
  ROUTE: 'route', CTLR: 'ctlr', WAKER: 'waker',
} as const;
export type GicFieldValue = (typeof GicField)[keyof typeof GicField];

/** One change: `cpu` is the redistributor's CPU (-1: distributor), `irq` the INTID (-1: the frame itself). */
export interface GicChange {
  field: GicFieldValue;
  cpu: number;
  irq: number;
}

/** The changes this worker's register writes made since recording started. */
export class GicChangeLog {
  private recording = false;
  private readonly changes: GicChange[] = [];

  /** Start recording (until take). */
  record(): void {
    this.recording = true;
    this.changes.length = 0;
  }

  /**
   * The changes recorded since record(), and recording stops. The array is reused by the next
   * record(): read it before recording again.
   */
  take(): readonly GicChange[] {
    this.recording = false;
    return this.changes;
  }

  note(field: GicFieldValue, cpu: number, irq: number): void {
    if (this.recording) this.changes.push({ field, cpu, irq });
  }

  /** One change per set bit of `bits`, the INTIDs counted from `first`. */
  noteBits(field: GicFieldValue, cpu: number, first: number, bits: number): void {
    if (this.recording && bits) for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) this.note(field, cpu, first + b);
  }

  /** One change per nonzero `width`-bit field of `bits`, the INTIDs counted from `first`. */
  noteFields(field: GicFieldValue, cpu: number, first: number, width: number, bits: number): void {
    if (!this.recording || !bits) return;
    const m = (1 << width) - 1;
    for (let i = 0; i < 32 / width; i++) if ((bits >>> (i * width)) & m) this.note(field, cpu, first + i);
  }
}
