import { describe, expect, it } from 'vitest';
import { hostBuiltinNames, loadClockedPolicy, TimeBuiltinError, timeBuiltins } from './time-builtins.js';

const AT = Date.UTC(2026, 11, 2, 9, 30); // Wednesday 2 December 2026, 09:30 UTC
const b = timeBuiltins(AT);

/** Nanoseconds of an ISO time (millisecond precision), plus extra nanoseconds, as operand text. */
const ns = (iso: string, extra = 0n) => String(BigInt(Date.parse(iso)) * 1_000_000n + extra);
const at = (iso: string, zone: string) => `[${ns(iso)},${JSON.stringify(zone)}]`;

function failure(call: () => unknown): TimeBuiltinError {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(TimeBuiltinError);
    return e as TimeBuiltinError;
  }
  throw new Error('expected a TimeBuiltinError');
}

describe('time.now_ns', () => {
  it("is the request's at in nanoseconds, exactly, never the wall clock", () => {
    expect(b['time.now_ns']()).toBe('1796203800000000000');
    expect(timeBuiltins(0)['time.now_ns']()).toBe('0');
    expect(timeBuiltins(-1)['time.now_ns']()).toBe('-1000000');
    // The latest time blockgate takes: beyond int64 nanoseconds, still exact (OPA numbers are unbounded).
    expect(timeBuiltins(253_402_300_799_999)['time.now_ns']()).toBe('253402300799999000000');
  });

  it('fails without an integer at, and with operands', () => {
    expect(failure(() => timeBuiltins(Number.NaN)['time.now_ns']()).message).toBe('time.now_ns: the input has no `at` (the request time in epoch milliseconds)');
    expect(failure(() => timeBuiltins(1.5)['time.now_ns']()).message).toMatch(/1\.5 is not a whole number of milliseconds/);
    expect(failure(() => b['time.now_ns']('1')).builtin).toBe('time.now_ns');
  });
});

