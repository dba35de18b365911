/** Output sinks for commands, so the same code drives a terminal and tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** An Io that records everything (tests, `run -c` capture). */
export class BufferIo implements Io {
  stdout = '';
  stderr = '';
  out(t: string): void {
    this.stdout += t;
  }
  err(t: string): void {
    this.stderr += t;
  }
}
