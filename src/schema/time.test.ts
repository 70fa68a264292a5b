import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BlockgateError } from '../errors.js';
import { EARLIEST_TIME, LATEST_TIME, formatTime, isInstant, parseTime } from './time.js';

const utc = (iso: string) => Date.parse(iso);

describe('parseTime: valid RFC 3339 date-times with a time zone', () => {
  it.each([
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T12:00:00+02:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T05:30:00-04:30', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:00+00:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:00:00-00:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-21T00:30:00+14:00', '2026-11-20T10:30:00.000Z'],
    ['2026-11-19T22:00:00-12:00', '2026-11-20T10:00:00.000Z'],
    // Lower-case t and z are allowed (RFC 3339 section 5.6, NOTE).
    ['2026-11-20t10:00:00z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20t12:00:00+02:00', '2026-11-20T10:00:00.000Z'],
    // Fractions: milliseconds kept, finer digits dropped.
    ['2026-11-20T10:00:00.5Z', '2026-11-20T10:00:00.500Z'],
    ['2026-11-20T10:00:00.05Z', '2026-11-20T10:00:00.050Z'],
    ['2026-11-20T10:00:00.123Z', '2026-11-20T10:00:00.123Z'],
    ['2026-11-20T10:00:00.1239999Z', '2026-11-20T10:00:00.123Z'],
    ['2026-11-20T12:00:00.250+02:00', '2026-11-20T10:00:00.250Z'],
    // Offsets crossing days, months and years.
    ['2026-01-01T01:00:00+02:00', '2025-12-31T23:00:00.000Z'],
    ['2026-12-31T23:00:00-02:00', '2027-01-01T01:00:00.000Z'],
    // Leap years.
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['2400-02-29T12:00:00Z', '2400-02-29T12:00:00.000Z'],
    // Month ends.
    ['2026-01-31T00:00:00Z', '2026-01-31T00:00:00.000Z'],
    ['2026-04-30T00:00:00Z', '2026-04-30T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', '2026-12-31T23:59:59.999Z'],
    // The edges of four-digit years.
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseTime(text)).toBe(utc(iso));
    expect(formatTime(parseTime(text)!)).toBe(iso);
  });

  it('years 0 to 99 are those years, not 1900 to 1999', () => {
    expect(formatTime(parseTime('0001-01-01T00:00:00Z')!)).toBe('0001-01-01T00:00:00.000Z');
    expect(formatTime(parseTime('0099-12-31T23:59:59Z')!)).toBe('0099-12-31T23:59:59.000Z');
    expect(formatTime(parseTime('0050-06-15T12:00:00+02:00')!)).toBe('0050-06-15T10:00:00.000Z');
  });

  it('year 0 is a leap year (divisible by 400), unlike 1900', () => {
    expect(formatTime(parseTime('0000-02-29T00:00:00Z')!)).toBe('0000-02-29T00:00:00.000Z');
    expect(parseTime('0000-03-01T00:00:00Z')! - parseTime('0000-02-29T00:00:00Z')!).toBe(86_400_000);
  });

  it('equal instants written differently are equal', () => {
    const instants = ['2026-11-20T10:00:00Z', '2026-11-20T11:00:00+01:00', '2026-11-20T10:00:00.000z', '2026-11-20t03:00:00-07:00', '2026-11-20T10:00:00.0004Z'];
    expect(new Set(instants.map(parseTime)).size).toBe(1);
  });

  it('order follows instants, not text', () => {
    expect(parseTime('2026-11-20T11:00:00+02:00')!).toBeLessThan(parseTime('2026-11-20T10:00:00Z')!);
    expect(parseTime('2026-11-20T10:00:00.001Z')!).toBeGreaterThan(parseTime('2026-11-20T11:00:00+01:00')!);
  });
});

