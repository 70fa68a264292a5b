// Pinning the ledger head: deleting the newest lines leaves a valid chain, but not the pinned entry.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockgate, ROOT } from '../support/cli.js';

const MAP = `${ROOT}fixtures/fix7/production-readiness-blocker-map.json`;
const LEDGER = `${ROOT}fixtures/fix7/grants.jsonl`;
const TRUST = `${ROOT}fixtures/trust.test-only.json`;
const lines = readFileSync(LEDGER, 'utf8').split('\n').filter(Boolean);

function ledgerOf(kept: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'blockgate-trunc-')), 'grants.jsonl');
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
  return file;
}

const check = (ledger: string, head: string, ...more: string[]) =>
  blockgate(['check', '--blockers', MAP, '--ledger', ledger, '--trust', TRUST, '--ledger-head', head,
    '--action', 'ci-enforcement', '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json', ...more]);

const ciScope = (json: { denials: Array<{ blocker_id: string; missing_roles: string[] }> }) =>
  json.denials.find((d) => d.blocker_id === 'FIX7-P0-PROD-CI-SCOPE-1');

describe('ledger head pinning through the CLI', () => {
  let head: string;
  beforeAll(async () => { head = (await blockgate(['ledger', 'head', '--ledger', LEDGER, '--trust', TRUST])).stdout.trim(); });

  it('prints SEQ:HASH', async () => {
    expect(head).toMatch(/^6:[0-9a-f]{64}$/);
    const json = (await blockgate(['ledger', 'head', '--ledger', LEDGER, '--format', 'json'])).json;
    expect(json).toMatchObject({ head, seq: 6, entries: 6 });
  });

  it('decides as usual over the pinned ledger and over a longer one that contains the pin', async () => {
    expect((await check(LEDGER, head)).code).toBe(2);
    const earlier = (await blockgate(['ledger', 'head', '--ledger', ledgerOf(lines.slice(0, 4))])).stdout.trim();
    expect((await check(LEDGER, earlier)).code).toBe(2);
  });

  it('refuses (exit 3, ledger-truncated) a ledger whose last line, the revoke, was deleted', async () => {
    const cut = ledgerOf(lines.slice(0, 5));
    // Without the pin the shortened ledger is valid, and the revoked grant would count again.
    const unpinned = await blockgate(['check', '--blockers', MAP, '--ledger', cut, '--trust', TRUST, '--action', 'ci-enforcement',
      '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json']);
    expect(unpinned.code).toBe(2); // owner + operator needed: still denied, but the revoked grant counts again
    expect(ciScope(unpinned.json)?.missing_roles).toEqual(['owner']);
    expect(ciScope((await check(LEDGER, head)).json)?.missing_roles).toEqual(['operator', 'owner']);
    const r = await check(cut, head);
    expect(r.code).toBe(3);
    expect(r.json).toEqual({ allowed: false, error: { code: 'ledger-truncated', message: expect.stringContaining(`${cut}: the ledger ends at seq 5`) } });
  });

  it('refuses a malformed pin as usage (exit 1)', async () => {
    const r = await check(LEDGER, '6:nothex');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('usage');
  });

  it('validate reports a truncated ledger with exit 3', async () => {
    const r = await blockgate(['validate', '--blockers', MAP, '--ledger', ledgerOf(lines.slice(0, 3)), '--trust', TRUST, '--ledger-head', head, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.valid).toBe(false);
    expect(r.json.problems).toContainEqual({ severity: 'error', code: 'ledger-truncated', message: expect.stringMatching(/the ledger ends at seq 3, but head 6:/) });
  });
});
