// The grant ledger kept in a PostgreSQL table (SPEC 7): one row per entry, `seq` and the entry's
// exact JSON Lines line, so the table holds byte for byte what a file ledger holds. The database
// orders and stores; blockgate still verifies every row (the same reader as for a file). An
// append reads the head and inserts the next `seq` in one transaction: two hosts racing for the
// same `seq` meet the primary key, and the loser reads the new head and signs again.

import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { BlockgateError, problem, type Problem } from '../errors.js';
import { nextLedgerText, type LedgerAppend } from '../ledger/ledger-file.js';
import { parseLedgerText, type VerifiedEntry } from '../ledger/ledger.js';
import type { LedgerSnapshot } from '../ledger/store.js';
import { databaseError, ensureTable, inTransaction, postgresTarget, requireShape, sqlState, withClient, type PostgresTarget } from './connect.js';

/** The table's columns, as format_type names them: what init makes and every read requires. */
export const LEDGER_COLUMNS = [{ name: 'seq', type: 'bigint' }, { name: 'entry', type: 'text' }] as const;

const WHAT = 'a blockgate ledger table';

/** The table when the URL names none. */
export const DEFAULT_LEDGER_TABLE = 'blockgate_ledger';

/** The NOTIFY channel a committed append signals on (the payload is the table name). */
export const LEDGER_CHANNEL = 'blockgate_ledger';

/** How many times an append that lost the race for the next seq reads the new head and signs again. */
const APPEND_ATTEMPTS = 60;

/** Rows per INSERT when importing (two parameters each, far below PostgreSQL's 65535). */
const IMPORT_BATCH = 1000;

export function ledgerTarget(url: string): PostgresTarget {
  return postgresTarget(url, 'ledger', DEFAULT_LEDGER_TABLE);
}

function initCommand(target: PostgresTarget): string {
  return `blockgate ledger init --ledger '${target.name}'`;
}

export interface LedgerRow { seq: string | number; entry: string }

/**
 * The JSON Lines text of rows ordered by seq. A table can hold what a file cannot: a seq that is
 * not the row's place (a gap, a row renumbered), or an entry with a line break in it (two lines
 * in one row); each is refused here, naming the row, so the text reader sees exactly one line
 * per row and line N is the row with seq N.
 */
export function rowsText(rows: readonly LedgerRow[], name: string, from = 1): string {
  const problems: Problem[] = [];
  let text = '';
  rows.forEach((row, i) => {
    const expected = from + i;
    const seq = Number(row.seq);
    if (seq !== expected) {
      problems.push(problem('ledger-sequence', name, expected,
        `the row in place ${expected} has seq ${String(row.seq)}: rows must be numbered 1, 2, 3, … without gaps (was a row inserted, renumbered or deleted in the database?)`));
    }
    if (/[\n\r]/.test(row.entry)) {
      problems.push(problem('ledger-schema', name, expected, `the row with seq ${String(row.seq)} holds a line break: one row holds exactly one entry line`));
    }
    text += `${row.entry}\n`;
  });
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  return text;
}

async function requireLedgerTable(client: pg.Client, target: PostgresTarget): Promise<void> {
  await requireShape(client, target, LEDGER_COLUMNS, WHAT, initCommand(target));
}

async function selectRows(client: pg.Client, target: PostgresTarget, afterSeq = 0): Promise<LedgerRow[]> {
  const { rows } = await client.query<LedgerRow>(`SELECT seq, entry FROM ${target.quoted} WHERE seq > $1 ORDER BY seq`, [afterSeq]);
  return rows;
}