describe('parseTime: refused', () => {
  it.each([
    ['no time zone', '2026-11-20T10:00:00'],
    ['a date only', '2026-11-20'],
    ['a time only', '10:00:00Z'],
    ['a space instead of T', '2026-11-20 10:00:00Z'],
    ['no seconds', '2026-11-20T10:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['a leap second with an offset', '2026-12-31T23:59:60+00:00'],
    ['hour 24', '2026-11-20T24:00:00Z'],
    ['minute 60', '2026-11-20T10:60:00Z'],
    ['month 0', '2026-00-20T10:00:00Z'],
    ['month 13', '2026-13-20T10:00:00Z'],
    ['day 0', '2026-11-00T10:00:00Z'],
    ['31 November', '2026-11-31T10:00:00Z'],
    ['29 February of a common year', '2026-02-29T10:00:00Z'],
    ['29 February 1900 (not a leap year)', '1900-02-29T10:00:00Z'],
    ['29 February 2100', '2100-02-29T10:00:00Z'],
    ['30 February', '2024-02-30T10:00:00Z'],
    ['an offset without a colon', '2026-11-20T10:00:00+0200'],
    ['an hour-only offset', '2026-11-20T10:00:00+02'],
    ['offset hour 24', '2026-11-20T10:00:00+24:00'],
    ['offset minute 60', '2026-11-20T10:00:00+01:60'],
    ['a named zone', '2026-11-20T10:00:00 UTC'],
    ['UTC spelled out', '2026-11-20T10:00:00UTC'],
    ['a trailing dot', '2026-11-20T10:00:00.Z'],
    ['a comma fraction', '2026-11-20T10:00:00,5Z'],
    ['a two-digit year', '26-11-20T10:00:00Z'],
    ['a five-digit year', '+12026-11-20T10:00:00Z'],
    ['single-digit fields', '2026-1-2T3:04:05Z'],
    ['ISO week date', '2026-W47-5T10:00:00Z'],
    ['an epoch number', '1795168800000'],
    ['leading white space', ' 2026-11-20T10:00:00Z'],
    ['trailing white space', '2026-11-20T10:00:00Z '],
    ['a trailing newline', '2026-11-20T10:00:00Z\n'],
    ['non-ASCII digits', '２０２６-11-20T10:00:00Z'],
    ['Arabic-Indic digits', '٢٠٢٦-11-20T10:00:00Z'],
    ['empty', ''],
    ['words', 'now'],
  ])('%s: %j', (_, text) => {
    expect(parseTime(text)).toBeUndefined();
  });
});

describe('formatTime', () => {
  it('is UTC with milliseconds', () => {
    expect(formatTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatTime(utc('2026-11-25T12:00:00.5Z'))).toBe('2026-11-25T12:00:00.500Z');
  });

  it('round-trips through parseTime', () => {
    for (const ms of [0, 1, 1_795_168_800_123, -1, -62_135_596_800_000, EARLIEST_TIME, LATEST_TIME]) expect(parseTime(formatTime(ms))).toBe(ms);
  });

  it.each([
    ['one millisecond after 9999', LATEST_TIME + 1],
    ['one millisecond before year 0', EARLIEST_TIME - 1],
    ['8.7e15 (Date\'s own limit is 8.64e15)', 8.7e15],
    ['a fraction of a millisecond', 0.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s with bad-time, never +0YYYYY or a negative year', (_, ms) => {
    let error: unknown;
    try { formatTime(ms); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(BlockgateError);
    expect((error as BlockgateError).code).toBe('bad-time');
    expect((error as BlockgateError).message).toContain('0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z');
  });
});

describe('times are bounded to the years 0000-9999 in UTC (SPEC 1.2)', () => {
  it.each([
    ['the latest instant', '9999-12-31T23:59:59.999Z', LATEST_TIME],
    ['the latest instant, finer digits dropped', '9999-12-31T23:59:59.9999999Z', LATEST_TIME],
    ['the earliest instant', '0000-01-01T00:00:00Z', EARLIEST_TIME],
    ['the earliest instant written east of UTC', '0000-01-01T23:59:00+23:59', EARLIEST_TIME],
    ['the latest second written west of UTC', '9999-12-31T00:00:59-23:59', LATEST_TIME - 999],
  ])('accepts %s: %s', (_, text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it.each([
    ['past 9999 once taken to UTC (echoed as +010000 before)', '9999-12-31T23:59:59-23:59'],
    ['one minute past 9999 in UTC', '9999-12-31T23:59:00-00:01'],
    ['before year 0 once taken to UTC', '0000-01-01T00:00:00+00:01'],
    ['before year 0 by a day', '0000-01-01T00:00:00+23:59'],
  ])('refuses a time %s: %s', (_, text) => {
    expect(parseTime(text)).toBeUndefined();
  });

  const DAY = 86_400_000;
  const MAX_OFFSET = 23 * 60 + 59;
  const edge = (at: number) => fc.integer({ min: at - 2 * DAY, max: at + 2 * DAY });
  const instants = fc.oneof(
    edge(EARLIEST_TIME), edge(LATEST_TIME),
    fc.integer({ min: EARLIEST_TIME - 2 * DAY, max: LATEST_TIME + 2 * DAY }),
    fc.constantFrom(EARLIEST_TIME, EARLIEST_TIME - 1, LATEST_TIME, LATEST_TIME + 1),
  );
  const offsets = fc.oneof(fc.integer({ min: -MAX_OFFSET, max: MAX_OFFSET }), fc.constantFrom(-MAX_OFFSET, -1, 0, 1, MAX_OFFSET));
  const pad = (n: number, width: number) => String(n).padStart(width, '0');

  /** The instant written in local time at the offset, or null when its local year is not 4 digits. */
  function written(instant: number, offsetMin: number, finer: string, zulu: boolean): string | null {
    const local = new Date(instant + offsetMin * 60_000);
    const y = local.getUTCFullYear();
    if (Number.isNaN(y) || y < 0 || y > 9999) return null;
    const zone = offsetMin === 0 && zulu ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60), 2)}:${pad(Math.abs(offsetMin) % 60, 2)}`;
    return `${pad(y, 4)}-${pad(local.getUTCMonth() + 1, 2)}-${pad(local.getUTCDate(), 2)}T${pad(local.getUTCHours(), 2)}:`
      + `${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}.${pad(local.getUTCMilliseconds(), 3)}${finer}${zone}`;
  }

  it('generated: accepted iff the UTC instant is in range, and then formats back to the same instant in RFC 3339 UTC', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(instants, offsets, fc.stringMatching(/^[0-9]{0,3}$/), fc.boolean(), (instant, offsetMin, finer, zulu) => {
      const text = written(instant, offsetMin, finer, zulu);
      fc.pre(text !== null);
      const ms = parseTime(text!);
      const inRange = instant >= EARLIEST_TIME && instant <= LATEST_TIME;
      expect(isInstant(instant)).toBe(inRange);
      if (!inRange) {
        expect(ms).toBeUndefined();
        refused++;
        return;
      }
      expect(ms).toBe(instant);
      const printed = formatTime(ms!);
      expect(printed).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(parseTime(printed)).toBe(instant);
      accepted++;
    }), { numRuns: 3000 });
    // Both sides of the bound were explored.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
