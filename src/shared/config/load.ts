/**
 * Loading configuration files (JSON or binary `.cell`) and validating JSON values, with errors
 * that name file, field and value (errors.ts), and adapting the root CPU set to the board.
 */
import { readFileSync } from 'node:fs';
import { decodeCellConfig, decodeSystemConfig } from './decode.js';
import { serializeCellConfig, serializeSystemConfig } from './serialize.js';
import { CellConfigSchema, SystemConfigSchema, type CellConfig, type SystemConfig } from './schema.js';
import { ConfigError, zodToConfigError } from './errors.js';

/** Validates a JSON value as a system config; throws ConfigError. */
export function parseSystemConfig(json: unknown, file = '<config>'): SystemConfig {
  const r = SystemConfigSchema.safeParse(json, { reportInput: true });
  if (!r.success) throw zodToConfigError(file, r.error.issues);
  return r.data;
}

/** Validates a JSON value as a (non-root) cell config; throws ConfigError. */
export function parseCellConfig(json: unknown, file = '<config>'): CellConfig {
  const r = CellConfigSchema.safeParse(json, { reportInput: true });
  if (!r.success) throw zodToConfigError(file, r.error.issues);
  return r.data;
}

/** Result of loading a configuration file. */
export interface LoadedConfig<T> {
  /** Normalised configuration. */
  config: T;
  /** The blob handed to the driver: serialised JSON, or a binary file's bytes unchanged. */
  bytes: Uint8Array;
  /** The path as given. */
  file: string;
}

function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(file, '', undefined, `cannot read file: ${err.code ?? err.message}`);
  }
}

/** JSON if named *.json or if the first non-blank byte is '{' or '['; anything else is a binary blob. */
function looksLikeJson(file: string, bytes: Uint8Array): boolean {
  if (/\.json$/i.test(file)) return true;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b || bytes[i] === 0x5b;
}

function parseJsonText(file: string, bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8').decode(bytes);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ConfigError(file, '', undefined, `invalid JSON: ${(e as Error).message}`);
  }
}

function load<T>(
  file: string,
  raw: Uint8Array,
  parse: (json: unknown, file: string) => T,
  serialize: (c: T) => Uint8Array,
  decode: (b: Uint8Array) => T,
): LoadedConfig<T> {
  if (looksLikeJson(file, raw)) {
    const config = parse(parseJsonText(file, raw), file);
    let bytes: Uint8Array;
    try {
      bytes = serialize(config);
    } catch (e) {
      throw new ConfigError(file, '', undefined, (e as Error).message);
    }
    return { config, bytes, file };
  }
  let config: T;
  try {
    config = decode(raw);
  } catch (e) {
    throw new ConfigError(file, '', raw.length, (e as Error).message);
  }
  return { config, bytes: raw, file };
}

/**
 * Loads a system configuration: JSON (validated, then serialised) or a binary blob (size-checked
 * by decoding; the bytes are returned unchanged so bad signatures etc. reach the driver). `raw`:
 * the file's contents when the caller has read them already (else the file is read here).
 */
export function loadSystemConfig(file: string, raw: Uint8Array = readBytes(file)): LoadedConfig<SystemConfig> {
  return load(file, raw, parseSystemConfig, serializeSystemConfig, decodeSystemConfig);
}

/** Loads a cell configuration (JSON or binary `.cell`); see loadSystemConfig. */
export function loadCellConfig(file: string, raw: Uint8Array = readBytes(file)): LoadedConfig<CellConfig> {
  return load(file, raw, parseCellConfig, serializeCellConfig, decodeCellConfig);
}

// ---------------------------------------------------------------------------------------------
// Adapting
// ---------------------------------------------------------------------------------------------

/**
 * A copy of `config` whose root cell CPU set is 0..cpus-1 (cpu_set_size grows in 8-byte steps
 * if needed). Used to run the shipped 4-CPU config on boards with another CPU count.
 */
export function adaptRootCpuSet(config: SystemConfig, cpus: number): SystemConfig {
  if (!Number.isInteger(cpus) || cpus < 1) throw new RangeError(`adaptRootCpuSet: invalid CPU count ${cpus}`);
  const copy = structuredClone(config);
  copy.root_cell.cpus = Array.from({ length: cpus }, (_, i) => i);
  const needed = Math.ceil(cpus / 64) * 8;
  if (copy.root_cell.cpu_set_size < needed) copy.root_cell.cpu_set_size = needed;
  return copy;
}
