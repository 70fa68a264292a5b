// What the CI formats (junit, github, sarif) know about one decided cell: its request, its
// denials with whatever detail there is, and, when its decision is known, what it satisfies.

import type { Denial, SatisfiedBlocker } from '../engine/results.js';
import type { BlockerInfo, Decision, MatrixRow } from '../gate/types.js';
import { denierName, isRuleDenial, rolesNeeded, ruleDenies } from './phrases.js';
import type { MatrixResult, RenderContext, RuleMeta, WhatIfResult } from './renderer.js';

export interface CellDenial {
  blocker_id: string;
  /** From the cell's decision: missing roles and reasons. Absent when only the row is known. */
  denial?: Denial;
  /** From the maps: item, next action, source. Absent when the caller gave no blockers. */
  blocker?: BlockerInfo;
  /** From the bundle's seal, for an id no loaded blocker has: the rule's file, title and description. */
  rule?: RuleMeta;
}

export interface Cell {
  action: string;
  environment: string;
  target: string | null;
  allowed: boolean;
  denials: CellDenial[];
  /** The satisfied applicable blockers; undefined when only the row is known. */
  satisfied?: SatisfiedBlocker[];
  decision?: Decision;
  /** what-if only: the cell before the hypothetical changes, and the blockers they closed. */
  before?: { allowed: boolean; resolved: string[] };
}

type BlockersById = ReadonlyMap<string, BlockerInfo>;
type Rules = RenderContext['rules'];

function byId(blockers: readonly BlockerInfo[] | undefined): BlockersById {
  return new Map((blockers ?? []).map((b) => [b.id, b]));
}

function denialsOf(ids: readonly string[], decision: Decision | undefined, blockers: BlockersById, rules: Rules): CellDenial[] {
  const full = new Map((decision?.denials ?? []).map((d) => [d.blocker_id, d]));
  return ids.map((id) => {
    const d: CellDenial = { blocker_id: id };
    const denial = full.get(id);
    const blocker = blockers.get(id);
    // A rule id never equals a blocker id (rule-conflict), so a seal entry is a rule's only when no blocker has the id.
    const rule = rules !== undefined && Object.hasOwn(rules, id) ? rules[id] : undefined;
    if (denial) d.denial = denial;
    if (blocker) d.blocker = blocker;
    else if (rule && (!denial || isRuleDenial(denial))) d.rule = rule;
    return d;
  });
}

export function cellOfDecision(decision: Decision, rules?: Rules, blockers?: readonly BlockerInfo[]): Cell {
  const r = decision.request;
  return {
    action: r.action, environment: r.environment, target: r.target, allowed: decision.allowed,
    denials: denialsOf(decision.denials.map((d) => d.blocker_id), decision, byId(blockers), rules),
    satisfied: decision.satisfied, decision,
  };
}

function sameCell(row: MatrixRow, decision: Decision | undefined): Decision | undefined {
  const r = decision?.request;
  return r && r.action === row.action && r.environment === row.environment ? decision : undefined;
}

function cellsOfRows(rows: readonly MatrixRow[], detail: Omit<MatrixResult, 'rows'>, rules: Rules): Cell[] {
  const blockers = byId(detail.blockers);
  return rows.map((row, i) => {
    // A decision that does not belong to this row is ignored rather than trusted.
    const decision = sameCell(row, detail.decisions?.[i]);
    const cell: Cell = {
      action: row.action, environment: row.environment, target: null, allowed: row.allowed,
      denials: denialsOf(row.denials, decision, blockers, rules),
    };
    if (decision) {
      cell.satisfied = decision.satisfied;
      cell.decision = decision;
    }
    return cell;
  });
}

/** The cells of a matrix, each with whatever detail the matrix carries. */
export function matrixCells(m: MatrixResult, rules?: Rules): Cell[] {
  return cellsOfRows(m.rows, m, rules);
}

