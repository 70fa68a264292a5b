// A plan as unsigned ledger entries: each is what `blockgate ledger append --entry FILE` and
// `what-if --add` take, issued at the request's time, with ids the ledger does not use yet.

import type { PolicyRequest } from '../engine/engine.js';
import { formatTime } from '../schema/time.js';
import { planFor } from './decision.js';
import type { LoadedState } from './state.js';
import type { Plan, PlanTemplate, TemplateEntry } from './types.js';

export interface TemplateOptions {
  /** RFC 3339: the request's time, which the plan's grants are issued at. */
  issuedAt: string;
  /** Ids already in the ledger: a template id never collides with one. */
  takenIds: ReadonlySet<string>;
}

/** `PLAN-<role>-<n>` with the first n free; white space in a role becomes `-`. */
function freshId(role: string, taken: Set<string>): string {
  const stem = `PLAN-${role.trim().replace(/\s+/g, '-')}`;
  let n = 1;
  while (taken.has(`${stem}-${n}`)) n += 1;
  const id = `${stem}-${n}`;
  taken.add(id);
  return id;
}

export function templateEntries(plan: Plan, opts: TemplateOptions): TemplateEntry[] {
  const taken = new Set(opts.takenIds);
  return plan.grants_needed.map((g) => ({
    id: freshId(g.role, taken), type: 'grant', role: g.role, issued_at: opts.issuedAt,
    action: g.action, environment: g.environment,
    ...(g.target === null ? {} : { target: g.target }),
    resolves: [...g.resolves],
    // An empty list is valid but does not count as evidence: the grantor must fill it in.
    ...(g.evidence_required ? { evidence: [] } : {}),
  }));
}

/** The plan for a resolved request and its grants as entries, at the request's one instant. */
export function planTemplateOf(state: LoadedState, input: PolicyRequest): PlanTemplate {
  const plan = planFor(state, input);
  const takenIds = new Set(state.ledger.entries.map((e) => e.entry.id));
  return { plan, entries: templateEntries(plan, { issuedAt: formatTime(input.at), takenIds }) };
}
