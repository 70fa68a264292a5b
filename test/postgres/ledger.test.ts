// SPEC 7 / issue 14 through the command line: a ledger in a real PostgreSQL. Written to the
// issue's contract: `ledger init|import|export`, --ledger postgresql://…?table=NAME everywhere.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, FIX7, ROOT, SEED, blockgate } from '../support/cli.js';
import { eventually, usePostgres } from '../support/postgres.js';

const server = usePostgres();
const TRUST = `${ROOT}fixtures/trust.test-only.json`;
const KEY = `${ROOT}fixtures/keys/owner-1.test-only.key`;
const FILE_LEDGER = `${FIX7}/grants.jsonl`;

interface Run { code: number | null; stdout: string; stderr: string }

function appendArgs(ledger: string, id: string): string[] {
  return ['ledger', 'append', '--ledger', ledger, '--key', KEY, '--key-id', 'owner-1', '--trust', TRUST, '--id', id,
    '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-PROD-OPT4-1',
    '--issued-at', '2026-11-20T10:00:00Z', '--max-skew', '3650d', '--format', 'json'];
}

/** One `blockgate` in its own process (the appends race as separate hosts' would). */
function processRun(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function init(table: string): Promise<void> {
  const r = await blockgate(['ledger', 'init', '--ledger', server.url(table), '--format', 'json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

async function importFile(table: string, file = FILE_LEDGER) {
  return blockgate(['ledger', 'import', '--ledger', server.url(table), file, '--format', 'json']);
}

async function exportText(table: string): Promise<string> {
  const r = await blockgate(['ledger', 'export', '--ledger', server.url(table)]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function verify(table: string) {
  return blockgate(['ledger', 'verify', '--ledger', server.url(table), '--trust', TRUST, '--format', 'json']);
}

function check(ledger: string) {
  return blockgate(['check', '--blockers', SEED, '--ledger', ledger, '--trust', TRUST, '--action', 'apply',
    '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json']);
}

describe('PostgreSQL ledger: init, import, export', () => {
  it('init creates the table and is idempotent; import then export is byte for byte the file', async () => {
    await init('roundtrip');
    await init('roundtrip');
    const imported = await importFile('roundtrip');
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(await exportText('roundtrip')).toBe(readFileSync(FILE_LEDGER, 'utf8'));
    const fromDb = await verify('roundtrip');
    const fromFile = await blockgate(['ledger', 'verify', '--ledger', FILE_LEDGER, '--trust', TRUST, '--format', 'json']);
    expect(fromDb.code).toBe(0);
    expect(fromDb.json).toEqual(fromFile.json);
  });

  it('import refuses a table that already holds entries and leaves it as it was', async () => {
    await init('twice');
    expect((await importFile('twice')).code).toBe(0);
    const again = await importFile('twice');
    expect(again.code).not.toBe(0);
    expect(again.json?.error?.code).toBeTruthy();
    expect(await exportText('twice')).toBe(readFileSync(FILE_LEDGER, 'utf8'));
  });

  it('check decides from the database exactly as from the file', async () => {
    await init('decide');
    expect((await importFile('decide')).code).toBe(0);
    const fromDb = await check(server.url('decide'));
    const fromFile = await check(FILE_LEDGER);
    expect(fromDb.code).toBe(fromFile.code);
    expect(fromDb.json).toEqual(fromFile.json);
  });
});

describe('PostgreSQL ledger: failures are io, exit 1, never an allow, never the password', () => {
  const cases: Array<[string, () => Promise<string>]> = [
    ['a table of another shape', async () => {
      await server.sql('CREATE TABLE other_shape (x integer PRIMARY KEY, y text)');
      await server.sql(`GRANT ALL ON other_shape TO ${server.user}`);
      return server.url('other_shape');
    }],
    ['a wrong password', async () => server.url('grants', { password: 'not-the-password-42' })],
    ['an unreachable host', async () => server.url('grants', { port: 1 })],
  ];
  for (const [what, ledgerOf] of cases) {
    it(`${what}: init, verify and check exit 1 with io`, async () => {
      const ledger = await ledgerOf();
      const runs = [
        await blockgate(['ledger', 'init', '--ledger', ledger, '--format', 'json']),
        await blockgate(['ledger', 'verify', '--ledger', ledger, '--trust', TRUST, '--format', 'json']),
        await check(ledger),
      ];
      for (const r of runs) {
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.json.allowed ?? false).toBe(false);
        expect(r.json.error.code).toBe('io');
        expect(r.json.error.message.length).toBeGreaterThan(10);
        for (const secret of [server.password, 'not-the-password-42']) {
          expect(r.stdout + r.stderr).not.toContain(secret);
        }
      }
    });
  }

  it('a table name built like SQL is a name, never SQL', async () => {
    await server.sql('CREATE TABLE sentinel (n integer)');
    const hostile = 'x"; DROP TABLE sentinel; --';
    const r = await blockgate(['ledger', 'init', '--ledger', server.url(hostile), '--format', 'json']);
    expect([0, 1]).toContain(r.code);
    expect(await server.sql("SELECT to_regclass('public.sentinel') IS NOT NULL AS present")).toEqual([{ present: true }]);
  });
});

describe('PostgreSQL ledger: many writers', () => {
  it('4 processes × 50 appends give 200 entries, one valid chain, every acknowledged append', async () => {
    await init('race');
    const worker = async (w: number): Promise<string[]> => {
      const acknowledged: string[] = [];
      for (let i = 0; i < 50; i++) {
        const id = `W${w}-${i}`;
        const r = await processRun(appendArgs(server.url('race'), id));
        expect(r.code, `${id}: ${r.stdout}${r.stderr}`).toBe(0);
        expect(JSON.parse(r.stdout).appended).toBe(id);
        acknowledged.push(id);
      }
      return acknowledged;
    };
    const acknowledged = (await Promise.all([0, 1, 2, 3].map(worker))).flat();
    const verified = await verify('race');
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.json.entries).toBe(200);
    const ids = exportedIds(await exportText('race'));
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(new Set(acknowledged));
  }, 900_000);

  it('the database crashing during appends loses no acknowledged entry and leaves no partial row', async () => {
    await init('crash');
    const acknowledged: string[] = [];
    const failed: Run[] = [];
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const id = `C${w}-${i}`;
        const r = await processRun(appendArgs(server.url('crash'), id));
        if (r.code === 0) acknowledged.push(id);
        else failed.push(r);
      }
    };
    const writers = [writer(0), writer(1)];
    // Crash once some appends have landed, start again, let more land, then stop the writers.
    await until(() => acknowledged.length >= 5, 'five appends before the crash');
    await server.stop('immediate');
    await until(() => failed.length >= 2, 'appends failing while the database is down');
    await server.start();
    const before = acknowledged.length;
    await until(() => acknowledged.length >= before + 5, 'five appends after the restart');
    stop = true;
    await Promise.all(writers);
    for (const r of failed) {
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(JSON.parse(r.stdout).error.code).toBe('io');
      expect(r.stdout + r.stderr).not.toContain(server.password);
    }
    const verified = await verify('crash');
    expect(verified.code, verified.stdout).toBe(0);
    const ids = new Set(exportedIds(await exportText('crash')));
    for (const id of acknowledged) expect(ids.has(id), id).toBe(true);
  }, 900_000);
});

describe('PostgreSQL ledger: a row edited in the database is caught on load', () => {
  it('an UPDATE of any column of several rows makes the ledger invalid (exit 3), and restoring it makes it valid', async () => {
    await init('tamper');
    expect((await importFile('tamper')).code).toBe(0);
    const columns = await server.sql<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'tamper' ORDER BY ordinal_position");
    expect(columns.length).toBeGreaterThan(0);
    const rowCount = readFileSync(FILE_LEDGER, 'utf8').trimEnd().split('\n').length;
    const rows = [0, Math.floor(rowCount / 2), rowCount - 1];
    let tampered = 0;
    for (const { column_name: column, data_type: type } of columns) {
      const changed = changedValue(column, type);
      for (const row of rows) {
        // The row by its position; ctid pins the one row whatever the table's key is.
        const [target] = await server.sql<{ ctid: string; old: unknown }>(
          `SELECT ctid::text AS ctid, ${quote(column)} AS old FROM tamper ORDER BY ctid OFFSET $1 LIMIT 1`, [row]);
        let edited: { ctid: string } | undefined;
        try {
          [edited] = await server.sql<{ ctid: string }>(
            `UPDATE tamper SET ${quote(column)} = ${changed} WHERE ctid = $1::tid RETURNING ctid::text AS ctid`, [target!.ctid]);
        } catch {
          continue; // the table's own constraints refused the edit: nothing was tampered
        }
        tampered++;
        const r = await verify('tamper');
        expect(r.code, `UPDATE of ${column} on row ${row}: ${r.stdout}`).toBe(3);
        expect(r.json.valid).toBe(false);
        const denied = await check(server.url('tamper'));
        expect(denied.code, `check after UPDATE of ${column}`).toBe(3);
        expect(denied.json.allowed).toBe(false);
        await server.sql(`UPDATE tamper SET ${quote(column)} = $1 WHERE ctid = $2::tid`, [target!.old, edited!.ctid]);
        expect((await verify('tamper')).code, `restored ${column}`).toBe(0);
      }
    }
    expect(tampered).toBeGreaterThanOrEqual(columns.length);
  }, 900_000);
});

describe('PostgreSQL ledger: rows written behind blockgate\'s back', () => {
  it('a raw INSERT leaving a seq gap is refused on load (exit 3), never skipped', async () => {
    await init('gap');
    expect((await importFile('gap')).code).toBe(0);
    const [last] = await server.sql('SELECT * FROM gap WHERE seq = (SELECT max(seq) FROM gap)');
    expect(last, 'the table has a seq column (one row per entry, SPEC 7)').toBeDefined();
    const columns = Object.keys(last!);
    const values = columns.map((c) => (c === 'seq' ? Number(last![c]) + 2 : c === 'id' ? `${String(last![c])}-GAP` : last![c]));
    let inserted = true;
    try {
      await server.sql(`INSERT INTO gap (${columns.map(quote).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    } catch {
      inserted = false; // the table's own constraints refused it: also fine
    }
    const r = await verify('gap');
    if (inserted) {
      expect(r.code, r.stdout).toBe(3);
      expect(r.json.valid).toBe(false);
      const denied = await check(server.url('gap'));
      expect(denied.code).toBe(3);
      expect(denied.json.allowed).toBe(false);
    } else {
      expect(r.code, r.stdout).toBe(0);
    }
  });
});

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** An SQL expression giving the column another value of its own type. */
function changedValue(column: string, type: string): string {
  const c = quote(column);
  if (/int|numeric|double|real/.test(type)) return `${c} + 1000`;
  if (type === 'jsonb' || type === 'json') return `jsonb_set(${c}::jsonb, '{note}', '"edited"')::${type}`;
  if (type === 'bytea') return `${c} || '\\x00'::bytea`;
  if (/timestamp/.test(type)) return `${c} + interval '1 second'`;
  if (type === 'boolean') return `NOT ${c}`;
  return `${c} || 'x'`;
}

function exportedIds(text: string): string[] {
  return text.trimEnd().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
}

/** Waits (a generous budget, not a speed check) for the writers to get somewhere. */
function until(probe: () => boolean, what: string): Promise<void> {
  return eventually(probe, what, 300_000, 20);
}
