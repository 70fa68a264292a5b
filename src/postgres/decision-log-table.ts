// The decision log's rows in a PostgreSQL table (SPEC 7, issue 14): (instance, seq, line), one
// hash chain per writing process, so a fleet of servers logs without contending on one chain.
// This module only stores and fetches lines; building, chaining and checking them is the
// decision log's own work, the same for a file and a table.

import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { connect, databaseError, ensureTable, postgresTarget, requireShape, withClient, type PostgresTarget } from './connect.js';

export const DEFAULT_DECISION_TABLE = 'blockgate_decisions';

/** The columns a decision log table has, as format_type names them. */
export const DECISION_TABLE_SHAPE = [
  { name: 'instance', type: 'text' },
  { name: 'seq', type: 'bigint' },
  { name: 'line', type: 'text' },
] as const;

const WHAT = 'a blockgate decision log';
const CREATED_BY = 'blockgate serve --decision-log URL';

/** One stored line: the JSON line a file log would hold (no newline), at `seq` of `instance`'s chain. */
export interface DecisionRow { instance: string; seq: number; line: string }

export function decisionTableTarget(url: string): PostgresTarget {
  return postgresTarget(url, 'decision log', DEFAULT_DECISION_TABLE);
}

/** A writer's end of the table: its own instance id, and one connection (re-opened after a failure). */
export class DecisionTable {
  /** This process's chain: every row it writes carries it. */
  readonly instance: string = randomUUID();
  private client: pg.Client | null;

  private constructor(readonly target: PostgresTarget, client: pg.Client) {
    this.client = client;
  }

  /** Connects, creates the table when there is none, and refuses (io) a table of another shape. */
  static async open(url: string): Promise<DecisionTable> {
    const target = decisionTableTarget(url);
    const client = await connect(target, 'open the decision log');
    try {
      await ensureTable(client, target, 'instance text NOT NULL, seq bigint NOT NULL CHECK (seq >= 1), line text NOT NULL, PRIMARY KEY (instance, seq)',
        DECISION_TABLE_SHAPE, WHAT, CREATED_BY);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw databaseError(target, 'open the decision log', e);
    }
    return new DecisionTable(target, client);
  }

  get name(): string {
    return this.target.name;
  }

  /** Stores `rows` of this instance in one INSERT: all of them, or (on an error) none. */
  async insert(rows: ReadonlyArray<{ seq: number; line: string }>): Promise<void> {
    await this.query('append to the decision log',
      `INSERT INTO ${this.target.quoted} (instance, seq, line) SELECT $1, r.seq, r.line FROM unnest($2::bigint[], $3::text[]) AS r(seq, line)`,
      [this.instance, rows.map((r) => r.seq), rows.map((r) => r.line)]);
  }

  /** This instance's last stored row, or null: where its chain goes on after a failed write. */
  async lastRow(): Promise<{ seq: number; line: string } | null> {
    const rows = await this.query<{ seq: string; line: string }>('read the decision log',
      `SELECT seq, line FROM ${this.target.quoted} WHERE instance = $1 ORDER BY seq DESC LIMIT 1`, [this.instance]);
    const row = rows[0];
    return row === undefined ? null : { seq: Number(row.seq), line: row.line };
  }

  /** Ends the connection; a later write connects again. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async query<R extends pg.QueryResultRow>(doing: string, text: string, params: unknown[]): Promise<R[]> {
    try {
      this.client ??= await connect(this.target, doing);
      return (await this.client.query<R>(text, params)).rows;
    } catch (e) {
      // The connection may be dead (the database restarted): the next write starts afresh.
      await this.close();
      throw databaseError(this.target, doing, e);
    }
  }
}

/** Every row of the table, by instance and then seq. A missing table or one of another shape is io. */
export async function readDecisionTable(url: string): Promise<{ name: string; rows: DecisionRow[] }> {
  const target = decisionTableTarget(url);
  const rows = await withClient(target, 'read the decision log', async (client) => {
    await requireShape(client, target, DECISION_TABLE_SHAPE, WHAT, CREATED_BY);
    const { rows: found } = await client.query<{ instance: string; seq: string; line: string }>(
      `SELECT instance, seq, line FROM ${target.quoted} ORDER BY instance, seq`);
    return found;
  });
  return { name: target.name, rows: rows.map((r) => ({ instance: r.instance, seq: Number(r.seq), line: r.line })) };
}
