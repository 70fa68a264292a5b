import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import pg from 'pg';
import { databaseError, isPostgresUrl, postgresTarget, quoteIdentifier, redactedUrl } from './connect.js';

function refusal(url: string): BlockgateError {
  try {
    postgresTarget(url, 'ledger', 'blockgate_ledger');
  } catch (e) {
    return e as BlockgateError;
  }
  throw new Error(`${url} was taken`);
}

describe('a PostgreSQL URL as a ledger or log', () => {
  it('is told from a path by its scheme only', () => {
    expect(['postgresql://h/db', 'postgres://h/db', 'POSTGRESQL://h/db'].every(isPostgresUrl)).toBe(true);
    expect(['grants.jsonl', './postgresql://x', 'postgresql:/h/db', 'pg://h/db', ''].some(isPostgresUrl)).toBe(false);
  });

  it('takes the table from ?table=, or the default, and connects without it', () => {
    const t = postgresTarget('postgresql://ledger:s3cret@127.0.0.1:5433/blockgate?table=grants&sslmode=disable', 'ledger', 'blockgate_ledger');
    expect([t.table, t.quoted, t.secret]).toEqual(['grants', '"grants"', 's3cret']);
    expect(t.name).toBe('postgresql://ledger@127.0.0.1:5433/blockgate?table=grants&sslmode=disable');
    expect(t.config.connectionString).toBe('postgresql://ledger:s3cret@127.0.0.1:5433/blockgate?sslmode=disable');
    expect(postgresTarget('postgresql://h/db', 'ledger', 'blockgate_ledger').table).toBe('blockgate_ledger');
  });

  it('refuses, as usage and without the password, a table that is not a plain name, two tables, no database', () => {
    const hostile = ['x"; DROP TABLE sentinel; --', 'a.b', '1abc', 'a b', '', 'é', 'a'.repeat(64), 'x\u0000y', 'grants;'];
    for (const table of hostile) {
      const e = refusal(`postgresql://u:pw-9f3k@h/db?table=${encodeURIComponent(table)}`);
      expect([e.code, e.message.includes('pw-9f3k')], table).toEqual(['usage', false]);
      expect(e.message).toContain('is not a plain name');
    }
    expect(refusal('postgresql://u:pw-9f3k@h/db?table=a&table=b').message).toContain('"table" is given 2 times');
    expect(refusal('postgresql://u:pw-9f3k@h/?table=a').message).toContain('names no database');
    expect(refusal('postgresql://u:pw-9f3k@h:notaport/db').code).toBe('usage');
  });

  it('a generator of table names: only a plain identifier is taken, and it is always quoted', () => {
    const alphabet = ['a', 'Z', '_', '0', '9', '"', "'", ';', ' ', '-', '.', '\\', '$', 'é', '\n'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const table = Array.from({ length: 1 + (next() % 8) }, () => alphabet[next() % alphabet.length]).join('');
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(table);
      let taken: string | undefined;
      try {
        taken = postgresTarget(`postgresql://h/db?table=${encodeURIComponent(table)}`, 'ledger', 'x').quoted;
      } catch (e) {
        expect((e as BlockgateError).code).toBe('usage');
      }
      expect(taken !== undefined, table).toBe(plain);
      if (taken !== undefined) expect(taken).toBe(`"${table}"`);
    }
  });

  it("quotes an identifier exactly as node-postgres' escapeIdentifier does, whatever the string", () => {
    const alphabet = ['a', '"', '""', "'", ';', ' ', '\\', 'é', '\n', '\u0000', '😀'];
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const name = Array.from({ length: next() % 10 }, () => alphabet[next() % alphabet.length]).join('');
      expect(quoteIdentifier(name), JSON.stringify(name)).toBe(pg.escapeIdentifier(name));
    }
  });

  it('redacts the password wherever the URL holds it', () => {
    expect(redactedUrl('postgresql://u:pw@h/db')).toBe('postgresql://u@h/db');
    expect(redactedUrl('postgresql://u@h/db?password=pw')).toBe('postgresql://u@h/db?password=REDACTED');
    expect(redactedUrl('postgresql://u:pw@[bad/db')).not.toContain('pw');
  });

  it('a database failure is io, names the table, and never shows the password', () => {
    const t = postgresTarget('postgresql://u:hunter2@h/db?table=g', 'ledger', 'x');
    const e = databaseError(t, 'read the ledger', Object.assign(new Error('password "hunter2" rejected'), { code: '28P01' }));
    expect(e.code).toBe('io');
    expect(e.message).toBe('postgresql://u@h/db?table=g: cannot read the ledger: password "REDACTED" rejected (SQLSTATE 28P01)');
  });
});
