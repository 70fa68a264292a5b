import { describe, expect, it } from 'vitest';
import { CTX, PLAN, RULE_CTX, decision, denial, ruleSample, sampleMatrix, sampleWhatIf } from '../../test/support/render-samples.js';
import { jsonRenderer } from './json.js';

describe('json renderer', () => {
  it('check: the decision object exactly, keys in SPEC order; --explain-plan adds "plan"', () => {
    const d = decision('apply', 'production', [denial('B-1')]);
    const out = JSON.parse(jsonRenderer.check({ decision: d }));
    expect(Object.keys(out)).toEqual(['allowed', 'request', 'denials', 'satisfied', 'ignored_grants', 'warnings', 'policy']);
    // `kind` first (design "Decision shape with rules"), then SPEC 3's keys.
    expect(Object.keys(out.denials[0])).toEqual(['kind', 'blocker_id', 'item', 'next_action', 'actor_needed', 'blocks', 'required_roles', 'mode', 'missing_roles', 'reasons', 'source']);
    expect(JSON.parse(jsonRenderer.check({ decision: d, plan: PLAN })).plan).toEqual(PLAN);
  });

  it('check: a rule denial exactly as the decision carries it, null mode and actor included; the plan lists it with reason rule', () => {
    const { decision: d, plan } = ruleSample();
    const out = JSON.parse(jsonRenderer.check({ decision: d, plan }));
    expect(out.denials).toEqual(d.denials);
    expect(out.denials[1]).toEqual({
      kind: 'rule', blocker_id: 'FREEZE', item: 'message of FREEZE', next_action: 'next for FREEZE', actor_needed: null,
      blocks: [], required_roles: [], mode: null, missing_roles: [], reasons: ['rule'], source: 'rules/freeze.rego',
    });
    expect(out.plan.unresolvable).toEqual([{ blocker_id: 'FREEZE', reason: 'rule' }]);
  });

  it('matrix and what-if: SPEC shapes only, whatever detail the caller has', () => {
    const { rows, detail } = sampleMatrix();
    const m = JSON.parse(jsonRenderer.matrix({ rows, ...detail }));
    expect(Object.keys(m)).toEqual(['matrix']);
    expect(m.matrix).toEqual(rows);
    for (const row of m.matrix) expect(Object.keys(row)).toEqual(['action', 'environment', 'allowed', 'denials']);
    const w = JSON.parse(jsonRenderer.whatIf({ ...sampleWhatIf(), ...detail }));
    expect(Object.keys(w)).toEqual(['before', 'after', 'changes']);
    // SPEC 3's change: the cell, its target, before and after, and the denying ids added and removed.
    expect(Object.keys(w.changes[0])).toEqual(['action', 'environment', 'target', 'before', 'after', 'denials_added', 'denials_removed']);
  });

  it('plan: SPEC shape', () => {
    const p = JSON.parse(jsonRenderer.plan!(PLAN));
    expect(Object.keys(p)).toEqual(['allowed', 'grants_needed', 'unresolvable']);
    expect(Object.keys(p.grants_needed[0])).toEqual(['role', 'action', 'environment', 'target', 'resolves', 'evidence_required']);
  });
});
