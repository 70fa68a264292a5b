// Decisions shaped as SPEC 3 describes them, for the renderer tests (no policy runs here).

import type { Denial } from '../../src/engine/results.js';
import type { BlockerInfo, Decision, MatrixRow, Plan, WhatIf } from '../../src/gate/types.js';
import type { MatrixDetail, RuleMeta } from '../../src/render/renderer.js';

export const POLICY = { revision: 'rev0123456789abc', sha256: 'a'.repeat(64) };
export const AT = '2026-11-25T12:00:00.000Z';

export function denial(id: string, extra: Partial<Denial> = {}): Denial {
  return {
    kind: 'blocker', blocker_id: id, item: `item of ${id}`, next_action: `next for ${id}`, actor_needed: 'owner + operator',
    blocks: ['production'], required_roles: ['operator', 'owner'], mode: 'all', missing_roles: ['operator'],
    reasons: ['missing-grant'], source: 'maps/readiness.json', ...extra,
  };
}

/** A rule's denial as SPEC 6 shapes it: the rule's message and file, no roles, mode and actor null. */
export function ruleDenial(id: string, extra: Partial<Denial> = {}): Denial {
  return {
    kind: 'rule', blocker_id: id, item: `message of ${id}`, next_action: `next for ${id}`, actor_needed: null,
    blocks: [], required_roles: [], mode: null, missing_roles: [], reasons: ['rule'], source: 'rules/freeze.rego', ...extra,
  };
}

/** The seal's `rules` for FREEZE (which denies in the samples) and SOD (which does not). */
export const RULES: Record<string, RuleMeta> = {
  FREEZE: { file: 'rules/freeze.rego', title: 'Change freeze', description: 'No production apply inside a freeze window.' },
  SOD: { file: 'rules/sod.rego', title: null, description: null },
};

/** The render context of a bundle with RULES. */
export const RULE_CTX = { color: false, width: 80, rules: RULES };

/** apply@production denied by blocker B-1 and rule FREEZE; its plan lists FREEZE as unresolvable. */
export function ruleSample(): { decision: Decision; plan: Plan } {
  return {
    decision: decision('apply', 'production', [denial('B-1'), ruleDenial('FREEZE')], ['B-3']),
    plan: { ...PLAN, unresolvable: [{ blocker_id: 'FREEZE', reason: 'rule' }] },
  };
}

/** Like sampleMatrix, with rule FREEZE denying apply@production and cutover@staging (alone). */
export function sampleRuleMatrix(): { rows: MatrixRow[]; detail: MatrixDetail; decisions: Decision[] } {
  const decisions = [
    decision('apply', 'production', [denial('B-1'), ruleDenial('FREEZE')], ['B-3']),
    decision('apply', 'staging', [], ['B-3']),
    decision('cutover', 'production', [denial('B-1')]),
    decision('cutover', 'staging', [ruleDenial('FREEZE')]),
  ];
  const rows = decisions.map((d) => ({
    action: d.request.action, environment: d.request.environment, allowed: d.allowed, denials: d.denials.map((x) => x.blocker_id),
  }));
  const blockers = ['B-1', 'B-3'].map((id, i) => blocker(id, { line: 10 * (i + 1) }));
  return { rows, decisions, detail: { blockers, decisions, policy: POLICY } };
}

export function decision(action: string, environment: string, denials: Denial[], satisfied: string[] = [], extra: Partial<Decision> = {}): Decision {
  return {
    allowed: denials.length === 0,
    request: { action, environment, target: null, at: AT },
    denials,
    satisfied: satisfied.map((id) => ({ blocker_id: id, grants: [`G-${id}`] })),
    ignored_grants: [],
    warnings: [],
    policy: POLICY,
    ...extra,
  };
}

export function blocker(id: string, extra: Partial<BlockerInfo> = {}): BlockerInfo {
  return {
    id, item: `item of ${id}`, next_action: `next for ${id}`, actor_needed: 'owner + operator', blocks: ['production'],
    required_roles: ['operator', 'owner'], mode: 'all', evidence_required: false, after: [], source: 'maps/readiness.json', line: 7, ...extra,
  };
}

/** Two actions × two environments: apply@production denied by two blockers, cutover@production by one. */
export function sampleMatrix(): { rows: MatrixRow[]; detail: MatrixDetail; decisions: Decision[] } {
  const decisions = [
    decision('apply', 'production', [denial('B-1'), denial('B-2', { mode: 'any', missing_roles: ['operator', 'owner'] })], ['B-3']),
    decision('apply', 'staging', [], ['B-3']),
    decision('cutover', 'production', [denial('B-1')]),
    decision('cutover', 'staging', []),
  ];
  const rows = decisions.map((d) => ({
    action: d.request.action, environment: d.request.environment, allowed: d.allowed, denials: d.denials.map((x) => x.blocker_id),
  }));
  const blockers = ['B-1', 'B-2', 'B-3'].map((id, i) => blocker(id, { line: 10 * (i + 1) }));
  return { rows, decisions, detail: { blockers, decisions, policy: POLICY } };
}

export function sampleWhatIf(): WhatIf {
  const { rows } = sampleMatrix();
  const after = rows.map((r) => (r.action === 'cutover' && r.environment === 'production' ? { ...r, allowed: true, denials: [] } : r.action === 'apply' && r.environment === 'production' ? { ...r, denials: ['B-2'] } : r));
  return { before: rows, after, changes: [{ action: 'cutover', environment: 'production', target: null, before: false, after: true, denials_added: [], denials_removed: ['B-1'] }] };
}

export const PLAN: Plan = {
  allowed: false,
  grants_needed: [
    { role: 'operator', action: 'apply', environment: 'production', target: null, resolves: ['B-1', 'B-2'], evidence_required: true },
    { role: 'owner', action: 'apply', environment: 'production', target: null, resolves: ['B-1'], evidence_required: false },
  ],
  unresolvable: [],
};

export const CTX = { color: false, width: 80 };
