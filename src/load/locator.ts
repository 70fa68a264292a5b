// What an input's locator names: a PostgreSQL URL (SPEC 7: a ledger or decision log kept in a
// table) or, for anything else, a path. Told apart by the scheme alone, before anything is read.

/** `postgres://` or `postgresql://` (any case): anything else given as a ledger or log is a path. */
export function isPostgresUrl(locator: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(locator);
}
