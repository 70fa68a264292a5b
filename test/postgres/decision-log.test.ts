// Issue 14: `--decision-log postgresql://…` — a fleet of servers logs into one table, one hash
// chain per instance (its id on each row), and `replay` reads and checks it.
import { describe, expect, it } from 'vitest';
import { logFromTwoServers } from '../support/decision-log.js';
import { FIX7, ROOT, SEED, blockgate } from '../support/cli.js';
import { usePostgres } from '../support/postgres.js';

const server = usePostgres();
const TRUST = `${ROOT}fixtures/trust.test-only.json`;
const AT = '2026-11-25T12:00:00Z';

describe('decision log in PostgreSQL', () => {
  it('two instances log concurrently, every decision is there, and replay matches them all', async () => {
    const ledger = server.url('grants');
    expect((await blockgate(['ledger', 'init', '--ledger', ledger, '--format', 'json'])).code).toBe(0);
    expect((await blockgate(['ledger', 'import', '--ledger', ledger, `${FIX7}/grants.jsonl`, '--format', 'json'])).code).toBe(0);
    const log = server.url('decisions');
    const inputs = ['--blockers', SEED, '--ledger', ledger, '--trust', TRUST];
    const ids = await logFromTwoServers(inputs, log, AT);
    expect(new Set(ids).size).toBe(40);

    const replay = await blockgate(['replay', log, ...inputs, '--format', 'json']);
    expect(replay.json, replay.stdout + replay.stderr).toMatchObject({ valid: true, verdict: 'match', changed: 0, problems: [] });
    expect(replay.json.decisions).toBeGreaterThanOrEqual(40);
    expect(replay.code).toBe(0);
  }, 600_000);

  it('replay of an unreachable or wrongly authenticated log is io, exit 1, no password shown', async () => {
    const inputs = ['--blockers', SEED, '--trust', TRUST];
    for (const log of [server.url('decisions', { password: 'not-the-password-42' }), server.url('decisions', { port: 1 })]) {
      const r = await blockgate(['replay', log, ...inputs, '--format', 'json']);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.json.error.code).toBe('io');
      expect(r.stdout + r.stderr).not.toContain('not-the-password-42');
      expect(r.stdout + r.stderr).not.toContain(server.password);
    }
  });
});
