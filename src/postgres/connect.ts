// A PostgreSQL URL as blockgate takes it (SPEC 7): a libpq-style `postgresql://` URL whose
// `table` parameter names the table. The database is storage, not trust: this module only
// connects and turns every failure into a clear `io` error that never shows the password.
// Table names are checked against a plain-identifier pattern and still quoted; every value
// travels as a query parameter.

// node-postgres is loaded on the first connection, not with the module: every command reaches
// this module, and loading pg costs about 46 ms of each start-up (issue 13), most of it for a
// ledger that is a file.
import type pg from 'pg';
import { BlockgateError } from '../errors.js';
import { isPostgresUrl } from '../load/locator.js';

export { isPostgresUrl };

export interface PostgresTarget {
  /** The URL without its password: how messages and reports name the table. */
  readonly name: string;
  /** The table, validated; quote it with `quoted` in SQL text. */
  readonly table: string;
  /** The table as an SQL identifier, quoted. */
  readonly quoted: string;
  /** What node-postgres connects with (the URL without `table`). */
  readonly config: pg.ClientConfig;
  /** The password, when the URL holds one: scrubbed from every message. */
  readonly secret: string | undefined;
}

/** A plain, unquoted-looking name: letters, digits and underscores, at most 63 bytes (PostgreSQL's limit). */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** How long connecting may take before it is an error: a database that does not answer is down. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long one statement may take: a hung database must not hang a deploy. */
const QUERY_TIMEOUT_MS = 60_000;

/**
 * Parses `url`; `defaultTable` is used when it has no `table` parameter. A URL that does not
 * parse, or a table name that is not a plain identifier, is `usage`.
 */
export function postgresTarget(url: string, what: string, defaultTable: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlockgateError('usage', `${what} ${redactedUrl(url)}: not a valid PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE?table=NAME)`);
  }
  const tables = parsed.searchParams.getAll('table');
  if (tables.length > 1) throw new BlockgateError('usage', `${what} ${redactedUrl(url)}: "table" is given ${tables.length} times; give it once`);
  const table = tables[0] ?? defaultTable;
  parsed.searchParams.delete('table');
  const secret = parsed.password === '' ? parsed.searchParams.get('password') ?? undefined : decodeURIComponent(parsed.password);
  const name = redactedUrl(url);
  if (!TABLE_NAME.test(table)) {
    throw new BlockgateError('usage',
      `${what} ${name}: table ${JSON.stringify(table)} is not a plain name: use letters, digits and _ (not starting with a digit), at most 63`);
  }
  if (parsed.pathname === '' || parsed.pathname === '/') {
    throw new BlockgateError('usage', `${what} ${name}: the URL names no database (postgresql://USER@HOST:PORT/DATABASE?table=NAME)`);
  }
  return {
    name,
    table,
    quoted: quoteIdentifier(table),
    secret,
    config: {
      connectionString: parsed.toString(),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      application_name: 'blockgate',
    },
  };
}

/** The URL with its password (in the authority or a `password` parameter) removed. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', 'REDACTED');
    return parsed.toString();
  } catch {
    // Not a URL at all: keep the scheme and host-ish part only, never what could be a password.
    return url.replace(/\/\/[^@/]*@/, '//REDACTED@');
  }
}

/** An SQL identifier in double quotes, each quote doubled (as node-postgres' escapeIdentifier). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

let driver: Promise<typeof pg> | undefined;
/** node-postgres, loaded once on first use. */
function postgresDriver(): Promise<typeof pg> {
  driver ??= import('pg').then((m) => m.default);
  return driver;
}

/** A connected client; the caller ends it. Failing to connect is `io`. */
export async function connect(target: PostgresTarget, doing: string): Promise<pg.Client> {
  const { Client } = await postgresDriver();
  const client = new Client(target.config);
  // An error after connecting (the server went away) surfaces on the next query; without a
  // listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw databaseError(target, doing, e);
  }
  return client;
}

/** Runs `work` on a fresh connection, always closed afterwards; database failures become `io`. */
export async function withClient<T>(target: PostgresTarget, doing: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(target, doing);
  try {
    return await work(client);
  } catch (e) {
    throw e instanceof BlockgateError ? e : databaseError(target, doing, e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK on any failure). */
export async function inTransaction<T>(client: pg.Client, work: () => Promise<T>, mode = 'BEGIN'): Promise<T> {
  await client.query(mode);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The SQLSTATE of a database error, if it is one. */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Any failure talking to the database as `io`, naming the table, never the password. */
export function databaseError(target: PostgresTarget, doing: string, e: unknown): BlockgateError {
  if (e instanceof BlockgateError) return e;
  const raw = e instanceof Error ? e.message || (e as NodeJS.ErrnoException).code || e.name : String(e);
  const state = sqlState(e);
  let why = raw.replace(/\s+/g, ' ').trim() || 'the connection failed';
  if (target.secret !== undefined && target.secret !== '') why = why.split(target.secret).join('REDACTED');
  return new BlockgateError('io', `${target.name}: cannot ${doing}: ${why}${state === undefined ? '' : ` (SQLSTATE ${state})`}`, { file: target.name });
}

/** The columns of `table` (name and type) in the connection's search path; empty when there is no such table. */
export async function tableColumns(client: pg.Client, target: PostgresTarget): Promise<Array<{ name: string; type: string; notNull: boolean }>> {
  const { rows } = await client.query<{ name: string; type: string; not_null: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`, [target.quoted]);
  return rows.map((r) => ({ name: r.name, type: r.type, notNull: r.not_null }));
}

/** Two processes creating a table at once: the loser sees one of these, and the table is there. */
const CREATE_RACE = new Set(['23505', '42P07']);

/**
 * Creates the table with `columns` (SQL column definitions) when there is none, then refuses (io)
 * one of another shape than `expected`. `created`: this call made it.
 */
export async function ensureTable(
  client: pg.Client, target: PostgresTarget, columns: string, expected: ReadonlyArray<{ name: string; type: string }>, what: string, init: string,
): Promise<{ created: boolean }> {
  // Look first: a role that may only use an existing table cannot run CREATE at all.
  const existed = (await tableColumns(client, target)).length > 0;
  if (!existed) {
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${target.quoted} (${columns})`);
    } catch (e) {
      if (!CREATE_RACE.has(sqlState(e) ?? '')) throw e;
    }
  }
  await requireShape(client, target, expected, what, init);
  return { created: !existed };
}

/**
 * Refuses (io) a table missing or of another shape than `expected` (name and type, in order):
 * blockgate never reads or writes a table it did not make.
 */
export async function requireShape(
  client: pg.Client, target: PostgresTarget, expected: ReadonlyArray<{ name: string; type: string }>, what: string, init: string,
): Promise<void> {
  const columns = await tableColumns(client, target);
  if (columns.length === 0) {
    throw new BlockgateError('io', `${target.name}: there is no table ${target.table} (or it cannot be seen): create it with \`${init}\``, { file: target.name });
  }
  const shape = (cs: ReadonlyArray<{ name: string; type: string }>) => cs.map((c) => `${c.name} ${c.type}`).join(', ');
  if (shape(columns) !== shape(expected)) {
    throw new BlockgateError('io',
      `${target.name}: table ${target.table} is not ${what} (its columns are ${shape(columns)}; ${what} has ${shape(expected)}): name another table`,
      { file: target.name });
  }
}
