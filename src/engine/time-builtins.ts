// Deterministic time builtins for the WASM bundle (SPEC 6). OPA's WASM target lacks time.*, so a
// bundle whose rules call them imports them and this host supplies them: time.now_ns() is the
// request's `at`, never the wall clock, and the others compute what OPA's Go implementation
// (topdown/time.go, Go's time package) computes, in UTC or a named IANA zone.
//
// Exactness: a nanosecond time (~1.7e18) is beyond 2^53. opa-wasm gives custom builtins their
// arguments through JSON.parse, which rounds such numbers to doubles, so these builtins are not
// handed to opa-wasm: loadClockedPolicy instantiates the module with imports of its own, reads
// each argument's text from WASM memory and writes each result as text, so no time ever passes
// through a double. opa-wasm's LoadedPolicy still runs every evaluation, and its JavaScript
// builtins (sprintf, regex.split, ...) are called exactly as opa-wasm calls them.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as opaWasm from '@open-policy-agent/opa-wasm';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';

/** The time builtins this host implements. */
export const TIME_BUILTIN_NAMES = [
  'time.now_ns', 'time.date', 'time.clock', 'time.weekday', 'time.add_date', 'time.diff', 'time.parse_rfc3339_ns',
] as const;
export type TimeBuiltinName = (typeof TIME_BUILTIN_NAMES)[number];

/** A builtin as it crosses the WASM boundary: its arguments' texts in, its result's JSON text out. */
export type TimeBuiltin = (...args: string[]) => string;

/**
 * A time builtin that fails (a bad operand, an unknown zone, a time out of range). It makes the
 * evaluation fail, as OPA's builtin errors do with --strict-builtin-errors: never a default.
 */
export class TimeBuiltinError extends Error {
  constructor(readonly builtin: TimeBuiltinName, detail: string) {
    super(`${builtin}: ${detail}`);
    this.name = 'TimeBuiltinError';
  }
}

// ---------------------------------------------------------------------------------------------
// Values as the policy dumps them (opa_value_dump: Rego syntax, so a set is not taken for an
// array), with numbers kept as their text.

class RegoNumber { constructor(readonly text: string) {} }
/** An object or a set: no time builtin takes one, so only the kind is kept. */
class RegoCollection { constructor(readonly kind: 'object' | 'set') {} }
type RegoValue = null | boolean | string | RegoNumber | RegoCollection | RegoValue[];

const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_TOKEN = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const KEYWORDS: ReadonlyArray<readonly [string, RegoValue]> = [['set()', new RegoCollection('set')], ['true', true], ['false', false], ['null', null]];

function parseValue(text: string): RegoValue {
  let i = 0;
  const fail = (): never => { throw new Error(`unreadable value ${JSON.stringify(text.slice(0, 80))} at offset ${i}`); };
  const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const token = (re: RegExp): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) fail();
    i = re.lastIndex;
    return m![0];
  };
  const items = (close: string, item: () => void) => {
    space();
    if (text[i] === close) { i++; return; }
    for (;;) {
      item();
      space();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === close) { i++; return; }
      fail();
    }
  };
  const value = (): RegoValue => {
    space();
    const c = text[i];
    if (c === '[') {
      i++;
      const out: RegoValue[] = [];
      items(']', () => { out.push(value()); });
      return out;
    }
    if (c === '{') {
      i++;
      let kind: 'object' | 'set' | undefined;
      items('}', () => {
        value();
        space();
        const isPair = text[i] === ':';
        if (kind !== undefined && (kind === 'object') !== isPair) fail();
        kind = isPair ? 'object' : 'set';
        if (isPair) { i++; value(); }
      });
      return new RegoCollection(kind ?? 'object');
    }
    if (c === '"') return JSON.parse(token(STRING_TOKEN)) as string;
    for (const [word, v] of KEYWORDS) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    return new RegoNumber(token(NUMBER_TOKEN));
  };
  const v = value();
  space();
  if (i !== text.length) fail();
  return v;
}

function typeName(v: RegoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof RegoNumber) return 'number';
  if (v instanceof RegoCollection) return v.kind;
  return 'array';
}

