// The breakpoint property bites (issue 10): policies/blockgate/breakpoints_test.rego must fail
// when a rule compares `at` with an instant that the `breakpoints` rule does not list, since the
// host's memo, keyed on the interval between breakpoints, would then serve wrong answers. Each
// case copies policies/ to a temporary directory, adds one such rule, and runs `opa test` on the
// property tests there; the unmodified copy must pass them.
//
// What the property catches, honestly: every millisecond of each test world's span (its first
// breakpoint minus a margin to its last plus a margin), so any comparison that changes an answer
// there, whatever its form; beyond the span, only probe instants compared with the span's edge, so
// a single threshold (`at >= C`, `at < C`, `at >= issued_at + a day`) anywhere in SPEC 1.2's time
// range, but a window that opens and closes again outside the span only when a probe falls in it.
// A rule whose effect none of the small worlds shows (it needs a blocker or role they lack) is not
// caught either.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPA, ROOT } from '../differential/opa.js';

const WITHIN = 'test_answers_change_only_at_breakpoints_within_each_span';
const BEYOND = 'test_answers_change_only_at_breakpoints_beyond_each_span';

const dirs: string[] = [];
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** `opa test` of the property tests on a copy of policies/ with `rule` added (package blockgate); the failing tests' names. */
function failingPropertyTests(rule: string | null): string[] {
  // Required, not skipped: `make test` builds opa before the vitest suites.
  if (!existsSync(OPA)) throw new Error(`${OPA} is missing: run \`make opa\` (make test builds it first)`);
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-bite-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'policies'), join(dir, 'policies'), { recursive: true });
  if (rule !== null) writeFileSync(join(dir, 'policies/blockgate/bite.rego'), `package blockgate\n\n${rule}\n`);
  const run = spawnSync(OPA, ['test', join(dir, 'policies'), '--timeout', '30m', '--run', `${WITHIN}|${BEYOND}`, '--format', 'json'], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  let results: { name: string; fail?: boolean; error?: unknown }[];
  try {
    results = JSON.parse(run.stdout) as typeof results;
  } catch {
    throw new Error(`opa test gave no JSON (exit ${run.status}): ${run.stdout.slice(0, 2000)}${run.stderr.slice(0, 2000)}`);
  }
  // Both property tests ran, whatever their outcome; the exit code agrees with the failures.
  expect(results.map((r) => r.name).sort()).toEqual([BEYOND, WITHIN]);
  const failed = results.filter((r) => r.fail === true || r.error !== undefined).map((r) => r.name).sort();
  if (failed.length > 0) expect(run.status).not.toBe(0);
  else expect(run.status).toBe(0);
  return failed;
}

describe('the breakpoint property', () => {
  it('passes on the unmodified policy', () => {
    expect(failingPropertyTests(null)).toEqual([]);
  });

  it('fails for a rule comparing `at` with a constant inside the test worlds\' span', () => {
    // The tests' `now` is 1000000 ms; now + 3 is no breakpoint of any test world.
    expect(failingPropertyTests('grant_expired(_) if input.at >= 1000003')).toEqual([WITHIN]);
  });

  it('fails for a rule comparing `at` with a constant long after the span (2030-01-01)', () => {
    expect(failingPropertyTests('grant_expired(_) if input.at >= 1893456000000')).toEqual([BEYOND]);
  });

  it('fails for a rule comparing `at` with a constant before the span (before the epoch)', () => {
    expect(failingPropertyTests('grant_expired(_) if input.at < -86400000')).toEqual([BEYOND]);
  });

  it('fails for a rule comparing `at` with a ledger time the breakpoints do not list (a day after issue)', () => {
    expect(failingPropertyTests('grant_expired(grant) if input.at >= grant.issued_at + 86400000')).toEqual([BEYOND]);
  });

  it('fails for a rule that changes only the plan at an unlisted instant', () => {
    // Within the timeline world's span; beyond the span of the world without a ledger.
    expect(failingPropertyTests('role_must_close contains ["B", "auditor"] if input.at > 1000005')).toEqual([BEYOND, WITHIN]);
  });
});
