// Configure once (issue 12): blockgate.json (found in the working directory or a parent, or
// named by --config or BLOCKGATE_CONFIG), BLOCKGATE_* variables, and flags. Flags beat the
// environment, the environment beats the file. Fail closed: an unknown key, a wrong type or an
// empty value is an error, never ignored; a config that is a link, a directory or a FIFO is one too.

import { isPostgresUrl } from '../load/locator.js';
import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BlockgateError, problem, type Problem } from '../errors.js';
import { readTextFile, STDIN_PATH } from '../load/files.js';
import { escapePointer, parseJson, type ParsedJson } from '../load/json.js';
import { compileValidator } from '../schema/ajv.js';
import { quoted } from '../quote.js';
import {
  CONFIG_ENV, CONFIG_FILE_NAME, SETTINGS, type FlagValues, type SettingKey, type SettingSpec, type Settings, type SettingSource,
} from './settings.js';
import { fastGlob as fg } from '../load/lazy-module.js';

const nonEmptyString = { type: 'string', minLength: 1 } as const;

export const configSchema = {
  $id: 'blockgate/config',
  type: 'object',
  additionalProperties: false,
  properties: {
    blockers: { type: ['string', 'array'], minLength: 1, minItems: 1, items: nonEmptyString },
    ledger: nonEmptyString,
    trust: nonEmptyString,
    catalog: nonEmptyString,
    ledger_head: nonEmptyString,
    bundle: nonEmptyString,
    format: nonEmptyString,
    decision_log: nonEmptyString,
  },
} as const;

const validateConfig = compileValidator(configSchema, 'config-schema');

/** How the config file in use was found. */
export type ConfigOrigin = 'flag' | 'env' | 'search';

export interface ConfigFile {
  /** The path as it is named in messages: as given, or as found by the search. */
  path: string;
  origin: ConfigOrigin;
}

export interface EffectiveConfig {
  /** The config file read, or null when there is none. */
  file: ConfigFile | null;
  settings: Settings;
}

export interface ConfigInputs {
  /** Where the search starts and relative names are resolved from. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--config FILE`, when given. */
  configFlag?: string;
  /** The setting flags the command line gave. */
  flags?: FlagValues;
}

const configError = (code: 'config-parse' | 'config-schema', message: string, file?: string, line?: number) =>
  new BlockgateError(code, message, file === undefined ? {} : { file, ...(line === undefined ? {} : { line }) });

/**
 * The effective settings: each flag given, else its BLOCKGATE_* variable, else the config file's
 * key. Throws config-parse / config-schema (invalid input) naming the file and line, or the variable.
 */
export function resolveConfig(inputs: ConfigInputs): EffectiveConfig {
  const flags = inputs.flags ?? {};
  const file = findConfigFile(inputs);
  const fromFile = file === null ? {} : readConfigFile(file.path, inputs.cwd);
  const settings: Settings = {};
  for (const spec of SETTINGS) {
    const key = spec.key as SettingKey;
    const flag = flags[key];
    if (flag !== undefined) {
      set(settings, key, flag, { from: 'flag', flag: spec.flag });
      continue;
    }
    const fromEnv = envValue(spec, inputs.env);
    if (fromEnv !== undefined) set(settings, key, fromEnv, { from: 'env', name: spec.env });
    else if (fromFile[key] !== undefined) settings[key] = fromFile[key] as never;
  }
  return { file, settings };
}

function set(settings: Settings, key: SettingKey, value: string | string[], source: SettingSource): void {
  (settings as Record<string, unknown>)[key] = { value, source };
}

/** --config, else BLOCKGATE_CONFIG, else the nearest blockgate.json from cwd up to the root. */
export function findConfigFile({ cwd, env, configFlag }: Pick<ConfigInputs, 'cwd' | 'env' | 'configFlag'>): ConfigFile | null {
  if (configFlag !== undefined) {
    if (configFlag === '') throw configError('config-parse', '--config is empty; name a config file');
    return { path: configFlag, origin: 'flag' };
  }
  const named = env[CONFIG_ENV];
  if (named !== undefined) {
    if (named === '') throw configError('config-schema', `${CONFIG_ENV} is set but empty; unset it or name a config file`);
    return { path: named, origin: 'env' };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (present(candidate)) return { path: candidate, origin: 'search' };
    if (dirname(dir) === dir) return null;
  }
}

/** Whether anything (a file, a link, a directory, ...) is at `path`; a search that cannot tell is an error. */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw configError('config-parse', `${path}: cannot tell whether a config file is here: ${code ?? String(e)}`, path);
  }
}

/**
 * Reads and checks one config file; its relative paths resolved against its own directory.
 * The values carry their file and line as their source.
 */
