/**
 * A profile as one self-contained HTML file: the data as JSON, uPlot (its minified build and CSS
 * copied in from node_modules) and a small script that draws exits per second by reason over
 * time (all CPUs, then each CPU) and fills the tables — the per-reason report, per-cell totals,
 * top MMIO addresses, IRQs and calls. It needs no network to open.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BIN_MS, type ProfileData } from './profile-collector.js';
import { REASON_NAMES } from './profile-names.js';
import type { ProfileReport } from './profile-report.js';

const require = createRequire(import.meta.url);

function uplotAssets(): { js: string; css: string } {
  const js = require.resolve('uplot/dist/uPlot.iife.min.js');
  return { js: readFileSync(js, 'utf8'), css: readFileSync(js.replace(/uPlot\.iife\.min\.js$/, 'uPlot.min.css'), 'utf8') };
}

/** What the page's script draws: per series (name, values per bin), per chart. */
export interface HtmlChart {
  title: string;
  series: { name: string; values: number[] }[];
}

/** The charts: all CPUs by reason, then one per CPU that had exits. */
export function htmlCharts(d: ProfileData): HtmlChart[] {
  const bins = Math.max(1, Math.ceil((d.end - d.start) / BIN_MS));
  const perSec = (n: number): number => (n * 1000) / BIN_MS;
  const reasonSeries = (cpus: number[]): HtmlChart['series'] =>
    REASON_NAMES.map((name, reason) => ({ name, values: Array.from({ length: bins }, (_, b) => perSec(cpus.reduce((s, cpu) => s + (d.bins[cpu]![reason]![b] ?? 0), 0))) }))
      .filter((s) => s.values.some((v) => v > 0));
  const all = Array.from({ length: d.nrCpus }, (_, i) => i);
  const charts: HtmlChart[] = [{ title: 'exits/s, all CPUs, by reason', series: reasonSeries(all) }];
  for (const cpu of all) {
    const s = reasonSeries([cpu]);
    if (s.length) charts.push({ title: `exits/s, CPU ${cpu}, by reason`, series: s });
  }
  return charts;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function htmlTable(head: string[], rows: (string | number)[][]): string {
  return `<table class="report"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

// The page's script: one uPlot per chart; data-rendered on <body> says how many it drew.
const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('profile-data').textContent);
const palette = ['#4e79a7','#f28e2b','#e15759','#76b7b2','#59a14f','#edc948','#b07aa1','#ff9da7','#9c755f'];
let drawn = 0;
for (const [i, chart] of data.charts.entries()) {
  const div = document.createElement('div');
  div.className = 'chart';
  div.dataset.title = chart.title;
  document.getElementById('charts').appendChild(div);
  const n = chart.series.length ? chart.series[0].values.length : 0;
  const xs = Array.from({ length: n }, (_, b) => (b * data.binMs) / 1000);
  new uPlot({
    title: chart.title, width: 900, height: 260,
    scales: { x: { time: false } },
    axes: [{ label: 'seconds' }, { label: 'exits/s' }],
    series: [{ label: 's' }, ...chart.series.map((s) => ({ label: s.name, stroke: palette[data.reasons.indexOf(s.name) % palette.length], width: 1.5 }))],
  }, [xs, ...chart.series.map((s) => s.values)], div);
  drawn++;
}
document.body.dataset.rendered = String(drawn);
`;

export function htmlReport(d: ProfileData, r: ProfileReport): string {
  const { js, css } = uplotAssets();
  const charts = htmlCharts(d);
  const payload = JSON.stringify({ binMs: BIN_MS, reasons: REASON_NAMES, charts }).replace(/</g, '\\u003c');
  const all = r.sections.find((s) => s.scope === 'all')!;
  const reasonRows = all.rows.map((x) => [x.reason, x.samples, `${x.samples_pct.toFixed(2)}%`, `${x.time_pct.toFixed(2)}%`, x.min_us.toFixed(2), x.max_us.toFixed(2), x.avg_us.toFixed(2)]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jhsim profile</title>
<style>${css}
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
table.report td,table.report th{border:1px solid #ccc;padding:2px 8px;text-align:right}table.report th{background:#f3f3f3}table.report td:first-child,table.report th:first-child{text-align:left}
.chart{margin-bottom:1em}</style></head>
<body data-rendered="0">
<h1>jhsim profile</h1>
<p>${r.exits} vmexits in ${r.duration_s.toFixed(2)} s on ${d.nrCpus} CPUs; records dropped by full rings: ${r.ring_dropped}; records not kept for the trace: ${r.trace_dropped}. Times are the hypervisor's handling time per exit (µs).</p>
<h2>Exits per second</h2><div id="charts"></div>
<h2>Exit reasons (all CPUs, all cells)</h2>
${htmlTable(['reason', 'samples', 'samples %', 'time %', 'min µs', 'max µs', 'avg µs'], reasonRows)}
<h2>Per cell</h2>
${htmlTable(['cell', 'exits', 'handling time µs'], r.cells.map((c) => [c.cell, c.exits, c.time_us]))}
<h2>Top MMIO addresses</h2>
${htmlTable(['address', 'handler', 'reads', 'writes', 'avg µs'], r.mmio.map((m) => [m.address, m.handler, m.reads, m.writes, m.avg_us.toFixed(2)]))}
<h2>Top IRQ exits (first INTID)</h2>
${htmlTable(['INTID', 'samples', 'avg µs'], r.irqs.map((i) => [i.intid, i.samples, i.avg_us.toFixed(2)]))}
<h2>Hypercalls and SMC calls</h2>
${htmlTable(['call', 'samples', 'avg µs', 'max µs'], r.calls.map((c) => [c.call, c.samples, c.avg_us.toFixed(2), c.max_us.toFixed(2)]))}
<script id="profile-data" type="application/json">${payload}</script>
<script>${js}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
