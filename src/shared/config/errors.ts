/**
 * Configuration errors: what is wrong where (file, field, value), and zod's issues turned into
 * those problems.
 */
import type { z } from 'zod';

/** One problem found in a configuration. */
export interface ConfigProblem {
  /** Dotted path, e.g. `root_cell.memory_regions.3.flags` ('' = the file as a whole). */
  field: string;
  /** The offending value (undefined if missing). */
  value: unknown;
  /** What is wrong, e.g. `unknown flag "REED"`. */
  reason: string;
}

/** Dotted path -> display form: `root_cell.memory_regions.3.flags` -> `root_cell.memory_regions[3].flags`. */
export function displayField(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/**
 * A configuration could not be used. The message names file, field and offending value, e.g.
 * `configs/x.json: root_cell.memory_regions[3].flags: unknown flag "REED"`.
 */
export class ConfigError extends Error {
  readonly file: string;
  readonly field: string;
  readonly value: unknown;
  readonly reason: string;
  /** All problems found (the first one is the one in file/field/value/reason). */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, field: string, value: unknown, reason: string, more: readonly ConfigProblem[] = []) {
    const line = (p: ConfigProblem) => `${file}: ${p.field ? `${displayField(p.field)}: ` : ''}${p.reason}`;
    const first = { field, value, reason };
    const shown = more.slice(0, 9);
    let message = line(first);
    for (const p of shown) message += `\n${line(p)}`;
    if (more.length > shown.length) message += `\n${file}: (${more.length - shown.length} more problems)`;
    super(message);
    this.name = 'ConfigError';
    this.file = file;
    this.field = field;
    this.value = value;
    this.reason = reason;
    this.problems = [first, ...more];
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length <= 8 ? JSON.stringify(v) : 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

type Issue = z.core.$ZodIssue;

function issueProblems(issue: Issue, basePath: PropertyKey[] = []): ConfigProblem[] {
  const path = [...basePath, ...issue.path];
  const field = path.map(String).join('.');
  const value = issue.input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const obj = (value ?? {}) as Record<string, unknown>;
      return issue.keys.map((k) => ({
        field: field ? `${field}.${k}` : k,
        value: obj[k],
        reason: `unknown key ${JSON.stringify(k)}`,
      }));
    }
    case 'invalid_union': {
      // A branch whose errors are all nested matched the value's shape: report those.
      const nested = issue.errors.find((errs) => errs.length > 0 && errs.every((e) => e.path.length > 0));
      if (nested) return nested.flatMap((e) => issueProblems(e, path));
      const expected = [
        ...new Set(issue.errors.flatMap((errs) => errs.filter((e) => e.code === 'invalid_type').map((e) => (e as { expected: string }).expected))),
      ];
      const custom = issue.errors.flat().find((e) => e.code === 'custom');
      if (custom) return issueProblems(custom, path);
      const reason =
        value === undefined
          ? 'missing required field'
          : `expected ${expected.length ? expected.join(' or ') : 'a different value'}, got ${show(value)}`;
      return [{ field, value, reason }];
    }
    case 'invalid_type':
      return [
        {
          field,
          value,
          reason: value === undefined ? 'missing required field' : `expected ${issue.expected}, got ${show(value)}`,
        },
      ];
    case 'custom':
      return [{ field, value, reason: issue.message }];
    default:
      return [{ field, value, reason: `${issue.message} (got ${show(value)})` }];
  }
}

export function zodToConfigError(file: string, issues: readonly Issue[]): ConfigError {
  const problems = issues.flatMap((i) => issueProblems(i));
  const [first, ...more] = problems;
  if (!first) return new ConfigError(file, '', undefined, 'invalid configuration');
  return new ConfigError(file, first.field, first.value, first.reason, more);
}
