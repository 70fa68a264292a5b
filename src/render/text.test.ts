import { describe, expect, it } from 'vitest';
import { CTX, PLAN, decision, denial, sampleMatrix, sampleWhatIf } from '../../test/support/render-samples.js';
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
