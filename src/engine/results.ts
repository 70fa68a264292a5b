// What the policy returns, as SPEC section 3 shapes it.

import type { LintCode, WarningCode } from '../errors.js';

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