// ---------------------------------------------------------------------------------------------
// Numbers as OPA's Go code reads them.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NS_PER_SECOND = 1_000_000_000n;
const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/**
 * A timestamp operand as OPA reads it: Go's big.Float.SetString (the value rounded to a 64-bit
 * mantissa, ties to even), then Int64, which must be exact. So 1.7e18 and 1e3 are times, 1.5 is
 * not. Undefined when it is no int64. More than 55 fraction digits are refused (Go's rounding
 * then goes through an inexact power of five, which this does not imitate).
 */
function timestampOf(text: string): bigint | undefined {
  if (/^-?\d{1,19}$/.test(text)) { // a plain integer, the usual case, needs no rounding
    const n = BigInt(text);
    return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
  }
  const m = JSON_NUMBER.exec(text);
  if (!m) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  const digits = BigInt(whole! + fraction);
  if (digits === 0n) return 0n;
  const e = Number(exponent) - fraction.length; // |value| = digits * 10^e
  const magnitude = String(digits).length + e; // 10^(magnitude-1) <= |value| < 10^magnitude
  if (magnitude > 20 || magnitude < 0) return undefined; // >= 1e20 is no int64; < 0.1 rounds to no integer
  if (e < -55) return undefined;
  const num = e >= 0 ? digits * 10n ** BigInt(e) : digits;
  const den = e >= 0 ? 1n : 10n ** BigInt(-e);
  // Scale by 2^shift so that the quotient has exactly 64 bits, then round it half to even.
  let shift = 64 - (bitLength(num) - bitLength(den));
  const scaled = () => (shift >= 0 ? [num << BigInt(shift), den] : [num, den << BigInt(-shift)]) as [bigint, bigint];
  let [n, d] = scaled();
  if (n / d >= 2n ** 64n) { shift--; [n, d] = scaled(); }
  if (n / d < 2n ** 63n) { shift++; [n, d] = scaled(); }
  let mantissa = n / d;
  const twice = 2n * (n % d);
  if (twice > d || (twice === d && (mantissa & 1n) === 1n)) mantissa++;
  // The rounded value is mantissa * 2^-shift: an integer iff no fraction bit is left.
  let value: bigint;
  if (shift <= 0) value = mantissa << BigInt(-shift);
  else if (mantissa % (1n << BigInt(shift)) === 0n) value = mantissa >> BigInt(shift);
  else return undefined;
  if (sign === '-') value = -value;
  return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/**
 * An integer operand (years, months, days) as OPA 1.22 takes it: digits, optionally with a
 * fraction of zeros (2.0 is 2), never an exponent (1e2 is refused), within int64.
 */
function intOf(text: string): bigint | undefined {
  const m = /^(-?\d+)(?:\.0+)?$/.exec(text);
  if (!m) return undefined;
  const n = BigInt(m[1]!);
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// The proleptic Gregorian calendar, in days since 1970-01-01.

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
};
const floorMod = (a: bigint, b: bigint): bigint => a - floorDiv(a, b) * b;

function daysFromCivil(year: bigint, month: number, day: bigint): bigint {
  const y = month <= 2 ? year - 1n : year;
  const era = floorDiv(y, 400n);
  const yearOfEra = y - era * 400n;
  const dayOfYear = BigInt(Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5)) + day - 1n;
  const dayOfEra = yearOfEra * 365n + yearOfEra / 4n - yearOfEra / 100n + dayOfYear;
  return era * 146097n + dayOfEra - 719468n;
}