describe('time.date, time.clock, time.weekday', () => {
  it('read a number of nanoseconds in UTC, or [ns], [ns, ""], [ns, "UTC"], [ns, zone, layout]', () => {
    for (const arg of [ns('2026-12-02T09:30:15Z'), `[${ns('2026-12-02T09:30:15Z')}]`, at('2026-12-02T09:30:15Z', ''), at('2026-12-02T09:30:15Z', 'UTC'), `[${ns('2026-12-02T09:30:15Z')},"UTC","RFC3339"]`]) {
      expect(b['time.date'](arg)).toBe('[2026,12,2]');
      expect(b['time.clock'](arg)).toBe('[9,30,15]');
      expect(b['time.weekday'](arg)).toBe('"Wednesday"');
    }
  });

  it('count negative times back from 1970', () => {
    expect(b['time.date']('-1')).toBe('[1969,12,31]');
    expect(b['time.clock']('-1')).toBe('[23,59,59]');
    expect(b['time.weekday']('-1')).toBe('"Wednesday"');
    expect(b['time.weekday']('0')).toBe('"Thursday"');
  });

  it('know leap years (2000 and 2024 are, 1900 and 2100 are not)', () => {
    expect(b['time.date'](ns('2024-02-28T12:00:00Z', 86_400n * 1_000_000_000n))).toBe('[2024,2,29]');
    expect(b['time.date'](ns('2000-02-28T12:00:00Z', 86_400n * 1_000_000_000n))).toBe('[2000,2,29]');
    expect(b['time.date'](ns('1900-02-28T12:00:00Z', 86_400n * 1_000_000_000n))).toBe('[1900,3,1]');
    expect(b['time.date'](ns('2100-02-28T12:00:00Z', 86_400n * 1_000_000_000n))).toBe('[2100,3,1]');
  });

  it('reach the ends of int64 nanoseconds, to the nanosecond', () => {
    expect(b['time.date']('-9223372036854775808')).toBe('[1677,9,21]');
    expect(b['time.clock']('-9223372036854775808')).toBe('[0,12,43]');
    expect(b['time.date']('9223372036854775807')).toBe('[2262,4,11]');
    expect(b['time.clock']('9223372036854775807')).toBe('[23,47,16]');
    // One nanosecond before midnight is the previous day: no double could tell them apart.
    expect(b['time.date'](ns('2026-12-02T00:00:00Z', -1n))).toBe('[2026,12,1]');
    expect(failure(() => b['time.date']('9223372036854775808')).message).toMatch(/9223372036854775808 is not a whole number of nanoseconds within int64/);
  });

  it("read numbers as OPA does: rounded to a 64-bit mantissa, then a whole int64", () => {
    expect(b['time.date']('1.7e18')).toBe('[2023,11,14]');
    expect(b['time.clock']('1e3')).toBe('[0,0,0]');
    expect(b['time.date']('1764633600000000000.0')).toBe('[2025,12,2]');
    // The fraction is below the 64-bit mantissa's last bit, so OPA takes the integer.
    expect(b['time.date']('1764633600000000000.01')).toBe('[2025,12,2]');
    expect(b['time.date']('-9223372036854775808.4')).toBe('[1677,9,21]');
    for (const bad of ['1.5', '0.5', '1764633600000000000.5', '9223372036854775807.4', '1e20']) {
      expect(failure(() => b['time.date'](bad)).message, bad).toMatch(/not a whole number of nanoseconds/);
    }
  });

  it('follow Europe/Berlin and America/New_York across their DST changes (spring gap, autumn overlap)', () => {
    const clocks: [string, string, string][] = [
      ['2026-03-29T00:59:59Z', 'Europe/Berlin', '[1,59,59]'], ['2026-03-29T01:00:00Z', 'Europe/Berlin', '[3,0,0]'],
      ['2026-10-25T00:30:00Z', 'Europe/Berlin', '[2,30,0]'], ['2026-10-25T01:30:00Z', 'Europe/Berlin', '[2,30,0]'],
      ['2026-10-25T02:00:00Z', 'Europe/Berlin', '[3,0,0]'],
      ['2026-03-08T06:59:59Z', 'America/New_York', '[1,59,59]'], ['2026-03-08T07:00:00Z', 'America/New_York', '[3,0,0]'],
      ['2026-11-01T05:30:00Z', 'America/New_York', '[1,30,0]'], ['2026-11-01T06:30:00Z', 'America/New_York', '[1,30,0]'],
    ];
    for (const [iso, zone, clock] of clocks) expect(b['time.clock'](at(iso, zone)), `${iso} in ${zone}`).toBe(clock);
    expect(b['time.date'](at('2027-01-01T03:00:00Z', 'America/New_York'))).toBe('[2026,12,31]');
    expect(b['time.weekday'](at('2027-01-01T03:00:00Z', 'America/New_York'))).toBe('"Thursday"');
  });

  it('take offsets that are not whole hours, and aliases', () => {
    expect(b['time.clock'](at('2026-12-02T00:00:00Z', 'Asia/Kathmandu'))).toBe('[5,45,0]');
    expect(b['time.clock'](at('2026-12-02T00:00:00Z', 'Asia/Kolkata'))).toBe('[5,30,0]');
    expect(b['time.clock'](at('2026-12-02T00:00:00Z', 'Asia/Calcutta'))).toBe('[5,30,0]');
    expect(b['time.clock'](at('2026-12-02T12:00:00Z', 'US/Eastern'))).toBe('[7,0,0]');
  });

  it('refuse "Local": the host zone would make a decision depend on where it runs', () => {
    expect(failure(() => b['time.clock'](at('2026-12-02T00:00:00Z', 'Local'))).message).toBe(
      'time.clock: the time zone "Local" is the zone of the host that evaluates, so a decision would depend on where it runs; name an IANA zone such as "Europe/Berlin"',
    );
  });

  it('refuse unknown zones and case variants (as Go finds zones: case-sensitively)', () => {
    for (const zone of ['Mars/Olympus', 'europe/berlin', 'Europe/berlin', 'EUROPE/BERLIN', 'us/eastern', '../etc/passwd', '/etc/localtime', '+05:00', 'Europe/Berlin ', 'Europe/']) {
      expect(failure(() => b['time.date'](at('2026-12-02T00:00:00Z', zone))).message, zone).toBe(`time.date: unknown time zone ${JSON.stringify(zone)}`);
    }
  });

  it('refuse operands of another type', () => {
    const cases: [string, RegExp][] = [
      ['[]', /operand 1 must be a number \(ns\) or \[number \(ns\), string \(tz\)\], not an empty array/],
      ['"2026"', /not string/],
      ['null', /not null/],
      ['{"ns": 0}', /not object/],
      ['{0}', /not set/],
      ['set()', /not set/],
      ['["0"]', /the time must be a number, not string/],
      ['[0, 5]', /the time zone must be a string, not number/],
      ['[0, "UTC", 7]', /the layout must be a string, not number/],
    ];
    for (const [arg, message] of cases) expect(failure(() => b['time.weekday'](arg)).message, arg).toMatch(message);
    expect(failure(() => b['time.date']()).message).toBe('time.date: takes 1 operand(s), got 0');
  });
});

