// `blockgate test`: `opa test` over a team's rules and their *_test.rego, with blockgate's own
// policy (so data.blockgate.view is the real one) and the test helper package blockgate.testing.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlockgateError } from '../errors.js';
import { POLICY_DIR, policySources, rulesSources } from './build.js';
import { findOpa, opaVersion, RULE_BUILD, ruleError, runOpa } from './opa.js';

/** The test helper for rule authors (package blockgate.testing), shipped beside the package. */
export const TEST_HELPER = fileURLToPath(new URL('../../rules-sdk/blockgate_testing.rego', import.meta.url));

export interface TestRulesOptions {
  /** The directory of rules, their *_test.rego and data.json. */
  rules: string;
  opa?: string;
  /** The blockgate.testing helper to load; the shipped one by default. */
  helper?: string;
  env?: NodeJS.ProcessEnv;
}

export interface TestRulesResult {
  /** Every test passed (none failed or errored). */
  passed: boolean;
  /** Tests run, and those that passed, as opa counts them. */
  total: number;
  passes: number;
  /** opa test's own report (failures with file and line, and the PASS/FAIL summary). */
  output: string;
}

// opa's loading and compile errors: "FILE:ROW: rego_xxx_error: MESSAGE".
const OPA_ERROR_LINE = /^(?:\d+ errors? occurred(?: during loading)?: )?(.+?):(\d+): (rego_\w+): (.*)$/;

/**
 * Runs `opa test` over the rules with blockgate's policy and the test helper. Failing tests are a
 * result (passed: false); rules that do not load or compile are `rule-build` with file and line.
 */
export function testRules(opts: TestRulesOptions): TestRulesResult {
  const opa = findOpa(opts.opa, opts.env);
  const cwd = process.cwd();
  opaVersion(opa, cwd);
  const helper = opts.helper ?? TEST_HELPER;
  if (!existsSync(helper)) throw new BlockgateError('internal', `${helper}: the rule test helper (package blockgate.testing) is missing from this installation`);
  const rules = rulesSources(opts.rules);
  const files = [
    ...policySources().map((f) => join(POLICY_DIR, f.staged.slice('policies/blockgate/'.length))),
    helper,
    ...rules.rego.map((f) => f.shown),
    ...rules.tests,
    ...rules.data.map((f) => f.shown),
  ];
  const run = runOpa(opa, ['test', '--', ...files], cwd);
  const output = `${run.stdout}${run.stderr}`;
  // opa's summary: "PASS: p/t", "FAIL: f/t", "ERROR: e/t" (each only when not zero).
  const counts = new Map([...output.matchAll(/^(PASS|FAIL|ERROR): (\d+)\/(\d+)$/gm)].map((m) => [m[1]!, [Number(m[2]), Number(m[3])] as const]));
  if (run.status === 0 || (run.status === 2 && counts.size > 0)) {
    const total = [...counts.values()][0]?.[1] ?? 0;
    const passes = counts.get('PASS')?.[0] ?? 0;
    return { passed: run.status === 0 && passes === total, total, passes, output };
  }
  const problems = output.split('\n').map((line) => OPA_ERROR_LINE.exec(line.trim())).filter((m) => m !== null).map((m) => ({
    code: RULE_BUILD,
    message: `${m[1]} line ${m[2]}: ${m[3]}: ${m[4]}`,
    file: m[1]!,
    line: Number(m[2]),
  }));
  if (problems.length === 0) throw ruleError(`opa test failed: ${output.trim() || `exit status ${run.status}`}`);
  throw BlockgateError.fromProblems(problems);
}
