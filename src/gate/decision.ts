// The policy's answers as SPEC 3's objects, keys in SPEC order. The policy decides; this only
// shapes what it returned, once per answer.

import type { PolicyRequest } from '../engine/engine.js';
import { deepFreeze } from '../engine/memo.js';
import type { Denial, PolicyDecision } from '../engine/results.js';
import { formatTime } from '../schema/time.js';
import type { LoadedState } from './state.js';
import type { BriefDecision, Decision, Plan, PolicyInfo } from './types.js';

export function policyOf(state: LoadedState): PolicyInfo {
  return { revision: state.bundle.seal.revision, sha256: state.bundle.seal.sha256 };
}

type Explanation = Pick<Decision, 'denials' | 'satisfied' | 'ignored_grants' | 'warnings'>;

/**
 * The policy's answer in SPEC's key order, once per answer: the engine memoises answers (frozen,
 * shared), so a steady caller reuses the shaped explanation instead of copying it every call.
 */
const explanations = new WeakMap<PolicyDecision, Explanation>();

function explanationOf(d: PolicyDecision): Explanation {
  let shaped = explanations.get(d);
  if (shaped === undefined) {
    shaped = deepFreeze({
      denials: d.denials.map(orderedDenial),
      satisfied: d.satisfied.map((s) => ({ blocker_id: s.blocker_id, grants: s.grants })),
      ignored_grants: d.ignored_grants.map((g) => ({ grant_id: g.grant_id, blocker_ids: g.blocker_ids, reason: g.reason })),
      warnings: d.warnings.map((w) => ({ code: w.code, message: w.message })),
    });
    explanations.set(d, shaped);
  }
  return shaped;
}

function orderedDenial(d: Denial): Denial {
  return {
    kind: d.kind, blocker_id: d.blocker_id, item: d.item, next_action: d.next_action, actor_needed: d.actor_needed,
    blocks: d.blocks, required_roles: d.required_roles, mode: d.mode, missing_roles: d.missing_roles,
    reasons: d.reasons, source: d.source,
  };
}

/** SPEC 3's decision for one resolved request. Immutable: its explanation is shared between the calls the memo serves. */
export function decisionFor(state: LoadedState, input: PolicyRequest, d: PolicyDecision = state.engine.decide(input)): Decision {
  const { denials, satisfied, ignored_grants, warnings } = explanationOf(d);
  return {
    allowed: d.allowed === true,
    request: { action: input.action, environment: input.environment, target: input.target ?? null, at: formatTime(input.at) },
    denials,
    satisfied,
    ignored_grants,
    warnings,
    policy: policyOf(state),
  };
}

/**
 * The decision without its long lists: what the policy said, with `satisfied` and
 * `ignored_grants` counted instead of listed (`allowed`, the denials and warnings unchanged).
 */
export function briefDecision(d: Decision): BriefDecision {
  return {
    allowed: d.allowed,
    request: d.request,
    denials: d.denials,
    counts: { satisfied: d.satisfied.length, ignored_grants: d.ignored_grants.length },
    warnings: d.warnings,
    policy: d.policy,
  };
}

/** SPEC 2.5's plan for one resolved request. */
export function planFor(state: LoadedState, input: PolicyRequest): Plan {
  const p = state.engine.plan(input);
  return {
    allowed: p.allowed === true,
    grants_needed: p.grants_needed.map((g) => ({
      role: g.role, action: g.action, environment: g.environment, target: g.target ?? null,
      resolves: g.resolves, evidence_required: g.evidence_required,
    })),
    unresolvable: p.unresolvable.map((u) => ({ blocker_id: u.blocker_id, reason: u.reason })),
  };
}