describe('time.add_date', () => {
  const add = (t: string, y: number | string, m: number | string, d: number | string) => b['time.add_date'](t, String(y), String(m), String(d));
  const date = (t: string) => b['time.date'](t);

  it("normalises overflow as Go's AddDate does", () => {
    expect(date(add(ns('2026-10-31T12:00:00Z'), 0, 1, 0))).toBe('[2026,12,1]'); // 31 November is 1 December
    expect(date(add(ns('2026-01-31T12:00:00Z'), 0, 1, 0))).toBe('[2026,3,3]');
    expect(date(add(ns('2024-01-31T12:00:00Z'), 0, 1, 0))).toBe('[2024,3,2]');
    expect(date(add(ns('2024-02-29T12:00:00Z'), 1, 0, 0))).toBe('[2025,3,1]');
    expect(date(add(ns('2026-03-31T12:00:00Z'), 0, -1, 0))).toBe('[2026,3,3]');
    expect(date(add(ns('2026-12-02T12:00:00Z'), 0, -25, 400))).toBe('[2025,12,7]');
    expect(date(add(ns('2026-12-02T12:00:00Z'), 0, 14, -1))).toBe('[2028,2,1]');
  });

  it('keeps the wall clock and the nanoseconds, before 1970 too', () => {
    expect(add(ns('2026-12-02T09:30:15Z', 123_456_789n), 0, 0, 1)).toBe(ns('2026-12-03T09:30:15Z', 123_456_789n));
    expect(add('-1', 0, 0, 1)).toBe('86399999999999');
  });

  // OPA's type checker declares a plain number here, but at run time it takes [ns, zone] too
  // (a value from data or input), and so does the host.
  it('keeps the wall clock in the zone across a DST change (a day is then 23 or 25 hours)', () => {
    expect(add(at('2026-03-28T11:00:00Z', 'Europe/Berlin'), 0, 0, 1)).toBe(ns('2026-03-29T10:00:00Z'));
    expect(add(at('2026-10-24T10:00:00Z', 'Europe/Berlin'), 0, 0, 1)).toBe(ns('2026-10-25T11:00:00Z'));
    // Into the spring gap (02:30 does not exist): Go moves on to 03:30 CEST.
    expect(add(at('2026-03-28T01:30:00Z', 'Europe/Berlin'), 0, 0, 1)).toBe(ns('2026-03-29T01:30:00Z'));
    // Into the autumn overlap (02:30 happens twice): Go takes the second, CET.
    expect(add(at('2026-10-24T00:30:00Z', 'Europe/Berlin'), 0, 0, 1)).toBe(ns('2026-10-25T01:30:00Z'));
    expect(add(at('2026-03-07T17:00:00Z', 'America/New_York'), 0, 0, 1)).toBe(ns('2026-03-08T16:00:00Z'));
  });

  it('takes integers as OPA does (2.0 is 2; 1e2 and 1.5 are not integers)', () => {
    expect(add('0', '2.0', 0, 0)).toBe(add('0', 2, 0, 0));
    expect(add('0', 0, 0, '-0')).toBe('0');
    for (const bad of ['1e2', '1.5', '"1"', 'null', '9223372036854775808']) {
      expect(failure(() => add('0', 0, 0, bad)).message, bad).toMatch(/^time.add_date: operand 4 must be an integer number within int64, not /);
    }
  });

  it('refuses a result beyond int64 nanoseconds, even where Go would wrap around', () => {
    expect(failure(() => add('0', 300, 0, 0)).message).toMatch(/^time.add_date: time outside of valid range/);
    expect(failure(() => add('0', 0, 0, '9223372036854775807')).message).toMatch(/time outside of valid range/);
    expect(failure(() => add('9223372036854775807', 0, 0, 1)).message).toMatch(/time outside of valid range/);
    expect(add('9223372036854775807', 0, 0, -1)).toBe('9223285636854775807');
  });
});

