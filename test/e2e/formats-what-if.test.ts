// what-if --add: invalid hypothetical entries are errors (exit 3) naming the file and line,
// never silently dropped; and the formats of what-if.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

const INPUTS = ['--blockers', 'fixtures/fix7/production-readiness-blocker-map.json', '--ledger', 'fixtures/fix7/grants.jsonl',
  '--trust', 'fixtures/trust.test-only.json', '--at', '2026-11-25T12:00:00Z'];

const grant = (fields: Record<string, unknown> = {}) => JSON.stringify({
  id: 'H-1', type: 'grant', role: 'operator', issued_at: '2026-11-25T12:00:00Z', action: 'apply', environment: 'production',
  resolves: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'], ...fields,
});

function addFile(name: string, lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bg-add-')), name);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

describe('what-if --add', () => {
  it('a valid file allows what it grants, and the output says what changed', async () => {
    const r = await blockgate(['what-if', ...INPUTS, '--add', addFile('ok.jsonl', [grant()]), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.json.changes).toHaveLength(1);
    // SPEC 3: a change carries the target and the denying ids it lost or gained.
    expect(r.json.changes[0]).toMatchObject({ action: 'apply', environment: 'production', target: null, before: false, after: true, denials_added: [] });
    expect(r.json.changes[0].denials_removed.length).toBeGreaterThan(0);
  });

  const bad: [string, string[], string, RegExp][] = [
    ['invalid JSON', [grant(), '{"id": "H-2", nope'], 'ledger-schema', /bad\.jsonl line 2: /],
    ['a missing role', [JSON.stringify({ ...JSON.parse(grant()), role: undefined })], 'ledger-schema', /bad\.jsonl line 1: .*missing required field "role"/],
    ['a seq field', [grant(), grant({ id: 'H-2', seq: 7 })], 'ledger-schema', /bad\.jsonl line 2: .*unknown field "seq"/],
    ['a sig field', [grant({ sig: 'A'.repeat(86) + '==' })], 'ledger-schema', /bad\.jsonl line 1: .*unknown field "sig"/],
    ['a key field', [grant({ key: 'owner-1' })], 'ledger-schema', /bad\.jsonl line 1: .*unknown field "key"/],
    ['a duplicate id in the file', [grant(), grant()], 'ledger-duplicate-id', /bad\.jsonl line 2: id "H-1" is already used on line 1/],
    ['an id of the ledger', [grant({ id: 'G-OWNER-APPLY-1' })], 'ledger-duplicate-id', /bad\.jsonl line 1: id "G-OWNER-APPLY-1" is already used on line 1 of fixtures\/fix7\/grants\.jsonl/],
    ['a dangling revoke', [JSON.stringify({ id: 'R-1', type: 'revoke', role: 'owner', issued_at: '2026-11-25T12:00:00Z', revokes: 'G-NOPE' })], 'ledger-dangling-revoke', /bad\.jsonl line 1: revokes "G-NOPE", which no line grants/],
    ['a revoke of a later line', [JSON.stringify({ id: 'R-1', type: 'revoke', role: 'operator', issued_at: '2026-11-25T12:00:00Z', revokes: 'H-1' }), grant()], 'ledger-dangling-revoke', /bad\.jsonl line 1: revokes "H-1", which is first on line 2, not earlier/],
    ['a bad time', [grant({ issued_at: '2026-11-25 12:00' })], 'bad-time', /bad\.jsonl line 1: /],
    ['a blank line', [grant(), '', grant({ id: 'H-2' })], 'ledger-schema', /bad\.jsonl line 2: blank line/],
  ];
  for (const [what, lines, code, message] of bad) {
    it(`refuses ${what}: exit 3, with the file and line`, async () => {
      const file = addFile('bad.jsonl', lines);
      const asJson = await blockgate(['what-if', ...INPUTS, '--add', file, '--format', 'json']);
      expect(asJson.code).toBe(3);
      expect(asJson.json.allowed).toBe(false);
      expect(asJson.json.error.code).toBe(code);
      expect(asJson.json.error.message).toMatch(message);
      const asText = await blockgate(['what-if', ...INPUTS, '--add', file]);
      expect(asText.code).toBe(3);
      expect(asText.stdout).toBe('');
      expect(asText.stderr).toContain(`error ${code}: ${file}`);
    });
  }

  it('refuses a file that is not there: exit 3, naming it', async () => {
    const r = await blockgate(['what-if', ...INPUTS, '--add', '/nonexistent/add.jsonl', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error.message).toBe('/nonexistent/add.jsonl: not found');
  });

  it('refuses --revoke of an unknown grant: exit 3', async () => {
    const r = await blockgate(['what-if', ...INPUTS, '--revoke', 'G-NOPE', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('ledger-dangling-revoke');
  });

  it('the text table marks the changed cells', async () => {
    const r = await blockgate(['what-if', ...INPUTS, '--add', addFile('ok.jsonl', [grant()])]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apply +denied 1 +\*allowed +denied 1$/m);
    expect(r.stdout).toContain('  apply@production: denied -> allowed');
  });
});
