/**
 * A minimal terminal for tests of what readline draws: printable characters with xterm's
 * deferred wrap at the last column, CR, LF (as CR LF: the tty's ONLCR), and the CSI sequences node:readline emits (cursor
 * up/down/forward/back, column, erase below, erase line). The screen grows downwards (no
 * scrolling region), which is enough to read back rows and the cursor.
 */
export class Screen {
  private rows: string[][] = [[]];
  row = 0;
  col = 0;
  /** The last column was written: the next character goes to the next row. */
  private pendingWrap = false;

  constructor(readonly cols: number) {}

  /** Row i without trailing blanks. */
  line(i: number): string {
    return (this.rows[i] ?? []).join('').trimEnd();
  }

  /** Every row, trailing empty rows dropped. */
  lines(): string[] {
    const out = this.rows.map((_, i) => this.line(i));
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }

  write(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === '\x1b' && s[i + 1] === '[') {
        let j = i + 2;
        let params = '';
        while (j < s.length && /[0-9;?]/.test(s[j]!)) params += s[j++];
        this.csi(s[j]!, params);
        i = j;
      } else if (ch === '\r') {
        this.col = 0;
        this.pendingWrap = false;
      } else if (ch === '\n') {
        // The tty's ONLCR, which libuv's raw mode keeps: LF starts a new line.
        this.row++;
        this.col = 0;
        this.pendingWrap = false;
        this.ensure();
      } else if (ch >= ' ') this.put(ch);
    }
  }

  private ensure(): void {
    while (this.rows.length <= this.row) this.rows.push([]);
  }

  private put(ch: string): void {
    if (this.pendingWrap) {
      this.row++;
      this.col = 0;
      this.pendingWrap = false;
    }
    this.ensure();
    const r = this.rows[this.row]!;
    while (r.length < this.col) r.push(' ');
    r[this.col] = ch;
    if (this.col === this.cols - 1) this.pendingWrap = true;
    else this.col++;
  }

  private csi(final: string, params: string): void {
    const n = params === '' ? 1 : Number(params.split(';')[0]);
    this.pendingWrap = false;
    switch (final) {
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'B':
        this.row += n;
        this.ensure();
        break;
      case 'C':
        this.col = Math.min(this.cols - 1, this.col + n);
        break;
      case 'D':
        this.col = Math.max(0, this.col - n);
        break;
      case 'G':
        this.col = Math.min(this.cols - 1, n - 1);
        break;
      case 'J': // erase below (0J, the only one readline uses)
        this.ensure();
        this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
        this.rows.length = this.row + 1;
        break;
      case 'K': {
        this.ensure();
        const mode = params === '' ? 0 : n;
        if (mode === 2) this.rows[this.row] = [];
        else if (mode === 0) this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
        else this.rows[this.row] = this.rows[this.row]!.map((c, k) => (k <= this.col ? ' ' : c));
        break;
      }
      default:
        break; // modes (?25l ...) do not move anything
    }
  }
}