describe('time.diff', () => {
  const diff = (a: string, c: string) => b['time.diff'](a, c);

  it('is the field-wise difference with borrows, the same either way round', () => {
    expect(diff(ns('2021-01-31T00:00:00Z'), ns('2021-03-01T00:00:00Z'))).toBe('[0,1,1,0,0,0]');
    expect(diff(ns('2021-03-01T00:00:00Z'), ns('2021-01-31T00:00:00Z'))).toBe('[0,1,1,0,0,0]');
    expect(diff(ns('2020-02-29T00:00:00Z'), ns('2021-02-28T00:00:00Z'))).toBe('[0,11,28,0,0,0]');
    expect(diff(ns('2026-12-31T23:59:59Z'), ns('2027-01-01T00:00:00Z'))).toBe('[0,0,0,0,0,1]');
    expect(diff(ns('1969-12-31T23:00:00Z'), ns('2026-12-02T09:30:15Z'))).toBe('[56,11,1,10,30,15]');
    expect(diff('0', '0')).toBe('[0,0,0,0,0,0]');
    // Nanoseconds count in the order, not in the fields.
    expect(diff(ns('2026-01-01T00:00:00Z', 999_999_999n), ns('2026-01-01T00:00:01Z'))).toBe('[0,0,0,0,0,1]');
  });

  it("reads both times in the first operand's zone", () => {
    // 2026-12-02T23:30Z is 3 December in Berlin, 2 December in UTC.
    expect(diff(at('2026-12-01T23:30:00Z', 'Europe/Berlin'), ns('2026-12-02T23:30:00Z'))).toBe('[0,0,1,0,0,0]');
    expect(diff(ns('2026-12-01T12:00:00Z'), at('2026-12-02T23:30:00Z', 'Europe/Berlin'))).toBe('[0,0,1,11,30,0]');
    // Across the spring change: 23 hours of wall clock from Saturday noon to Sunday noon.
    expect(diff(at('2026-03-28T11:00:00Z', 'Europe/Berlin'), at('2026-03-29T10:00:00Z', 'UTC'))).toBe('[0,0,1,0,0,0]');
  });

  it('fails on a bad operand, naming its position', () => {
    expect(failure(() => diff('0', '"x"')).message).toMatch(/^time.diff: operand 2 must be/);
    expect(failure(() => diff('[0,"Nowhere/City"]', '0')).message).toBe('time.diff: unknown time zone "Nowhere/City"');
  });
});