/** The date of a day number; in Numbers, as days stay within ±10^8 for every time an operand can hold. */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yearOfEra + (month <= 2 ? 1 : 0), month, day: dayOfYear - Math.floor((153 * mp + 2) / 5) + 1 };
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
function daysIn(month: number, year: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

// ---------------------------------------------------------------------------------------------
// Time zones: UTC, or an IANA zone through the ICU data in Node's Intl.

interface Zone {
  /** Seconds east of UTC at an instant given in whole seconds since the epoch. */
  offset(unixSeconds: number): number;
}

const UTC: Zone = { offset: () => 0 };
const zones = new Map<string, Zone>();
/** Instants the zone data is asked about: the int64 nanosecond range (years 1677-2262) with margin. */
const ZONE_QUERY_LIMIT = 10_000_000_000;

function intlZone(format: Intl.DateTimeFormat): Zone {
  // One evaluation often asks about one instant several times (its date, clock and weekday).
  let lastSeconds = Number.NaN;
  let lastOffset = 0;
  return {
    offset(unixSeconds) {
      if (unixSeconds === lastSeconds) return lastOffset;
      if (!(Math.abs(unixSeconds) <= ZONE_QUERY_LIMIT)) throw new Error(`zone offset asked for ${unixSeconds} s, outside the int64 nanosecond range`);
      const field: Record<string, number> = {};
      for (const part of format.formatToParts(new Date(unixSeconds * 1000))) field[part.type] = Number(part.value);
      // Date.UTC is right for these years (1675-2264); it only misreads years 0-99.
      const wall = Date.UTC(field.year!, field.month! - 1, field.day!, field.hour!, field.minute!, field.second!) / 1000;
      lastSeconds = unixSeconds;
      lastOffset = wall - unixSeconds;
      return lastOffset;
    },
  };
}

/** Canonical zone names in their exact case, to refuse a case variant (Go's zone lookup is case-sensitive). */
let canonicalByLowerCase: Map<string, string> | undefined;

/**
 * The zone a name denotes, as Go's time.LoadLocation would find it: "" and "UTC" are UTC; any
 * other name must be a zone the ICU data knows, spelled in its exact case. "Local" is refused:
 * it is the host's zone, so a decision and its replay on another host could disagree.
 */
function zoneNamed(builtin: TimeBuiltinName, name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const known = zones.get(name);
  if (known) return known;
  if (name === 'Local') {
    throw new TimeBuiltinError(builtin, 'the time zone "Local" is the zone of the host that evaluates, so a decision would depend on where it runs; name an IANA zone such as "Europe/Berlin"');
  }
  const unknown = () => new TimeBuiltinError(builtin, `unknown time zone ${JSON.stringify(name)}`);
  // ICU ignores case where Go does not: every part of an IANA name starts with a capital letter.
  if (!name.split('/').every((part) => /^[A-Z]/.test(part))) throw unknown();
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name, calendar: 'gregory', numberingSystem: 'latn', hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    throw unknown();
  }
  canonicalByLowerCase ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const resolved = format.resolvedOptions().timeZone;
  const sameButCase = (canonical: string | undefined) => canonical !== undefined && canonical !== name && canonical.toLowerCase() === name.toLowerCase();
  if (sameButCase(resolved) || sameButCase(canonicalByLowerCase.get(name.toLowerCase()))) throw unknown();
  const zone = intlZone(format);
  zones.set(name, zone);
  return zone;
}

// ---------------------------------------------------------------------------------------------
// Instants and wall clocks.

interface Instant { ns: bigint; zone: Zone }

interface Wall {
  year: number; month: number; day: number;
  hour: number; minute: number; second: number;
  /** Days since 1970-01-01 of the wall date. */
  days: number;
}

/** The wall clock of an instant in its zone (Go's Time.Date and Time.Clock). */
function wallOf(t: Instant): Wall {
  // An int64 of nanoseconds is within ±10^10 seconds: from here on Numbers are exact.
  const seconds = Number(floorDiv(t.ns, NS_PER_SECOND));
  const local = seconds + t.zone.offset(seconds);
  const days = Math.floor(local / 86400);
  const secondOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days); // (not an object spread: V8 makes that slow here)
  return { year, month, day, days, hour: Math.floor(secondOfDay / 3600), minute: Math.floor(secondOfDay / 60) % 60, second: secondOfDay % 60 };
}

/**
 * A time operand (OPA's tzTime): a number of nanoseconds in UTC, or [ns], [ns, zone] or
 * [ns, zone, layout] (the layout only matters to time.format, but must be a string).
 */
