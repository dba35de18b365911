/**
 * Progress bars for long commands (cli-progress), on stderr and only when stderr is a terminal:
 * piped or redirected output stays free of bar redraws.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, payload?: Record<string, string>): void;
  stop(): void;
}

/**
 * A bar of `total` steps named `label` (or laid out by cli-progress `format`); `phase` shows the
 * payload's phase. Undefined when stderr is not a terminal or `quiet` (e.g. --json with stderr
 * shared with the report).
 */
export function progressBar(label: string, total: number, opts: { quiet?: boolean; unit?: string; phase?: boolean; format?: string } = {}): Progress | undefined {
  if (opts.quiet || !process.stderr.isTTY || total <= 0) return undefined;
  const format = opts.format ?? `${label} [{bar}] {percentage}% | {value}/{total}${opts.unit ? ` ${opts.unit}` : ''}${opts.phase ? ' | {phase}' : ''} | {eta_formatted} left`;
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true, etaBuffer: 20, formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? String(Math.round(v)) : String(v)) }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, opts.phase ? { phase: '' } : undefined);
  return {
    update: (v, payload) => bar.update(v, payload),
    stop: () => bar.stop(),
  };
}
