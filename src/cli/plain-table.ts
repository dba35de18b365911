/**
 * cli-table3 without borders or padding: columns sized to their widest value and separated by
 * `gap`, one line per row, so the output lines up and still splits on whitespace (`cpus`, the
 * profile's `perf kvm stat`-style tables).
 */
import Table from 'cli-table3';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
};

export function borderlessTable(head: string[], colAligns: Table.HorizontalAlignment[], gap = ' '): InstanceType<typeof Table> {
  return new Table({
    chars: { ...NO_BORDERS, middle: gap },
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
    head,
    colAligns,
  });
}

/** The table's lines without trailing blanks. */
export function tableLines(t: InstanceType<typeof Table>): string[] {
  return t.toString().split('\n').map((l) => l.trimEnd());
}