function instantOf(builtin: TimeBuiltinName, arg: RegoValue, position: number): Instant {
  const expected = `operand ${position} must be a number (ns) or [number (ns), string (tz)], not`;
  let ns: RegoValue;
  let zone = UTC;
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw new TimeBuiltinError(builtin, `${expected} an empty array`);
    ns = arg[0]!;
    if (!(ns instanceof RegoNumber)) throw new TimeBuiltinError(builtin, `operand ${position}: the time must be a number, not ${typeName(ns)}`);
    if (arg.length > 1) {
      const name = arg[1]!;
      if (typeof name !== 'string') throw new TimeBuiltinError(builtin, `operand ${position}: the time zone must be a string, not ${typeName(name)}`);
      zone = zoneNamed(builtin, name);
    }
    if (arg.length > 2 && typeof arg[2] !== 'string') throw new TimeBuiltinError(builtin, `operand ${position}: the layout must be a string, not ${typeName(arg[2]!)}`);
  } else if (arg instanceof RegoNumber) {
    ns = arg;
  } else {
    throw new TimeBuiltinError(builtin, `${expected} ${typeName(arg)}`);
  }
  const value = timestampOf(ns.text);
  if (value === undefined) throw new TimeBuiltinError(builtin, `operand ${position}: ${ns.text} is not a whole number of nanoseconds within int64`);
  return { ns: value, zone };
}

/** A result time: OPA's toSafeUnixNano refuses one beyond int64 nanoseconds (1677-09-21 to 2262-04-11). */
function safeNs(builtin: TimeBuiltinName, ns: bigint): string {
  if (ns < INT64_MIN || ns > INT64_MAX) throw new TimeBuiltinError(builtin, 'time outside of valid range (1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z)');
  return String(ns);
}

/** Go's time.Date for a wall clock in a zone: the offset is looked up at the wall time, then again at the instant it gives. */
function instantOfWall(zone: Zone, wallSeconds: number): number {
  const guess = wallSeconds - zone.offset(wallSeconds);
  return wallSeconds - zone.offset(guess);
}

/**
 * Go's time.Parse(time.RFC3339, s): its strict form, and what its general layout parser also
 * takes when that fails: a one-digit hour, a comma before the fraction, zone hours up to 24 and
 * minutes up to 60. Fraction digits beyond the ninth are dropped.
 */
const GO_RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function parseRfc3339Ns(text: string): bigint | string {
  const m = GO_RFC3339.exec(text);
  if (!m) return `cannot parse ${JSON.stringify(text)} as RFC 3339`;
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh, om] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12) return `month out of range in ${JSON.stringify(text)}`;
  if (hour > 23) return `hour out of range in ${JSON.stringify(text)}`;
  if (minute > 59) return `minute out of range in ${JSON.stringify(text)}`;
  if (second > 59) return `second out of range in ${JSON.stringify(text)}`;
  if (sign !== undefined && (Number(oh) > 24 || Number(om) > 60)) return `time zone offset out of range in ${JSON.stringify(text)}`;
  if (day < 1 || day > daysIn(month, year)) return `day out of range in ${JSON.stringify(text)}`;
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const seconds = daysFromCivil(BigInt(year), month, BigInt(day)) * 86400n + BigInt(hour * 3600 + minute * 60 + second - offset);
  return seconds * NS_PER_SECOND + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
}

// ---------------------------------------------------------------------------------------------
// The builtins.

function arity(builtin: TimeBuiltinName, args: string[], n: number): RegoValue[] {
  if (args.length !== n) throw new TimeBuiltinError(builtin, `takes ${n} operand(s), got ${args.length}`);
  return args.map(parseValue);
}

function intOperand(builtin: TimeBuiltinName, arg: RegoValue, position: number): bigint {
  const n = arg instanceof RegoNumber ? intOf(arg.text) : undefined;
  if (n === undefined) {
    const got = arg instanceof RegoNumber ? arg.text : typeName(arg);
    throw new TimeBuiltinError(builtin, `operand ${position} must be an integer number within int64, not ${got}`);
  }
  return n;
}

