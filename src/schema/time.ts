// The one RFC 3339 parser: times become integer milliseconds since the epoch.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Parses an RFC 3339 date-time with a time zone into epoch milliseconds (fractions beyond the
 * millisecond are truncated). Returns undefined for anything else, including leap seconds
 * (`:60`), which an instant in milliseconds cannot represent faithfully.
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
  return date.getTime() - offsetMin * 60_000;
}

/** Epoch milliseconds as RFC 3339 UTC with milliseconds, e.g. 2026-11-25T12:00:00.000Z. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}
