// The phrases every format says the same way: a cell's name, the roles a blocker needs, and how
// a rule's denial reads (SPEC 6: like a blocker's, named as a rule, which no grant can lift).

import type { Denial } from '../engine/results.js';
import { formatTime } from '../schema/time.js';

/** "apply@production", or "apply@production for QT001". */
export function cellName(cell: { action: string; environment: string; target: string | null }): string {
  return `${cell.action}@${cell.environment}${cell.target === null ? '' : ` for ${cell.target}`}`;
}

/** "all of: operator, owner" or "any of: operator, owner". */
export function roleChoice(roles: readonly string[], mode: 'all' | 'any' | null): string {
  return `${mode === 'any' ? 'any of' : 'all of'}: ${roles.join(', ')}`;
}

/** "needs all of: operator, owner", or "no role can resolve it" when there is none. */
export function rolesNeeded(roles: readonly string[], mode: 'all' | 'any' | null): string {
  return roles.length === 0 ? 'no role can resolve it' : `needs ${roleChoice(roles, mode)}`;
}

/** Whether a denial is a rule's (SPEC 6 `kind: "rule"`) rather than a blocker's. */
export function isRuleDenial(d: Pick<Denial, 'kind'>): boolean {
  return d.kind === 'rule';
}

/** What a rule's denial means for whoever wants the request allowed. */
export const NO_GRANT_LIFTS_IT = 'no grant can lift it';

/** "a rule denies this: <message>; no grant can lift it" (the message when known). */
export function ruleDenies(message: string | null | undefined): string {
  return `a rule denies this${message ? `: ${message}` : ''}; ${NO_GRANT_LIFTS_IT}`;
}

/** How a format names what denies: "B-1" for a blocker, "rule FREEZE" for a rule. */
export function denierName(id: string, rule: boolean): string {
  return rule ? `rule ${id}` : id;
}

/** A plan's unresolvable entry as a sentence's tail: why no grant closes it. */
export function unresolvableWhy(reason: string, message?: string | null): string {
  if (reason === 'rule') return ruleDenies(message);
  return reason === 'ambiguous-actor' ? AMBIGUOUS_ACTOR : `no grant can close it (${reason})`;
}

/** A blocker whose actor_needed names no clear role set (SPEC 2.4 `ambiguous-actor`). */
export const AMBIGUOUS_ACTOR = 'cannot be resolved: actor_needed is ambiguous';

/** What SPEC 2.4 `grant-too-early` means for whoever wants the blocker closed. */
export const TOO_EARLY = 'a grant was issued before this blocker\'s prerequisites (its "after") were met; a new grant, issued once they are, is needed';

/**
 * TOO_EARLY with the instant the prerequisites were met (SPEC 2.3's T(b), epoch ms, as the policy
 * gives it), from which a new grant counts; TOO_EARLY itself when the policy gave no instant.
 */
export function tooEarly(metAt: number | undefined): string {
  if (metAt === undefined) return TOO_EARLY;
  const when = formatTime(metAt);
  return `a grant was issued before this blocker's prerequisites (its "after") were met at ${when}; a new grant, issued at or after ${when}, is needed`;
}

/**
 * The head of a denied plan: what the grants would do, or that none can allow it and why
 * (SPEC 2.5 `unresolvable`), never "grants that would allow this" followed by nothing.
 */
export function planHead(plan: { grants_needed: readonly unknown[]; unresolvable: readonly { blocker_id: string; reason: string }[] }): string {
  if (plan.unresolvable.length === 0) return 'grants that would allow this request:';
  const why = [...new Set(plan.unresolvable.map((u) => u.reason))].join(', ');
  const ids = plan.unresolvable.map((u) => u.blocker_id).join(', ');
  const rest = plan.grants_needed.length > 0 ? '; these grants close the rest:' : ':';
  return `no grant can allow this: ${ids} ${plan.unresolvable.length === 1 ? 'is' : 'are'} unresolvable because of ${why}${rest}`;
}

/** How many of a decision's denials are blockers' and how many rules'. */
export function denialCounts(denials: readonly Pick<Denial, 'kind'>[]): { blockers: number; rules: number } {
  const rules = denials.filter(isRuleDenial).length;
  return { blockers: denials.length - rules, rules };
}

/** ", and 1 rule denies it" / ", and 2 rules deny it"; "" without rule denials. */
export function rulesDenyingTail(rules: number): string {
  if (rules === 0) return '';
  return rules === 1 ? ', and 1 rule denies it' : `, and ${rules} rules deny it`;
}
