// Issue 9 through bin/blockgate: times outside 0000-9999 in UTC, control characters in names and
// targets, what-if changes by denials and --target: exit code and message, one JSON object.
import { describe, expect, it } from 'vitest';
import { blockgate, expectError, jsonl, ownerGrant, put, putLedger, SEED, tempDir, TRUST } from '../e2e/core-support.js';

const AT = '2026-11-25T12:00:00Z';
const dir = tempDir('h7-edges');
const request = ['--action', 'apply', '--env', 'staging'];

function check(extra: string[]) {
  return blockgate(['check', '--blockers', SEED, ...request, '--format', 'json', ...extra]);
}

describe('times outside the years 0000-9999 in UTC are bad-time (SPEC 1.2)', () => {
  it.each([
    ['9999-12-31T23:59:59-23:59', 'echoed as +010000-01-01 before'],
    ['0000-01-01T00:00:00+00:01', 'before year 0 in UTC'],
  ])('--at %s (%s) exits 3', async (at) => {
    for (const command of [['check', ...request], ['plan', ...request], ['matrix'], ['what-if']]) {
      const r = await blockgate([...command, '--blockers', SEED, '--at', at, '--format', 'json']);
      expectError(r, 'bad-time', 3, '--at', at, 'between 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z');
    }
  });

  it('the latest instant written west of UTC is decided (denied: the seed blocks apply) and echoed in UTC', async () => {
    const r = await check(['--at', '9999-12-31T00:00:59.999-23:59']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.json.request.at).toBe('9999-12-31T23:59:59.999Z');
  });

  it('a ledger time past 9999 in UTC rejects the ledger, naming the line and field', async () => {
    const ledger = putLedger(dir, [ownerGrant('G-1', { action: 'apply', environment: 'staging', issued_at: '9999-12-31T23:59:59-00:01', resolves: ['B-1'] })], 'late.jsonl');
    expectError(await check(['--ledger', ledger, '--trust', TRUST, '--at', AT]), 'bad-time', 3, `${ledger} line 1`, 'issued_at');
  });

  it('a what-if --add time before year 0 in UTC is bad-time, naming the file and line', async () => {
    const add = put(dir, 'early.jsonl', jsonl([{
      type: 'grant', id: 'H-1', role: 'owner', issued_at: '0000-01-01T00:00:00+01:00', action: 'apply', environment: 'staging', resolves: ['B-1'],
    }]));
    expectError(await blockgate(['what-if', '--blockers', SEED, '--add', add, '--at', AT, '--format', 'json']), 'bad-time', 3, `${add} line 1`, 'issued_at');
  });
});

describe('control characters', () => {
  it('a target with a newline is bad-request (exit 3), never a workflow command', async () => {
    const target = 'X\n::error title=fake::injected';
    for (const format of ['json', 'github']) {
      const r = await blockgate(['check', '--blockers', SEED, ...request, '--target', target, '--at', AT, '--format', format]);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/^::error title=fake/m);
      if (format === 'json') expectError(r, 'bad-request', 3, 'target "X\\n::error title=fake::injected" must not contain control characters');
    }
  });

  it('a catalog action with U+0000 is catalog-schema (exit 3), the name escaped', async () => {
    const catalog = put(dir, 'nul-catalog.json', { actions: { 'a\u0000b': { tags: ['apply'] } }, environments: { c: { tags: [] } } });
    const r = await blockgate(['matrix', '--blockers', SEED, '--catalog', catalog, '--at', AT, '--format', 'json']);
    expectError(r, 'catalog-schema', 3, catalog, '/actions: the name "a\\u0000b" must not contain control characters');
  });
});

describe('what-if changes (SPEC 3)', () => {
  it('each change carries the target and the denials added and removed', async () => {
    const ledger = putLedger(dir, [ownerGrant('G-STAGING', { action: 'apply', environment: 'staging', resolves: ['FIX7-P0-PLAN-SEPARATE-AUTH-1'] })], 'staging.jsonl');
    const r = await blockgate(['what-if', '--blockers', SEED, '--ledger', ledger, '--trust', TRUST, '--revoke', 'G-STAGING', '--at', AT, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.changes).toContainEqual({
      action: 'apply', environment: 'staging', target: null, before: true, after: false,
      denials_added: ['FIX7-P0-PLAN-SEPARATE-AUTH-1'], denials_removed: [],
    });
    for (const c of r.json.changes) expect(Object.keys(c)).toEqual(['action', 'environment', 'target', 'before', 'after', 'denials_added', 'denials_removed']);
  });
});
