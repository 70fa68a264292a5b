// The library's arguments checked as strictly as the command line's flags: a typo, a string
// for a list or "false" for a boolean is a BlockgateError, never quietly read another way.

import { BlockgateError, type ErrorCode } from '../errors.js';
import { quoted } from '../quote.js';
import type { StdinReader } from '../load/files.js';
import { isCheckedBundle, type SealedBundle } from '../engine/bundle.js';
import type { GateOptions, MatrixOptions, Request, WhatIfOptions } from './types.js';
import { editDistance as distance } from '../schema/closest-name.js';

/** What a value is, in a message: `"false" (a string)`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  switch (typeof value) {
    case 'string': return `${quoted(value)} (a string)`;
    case 'number': return `${String(value)} (a number)`;
    case 'boolean': return `${String(value)} (a boolean)`;
    case 'undefined': return 'undefined';
    case 'function': return 'a function';
    case 'bigint': return `${String(value)}n (a bigint)`;
    case 'symbol': return 'a symbol';
    default: return 'an object';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function suggestion(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const close = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => distance(k.toLowerCase(), lower) <= 2);
  return close === undefined ? '' : ` (did you mean ${close}?)`;
}

/**
 * The own keys of an options object that are set (a key whose value is undefined is absent),
 * after refusing anything that is not a plain object and any key not in `known`.
 */
function ownOptions(value: unknown, known: readonly string[], what: string, code: ErrorCode, shape: string): Record<string, unknown> {
  if (!isRecord(value)) throw new BlockgateError(code, `${what} must be an object ${shape}, not ${describeValue(value)}`);
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string' || !known.includes(key)) {
      const name = typeof key === 'string' ? quoted(key) : 'a symbol key';
      throw new BlockgateError(code, `${what}: unknown option ${name}${typeof key === 'string' ? suggestion(key, known) : ''}; known: ${known.join(', ')}`);
    }
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Unicode control characters (Cc): refused in names, where they would print as something else or hide a separator. */
const CONTROL = /\p{Cc}/u;

/** A request's action, environment or target: no control characters. */
export function requireNoControl(value: string, what: string): void {
  if (CONTROL.test(value)) throw new BlockgateError('bad-request', `${what} ${quoted(value)} must not contain control characters`);
}

function nonEmptyString(value: unknown, what: string, code: ErrorCode): string {
  if (typeof value !== 'string' || value === '') throw new BlockgateError(code, `${what} must be a non-empty string, not ${describeValue(value)}`);
  return value;
}

/**
 * A list option: an array of non-empty strings; a bare string is refused, not walked character
 * by character. Empty only where that reads one way (no revokes); elsewhere `whenEmpty` says why not.
 */
function stringList(value: unknown, what: string, code: ErrorCode, whenEmpty: string | null): string[] {
  if (typeof value === 'string') {
    throw new BlockgateError(code, `${what} must be an array of strings: pass [${quoted(value)}], not the bare string`);
  }
  if (!Array.isArray(value)) throw new BlockgateError(code, `${what} must be an array of non-empty strings, not ${describeValue(value)}`);
  if (value.length === 0 && whenEmpty !== null) throw new BlockgateError(code, `${what} is empty: ${whenEmpty}`);
  return value.map((item, i) => nonEmptyString(item, `${what}[${i}]`, code));
}

const GATE_OPTIONS = ['blockers', 'ledger', 'trust', 'catalog', 'insecureNoVerify', 'ledgerHead', 'bundleDir', 'bundleKey', 'stdin'] as const;

// Readers already made read-once, so a reload re-checking options does not wrap them again.
const onceReaders = new WeakSet<StdinReader>();

/**
 * Standard input is read once per gate and kept: a reload then sees the same map, where a
 * second read would find the stream at its end.
 */
function readOnce(stdin: StdinReader): StdinReader {
  if (onceReaders.has(stdin)) return stdin;
  let kept: ReturnType<StdinReader> | undefined;
  const reader: StdinReader = () => (kept ??= stdin());
  onceReaders.add(reader);
  return reader;
}

/** openGate's options, checked and copied (a caller changing its object later changes nothing). */
export function checkedGateOptions(options: unknown, what = 'openGate options'): GateOptions {
  const given = ownOptions(options, GATE_OPTIONS, what, 'usage', '{ blockers: [...], ledger?, trust?, ... }');
  if (!('blockers' in given)) throw new BlockgateError('usage', `${what}: blockers is required (an array of blocker map paths or glob patterns)`);
  const checked: GateOptions = { blockers: stringList(given.blockers, `${what}: blockers`, 'usage', 'name at least one blocker map path or glob pattern') };
  for (const key of ['ledger', 'trust', 'catalog', 'ledgerHead', 'bundleDir', 'bundleKey'] as const) {
    if (key in given) checked[key] = nonEmptyString(given[key], `${what}: ${key}`, 'usage');
  }
  if ('insecureNoVerify' in given) {
    const flag = given.insecureNoVerify;
    if (flag !== true && flag !== false) {
      throw new BlockgateError('usage', `${what}: insecureNoVerify must be true or false, not ${describeValue(flag)}`);
    }
    checked.insecureNoVerify = flag;
  }
  if ('stdin' in given) {
    if (typeof given.stdin !== 'function') {
      throw new BlockgateError('usage', `${what}: stdin must be a function that returns standard input's text or bytes, not ${describeValue(given.stdin)}`);
    }
    checked.stdin = readOnce(given.stdin as StdinReader);
  }
  return checked;
}

