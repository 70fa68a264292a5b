// What the policy returns, as SPEC section 3 shapes it.

import { BlockgateError, type LintCode, type WarningCode } from '../errors.js';
import { isInstant } from '../schema/time.js';

export interface Denial {
  kind: 'blocker' | 'rule';
  blocker_id: string;
  item: string | null;
  next_action: string | null;
  actor_needed: string | string[] | null;
  blocks: string[];
  required_roles: string[];
  mode: 'all' | 'any' | null;
  missing_roles: string[];
  reasons: string[];
  source: string;
}

export interface SatisfiedBlocker { blocker_id: string; grants: string[] }
export interface IgnoredGrant { grant_id: string; blocker_ids: string[]; reason: string }
/** A warning: `code` is one of blockgate's (WarningCode) or, from a rule (SPEC 6), the rule's id. */
export interface Warning { code: WarningCode | (string & {}); message: string }

export interface PolicyDecision {
  allowed: boolean;
  denials: Denial[];
  satisfied: SatisfiedBlocker[];
  ignored_grants: IgnoredGrant[];
  warnings: Warning[];
  /** Beside SPEC 3's keys, only when there is one: see prerequisitesMetAtOf. */
  prerequisites_met_at?: unknown;
}

/**
 * SPEC 2.3's T(b), in epoch ms, of each denied blocker with a `grant-too-early` reason: when its
 * prerequisites were met, so from when a new grant counts. The policy gives it (the host never
 * computes it); only the text says it, so it stays out of SPEC 3's shapes.
 */
export type PrerequisitesMetAt = Readonly<Record<string, number>>;

/**
 * The decision's `prerequisites_met_at`, checked: each key a denied blocker whose reasons hold
 * `grant-too-early`, each value an instant. Undefined when the policy gave none (an older bundle,
 * or no grant too early); anything else is the policy's fault and fails closed.
 */
export function prerequisitesMetAtOf(d: PolicyDecision): PrerequisitesMetAt | undefined {
  // A memoised answer is frozen and asked for again and again: it is checked once (issue 13).
  if (!Object.isFrozen(d)) return checkedMetAt(d);
  const known = checkedMetAtByAnswer.get(d);
  if (known !== undefined) return known.metAt;
  const metAt = checkedMetAt(d);
  checkedMetAtByAnswer.set(d, { metAt });
  return metAt;
}

/** The check of each frozen answer, by answer; one that failed it was never stored, so it fails again. */
const checkedMetAtByAnswer = new WeakMap<PolicyDecision, { metAt: PrerequisitesMetAt | undefined }>();

function checkedMetAt(d: PolicyDecision): PrerequisitesMetAt | undefined {
  if (!Object.hasOwn(d, 'prerequisites_met_at')) return undefined;
  const given = d.prerequisites_met_at;
  const tooEarly = new Set(d.denials.filter((x) => x.kind === 'blocker' && x.reasons.includes('grant-too-early')).map((x) => x.blocker_id));
  const wellFormed = typeof given === 'object' && given !== null && !Array.isArray(given)
    && Object.entries(given).every(([id, ms]) => tooEarly.has(id) && typeof ms === 'number' && isInstant(ms));
  if (!wellFormed) throw new BlockgateError('internal', 'the policy gave a malformed prerequisites_met_at');
  return given as PrerequisitesMetAt;
}

export interface PlannedGrant {
  role: string;
  action: string;
  environment: string;
  target: string | null;
  resolves: string[];
  evidence_required: boolean;
}

export interface Unresolvable { blocker_id: string; reason: string }

export interface PolicyPlan {
  allowed: boolean;
  grants_needed: PlannedGrant[];
  unresolvable: Unresolvable[];
}

export interface LintFinding {
  code: LintCode;
  severity: 'error' | 'warning';
  message: string;
}