/**
 * The time builtins for one evaluation of a request at `at` (integer epoch milliseconds). Each
 * takes its operands' texts and returns its result's JSON text, exact at any size; each failure
 * is a TimeBuiltinError.
 */
export function timeBuiltins(at: number): Record<TimeBuiltinName, TimeBuiltin> {
  return {
    'time.now_ns': (...args) => {
      arity('time.now_ns', args, 0);
      if (!Number.isSafeInteger(at)) {
        throw new TimeBuiltinError('time.now_ns', Number.isNaN(at) ? 'the input has no `at` (the request time in epoch milliseconds)' : `the request time ${String(at)} is not a whole number of milliseconds`);
      }
      return String(BigInt(at) * 1_000_000n);
    },
    'time.date': (...args) => {
      const w = wallOf(instantOf('time.date', arity('time.date', args, 1)[0]!, 1));
      return `[${w.year},${w.month},${w.day}]`;
    },
    'time.clock': (...args) => {
      const w = wallOf(instantOf('time.clock', arity('time.clock', args, 1)[0]!, 1));
      return `[${w.hour},${w.minute},${w.second}]`;
    },
    'time.weekday': (...args) => {
      const w = wallOf(instantOf('time.weekday', arity('time.weekday', args, 1)[0]!, 1));
      return JSON.stringify(WEEKDAYS[(((w.days + 4) % 7) + 7) % 7]);
    },
    'time.add_date': (...args) => {
      const [t, y, m, d] = arity('time.add_date', args, 4) as [RegoValue, RegoValue, RegoValue, RegoValue];
      const instant = instantOf('time.add_date', t, 1);
      const years = intOperand('time.add_date', y, 2), months = intOperand('time.add_date', m, 3), days = intOperand('time.add_date', d, 4);
      // Go's Time.AddDate: the wall date moves, the wall clock stays, overflow normalises (31 October + 1 month = 1 December).
      const w = wallOf(instant);
      const monthIndex = BigInt(w.month - 1) + months;
      const year = BigInt(w.year) + years + floorDiv(monthIndex, 12n);
      const wallDays = daysFromCivil(year, Number(floorMod(monthIndex, 12n)) + 1, 1n) + BigInt(w.day - 1) + days;
      const wallSeconds = wallDays * 86400n + BigInt(w.hour * 3600 + w.minute * 60 + w.second);
      // Beyond the int64 range by more than any zone offset: out of range whatever the zone says.
      if (wallSeconds < -BigInt(ZONE_QUERY_LIMIT) || wallSeconds > BigInt(ZONE_QUERY_LIMIT)) return safeNs('time.add_date', wallSeconds * NS_PER_SECOND);
      const nanos = floorMod(instant.ns, NS_PER_SECOND);
      return safeNs('time.add_date', BigInt(instantOfWall(instant.zone, Number(wallSeconds))) * NS_PER_SECOND + nanos);
    },
    'time.diff': (...args) => {
      const [a, b] = arity('time.diff', args, 2) as [RegoValue, RegoValue];
      const first = instantOf('time.diff', a, 1);
      const second = instantOf('time.diff', b, 2);
      // Both in the first operand's zone, the earlier first; then OPA's field-wise difference with borrows.
      const [early, late] = first.ns <= second.ns ? [first.ns, second.ns] : [second.ns, first.ns];
      const w1 = wallOf({ ns: early, zone: first.zone });
      const w2 = wallOf({ ns: late, zone: first.zone });
      let years = w2.year - w1.year, months = w2.month - w1.month, days = w2.day - w1.day;
      let hours = w2.hour - w1.hour, minutes = w2.minute - w1.minute, seconds = w2.second - w1.second;
      if (seconds < 0) { seconds += 60; minutes--; }
      if (minutes < 0) { minutes += 60; hours--; }
      if (hours < 0) { hours += 24; days--; }
      if (days < 0) { days += daysIn(w1.month, w1.year); months--; }
      if (months < 0) { months += 12; years--; }
      return `[${years},${months},${days},${hours},${minutes},${seconds}]`;
    },
    'time.parse_rfc3339_ns': (...args) => {
      const [text] = arity('time.parse_rfc3339_ns', args, 1) as [RegoValue];
      if (typeof text !== 'string') throw new TimeBuiltinError('time.parse_rfc3339_ns', `operand 1 must be a string, not ${typeName(text)}`);
      const ns = parseRfc3339Ns(text);
      if (typeof ns === 'string') throw new TimeBuiltinError('time.parse_rfc3339_ns', ns);
      return safeNs('time.parse_rfc3339_ns', ns);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The host side of OPA's WASM ABI, with these builtins exact.

interface OpaExports {
  builtins(): number;
  opa_value_dump(value: number): number;
  opa_json_dump(value: number): number;
  opa_malloc(bytes: number): number;
  opa_json_parse(address: number, length: number): number;
  opa_wasm_abi_version?: WebAssembly.Global;
  opa_wasm_abi_minor_version?: WebAssembly.Global;
}

type JsBuiltin = (...args: unknown[]) => unknown;

const TIME_BUILTIN_SET: ReadonlySet<string> = new Set(TIME_BUILTIN_NAMES);
let opaJsBuiltins: Readonly<Record<string, JsBuiltin>> | undefined;

/**
 * opa-wasm's JavaScript builtins (sprintf, json.is_valid, regex.split, yaml.*). Its package
 * exports only the loader, so the module is reached beside its entry point; a layout that
 * lacks it fails here, before any policy runs.
 */
function opaWasmBuiltins(): Readonly<Record<string, JsBuiltin>> {
  if (opaJsBuiltins) return opaJsBuiltins;
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@open-policy-agent/opa-wasm');
  const loaded = require(join(dirname(entry), 'builtins', 'index.js')) as unknown;
  if (typeof loaded !== 'object' || loaded === null || !Object.values(loaded).every((f) => typeof f === 'function')) {
    throw new Error(`@open-policy-agent/opa-wasm at ${entry} has no builtins module of the expected shape`);
  }
  opaJsBuiltins = loaded as Record<string, JsBuiltin>;
  return opaJsBuiltins;
}

/** Every builtin a bundle may import and still run here: the time builtins and opa-wasm's own. */
export function hostBuiltinNames(): string[] {
  return [...TIME_BUILTIN_NAMES, ...Object.keys(opaWasmBuiltins())].sort();
}

/** The imports a policy instance calls back into: memory, abort, print and the builtins. */
class PolicyHost {
  private exports: OpaExports | undefined;
  private names = new Map<number, string>();
  private at = Number.NaN;
  private builtins: Record<TimeBuiltinName, TimeBuiltin> | undefined;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();

  constructor(readonly memory: WebAssembly.Memory) {}

  imports(): WebAssembly.Imports {
    const call = (id: number, ...values: number[]) => this.call(id, values);
    return {
      env: {
        memory: this.memory,
        opa_abort: (address: number) => { throw new Error(`the policy aborted: ${this.text(address)}`); },
        // print() in a rule: to standard error, never into a decision written on standard output.
        opa_println: (address: number) => { process.stderr.write(`${this.text(address)}\n`); },
        opa_builtin0: (id: number, _ctx: number) => call(id),
        opa_builtin1: (id: number, _ctx: number, a: number) => call(id, a),
        opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id, a, b),
        opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) => call(id, a, b, c),
        opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) => call(id, a, b, c, d),
      },
    };
  }

  /** Binds the instance; returns the builtins it imports, each checked to be provided here. */
  attach(instance: WebAssembly.Instance): string[] {
    this.exports = instance.exports as unknown as OpaExports;
    const declared = JSON.parse(this.text(this.exports.opa_json_dump(this.exports.builtins()))) as Record<string, number>;
    const js = opaWasmBuiltins();
    for (const [name, id] of Object.entries(declared)) {
      if (!TIME_BUILTIN_SET.has(name) && !Object.hasOwn(js, name)) {
        throw new Error(`the policy calls the builtin ${name}, which neither OPA's WASM nor this host provides`);
      }
      this.names.set(id, name);
    }
    return Object.keys(declared).sort();
  }

  /** The request time for the evaluation about to run (NaN when the input carries none). */
  begin(at: number): void {
    this.at = at;
    this.builtins = undefined;
  }

  end(): void {
    this.begin(Number.NaN);
  }

  private call(id: number, values: number[]): number {
    const exports = this.exports!;
    const name = this.names.get(id);
    if (name === undefined) throw new Error(`the policy called builtin #${id}, which it never declared`);
    if (TIME_BUILTIN_SET.has(name)) {
      this.builtins ??= timeBuiltins(this.at);
      const args = values.map((v) => this.text(exports.opa_value_dump(v)));
      return this.load(this.encoder.encode(this.builtins[name as TimeBuiltinName](...args)));
    }
    // As opa-wasm calls its own builtins: arguments through JSON, the result back through JSON.
    const result = opaWasmBuiltins()[name]!(...values.map((v) => JSON.parse(this.text(exports.opa_json_dump(v)))));
    if (result === undefined) return 0;
    return this.load(result instanceof ArrayBuffer ? new Uint8Array(result) : this.encoder.encode(JSON.stringify(result)));
  }

  /** A NUL-terminated UTF-8 string in WASM memory. */
  private text(address: number): string {
    const bytes = new Uint8Array(this.memory.buffer);
    let end = address;
    while (bytes[end] !== 0) end++;
    return this.decoder.decode(bytes.subarray(address, end));
  }

  /** JSON text into a WASM value. */
  private load(json: Uint8Array): number {
    const exports = this.exports!;
    const address = exports.opa_malloc(json.length);
    new Uint8Array(this.memory.buffer).set(json, address);
    const value = exports.opa_json_parse(address, json.length);
    if (value === 0) throw new Error('the policy could not read a builtin result');
    return value;
  }
}