/** The after cells of a what-if, each with its before state and the blockers the changes closed. */
export function whatIfCells(w: WhatIfResult, rules?: Rules): Cell[] {
  return cellsOfRows(w.after, w, rules).map((cell, i) => {
    const before = w.before[i];
    const still = new Set(cell.denials.map((d) => d.blocker_id));
    cell.before = { allowed: before?.allowed ?? cell.allowed, resolved: (before?.denials ?? []).filter((id) => !still.has(id)) };
    return cell;
  });
}

/** How a denial reads: "is denied", or for what-if, whether the changes left or made it so. */
export function deniedVerb(cell: Cell): string {
  if (!cell.before) return 'is denied';
  return cell.before.allowed ? 'is denied after the what-if changes (it was allowed)' : 'is still denied after the what-if changes';
}

/** Whether a rule denies (SPEC 6), by the denial's kind, or by the seal when only the id is known. */
export function isRule(d: CellDenial): boolean {
  return d.denial ? isRuleDenial(d.denial) : d.rule !== undefined;
}

/** "B-1", or "rule FREEZE". */
export function denierOf(d: CellDenial): string {
  return denierName(d.blocker_id, isRule(d));
}

export function itemOf(d: CellDenial): string | null {
  return d.denial?.item ?? d.blocker?.item ?? d.rule?.title ?? null;
}

export function nextActionOf(d: CellDenial): string | null {
  return d.denial?.next_action ?? d.blocker?.next_action ?? null;
}

export function sourceOf(d: CellDenial): { file: string; line?: number } | null {
  const file = d.denial?.source ?? d.blocker?.source ?? d.rule?.file;
  if (file === undefined) return null;
  const line = d.blocker?.line;
  return line === undefined ? { file } : { file, line };
}

/**
 * One line on what is wrong: "missing operator (needs all of: operator); missing-grant". With
 * only the maps known: "needs all of: operator". For a rule: "a rule denies this: MESSAGE; no
 * grant can lift it". With nothing known: "".
 */
export function problemOf(d: CellDenial): string {
  if (isRule(d)) return ruleDenies(itemOf(d));
  if (d.denial) {
    const n = d.denial;
    const missing = n.missing_roles.length > 0 ? `missing ${n.missing_roles.join(', ')}` : 'no role missing';
    return `${missing} (${rolesNeeded(n.required_roles, n.mode)}); ${n.reasons.join(', ')}`;
  }
  if (d.blocker) return rolesNeeded(d.blocker.required_roles, d.blocker.mode);
  return '';
}

/** Every line a reader needs about one denial, for the longer forms (JUnit bodies). */
export function denialDetails(d: CellDenial): string[] {
  const rule = isRule(d);
  const lines = [rule ? `rule: ${d.blocker_id}` : `blocker: ${d.blocker_id}`];
  const item = itemOf(d);
  // A rule's denial carries its message; a rule known only from the seal, its METADATA title.
  if (item) lines.push(`${!rule ? 'item' : d.denial ? 'message' : 'title'}: ${item}`);
  if (rule) {
    if (d.rule?.description) lines.push(`description: ${d.rule.description}`);
    lines.push(`reasons: rule (${ruleDenies(null)})`);
  } else if (d.denial) {
    const n = d.denial;
    lines.push(`missing roles: ${n.missing_roles.length > 0 ? n.missing_roles.join(', ') : '-'} (${rolesNeeded(n.required_roles, n.mode)})`);
    lines.push(`reasons: ${n.reasons.join(', ')}`);
  } else if (d.blocker) {
    lines.push(`roles: ${rolesNeeded(d.blocker.required_roles, d.blocker.mode)}`);
  }
  const next = nextActionOf(d);
  if (next) lines.push(`next action: ${next}`);
  const source = sourceOf(d);
  if (source) lines.push(`source: ${source.file}${source.line === undefined ? '' : ` line ${source.line}`}`);
  return lines;
}