export function readConfigFile(path: string, cwd: string): Settings {
  refuseLink(path);
  const text = readTextFile(resolve(cwd, path), 'config-parse', path);
  const doc = parseJson(text, path, { code: 'config-parse' });
  const problems = [...unknownKeys(doc, path), ...validateConfig(doc, path).filter((p) => !p.message.includes(': unknown field "'))];
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  const dir = dirname(resolve(cwd, path));
  const given = doc.value as Record<string, string | string[]>;
  const settings: Settings = {};
  for (const spec of SETTINGS) {
    const raw = given[spec.key];
    if (raw === undefined) continue;
    const source: SettingSource = { from: 'file', file: path, line: doc.lineOf(`/${escapePointer(spec.key)}`) };
    set(settings, spec.key, fileValue(spec, raw, dir, doc, path), source);
  }
  return settings;
}

const KNOWN_KEYS: readonly string[] = SETTINGS.map((s) => s.key);

/** Each unknown key at its own line, with the key it most likely meant (ajv would name the object's line). */
function unknownKeys(doc: ParsedJson, path: string): Problem[] {
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value).filter((k) => !KNOWN_KEYS.includes(k)).map((key) => {
    const near = KNOWN_KEYS.find((k) => closeTo(key, k));
    const hint = near === undefined ? '' : ` (did you mean ${quoted(near)}?)`;
    return problem('config-schema', path, doc.lineOf(`/${escapePointer(key)}`), `unknown key ${quoted(key)}${hint}; known: ${KNOWN_KEYS.join(', ')}`);
  });
}

/** Same letters but one, or a dash for an underscore: a likely misspelling. */
function closeTo(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/-/g, '_');
  if (x === b) return true;
  if (Math.abs(x.length - b.length) > 1) return false;
  let i = 0;
  while (i < x.length && x[i] === b[i]) i++;
  const rest = (s: string, n: number) => s.slice(i + n);
  return rest(x, 1) === rest(b, 1) || rest(x, 1) === rest(b, 0) || rest(x, 0) === rest(b, 1) || (x[i] === b[i + 1] && x[i + 1] === b[i] && rest(x, 2) === rest(b, 2));
}

/** A config file that is a symbolic link is refused: the file read is the one named. */
function refuseLink(path: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    return; // reading it says what is wrong (not found, permission denied)
  }
  if (isLink) {
    throw configError('config-parse', `${path}: a symbolic link; a config file must be a regular file (name the file it points to)`, path);
  }
}

function fileValue(spec: SettingSpec, raw: string | string[], dir: string, doc: ParsedJson, path: string): string | string[] {
  const pointer = `/${escapePointer(spec.key)}`;
  const refuseStdin = (value: string, at: string) => {
    if (value === STDIN_PATH) {
      throw BlockgateError.fromProblems([problem('config-schema', path, doc.lineOf(at), `${at}: "-" (standard input) can be given only as a flag`)]);
    }
  };
  if (spec.kind === 'text') return raw as string;
  // A PostgreSQL URL (SPEC 7) is taken as written; anything else is a path from the config's folder.
  if (spec.kind === 'store' && isPostgresUrl(raw as string)) return raw as string;
  if (spec.kind === 'path' || spec.kind === 'store') {
    refuseStdin(raw as string, pointer);
    return resolve(dir, raw as string);
  }
  const list = typeof raw === 'string' ? [raw] : raw;
  return list.map((pattern, i) => {
    refuseStdin(pattern, typeof raw === 'string' ? pointer : `${pointer}/${i}`);
    return resolvePattern(dir, pattern);
  });
}

/**
 * A blocker path or glob relative to the file's directory. An existing path is taken as it is;
 * a pattern gets the directory escaped, so a `[` or `*` in a folder name is not a glob.
 */
export function resolvePattern(dir: string, pattern: string): string {
  if (isAbsolute(pattern)) return pattern;
  const literal = resolve(dir, pattern);
  if (!fg().isDynamicPattern(dir) || !fg().isDynamicPattern(pattern)) return literal;
  return `${fg().escapePath(dir)}/${pattern}`;
}

/** A BLOCKGATE_* variable's value; set but empty (or an empty list item) is an error. */
function envValue(spec: SettingSpec, env: Record<string, string | undefined>): string | string[] | undefined {
  const value = env[spec.env];
  if (value === undefined) return undefined;
  if (value === '') throw configError('config-schema', `${spec.env} is set but empty; unset it or give a value`);
  if (value === STDIN_PATH) throw configError('config-schema', `${spec.env} is "-": standard input can be given only as a flag`);
  if (spec.kind !== 'paths') return value;
  const parts = value.split(':');
  if (parts.some((p) => p === '')) {
    throw configError('config-schema', `${spec.env} ${quoted(value)} has an empty entry; separate blocker paths or patterns with a single ':'`);
  }
  return parts;
}