const OpaLoadedPolicy = (opaWasm as unknown as { default: { LoadedPolicy: typeof LoadedPolicy } }).default.LoadedPolicy;

/** A policy whose time builtins run here, with time.now_ns() = the `at` of each evaluation's input. */
export class ClockedPolicy extends OpaLoadedPolicy {
  /** The builtins the bundle imports; `time.now_ns` among them means its answers depend on `at`. */
  readonly importedBuiltins: readonly string[];

  constructor(source: WebAssembly.WebAssemblyInstantiatedSource, private readonly host: PolicyHost, minorVersion: number, importedBuiltins: string[]) {
    super(source, host.memory, minorVersion);
    this.importedBuiltins = importedBuiltins;
  }

  /** Evaluates with time.now_ns() = input.at × 10^6 (an input without an integer `at` makes time.now_ns fail). */
  override evaluate(input: unknown, entrypoint?: number | string): unknown {
    const at = typeof input === 'object' && input !== null && !(input instanceof ArrayBuffer) ? (input as { at?: unknown }).at : undefined;
    this.host.begin(typeof at === 'number' ? at : Number.NaN);
    try {
      return super.evaluate(input, entrypoint);
    } finally {
      this.host.end();
    }
  }
}

function abiVersion(global: WebAssembly.Global | undefined, what: string): number {
  if (global === undefined) throw new Error(`the policy declares no ${what}`);
  return Number(global.value);
}

/**
 * Instantiates a compiled policy (opa build -t wasm) with this host's imports: the time builtins
 * exact (SPEC 6), opa-wasm's JavaScript builtins as opa-wasm runs them. Throws when the module
 * is not OPA WASM ABI 1 or imports a builtin nobody provides.
 */
export function loadClockedPolicy(module: WebAssembly.Module): ClockedPolicy {
  const host = new PolicyHost(new WebAssembly.Memory({ initial: 5 }));
  const instance = new WebAssembly.Instance(module, host.imports());
  const exports = instance.exports as unknown as OpaExports;
  const major = abiVersion(exports.opa_wasm_abi_version, 'ABI version');
  if (major !== 1) throw new Error(`the policy uses OPA WASM ABI ${major}, not 1`);
  const minor = abiVersion(exports.opa_wasm_abi_minor_version, 'ABI minor version');
  const imported = host.attach(instance);
  return new ClockedPolicy({ instance, module }, host, minor, imported);
}
