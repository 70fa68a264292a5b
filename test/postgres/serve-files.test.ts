// A server over a PostgreSQL ledger still watches its files (maps, trust): a change there reloads
// with the newest snapshot of the table, never without a ledger, and never allows on a broken file.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, postJson, serve } from '../e2e/server-harness.js';
import { FIX7, ROOT, SEED, blockgate } from '../support/cli.js';
import { eventually, usePostgres } from '../support/postgres.js';

const server = usePostgres();
const CONVERGE_MS = 60_000;

describe('serve over a PostgreSQL ledger, its files changing', () => {
  it('a trust file rewritten (the same keys) reloads over the table, and a broken one fails closed until repaired', async () => {
    const url = server.url('files');
    expect((await blockgate(['ledger', 'init', '--ledger', url, '--format', 'json'])).code).toBe(0);
    expect((await blockgate(['ledger', 'import', '--ledger', url, `${FIX7}/grants.jsonl`, '--format', 'json'])).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-pg-files-'));
    const trust = join(dir, 'trust.json');
    copyFileSync(`${ROOT}fixtures/trust.test-only.json`, trust);
    const s = await serve(['--blockers', SEED, '--ledger', url, '--trust', trust], 120_000);
    const decide = async () => (await postJson(`${s.url}/v1/data/blockgate/decision`, { input: { action: 'real-run', environment: 'staging', at: AT } })).body.result;
    try {
      expect((await decide()).allowed).toBe(true);
      writeFileSync(trust, '{"keys": 1}');
      await eventually(async () => (await decide()).error?.code === 'trust-schema', 'the broken trust file fails closed', CONVERGE_MS);
      writeFileSync(trust, readFileSync(`${ROOT}fixtures/trust.test-only.json`));
      await eventually(async () => (await decide()).allowed === true, 'the repaired trust file, over the table again', CONVERGE_MS);
      expect((await decide()).error).toBeUndefined();
    } finally {
      await s.stop();
    }
  }, 600_000);
});
