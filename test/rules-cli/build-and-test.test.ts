// `blockgate build` and `blockgate test` through the command line (in process): the four
// examples build and pass their tests; bad rules exit 3 with opa's file and line; no opa at
// --opa exits 1 saying how to install it; failing rule tests exit 2.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';
import { readSealedBundle } from '../../src/engine/bundle.js';
import { EXAMPLE_NAMES, EXAMPLES, OPA, rulesDir, scratch } from './support.js';

let root: string;
beforeAll(() => { root = scratch('build'); });

const RULE_HEAD = 'package blockgate.rules\n\n';

describe('blockgate build', () => {
  it.each(EXAMPLE_NAMES)('builds examples/rules/%s into a sealed bundle every command can read', async (name) => {
    const out = join(root, `out-${name}`);
    const r = await blockgate(['build', '--rules', join(EXAMPLES, name), '--out', out, '--opa', OPA, '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ bundle: join(out, 'bundle.tar.gz'), seal: join(out, 'seal.json'), opa_version: '1.22.3', signed: false });
    expect(r.json.rules.length).toBeGreaterThan(0);
    const bundle = readSealedBundle(out);
    expect(bundle.seal.revision).toBe(r.json.revision);
    expect(Object.keys(bundle.seal.rules)).toEqual(r.json.rules);
    expect(Object.keys(bundle.data)).toEqual(existsSync(join(EXAMPLES, name, 'data.json')) ? ['blockgate_rules_config'] : []);
  }, 120_000);

  it('text output names the bundle and its revision', async () => {
    const out = join(root, 'out-text');
    const r = await blockgate(['build', '--rules', join(EXAMPLES, 'evidence-origin'), '--out', out, '--opa', OPA]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`bundle: ${join(out, 'bundle.tar.gz')}`);
    expect(r.stdout).toMatch(/^revision: [0-9a-f]{16}$/m);
  }, 120_000);

  it('a syntax error exits 3 (rule-build) naming the file and line opa reports', async () => {
    const dir = rulesDir(root, 'syntax', { 'broken.rego': `${RULE_HEAD}deny contains {"id": "x", "message": "m"} if {\n\tinput.action ==\n}\n` });
    const r = await blockgate(['build', '--rules', dir, '--out', join(root, 'out-syntax'), '--opa', OPA, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('rule-build');
    expect(r.json.error.message).toMatch(new RegExp(`${dir}/broken\\.rego line \\d+: rego_parse_error`));
    expect(existsSync(join(root, 'out-syntax', 'seal.json'))).toBe(false);
  }, 120_000);

  it('a rule in another package exits 3 naming its file and the package line', async () => {
    const dir = rulesDir(root, 'package', { 'other.rego': 'package team.rules\n\ndeny contains {"id": "x", "message": "m"} if input.action == "apply"\n' });
    const text = await blockgate(['build', '--rules', dir, '--out', join(root, 'out-package'), '--opa', OPA]);
    expect(text.code).toBe(3);
    expect(text.stderr).toMatch(/^error rule-build: /);
    const r = await blockgate(['build', '--rules', dir, '--out', join(root, 'out-package'), '--opa', OPA, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('rule-build');
    expect(r.json.error.message).toContain(`${dir}/other.rego line 1: package team.rules`);
    expect(r.json.error.message).toContain('package blockgate.rules exactly');
  }, 120_000);

  it('--opa naming no opa exits 1 with the install instruction', async () => {
    const r = await blockgate(['build', '--rules', join(EXAMPLES, 'change-freeze'), '--out', join(root, 'out-noopa'), '--opa', join(root, 'no-opa-here'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('io');
    expect(r.json.error.message).toContain('install OPA v1.22.3');
    expect(r.json.error.message).toContain('make opa');
  });

  it('--rules and --out are required (usage, exit 1)', async () => {
    for (const args of [['build', '--out', join(root, 'x')], ['build', '--rules', join(EXAMPLES, 'change-freeze')]]) {
      const r = await blockgate(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/usage|Missing required argument/);
    }
  });

  it("--signing-alg without --signing-key is usage (exit 1)", async () => {
    const r = await blockgate(['build', '--rules', join(EXAMPLES, 'change-freeze'), '--out', join(root, 'out-alg'), '--opa', OPA, '--signing-alg', 'ES256', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toEqual({ code: 'usage', message: '--signing-alg needs --signing-key' });
  });
});

describe('blockgate test', () => {
  it.each(EXAMPLE_NAMES)("examples/rules/%s: its tests pass (exit 0, opa's report)", async (name) => {
    const r = await blockgate(['test', '--rules', join(EXAMPLES, name), '--opa', OPA]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS: (\d+)\/\1$/m);
  }, 120_000);

  it("a failing test exits 2; --format json counts it and keeps opa's report", async () => {
    const dir = rulesDir(root, 'failing', {
      'freeze.rego': `${RULE_HEAD}deny contains {"id": "freeze", "message": "frozen"} if input.action == "apply"\n`,
      'freeze_test.rego': `${RULE_HEAD}test_denies_apply if {\n\tcount(deny) == 1 with input as {"action": "apply"}\n}\n\ntest_wrongly_expects_nothing if {\n\tcount(deny) == 0 with input as {"action": "apply"}\n}\n`,
    });
    const text = await blockgate(['test', '--rules', dir, '--opa', OPA]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('test_wrongly_expects_nothing');
    expect(text.stdout).toMatch(/^FAIL: 1\/2$/m);
    const json = await blockgate(['test', '--rules', dir, '--opa', OPA, '--format', 'json']);
    expect(json.code).toBe(2);
    expect(json.json).toMatchObject({ passed: false, total: 2, passes: 1, failures: 1 });
    expect(json.json.report).toContain('test_wrongly_expects_nothing');
  }, 120_000);

  it('rules that do not compile exit 3 with file and line', async () => {
    const dir = rulesDir(root, 'test-syntax', { 'broken.rego': `${RULE_HEAD}deny contains x if {\n\tx :=\n}\n` });
    const r = await blockgate(['test', '--rules', dir, '--opa', OPA, '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('rule-build');
    expect(r.json.error.message).toMatch(/broken\.rego line \d+: rego_parse_error/);
  }, 120_000);

  it('--opa naming no opa exits 1 with the install instruction', async () => {
    const r = await blockgate(['test', '--rules', join(EXAMPLES, 'change-freeze'), '--opa', join(root, 'no-opa-here')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('install OPA v1.22.3');
  });
});
