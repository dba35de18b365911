/**
 * What a stress run leaves on disk: its schedule file (a controlled run, written to --record if
 * asked) and, for a failure, its failure bundle. The same for one run and for the failing
 * schedule of an exhaustive search.
 */
import type { GlobalOptions } from '../machine-options.js';
import { defaultBundleDir, writeBundle } from '../replay/bundle.js';
import { makeScheduleFile, writeScheduleFile } from '../replay/schedule-file.js';
import type { StressCliOptions } from './stress-options.js';
import type { StressResult } from './stress.js';

/** Writes --record's schedule file, and the bundle when `bundleIt` (unless --no-bundle); returns the bundle. */
export function saveRun(g: GlobalOptions, o: StressCliOptions, seed: number, rerun: string, res: StressResult, bundleIt: boolean): { dir: string; replay: string } | undefined {
  const schedFile = res.controlled ? makeScheduleFile(g, { ...o, seed: String(seed) }, rerun, res) : undefined;
  if (schedFile && o.record !== undefined) writeScheduleFile(o.record, schedFile);
  return bundleIt && o.bundle !== false ? writeBundle(o.bundle ?? defaultBundleDir(seed, o.schedule), res, rerun, schedFile) : undefined;
}
