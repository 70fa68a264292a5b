// A plan as unsigned ledger entries, one JSON object per line: each line is what
// `blockgate ledger append --entry FILE` takes (written to a file of its own).

import type { Plan } from '../gate.js';

export interface TemplateOptions {
  /** RFC 3339: the request's time, which the plan's grants are issued at. */
  issuedAt: string;
  /** Ids already in the ledger: a template id never collides with one. */
  takenIds: ReadonlySet<string>;
}

export interface TemplateEntry {
  id: string;
  type: 'grant';
  role: string;
  issued_at: string;
  action: string;
  environment: string;
  target?: string;
  resolves: string[];
  /** Present (empty, to be filled) only when a blocker it resolves requires evidence. */
  evidence?: { uri: string; sha256: string }[];
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

/** JSON Lines: one entry per line, `\n` after each; empty when nothing is to be granted. */
export function ledgerTemplate(plan: Plan, opts: TemplateOptions): string {
  return templateEntries(plan, opts).map((e) => `${JSON.stringify(e)}\n`).join('');
}
