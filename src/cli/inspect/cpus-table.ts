/**
 * The root shell's `cpus` table. cli-table3 sizes every column to its widest value, so the
 * columns line up whatever the cell names and counter magnitudes (hand-padded columns drifted as
 * soon as a counter grew a digit). No borders: each CPU stays one line, greppable and splittable
 * on whitespace (CPU, MPIDR, STATE, ONLINE ... as before); counters are right-aligned.
 */
import type { CpuView } from './inspect.js';
import { borderlessTable, tableLines } from '../plain-table.js';
import { otherExits } from './exit-counters.js';

/** The per_cpu vmexit counters in the hypervisor's order (STAT_NAMES) and their column titles. */
const EXIT_COLUMNS: readonly [key: string, title: string][] = [
  ['vmexits_total', 'EXITS'],
  ['vmexits_mmio', 'MMIO'],
  ['vmexits_management', 'MGMT'],
  ['vmexits_hypercall', 'HCALL'],
  ['vmexits_maintenance', 'MAINT'],
  ['vmexits_virt_irq', 'VIRQ'],
  ['vmexits_virt_sgi', 'VSGI'],
  ['vmexits_psci', 'PSCI'],
  ['vmexits_smccc', 'SMCCC'],
];

/**
 * The table, one line per CPU after the header, without trailing blanks; a CPU whose guest sits
 * in its EL1 vector table gets one more line, indented, saying what sent it there.
 */
export function cpusTable(views: readonly CpuView[], cellOf: (v: CpuView) => string): string {
  const head = ['CPU', 'MPIDR', 'STATE', 'ONLINE', 'HYP', 'CELL', ...EXIT_COLUMNS.map(([, t]) => t), 'OTHER', 'ISO', ' GUEST'];
  const t = borderlessTable(head, head.map((_, i) => (i >= 6 && i < head.length - 1 ? 'right' : 'left')));
  for (const v of views) {
    const exits = EXIT_COLUMNS.map(([k]) => (v.vmexits ? (v.vmexits[k] ?? 0) : '-'));
    // OTHER: what vmexits_total counts beyond the categories (trapped ICC_SGI1R_EL1 writes).
    exits.push(v.vmexits ? otherExits(v.vmexits) : '-');
    const g = v.guest;
    // The guest column starts two blanks after ISO, so "ISO  pc 0x... ELn" reads as two values.
    const guest = g ? ` pc 0x${g.pc.toString(16)} EL${g.el}` : '';
    t.push([v.cpu, `0x${v.mpidr.toString(16).padStart(6, '0')}`, v.state, v.online ? 'yes' : 'no', v.hypervisor ? 'yes' : 'no', cellOf(v), ...exits, v.isolationViolations, guest]);
  }
  const rows = tableLines(t);
  const out = [rows[0]!];
  views.forEach((v, i) => {
    out.push(rows[i + 1]!);
    const vec = v.guest?.vector;
    if (vec) {
      const insn = vec.insn === null ? 'not fetchable' : `0x${vec.insn.toString(16).padStart(8, '0')}`;
      out.push(`       in its EL1 vector table: ESR_EL1 0x${vec.esr.toString(16)}, ELR_EL1 0x${vec.elr.toString(16)}, FAR_EL1 0x${vec.far.toString(16)}, instruction at ELR ${insn}`);
    }
  });
  return `${out.join('\n')}\n`;
}
