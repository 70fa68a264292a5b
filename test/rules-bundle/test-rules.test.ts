// testRules with the pinned opa: rule tests run with blockgate's policy and the blockgate.testing helper.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRules, TEST_HELPER } from '../../src/rules/test.js';
import { OPA } from '../differential/opa.js';
import { writeRulesDir } from './rules-dir.js';
import { thrown } from '../support/thrown.js';

// The shipped helper when it is there; else a fixture with the one function these tests use.
const FIXTURE_HELPER = 'package blockgate.testing\n\nrequest(action, env, at_ms) := {"action": action, "environment": env, "at": at_ms}\n\n'
  + 'world(blockers, grants) := {"catalog": {"actions": {}, "environments": {}}, "blockers": {}, "blockers_by_tag": {}, "resolved": {}, "grants": {}, '
  + '"grants_by_blocker": {}, "revokes_by_grant": {}, "hypothetical_revokes": {}, "ledger": {"verified": true}, "trusted_roles": null}\n';

const RULE = 'package blockgate.rules\n\ndeny contains {"id": "freeze", "message": "frozen"} if {\n\tinput.action == "apply"\n\tinput.at >= data.blockgate_rules_config.freeze.from\n}\n';

let root: string;
let helper: string;

const rulesDir = (files: Record<string, string>): string => writeRulesDir(root, files);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bg-test-'));
  helper = TEST_HELPER;
  if (!existsSync(helper)) {
    helper = join(root, 'blockgate_testing.rego');
    writeFileSync(helper, FIXTURE_HELPER);
  }
});

const TESTS = (expectDenied: boolean) => `package blockgate.rules_test

import data.blockgate.rules
import data.blockgate.testing

test_freeze if {
	${expectDenied ? '' : 'not '}"freeze" in {d.id | some d in rules.deny with input as testing.request("apply", "production", 2000)}
}

test_view_is_the_core_policy if {
	data.blockgate.view.version == 1 with data.world as testing.world([], [])
		with input as testing.request("apply", "production", 1)
}
`;

describe('testRules', () => {
  it('passes when the rules\' tests pass, with the rules\' data loaded', () => {
    const dir = rulesDir({ 'freeze.rego': RULE, 'freeze_test.rego': TESTS(true), 'data.json': '{"blockgate_rules_config": {"freeze": {"from": 1000}}}' });
    const r = testRules({ rules: dir, opa: OPA, helper });
    expect(r).toEqual({ passed: true, total: 2, passes: 2, output: 'PASS: 2/2\n' });
  });

  it('fails, with opa\'s report naming the test and its file and line', () => {
    const dir = rulesDir({ 'freeze.rego': RULE, 'freeze_test.rego': TESTS(false), 'data.json': '{"blockgate_rules_config": {"freeze": {"from": 1000}}}' });
    const r = testRules({ rules: dir, opa: OPA, helper });
    expect(r.passed).toBe(false);
    expect(r.output).toContain(`${dir}/freeze_test.rego:6`);
    expect(r.output).toMatch(/data\.blockgate\.rules_test\.test_freeze: FAIL/);
  });

  it('a rule that does not compile is rule-build with its file and line', () => {
    const dir = rulesDir({ 'freeze.rego': 'package blockgate.rules\n\ndeny contains x if x := nope(1)\n', 'freeze_test.rego': TESTS(true) });
    const e = thrown(() => testRules({ rules: dir, opa: OPA, helper }));
    expect(e.code).toBe('rule-build');
    expect(e.file).toBe(`${dir}/freeze.rego`);
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/freeze\.rego line 3: rego_type_error: undefined function nope/);
  });

  it('a syntax error in a test file is rule-build too', () => {
    const dir = rulesDir({ 'freeze.rego': RULE, 'freeze_test.rego': 'package blockgate.rules_test\n\ntest_x if {\n' });
    const e = thrown(() => testRules({ rules: dir, opa: OPA, helper }));
    expect(e.code).toBe('rule-build');
    expect(e.message).toMatch(/freeze_test\.rego line \d+: rego_parse_error/);
  });

  it('a missing helper is internal (a broken installation), bad data is rule-build', () => {
    const dir = rulesDir({ 'freeze.rego': RULE });
    expect(thrown(() => testRules({ rules: dir, opa: OPA, helper: join(root, 'none.rego') })).code).toBe('internal');
    const bad = rulesDir({ 'freeze.rego': RULE, 'data.json': '{"world": {}}' });
    expect(thrown(() => testRules({ rules: bad, opa: OPA, helper })).code).toBe('rule-build');
  });
});
