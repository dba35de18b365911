/**
 * The vmexit counters as the CLI explains them: Jailhouse's arm64 vmexits_total is not the sum
 * of its categories, so every place that shows a total also shows the rest as `other`.
 */

/**
 * vmexits_total minus the categories: exits counted only in the total (on arm64 the trapped
 * ICC_SGI1R_EL1 writes, as upstream counts them, and fatal traps).
 */
export function otherExits(c: Record<string, number>): number {
  return (c.vmexits_total ?? 0) - Object.entries(c).reduce((s, [k, v]) => (k === 'vmexits_total' ? s : s + v), 0);
}

/** The line that explains `other` under a table. */
export const OTHER_NOTE = 'other = vmexits_total minus the categories: exits counted only in the total (trapped ICC_SGI1R_EL1 writes, as upstream counts them)';

