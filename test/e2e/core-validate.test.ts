// `validate`: every problem in maps, ledger, trust file and catalog at once, with file and line;
// warnings alone exit 0, any error exits 3.
import { describe, expect, it } from 'vitest';
import {
  blockgate, FIX7, jsonl, ownerGrant, put, putLedger, revoke, SEED, signLedger, tempDir, TRUST,
} from './core-support.js';

const dir = tempDir('validate');

interface Finding { severity: 'error' | 'warning'; code: string; message: string }
interface Report { valid: boolean; problems: Finding[]; [fact: string]: unknown }

async function validate(args: string[]): Promise<{ code: number; report: Report; stdout: string; stderr: string }> {
  const r = await blockgate(['validate', ...args, '--format', 'json']);
  return { code: r.code, report: r.json as Report, stdout: r.stdout, stderr: r.stderr };
}

const summary = (problems: Finding[]) => problems.map((p) => `${p.severity} ${p.code}`);

describe('validate', () => {
  it('the seed map with the FIX7 ledger and trust file is clean: exit 0, no problem', async () => {
    const { code, report } = await validate(['--blockers', SEED, '--ledger', `${FIX7}/grants.jsonl`, '--trust', TRUST]);
    expect(code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ maps: 1, blockers: 7, ledger_entries: 6, trusted_keys: 2 });
  });

  it('text: clean means OK and exit 0', async () => {
    const r = await blockgate(['validate', '--blockers', SEED]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK\b/m);
  });

  describe('warnings only: exit 0, each warning named with its file and line', () => {
    const map = put(dir, 'warn/map.json', [
      '{',
      '  "blockers": [',
      '    {"id": "W-ROLE", "actor_needed": "auditor + owner", "blocks": "apply"},',
      '    {"id": "W-AFTER", "actor_needed": "owner", "blocks": "apply", "after": ["W-GHOST"]},',
      '    {"id": "W-TAG", "actor_needed": "owner", "blocks": "apply/moonshot"}',
      '  ]',
      '}',
      '',
    ].join('\n'));
    const ledger = putLedger(dir, [ownerGrant('G-1', { resolves: ['W-TAG', 'W-MISSING'] })], 'warn/grants.jsonl');
    let result: Awaited<ReturnType<typeof validate>> | undefined;
    const run = async () => (result ??= await validate(['--blockers', map, '--ledger', ledger, '--trust', TRUST]));

    it('exit 0 and valid', async () => {
      const { code, report } = await run();
      expect(code).toBe(0);
      expect(report.valid).toBe(true);
      expect(report.problems.every((p) => p.severity === 'warning')).toBe(true);
    });

    it.each([
      ['a role no trusted key holds', 'role-without-key', `${'map.json'} line 3`, 'auditor'],
      ['an after id that does not exist', 'unknown-after', 'map.json line 4', 'W-GHOST'],
      ['an unknown tag', 'unknown-tag', 'map.json line 5', 'moonshot'],
      ['a resolves id no map has', 'unknown-resolves', 'grants.jsonl line 1', 'W-MISSING'],
    ])('%s', async (_, code, where, mention) => {
      const { report, stdout, stderr } = await run();
      expect(report, stdout + stderr).toBeTypeOf('object');
      const found = report.problems.filter((p) => p.code === code);
      expect(found, JSON.stringify(report.problems)).toHaveLength(1);
      expect(found[0]!.severity).toBe('warning');
      expect(found[0]!.message).toContain(where);
      expect(found[0]!.message).toContain(mention);
    });
  });

  it('lists EVERY problem at once across maps, ledger, trust file and catalog (exit 3)', async () => {
    const brokenMap = put(dir, 'all/broken.json', '{\n  "blockers": [\n');
    const schemaMap = put(dir, 'all/schema.json', '{\n  "blockers": [\n    {"id": "B-1", "blocks": "apply"}\n  ]\n}\n');
    const trust = put(dir, 'all/trust.json', '{\n  "keys": [\n    {"id": "k", "role": "owner"}\n  ]\n}\n');
    const catalog = put(dir, 'all/catalog.json', '{\n  "actions": {"apply": {"tags": "apply"}},\n  "environments": {}\n}\n');
    const ledger = put(dir, 'all/grants.jsonl', jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-1'), revoke('R-1', 'G-9', 'owner')])));
    const { code, report } = await validate(['--blockers', brokenMap, '--blockers', schemaMap, '--ledger', ledger, '--trust', trust, '--catalog', catalog]);
    expect(code).toBe(3);
    expect(report.valid).toBe(false);
    const located = report.problems.map((p) => `${p.code} ${p.message.split(':')[0]}`);
    expect(located).toEqual(expect.arrayContaining([
      `catalog-schema ${catalog} line 2`,
      `map-parse ${brokenMap} line 3`,
      `map-schema ${schemaMap} line 3`,
      `trust-schema ${trust} line 3`,
      `ledger-duplicate-id ${ledger} line 2`,
      `ledger-dangling-revoke ${ledger} line 3`,
    ]));
    expect(report.problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('text: one "error" line per problem, then PROBLEMS; exit 3', async () => {
    const brokenMap = put(dir, 'text/broken.json', '{\n');
    const ledger = put(dir, 'text/grants.jsonl', jsonl(signLedger([ownerGrant('G-1'), ownerGrant('G-1')])));
    const r = await blockgate(['validate', '--blockers', brokenMap, '--blockers', SEED, '--ledger', ledger, '--trust', TRUST]);
    expect(r.code).toBe(3);
    const errors = r.stdout.split('\n').filter((l) => /^error /.test(l));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('map-parse');
    expect(errors[1]).toContain('ledger-duplicate-id');
    expect(r.stdout).toMatch(/^PROBLEMS\b/m);
  });

  it('a map-conflict and a blocker no grant can resolve are errors', async () => {
    const a = put(dir, 'conflict/a.json', { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply' }] });
    const b = put(dir, 'conflict/b.json', { blockers: [
      { id: 'B-1', actor_needed: 'operator', blocks: 'apply' },
      { id: 'B-AMBIG', actor_needed: 'owner and operator | auditor', blocks: 'apply' },
      { id: 'B-NONE', actor_needed: ' ( tbd ) ', blocks: 'apply' },
    ] });
    const { code, report } = await validate(['--blockers', a, '--blockers', b]);
    expect(code).toBe(3);
    expect(summary(report.problems)).toEqual(expect.arrayContaining(['error map-conflict', 'error ambiguous-actor', 'error no-role']));
    const ambiguous = report.problems.find((p) => p.code === 'ambiguous-actor')!;
    expect(ambiguous.message).toContain(b);
    expect(ambiguous.message).toContain('B-AMBIG');
  });

  it('entries that decisions would ignore are reported with their line', async () => {
    const ledger = putLedger(dir, [
      ownerGrant('G-1'),
      { ...ownerGrant('G-2'), role: 'operator' },
      { ...ownerGrant('G-3'), key: 'intruder', signWith: 'intruder' },
    ], 'auth/grants.jsonl');
    const { code, report } = await validate(['--blockers', SEED, '--ledger', ledger, '--trust', TRUST]);
    expect(code).toBe(3);
    const byCode = Object.fromEntries(report.problems.map((p) => [p.code, p.message]));
    expect(byCode['role-mismatch']).toContain(`${ledger} line 2`);
    expect(byCode['unknown-key']).toContain(`${ledger} line 3`);
  });

  it('a signature that fails under its trusted key is ledger-signature, naming the line (SPEC 1.4)', async () => {
    const ledger = putLedger(dir, [ownerGrant('G-1'), { ...ownerGrant('G-2'), signWith: 'intruder' }], 'badsig/grants.jsonl');
    const { code, report } = await validate(['--blockers', SEED, '--ledger', ledger, '--trust', TRUST]);
    expect(code).toBe(3);
    const byCode = Object.fromEntries(report.problems.map((p) => [p.code, p.message]));
    expect(byCode['ledger-signature']).toContain(`${ledger} line 2`);
  });

  it('a ledger with entries still needs --trust (or --insecure-no-verify)', async () => {
    const ledger = putLedger(dir, [ownerGrant('G-1')], 'needs-trust/grants.jsonl');
    const r = await blockgate(['validate', '--blockers', SEED, '--ledger', ledger, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('usage');
    const insecure = await validate(['--blockers', SEED, '--ledger', ledger, '--insecure-no-verify']);
    expect(insecure.code).toBe(0);
  });

  it('map-none is listed with the other problems', async () => {
    const ledger = put(dir, 'none/grants.jsonl', jsonl(signLedger([ownerGrant('G-1')])).replace(/\n$/, ''));
    const { code, report } = await validate(['--blockers', `${dir}/none/*.json`, '--ledger', ledger, '--trust', TRUST]);
    expect(code).toBe(3);
    expect(summary(report.problems)).toEqual(expect.arrayContaining(['error map-none', 'error ledger-schema']));
  });
});
