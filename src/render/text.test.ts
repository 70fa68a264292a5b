import { describe, expect, it } from 'vitest';
import { CTX, PLAN, RULE_CTX, decision, denial, ruleDenial, ruleSample, sampleMatrix, sampleRuleMatrix, sampleWhatIf } from '../../test/support/render-samples.js';
import { planSentences, textRenderer, wrap } from './text.js';

describe('text renderer', () => {
  it('a plan reads as instructions', () => {
    expect(planSentences(PLAN)).toEqual([
      'operator: grant apply@production resolving B-1, B-2, with evidence',
      'owner: grant apply@production resolving B-1',
    ]);
    expect(planSentences({ allowed: false, grants_needed: [], unresolvable: [{ blocker_id: 'B-9', reason: 'no-role' }] }))
      .toEqual(['B-9: no grant can close it (no-role)']);
  });

  it('check: verdict, denials with missing roles and next action, the plan when asked', () => {
    const out = textRenderer.check({ decision: decision('apply', 'production', [denial('B-1')], ['B-3']), plan: PLAN }, CTX);
    expect(out).toMatch(/^DENIED {2}apply in production at 2026-11-25T12:00:00.000Z\n1 of 2 applicable blockers is not satisfied\./);
    expect(out).toContain('  missing   operator (needs all of: operator, owner)');
    expect(out).toContain('  next      next for B-1');
    expect(out).toContain('To allow it\n  operator: grant apply@production resolving B-1, B-2, with evidence');
  });

  it('check: a rule denial is named as a rule, with its message, that no grant lifts it, and its file; no roles, no null', () => {
    const { decision: d, plan } = ruleSample();
    const out = textRenderer.check({ decision: d, plan }, RULE_CTX);
    expect(out).toContain('1 of 2 applicable blockers is not satisfied, and 1 rule denies it.');
    expect(out).toContain([
      'FREEZE (rule)',
      '  message of FREEZE',
      '  why       rule: a rule denies this; no grant can lift it',
      '  next      next for FREEZE',
      '  source    rules/freeze.rego',
    ].join('\n'));
    expect(out).toContain('  FREEZE: a rule denies this: message of FREEZE; no grant can lift it');
    const rule = out.slice(out.indexOf('FREEZE (rule)'), out.indexOf('Satisfied'));
    expect(rule).not.toMatch(/needs|missing|null/);
  });

  it('check: denied by rules alone, every applicable blocker satisfied', () => {
    const out = textRenderer.check({ decision: decision('apply', 'production', [ruleDenial('FREEZE'), ruleDenial('SOD')], ['B-3']) }, CTX);
    expect(out).toMatch(/^DENIED {2}apply in production at \S+\nThe one applicable blocker is satisfied, and 2 rules deny it\.\n/);
  });

  it('a plan: a rule denial is unresolvable, with its message when the decision is known', () => {
    const { decision: d, plan } = ruleSample();
    expect(planSentences(plan).at(-1)).toBe('FREEZE: a rule denies this; no grant can lift it');
    expect(planSentences(plan, undefined, d.denials).at(-1)).toBe('FREEZE: a rule denies this: message of FREEZE; no grant can lift it');
    expect(textRenderer.plan!(plan, CTX)).toContain('  FREEZE: a rule denies this; no grant can lift it\n');
  });

  it('matrix: a cell a rule denies counts and names the rule like a blocker', () => {
    const { rows, detail } = sampleRuleMatrix();
    const out = textRenderer.matrix({ rows, ...detail }, RULE_CTX);
    expect(out).toContain('apply    denied 2    allowed');
    expect(out).toContain('cutover  denied 1    denied 1');
    expect(out).toContain('  apply@production: B-1, FREEZE (rule)\n  cutover@production: B-1\n  cutover@staging: FREEZE (rule)\n');
    // Rows alone: the seal's rules still mark the id; with neither, an id is only an id.
    expect(textRenderer.matrix({ rows }, RULE_CTX)).toContain('  cutover@staging: FREEZE (rule)\n');
    expect(textRenderer.matrix({ rows }, CTX)).toContain('  cutover@staging: FREEZE\n');
  });

  it('matrix: a compact table; what-if marks the changed cells', () => {
    const { rows } = sampleMatrix();
    expect(textRenderer.matrix({ rows }, CTX)).toBe([
      'action   production  staging',
      'apply    denied 2    allowed',
      'cutover  denied 1    allowed',
      '',
      'Denied by:',
      '  apply@production: B-1, B-2',
      '  cutover@production: B-1',
      '',
    ].join('\n'));
    const w = textRenderer.whatIf(sampleWhatIf(), CTX);
    expect(w).toContain('cutover  *allowed    allowed');
    expect(w).toContain('  cutover@production: denied -> allowed');
  });

  it('cuts a word longer than a line (a deep file path) so no line passes the width', () => {
    const path = `/tmp/${'d'.repeat(40)}/fixtures/fix7/production-readiness-blocker-map.json`;
    const [first, ...rest] = wrap(path, 80, 12).split('\n');
    // The first line follows a 12-column label; the others carry the 12-space hang.
    expect(first!.length).toBe(68);
    expect(rest.map((l) => l.length <= 80 && l.startsWith(' '.repeat(12)))).toEqual([true]);
    const text = [first, ...rest].join('\n');
    expect(text.replace(/\n {12}/g, '')).toBe(path);
  });

  it('wraps to the width with a hanging indent', () => {
    expect(wrap('one two three four', 20, 4)).toBe('one two three four');
    expect(wrap('aaaa bbbb cccc dddd eeee ffff', 24, 4)).toBe('aaaa bbbb cccc dddd\n    eeee ffff');
  });
});
