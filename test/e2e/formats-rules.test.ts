// A rule's denial through the command line in every format (SPEC 6: "every output format, the
// report ... carry rule denials like blocker denials"): a bundle built with one rule that denies
// what fix7's map alone allows; the formats name it as a rule, on its file, and SARIF describes
// it with the rule's METADATA from the bundle's seal.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { buildRules } from '../../src/rules/build.js';
import { writeRulesDir } from '../rules-bundle/rules-dir.js';
import { ROOT, blockgate } from '../support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const INPUTS = ['--blockers', 'fixtures/fix7/production-readiness-blocker-map.json', '--ledger', 'fixtures/fix7/grants.jsonl', '--trust', 'fixtures/trust.test-only.json', '--at', AT];
// fix7 allows real-run in staging at AT: only the rule denies it.
const REQUEST = ['--action', 'real-run', '--env', 'staging'];

const RULE = `package blockgate.rules

# METADATA
# title: Staging freeze
# description: No real run in staging while the freeze lasts.
deny contains {"id": "STAGING-FREEZE", "message": "staging is frozen today", "next_action": "wait until tomorrow"} if {
	input.action == "real-run"
	input.environment == "staging"
}
`;

let bundle: string;
let ruleFile: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'bg-formats-rules-'));
  const rules = writeRulesDir(root, { 'freeze.rego': RULE });
  ruleFile = join(rules, 'freeze.rego');
  bundle = join(root, 'out');
  await buildRules({ rules, out: bundle, opa: join(ROOT, '.tools/bin/opa') });
});

const check = (format: string, ...more: string[]) => blockgate(['check', ...INPUTS, ...REQUEST, '--bundle', bundle, '--format', format, ...more]);

describe('a rule denial in every format, from the CLI', () => {
  it('json: kind rule, the rule file as source, exit 2; the plan lists it as unresolvable with reason rule', async () => {
    const r = await check('json');
    expect(r.code).toBe(2);
    expect(r.json.denials).toEqual([{
      kind: 'rule', blocker_id: 'STAGING-FREEZE', item: 'staging is frozen today', next_action: 'wait until tomorrow', actor_needed: null,
      blocks: [], required_roles: [], mode: null, missing_roles: [], reasons: ['rule'], source: ruleFile,
    }]);
    const plan = await blockgate(['plan', ...INPUTS, ...REQUEST, '--bundle', bundle, '--format', 'json']);
    expect(plan.json.unresolvable).toEqual([{ blocker_id: 'STAGING-FREEZE', reason: 'rule' }]);
  });

  it('sarif: one rule named and described by its METADATA (from the seal), the result on the rule file', async () => {
    const r = await check('sarif');
    expect(r.code).toBe(2);
    const run = (JSON.parse(r.stdout) as Log).runs[0]!;
    expect(run.tool.driver.rules).toEqual([expect.objectContaining({
      id: 'STAGING-FREEZE', name: 'Staging freeze', shortDescription: { text: 'Staging freeze' },
      fullDescription: { text: 'No real run in staging while the freeze lasts.' },
    })]);
    expect(run.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(`file://${ruleFile}`);
    // matrix rows carry ids only: the seal still names the rule.
    const m = await blockgate(['matrix', ...INPUTS, '--bundle', bundle, '--format', 'sarif']);
    expect(m.code).toBe(0);
    const matrix = (JSON.parse(m.stdout) as Log).runs[0]!;
    expect(matrix.tool.driver.rules!.find((x) => x.id === 'STAGING-FREEZE')).toMatchObject({ name: 'Staging freeze', properties: { kind: 'rule' } });
    expect(matrix.results!.filter((x) => x.ruleId === 'STAGING-FREEZE').map((x) => [x.properties!.action, x.properties!.environment])).toEqual([['real-run', 'staging']]);
  });

  it('github, junit and text name it as a rule, on its file, and say no grant lifts it', async () => {
    const gh = await check('github');
    expect(gh.stdout).toContain(`::error title=rule STAGING-FREEZE,file=${ruleFile}::real-run@staging is denied by rule STAGING-FREEZE: a rule denies this: staging is frozen today; no grant can lift it.%0ANext: wait until tomorrow`);
    const junit = await check('junit');
    expect(junit.stdout).toContain(`<testcase name="STAGING-FREEZE" classname="blockgate.real-run.staging" file="${ruleFile}">`);
    expect(junit.stdout).toContain('<failure type="rule"');
    const text = await check('text', '--explain-plan');
    expect(text.stdout).toContain('STAGING-FREEZE (rule)\n  staging is frozen today\n  why       rule: a rule denies this; no grant can lift it');
    // The plan's line, wrapped to 80 columns.
    expect(text.stdout.replace(/\s+/g, ' ')).toContain('To allow it STAGING-FREEZE: a rule denies this: staging is frozen today; no grant can lift it');
  });

  it('the html report shows the rule denial and the Rules table with its METADATA', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bg-formats-rules-html-')), 'report.html');
    const r = await blockgate(['report', ...INPUTS, '--bundle', bundle, '--html', out]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<tr class="denial rule" data-blocker="STAGING-FREEZE" data-kind="rule">');
    expect(html).toContain('<tr id="rule-0" data-rule="STAGING-FREEZE"><td><code>STAGING-FREEZE</code><div class="item">Staging freeze</div></td><td>No real run in staging while the freeze lasts.</td>');
  });
});