describe('time.parse_rfc3339_ns', () => {
  const parse = (text: string) => b['time.parse_rfc3339_ns'](JSON.stringify(text));

  it('reads RFC 3339 to the nanosecond, in any offset', () => {
    expect(parse('2026-12-02T00:00:00Z')).toBe('1796169600000000000');
    expect(parse('2026-12-02T01:00:00+01:00')).toBe('1796169600000000000');
    expect(parse('2026-12-01T18:15:00-05:45')).toBe('1796169600000000000');
    expect(parse('2026-12-02T00:00:00-00:00')).toBe('1796169600000000000');
    expect(parse('2026-12-02T00:00:00.123456789Z')).toBe('1796169600123456789');
    expect(parse('2026-12-02T00:00:00.5Z')).toBe('1796169600500000000');
    expect(parse('2026-12-02T00:00:00.1234567891234Z')).toBe('1796169600123456789'); // beyond the ninth digit: dropped
    expect(parse('1969-12-31T23:59:59.999999999Z')).toBe('-1');
    expect(parse('2024-02-29T12:00:00Z')).toBe(ns('2024-02-29T12:00:00Z'));
  });

  it("takes what Go's time.Parse also takes beyond the RFC", () => {
    expect(parse('2026-12-02T9:00:00Z')).toBe(ns('2026-12-02T09:00:00Z')); // a one-digit hour
    expect(parse('2026-12-02T00:00:00,5Z')).toBe('1796169600500000000'); // a comma before the fraction
    expect(parse('2026-12-02T00:00:00+24:00')).toBe(ns('2026-12-01T00:00:00Z'));
    expect(parse('2026-12-02T00:00:00+23:60')).toBe(ns('2026-12-01T00:00:00Z'));
  });

  it('refuses what Go refuses', () => {
    for (const text of [
      '2026-12-02t00:00:00Z', '2026-12-02T00:00:00z', '2026-12-02 00:00:00Z', '2026-12-02T00:00:00', '2026-12-02',
      '2026-12-02T24:00:00Z', '2026-12-02T00:60:00Z', '2026-12-02T00:00:60Z', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z',
      '2026-00-01T00:00:00Z', '2026-12-00T00:00:00Z', '2026-12-32T00:00:00Z', '2026-1-02T00:00:00Z', '26-12-02T00:00:00Z',
      '2026-12-02T00:00:00+0100', '2026-12-02T00:00:00+1:00', '2026-12-02T00:00:00+25:00', '2026-12-02T00:00:00+23:61',
      '2026-12-02T00:00:00+01:00:00', '2026-12-02T00:00:00Z ', '2026-12-02T00:00:00Z\n', ' 2026-12-02T00:00:00Z',
      '2026-12-02T00:00:00.Z', '2026-12-02T000:00:00Z', '２０２６-12-02T00:00:00Z', '2026-12-02T00:00:00UTC', '',
    ]) {
      expect(failure(() => parse(text)).message, text).toMatch(/^time.parse_rfc3339_ns: (cannot parse|\w+ out of range|time zone offset out of range)/);
    }
  });

  it('refuses the years 0000 and 9999 and everything else beyond int64 nanoseconds, to the nanosecond', () => {
    expect(parse('1677-09-21T00:12:43.145224192Z')).toBe('-9223372036854775808');
    expect(parse('2262-04-11T23:47:16.854775807Z')).toBe('9223372036854775807');
    for (const text of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1677-09-21T00:12:43.145224191Z', '2262-04-11T23:47:16.854775808Z']) {
      expect(failure(() => parse(text)).message, text).toMatch(/^time.parse_rfc3339_ns: time outside of valid range/);
    }
  });

  it('takes only a string', () => {
    expect(failure(() => b['time.parse_rfc3339_ns']('0')).message).toBe('time.parse_rfc3339_ns: operand 1 must be a string, not number');
  });
});

describe('the host side of the WASM ABI', () => {
  it('lists what a bundle may import: the time builtins and opa-wasm\'s JavaScript ones', () => {
    const names = hostBuiltinNames();
    for (const name of ['time.now_ns', 'time.date', 'time.clock', 'time.weekday', 'time.add_date', 'time.diff', 'time.parse_rfc3339_ns', 'sprintf']) expect(names).toContain(name);
    expect(names).not.toContain('time.format');
  });

  it('refuses a module that is no OPA policy', () => {
    const empty = new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    expect(() => loadClockedPolicy(empty)).toThrow('the policy declares no ABI version');
  });
});
