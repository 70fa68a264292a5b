// Issue 14: `--decision-log postgresql://…` over a FILE ledger (the decision log's part alone):
// servers log into one table, one chain per instance, `replay` reads it; the table writer and
// reader against the real database; a log that cannot be written fails the answer, as a file's.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionLog, appendDecision } from '../../src/decision-log/writer.js';
import { readDecisionLog, readDecisionLogFrom } from '../../src/decision-log/reader.js';
import { chainAfter, recordHash } from '../../src/decision-log/record.js';
import { postJson, serve } from '../e2e/server-harness.js';
import { decisionDraft, logFromTwoServers } from '../support/decision-log.js';
import { rejection } from '../support/thrown.js';
import { FIX7, ROOT, SEED, blockgate } from '../support/cli.js';
import { usePostgres } from '../support/postgres.js';

const server = usePostgres();
const TRUST = `${ROOT}fixtures/trust.test-only.json`;
const AT = '2026-11-25T12:00:00Z';
const INPUTS = ['--blockers', SEED, '--ledger', `${FIX7}/grants.jsonl`, '--trust', TRUST];

/** Every draft denied by B-1. */
const draft = (n: number) => decisionDraft(n, { allowed: false, denials: ['B-1'] });

describe('the decision log in PostgreSQL, over a file ledger', () => {
  it('two instances log concurrently, every decision is there, and replay matches them all', async () => {
    const log = server.url('decisions');
    const ids = await logFromTwoServers(INPUTS, log, AT);
    expect(new Set(ids).size).toBe(40);

    const rows = await server.sql<{ instance: string; n: string }>('SELECT instance, count(*) AS n FROM decisions GROUP BY instance');
    expect(rows.map((r) => Number(r.n)).sort()).toEqual([20, 20]);
    const logged = await server.sql<{ id: string }>("SELECT line::json->>'decision_id' AS id FROM decisions");
    expect(new Set(logged.map((r) => r.id))).toEqual(new Set(ids));

    const replay = await blockgate(['replay', log, ...INPUTS, '--format', 'json']);
    expect(replay.json, replay.stdout + replay.stderr).toMatchObject({ valid: true, verdict: 'match', changed: 0, problems: [] });
    expect(replay.json.decisions).toBe(40);
    expect(replay.code).toBe(0);
  }, 600_000);

  /** 40 decisions logged in `table`, then `statement` run with $1 the first instance's id; that id and the replay. */
  async function tampered(table: string, statement: string) {
    const log = server.url(table);
    await logFromTwoServers(INPUTS, log, AT);
    const [{ instance }] = (await server.sql<{ instance: string }>(`SELECT instance FROM ${table} ORDER BY instance LIMIT 1`)) as [{ instance: string }];
    await server.sql(statement, [instance]);
    const replay = await blockgate(['replay', log, ...INPUTS, '--format', 'json']);
    expect(replay.code, replay.stdout + replay.stderr).toBe(3);
    expect(replay.json).toMatchObject({ valid: false, verdict: 'broken' });
    return { log, instance, replay };
  }

  it('a gap in one instance\'s seq is a broken log: replay exits 3 naming the instance and seq', async () => {
    const { instance, replay } = await tampered('gapped', 'DELETE FROM gapped WHERE instance = $1 AND seq = 7');
    expect(replay.stdout).toContain(`instance ${instance} seq 8: it follows seq 6: rows were removed`);
  }, 600_000);

  it('an edited line breaks its instance\'s chain: replay exits 3', async () => {
    const { log, instance, replay } = await tampered('edited', "UPDATE edited SET line = replace(line, line::json->>'decision_id', 'forged') WHERE instance = $1 AND seq = 5");
    expect(replay.json.decisions).toBe(40);
    const contents = await readDecisionLogFrom(log);
    expect(contents.problems.map((p) => [p.code, p.message])).toEqual([
      ['log-chain', expect.stringContaining(`instance ${instance} line 6: prev does not match the hash of line 5`)],
    ]);
  }, 600_000);

  it('stores exactly the lines a file log holds, creates the table itself, and each writer has its own chain', async () => {
    const url = server.url('same_lines');
    const file = join(mkdtempSync(join(tmpdir(), 'blockgate-dlog-pg-')), 'decisions.jsonl');
    const [a, b] = [await DecisionLog.open(url), await DecisionLog.open(url)];
    expect(a.file).not.toContain(server.password);
    const records = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).append(draft(i))));
    await Promise.all([a.close(), b.close()]);
    expect(records.map((r) => r.seq).sort()).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    for (let i = 0; i < 10; i += 2) await appendDecision(file, draft(i));
    const rows = await server.sql<{ instance: string; line: string }>('SELECT instance, line FROM same_lines ORDER BY instance, seq');
    const chains = [...new Set(rows.map((r) => r.instance))];
    expect(chains).toHaveLength(2);
    const fileLines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    const fromA = rows.filter((r) => r.line.includes('"d-0"'))[0]!.instance;
    expect(rows.filter((r) => r.instance === fromA).map((r) => r.line)).toEqual(fileLines);
    expect(readDecisionLog(file).problems).toEqual([]);
    const contents = await readDecisionLogFrom(url);
    expect(contents).toMatchObject({ problems: [], lines: 10 });
    expect(contents.decisions).toHaveLength(10);
  });

  it('after a write whose outcome is unknown, the chain goes on from what the table holds', async () => {
    const url = server.url('unknown_outcome');
    const writer = await DecisionLog.open(url);
    const first = await writer.append(draft(1));
    const [{ instance }] = (await server.sql<{ instance: string }>('SELECT instance FROM unknown_outcome')) as [{ instance: string }];
    // As if the next INSERT had committed and its answer was lost: seq 2 is taken.
    const taken = chainAfter({ seq: 1, hash: recordHash(first) }, [draft(2)]);
    await server.sql('INSERT INTO unknown_outcome (instance, seq, line) VALUES ($1, 2, $2)', [instance, taken.lines[0]]);
    const failed = await rejection(writer.append(draft(3)));
    expect(failed.code).toBe('io');
    expect(failed.message).toMatch(/cannot append to the decision log: .*SQLSTATE 23505/);
    expect((await writer.append(draft(4))).seq).toBe(3);
    await writer.close();
    expect((await readDecisionLogFrom(url)).problems).toEqual([]);
  });

  it('check --decision-log URL logs its decision, a one-row chain of its own', async () => {
    const url = server.url('from_check');
    for (const env of ['production', 'staging']) {
      const check = await blockgate(['check', ...INPUTS, '--action', 'real-run', '--env', env, '--at', AT, '--decision-log', url, '--format', 'json']);
      expect([0, 2], check.stdout + check.stderr).toContain(check.code);
    }
    const rows = await server.sql<{ instance: string; seq: string }>('SELECT instance, seq FROM from_check');
    expect(rows.map((r) => r.seq)).toEqual(['1', '1']);
    expect(new Set(rows.map((r) => r.instance)).size).toBe(2);
    const replay = await blockgate(['replay', url, ...INPUTS, '--format', 'json']);
    expect([replay.code, replay.json.verdict, replay.json.decisions]).toEqual([0, 'match', 2]);
  });

  it('refuses a table of another shape: open and replay are io, serve exits 1', async () => {
    await server.sql('CREATE TABLE other_shape (instance text, seq integer, line text)');
    await server.sql('GRANT ALL ON other_shape TO ledger');
    const url = server.url('other_shape');
    const opened = await rejection(DecisionLog.open(url));
    expect(opened.code).toBe('io');
    expect(opened.message).toMatch(/table other_shape is not a blockgate decision log \(its columns are instance text, seq integer, line text;/);
    const replay = await blockgate(['replay', url, ...INPUTS, '--format', 'json']);
    expect([replay.code, replay.json.error.code]).toEqual([1, 'io']);
    const served = await serve([...INPUTS, '--decision-log', url], 120_000).then(async (s) => { await s.stop(); return 'listening'; }, (e: Error) => e.message);
    expect(served).toMatch(/serve exited with 1 before listening: .*is not a blockgate decision log/s);
  }, 120_000);

  it('a missing table is io on replay (a server creates it)', async () => {
    const replay = await blockgate(['replay', server.url('never_made'), ...INPUTS, '--format', 'json']);
    expect([replay.code, replay.json.error.code]).toEqual([1, 'io']);
    expect(replay.json.error.message).toMatch(/there is no table never_made .*blockgate serve --decision-log URL/);
  });

  it('a wrong password or an unreachable host is io and never shows the password', async () => {
    for (const url of [server.url('decisions', { password: 'not-the-password-42' }), server.url('decisions', { port: 1 })]) {
      const opened = await rejection(DecisionLog.open(url));
      expect(opened.code).toBe('io');
      expect(opened.message).not.toContain('not-the-password-42');
      expect(opened.message).not.toContain(server.password);
      const read = await rejection(readDecisionLogFrom(url));
      expect(read.code).toBe('io');
      expect(read.message).not.toContain('not-the-password-42');
      const check = await blockgate(['check', ...INPUTS, '--action', 'apply', '--env', 'production', '--at', AT, '--decision-log', url, '--format', 'json']);
      expect(check.code, check.stdout + check.stderr).toBe(1);
      expect(check.json.error.code).toBe('io');
      expect(check.stdout + check.stderr).not.toContain('not-the-password-42');
      expect(check.stdout + check.stderr).not.toContain(server.password);
    }
  });

  // Last: it stops the database.
  it('while the log cannot be written the server gives no answer (500), and it recovers by itself', async () => {
    const log = server.url('outage');
    const s = await serve([...INPUTS, '--decision-log', log], 120_000);
    const ask = () => postJson(`${s.url}/v1/data/blockgate/decision`, { input: { action: 'real-run', environment: 'staging', at: AT } });
    try {
      expect((await ask()).status).toBe(200);
      await server.stop('immediate');
      for (let i = 0; i < 2; i++) {
        const { status, body } = await ask();
        expect(status).toBe(500);
        expect(body.result).toBeUndefined();
        expect(JSON.stringify(body)).not.toContain(server.password);
      }
      await server.start();
      const after = await ask();
      expect(after.status).toBe(200);
      expect(after.body.result.allowed).toBe(true);
    } finally {
      expect(await s.stop()).toBe(0);
    }
    const contents = await readDecisionLogFrom(log);
    expect(contents).toMatchObject({ problems: [], lines: 2 });
  }, 600_000);
});
