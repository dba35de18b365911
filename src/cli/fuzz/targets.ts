/** The fuzz targets by name, in the order a campaign runs them (cheap and broad ones first). */
import { cellConfigTarget } from './target-cell-config.js';
import { guestCodeTarget } from './target-guest-code.js';
import { imageTarget } from './target-image.js';
import { shellTarget } from './target-shell.js';
import { systemConfigTarget } from './target-system-config.js';
import { tlpTarget } from './target-tlp.js';
import { TARGET_NAMES, type FuzzTarget, type TargetName } from './types.js';

const ALL: readonly FuzzTarget[] = [tlpTarget, cellConfigTarget, systemConfigTarget, imageTarget, shellTarget, guestCodeTarget];

export const TARGETS: ReadonlyMap<TargetName, FuzzTarget> = new Map(TARGET_NAMES.map((n) => [n, ALL.find((t) => t.name === n)!]));

/** Targets in campaign order. */
export function orderedTargets(names: readonly TargetName[]): FuzzTarget[] {
  return ALL.filter((t) => names.includes(t.name));
}
