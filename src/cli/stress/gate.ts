/**
 * A user-space readers/writer gate for the stress harness: operations hold it shared, an
 * invariant check holds it exclusively, so every check sees a machine with no syscall in
 * flight. Operations still overlap each other freely.
 */
export class Gate {
  private readers = 0;
  private writer = false;
  private waiting: (() => void)[] = [];
  private writersWaiting = 0;

  async shared(): Promise<void> {
    while (this.writer || this.writersWaiting > 0) await new Promise<void>((r) => this.waiting.push(r));
    this.readers++;
  }

  releaseShared(): void {
    this.readers--;
    this.wake();
  }

  async exclusive(): Promise<void> {
    this.writersWaiting++;
    while (this.writer || this.readers > 0) await new Promise<void>((r) => this.waiting.push(r));
    this.writersWaiting--;
    this.writer = true;
  }

  releaseExclusive(): void {
    this.writer = false;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const r of w) r();
  }
}