/**
 * A policy bundle handed to openGate or validateInputs: only one readSealedBundle checked (a
 * look-alike object is refused, never run), and never beside a bundleDir it might contradict.
 */
export function checkedBundle(bundle: unknown, options: GateOptions, what: string): SealedBundle | undefined {
  if (bundle === undefined) return undefined;
  if (!isCheckedBundle(bundle)) {
    throw new BlockgateError('usage', `${what}: the bundle must be one returned by readSealedBundle, not ${describeValue(bundle)}`);
  }
  if (options.bundleDir !== undefined) throw new BlockgateError('usage', `${what}: give a bundle or bundleDir, not both`);
  // A checked bundle was checked with its own key (readSealedBundle's keyFile), or with none.
  if (options.bundleKey !== undefined) throw new BlockgateError('usage', `${what}: give a bundle or bundleKey, not both (pass the key to readSealedBundle)`);
  return bundle;
}

const REQUEST_FIELDS = ['action', 'environment', 'target', 'at'] as const;

/**
 * A request's shape: an object with only its four fields, of their types. A missing or empty
 * action or environment stays `usage` (the flag that was not given); anything malformed is
 * `bad-request`; `at` is checked when it is resolved (`bad-time`).
 */
export function checkedRequest(request: unknown, what = 'the request'): Request {
  const given = ownOptions(request, REQUEST_FIELDS, what, 'bad-request', '{ action, environment, target?, at? }');
  const checked: Request = { action: nameField(given.action, `${what}: action`, 'an action is required (--action)'), environment: '' };
  checked.environment = nameField(given.environment, `${what}: environment`, 'an environment is required (--env)');
  const target = targetField(given.target, `${what}: target`);
  if (target !== null) checked.target = target;
  if ('at' in given) checked.at = given.at as Request['at'];
  return checked;
}

function nameField(value: unknown, what: string, missing: string): string {
  if (value === undefined || value === '') throw new BlockgateError('usage', missing);
  if (typeof value !== 'string') throw new BlockgateError('bad-request', `${what} must be a string, not ${describeValue(value)}`);
  requireNoControl(value, what);
  return value;
}

/** A target: a non-empty string without control characters, or null/absent for none. */
function targetField(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') {
    throw new BlockgateError('bad-request', `${what}, when given, must be a non-empty string, not ${describeValue(value)}`);
  }
  requireNoControl(value, what);
  return value;
}

const MATRIX_OPTIONS = ['at', 'target', 'actions', 'environments'] as const;
const WHAT_IF_OPTIONS = [...MATRIX_OPTIONS, 'add', 'revoke'] as const;

/** The cells' restriction, checked: option shapes are `usage`, a target is checked as a request's. */
function matrixPart(given: Record<string, unknown>, what: string): MatrixOptions {
  const checked: MatrixOptions = {};
  if ('at' in given) checked.at = given.at as Request['at'];
  const target = targetField(given.target, `${what}: target`);
  if (target !== null) checked.target = target;
  for (const key of ['actions', 'environments'] as const) {
    if (key in given) {
      const names = stringList(given[key], `${what}: ${key}`, 'usage', `name at least one, or leave ${key} out to take every one`);
      names.forEach((name, i) => requireNoControl(name, `${what}: ${key}[${i}]`));
      checked[key] = names;
    }
  }
  return checked;
}

/**
 * Gate.matrix's options; a bare time (RFC 3339 text, a Date or epoch milliseconds) is kept as
 * short for `{ at }`.
 */
export function checkedMatrixOptions(options: unknown, what = 'matrix options'): MatrixOptions {
  if (options === undefined) return {};
  if (typeof options === 'string' || typeof options === 'number' || options instanceof Date) return { at: options };
  return matrixPart(ownOptions(options, MATRIX_OPTIONS, what, 'usage', '{ at?, target?, actions?, environments? }'), what);
}

export function checkedWhatIfOptions(options: unknown, what = 'what-if options'): WhatIfOptions {
  if (options === undefined) return {};
  const given = ownOptions(options, WHAT_IF_OPTIONS, what, 'usage', '{ add?, revoke?, at?, target?, actions?, environments? }');
  const checked: WhatIfOptions = matrixPart(given, what);
  if ('add' in given) checked.add = nonEmptyString(given.add, `${what}: add`, 'usage');
  if ('revoke' in given) checked.revoke = stringList(given.revoke, `${what}: revoke`, 'usage', null);
  return checked;
}
