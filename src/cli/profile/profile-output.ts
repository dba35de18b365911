/**
 * Where a profile goes: FILE (the Chrome/Perfetto trace, JSON), FILE with .html (the report) and
 * .txt (the tables). `--profile out` and `--profile out.json` both give out.json, out.html and
 * out.txt.
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Errno, ErrnoError } from '../../shared/errno.js';
import { chromeTrace } from './perfetto.js';
import { htmlReport } from './html-report.js';
import { buildReport, reportText, type ProfileReport } from './profile-report.js';
import type { ProfileData } from './profile-collector.js';
import { fileError } from '../file-errors.js';

export interface ProfileFiles {
  trace: string;
  html: string;
  text: string;
}

export function profileFiles(file: string): ProfileFiles {
  const base = file.replace(/\.json$/i, '');
  return { trace: `${base}.json`, html: `${base}.html`, text: `${base}.txt` };
}

/** Refuses, before anything runs, a profile whose files cannot be written (the folder is missing or read-only). */
export function checkProfileTarget(file: string): void {
  if (file === '') throw new ErrnoError(Errno.EINVAL, '--profile: give a file name');
  const dir = dirname(resolve(file));
  try {
    if (!statSync(dir).isDirectory()) throw new ErrnoError(Errno.ENOTDIR, `--profile ${file}: ${dir} is not a directory (ENOTDIR)`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof ErrnoError) throw e;
    throw fileError(`--profile ${file}: folder ${dir}`, e);
  }
}

/**
 * Writes the three files; a file that cannot be written is an error naming it. The tables are
 * `report` (a filtered one, from `jhsim profile --cpu/--cell/--event`), else the whole profile's,
 * which the HTML report always shows.
 */
export function writeProfile(d: ProfileData, file: string, report?: ProfileReport): ProfileFiles {
  const f = profileFiles(file);
  const whole = buildReport(d);
  const put = (path: string, text: string): void => {
    try {
      writeFileSync(path, text);
    } catch (e) {
      throw fileError(`--profile ${path}`, e);
    }
  };
  put(f.trace, JSON.stringify(chromeTrace(d)));
  put(f.html, htmlReport(d, whole));
  put(f.text, reportText(report ?? whole));
  return f;
}

/** The line that says where a profile's files went. */
export function profileFilesLine(f: ProfileFiles): string {
  return `profile: trace ${f.trace} (open in ui.perfetto.dev or chrome://tracing), report ${f.html}, tables ${f.text}\n`;
}

/** Writes the profile (writeProfile) and tells `say` where the files went. */
export function saveProfile(d: ProfileData, file: string, say: (line: string) => void): ProfileFiles {
  const f = writeProfile(d, file);
  say(profileFilesLine(f));
  return f;
}
