import { describe, expect, it } from 'vitest';
import { CTX, PLAN, RULE_CTX, decision, denial, ruleDenial, ruleSample, sampleMatrix, sampleRuleMatrix, sampleWhatIf } from '../../test/support/render-samples.js';
import { command, escapeData, escapeProperty, githubRenderer } from './github.js';

const lines = (text: string) => text.trimEnd().split('\n');
const errors = (text: string) => lines(text).filter((l) => l.startsWith('::error '));

describe('github renderer', () => {
  it('escapes as the Actions runner unescapes: %, CR, LF in messages; also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext%3A a%2C b');
    expect(command('error', { title: 'T:1,2', file: undefined }, 'm')).toBe('::error title=T%3A1%2C2::m');
  });

  it('check: one ::error per denial, titled with the blocker id and placed on its map', () => {
    const d = decision('apply', 'production', [denial('B-1'), denial('B-2')], ['B-3']);
    const out = githubRenderer.check({ decision: d }, CTX);
    expect(errors(out)).toEqual([
      '::error title=B-1,file=maps/readiness.json::apply@production is denied by B-1: missing operator (needs all of: operator, owner); missing-grant.%0ANext: next for B-1',
      '::error title=B-2,file=maps/readiness.json::apply@production is denied by B-2: missing operator (needs all of: operator, owner); missing-grant.%0ANext: next for B-2',
    ]);
    expect(lines(out).at(-1)).toBe('blockgate: apply@production at 2026-11-25T12:00:00.000Z is denied (2 of 3 applicable blockers not satisfied)');
  });

  it('check: a rule denial is an ::error titled "rule ID", placed on the rule file, with its message; the plan says no grant lifts it', () => {
    const { decision: d, plan } = ruleSample();
    const out = githubRenderer.check({ decision: d, plan }, RULE_CTX);
    expect(errors(out)[1]).toBe('::error title=rule FREEZE,file=rules/freeze.rego::apply@production is denied by rule FREEZE: a rule denies this: message of FREEZE; no grant can lift it.%0ANext: next for FREEZE');
    expect(out).toContain('%0AFREEZE: a rule denies this: message of FREEZE; no grant can lift it\n');
    expect(lines(out).at(-1)).toBe('blockgate: apply@production at 2026-11-25T12:00:00.000Z is denied (1 of 2 applicable blockers not satisfied, and 1 rule denies it)');
    expect(errors(out)[1]).not.toMatch(/null|needs/);
  });

  it('matrix known by its rows only: a rule id from the seal is named as a rule, on its file', () => {
    const { rows } = sampleRuleMatrix();
    const out = githubRenderer.matrix({ rows }, RULE_CTX);
    expect(errors(out)).toContain('::error title=rule FREEZE,file=rules/freeze.rego::cutover@staging is denied by rule FREEZE: a rule denies this: Change freeze; no grant can lift it.');
    // Without the seal's rules, an id is only an id.
    expect(errors(githubRenderer.matrix({ rows }, CTX))).toContain('::error title=FREEZE::cutover@staging is denied by FREEZE.');
  });

  it('what-if: a rule denial after the changes is still named as a rule', () => {
    const { rows, detail } = sampleRuleMatrix();
    const out = githubRenderer.whatIf({ before: rows, after: rows, changes: [], ...detail }, RULE_CTX);
    expect(errors(out)).toContain('::error title=rule FREEZE,file=rules/freeze.rego::cutover@staging is still denied after the what-if changes by rule FREEZE: a rule denies this: message of FREEZE; no grant can lift it.%0ANext: next for FREEZE');
    expect(errors(githubRenderer.check({ decision: decision('a', 'b', [ruleDenial('X', { next_action: null })]) }, CTX))).toEqual(['::error title=rule X,file=rules/freeze.rego::a@b is denied by rule X: a rule denies this: message of X; no grant can lift it.']);
  });

  it('a message can never end the command early or break the line', () => {
    const d = decision('apply', 'production', [denial('B,1:x', { next_action: 'line one\nline two\r\n::error::forged', source: 'a,b:c.json' })]);
    const out = githubRenderer.check({ decision: d }, CTX);
    expect(errors(out)).toHaveLength(1);
    expect(errors(out)[0]).toContain('title=B%2C1%3Ax,file=a%2Cb%3Ac.json::');
    expect(errors(out)[0]).toContain('Next: line one%0Aline two%0D%0A::error::forged');
    expect(lines(out)).toHaveLength(2);
  });

  it('an allowed request gives no annotation, only the summary; warnings are ::warning', () => {
    const d = decision('apply', 'staging', [], ['B-3'], { warnings: [{ code: 'ledger-not-verified', message: 'signatures were not checked' }] });
    expect(githubRenderer.check({ decision: d }, CTX)).toBe(
      '::warning title=ledger-not-verified::signatures were not checked\n'
      + 'blockgate: apply@staging at 2026-11-25T12:00:00.000Z is allowed (1 applicable blocker, all satisfied)\n',
    );
  });

  it('check --explain-plan: the plan is one notice', () => {
    const out = githubRenderer.check({ decision: decision('apply', 'production', [denial('B-1')]), plan: PLAN }, CTX);
    expect(lines(out).filter((l) => l.startsWith('::notice '))).toEqual([
      '::notice title=blockgate plan for apply@production::operator: grant apply@production resolving B-1, B-2, with evidence%0Aowner: grant apply@production resolving B-1',
    ]);
  });

  it('matrix: one annotation per denied cell and blocker, with the map line when known', () => {
    const { rows, detail } = sampleMatrix();
    const out = githubRenderer.matrix({ rows, ...detail }, CTX);
    expect(errors(out)).toHaveLength(3);
    expect(errors(out)[2]).toMatch(/^::error title=B-1,file=maps\/readiness.json,line=10::cutover@production is denied by B-1/);
    expect(lines(out).at(-1)).toBe('blockgate matrix: 2 of 4 cells allowed');
  });

  it('what-if: a notice per changed cell, an error per denial left after the changes', () => {
    const out = githubRenderer.whatIf(sampleWhatIf(), CTX);
    expect(lines(out).filter((l) => l.startsWith('::notice '))).toEqual(['::notice title=what-if cutover@production::cutover@production: denied -> allowed']);
    expect(errors(out)).toEqual(['::error title=B-2::apply@production is still denied after the what-if changes by B-2.']);
  });

  it('errors are annotations too', () => {
    const out = githubRenderer.error([{ code: 'ledger-chain', message: 'g.jsonl line 4: prev does not match' }]);
    expect(out).toBe('::error title=blockgate ledger-chain::g.jsonl line 4: prev does not match\n');
  });
});