/** The whole ledger, read in one snapshot. */
export async function readLedgerTable(url: string): Promise<LedgerSnapshot> {
  const target = ledgerTarget(url);
  return withClient(target, 'read the ledger', (client) => inTransaction(client, async () => {
    await requireLedgerTable(client, target);
    return { name: target.name, text: rowsText(await selectRows(client, target), target.name) };
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
}

/** Creates the table if it is not there; a table of that name and another shape is refused. */
export async function initLedgerTable(url: string): Promise<{ name: string; created: boolean }> {
  const target = ledgerTarget(url);
  return withClient(target, 'create the ledger table', async (client) => {
    const { created } = await ensureTable(client, target, 'seq bigint PRIMARY KEY CHECK (seq >= 1), entry text NOT NULL', LEDGER_COLUMNS, WHAT, initCommand(target));
    return { name: target.name, created };
  });
}

/**
 * Appends the entries `append` makes, all or none, in one transaction; returns them as stored.
 * Losing the race for the next seq (another host committed first) starts again from the new head.
 */
export async function appendToLedgerTable(url: string, append: LedgerAppend): Promise<VerifiedEntry[]> {
  const target = ledgerTarget(url);
  return withClient(target, 'append to the ledger', async (client) => {
    await requireLedgerTable(client, target);
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(client, async () => {
          const before = rowsText(await selectRows(client, target), target.name);
          const { after, stored } = nextLedgerText(before, target.name, append);
          const lines = after.slice(before.length).split('\n').slice(0, -1);
          await insertRows(client, target, stored.map((s, i) => ({ seq: s.entry.seq, entry: lines[i] ?? '' })));
          await client.query('SELECT pg_notify($1, $2)', [LEDGER_CHANNEL, target.table]);
          return stored;
        });
      } catch (e) {
        if (sqlState(e) !== '23505' && sqlState(e) !== '40001') throw e;
        if (attempt >= APPEND_ATTEMPTS) {
          throw new BlockgateError('io',
            `${target.name}: cannot append: ${attempt} attempts in a row lost the race for the next seq to other appends; nothing was appended, try again`,
            { file: target.name });
        }
        // Back off a little, at random, so racing hosts do not meet again at once.
        await sleep(Math.floor(Math.random() * Math.min(200, 10 * attempt)));
      }
    }
  });
}

/** What appending would store, without writing anything (`ledger append --dry-run`). */
export async function previewLedgerTableAppend(url: string, append: LedgerAppend): Promise<VerifiedEntry[]> {
  const snapshot = await readLedgerTable(url);
  return nextLedgerText(snapshot.text, snapshot.name, append).stored;
}

/**
 * Loads a file ledger's text into the table, which must be empty; the text is first read as a
 * ledger (integrity; signatures are the reader's business on every load), so the table never
 * holds what a file could not.
 */
export async function importIntoLedgerTable(url: string, text: string, from: string): Promise<{ name: string; entries: number }> {
  const target = ledgerTarget(url);
  const ledger = parseLedgerText(text, from, null, { verify: false });
  const lines = text.split('\n').slice(0, -1);
  return withClient(target, 'import into the ledger table', async (client) => {
    await requireLedgerTable(client, target);
    return inTransaction(client, async () => {
      // No append may slip in between the emptiness check and the import.
      await client.query(`LOCK TABLE ${target.quoted} IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${target.quoted}`);
      const held = Number(rows[0]?.n ?? 0);
      if (held > 0) {
        throw new BlockgateError('io',
          `${target.name}: the table already holds ${held} ${held === 1 ? 'entry' : 'entries'}; import loads a ledger only into an empty table, so nothing was imported`,
          { file: target.name });
      }
      for (let i = 0; i < lines.length; i += IMPORT_BATCH) {
        await insertRows(client, target, lines.slice(i, i + IMPORT_BATCH).map((entry, j) => ({ seq: i + j + 1, entry })));
      }
      await client.query('SELECT pg_notify($1, $2)', [LEDGER_CHANNEL, target.table]);
      return { name: target.name, entries: ledger.entries.length };
    });
  });
}

async function insertRows(client: pg.Client, target: PostgresTarget, rows: ReadonlyArray<{ seq: number; entry: string }>): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
  await client.query(`INSERT INTO ${target.quoted} (seq, entry) VALUES ${values}`, rows.flatMap((r) => [r.seq, r.entry]));
}

/** What a watcher learns in one look: whether its rows are unchanged, and the rows after them. */
export interface TableChange {
  /** The rows up to `knownSeq` are exactly those the watcher holds (count, last seq, digest). */
  prefixIntact: boolean;
  /** The rows after `knownSeq`, in order. */
  added: LedgerRow[];
}

/**
 * One consistent look at the table for a watcher that holds rows 1..knownSeq whose text has
 * the SHA-256 `knownDigest`: the database compares that prefix, so an edit or a deletion of an
 * old row is seen without sending the whole table each time.
 */
export async function lookAtLedgerTable(client: pg.Client, target: PostgresTarget, knownSeq: number, knownDigest: string): Promise<TableChange> {
  return inTransaction(client, async () => {
    await requireLedgerTable(client, target);
    const { rows } = await client.query<{ n: string; last: string | null; digest: string }>(
      `SELECT count(*) AS n, max(seq) AS last,
              encode(sha256(convert_to(coalesce(string_agg(entry || E'\\n', '' ORDER BY seq), ''), 'UTF8')), 'hex') AS digest
         FROM ${target.quoted} WHERE seq <= $1`, [knownSeq]);
    const head = rows[0];
    const prefixIntact = head !== undefined && Number(head.n) === knownSeq && Number(head.last ?? 0) === knownSeq && head.digest === knownDigest;
    return { prefixIntact, added: prefixIntact ? await selectRows(client, target, knownSeq) : [] };
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

export { databaseError, requireLedgerTable };
