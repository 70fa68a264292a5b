// A plan template as JSON Lines: each line is what `blockgate ledger append --entry FILE` takes
// (written to a file of its own), and notes for the person who fills them in.

import type { PlanTemplate } from '../gate/types.js';

/** JSON Lines: one entry per line, `\n` after each; empty when nothing is to be granted. */
export function ledgerTemplate(template: PlanTemplate): string {
  return template.entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** What the person must know before appending: nothing to grant, blockers no entry closes, evidence to fill in. */
export function templateNotes({ plan, entries }: PlanTemplate): string[] {
  const notes: string[] = [];
  if (plan.allowed) notes.push('nothing to grant: the request is already allowed');
  for (const u of plan.unresolvable) notes.push(`warning: ${u.blocker_id} cannot be closed by any grant (${u.reason}); these entries will not allow the request`);
  for (const e of entries) if (e.evidence) notes.push(`${e.id}: fill in "evidence" ([{"uri": ..., "sha256": <64 hex>}]) before appending`);
  return notes;
}
