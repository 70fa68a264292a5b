// The one RFC 3339 parser: times become integer milliseconds since the epoch, within the years
// 0000-9999 in UTC (SPEC 1.2), so every time blockgate prints is RFC 3339 again.

import { BlockgateError } from '../errors.js';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 0000-01-01T00:00:00.000Z in epoch milliseconds: the earliest time blockgate takes. */
export const EARLIEST_TIME = -62_167_219_200_000;
/** 9999-12-31T23:59:59.999Z in epoch milliseconds: the latest time blockgate takes. */
export const LATEST_TIME = 253_402_300_799_999;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Whether epoch milliseconds are a whole instant that RFC 3339 in UTC can write (years 0000-9999). */
export function isInstant(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= EARLIEST_TIME && ms <= LATEST_TIME;
}

/**
 * Parses an RFC 3339 date-time with a time zone into epoch milliseconds (fractions beyond the
 * millisecond are truncated). Returns undefined for anything else, including leap seconds
 * (`:60`), which an instant in milliseconds cannot represent faithfully, and instants that fall
 * outside the years 0000-9999 once taken to UTC (`9999-12-31T23:59:59-00:01`).
 */
export function parseTime(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  const y = Number(ys), mo = Number(mos), d = Number(ds);
  const h = Number(hs), mi = Number(mis), s = Number(ss);
  if (mo < 1 || mo > 12) return undefined;
  const dim = mo === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[mo - 1]!;
  if (d < 1 || d > dim || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMin = 0;
  if (!z) {
    const oh = Number(ohs), om = Number(oms);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  // Not Date.UTC: it maps years 0-99 to 1900-1999, and 1900 has no 29 February where year 0 has.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  const instant = date.getTime() - offsetMin * 60_000;
  return isInstant(instant) ? instant : undefined;
}

/**
 * Epoch milliseconds as RFC 3339 UTC with milliseconds, e.g. 2026-11-25T12:00:00.000Z. An
 * instant outside the years 0000-9999 has no such form and is refused, never written as
 * `+010000-…` or `-000001-…`.
 */
export function formatTime(ms: number): string {
  if (!isInstant(ms)) {
    throw new BlockgateError('bad-time', `${String(ms)} ms since the epoch is not a time between ${new Date(EARLIEST_TIME).toISOString()} and ${new Date(LATEST_TIME).toISOString()}`);
  }
  return new Date(ms).toISOString();
}
