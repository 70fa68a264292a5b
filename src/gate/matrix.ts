// Every cell of the catalog decided at one instant: the matrix, the readiness the formats show
// (each cell's whole decision, the loaded blockers) and the report's plans, on one path.

import type { Catalog } from '../inputs/catalog.js';
import type { PolicyRequest } from '../engine/engine.js';
import { sortedDistinct } from '../schema/normalise.js';
import { formatTime } from '../schema/time.js';
import { requireNoControl } from './options.js';
import { requireAction, requireEnvironment, resolveTime } from './request.js';
import { decisionFor, planFor, policyOf } from './decision.js';
import type { LoadedState } from './state.js';
import type {
  BlockerInfo, Decision, MatrixCell, MatrixOptions, MatrixRow, Plan, ProgressListener, Readiness, ReadinessReport,
} from './types.js';

/** Every catalog action × environment, in the one order the matrix, what-if and report use. */
export function catalogCells(catalog: Catalog): Array<{ action: string; environment: string }> {
  const environments = Object.keys(catalog.environments).sort();
  return Object.keys(catalog.actions).sort().flatMap((action) => environments.map((environment) => ({ action, environment })));
}

/** The instant of a matrix and its cells (see matrixCells). */
export function matrixAt(catalog: Catalog, options: MatrixOptions, catalogFile?: string): { at: number; cells: MatrixCell[] } {
  for (const action of options.actions ?? []) requireAction(catalog, action, catalogFile);
  for (const environment of options.environments ?? []) requireEnvironment(catalog, environment, catalogFile);
  const at = resolveTime(options.at);
  const target = options.target ?? null;
  if (target !== null) requireNoControl(target, 'target');
  const actions = options.actions === undefined ? null : new Set(options.actions);
  const environments = options.environments === undefined ? null : new Set(options.environments);
  const cells = catalogCells(catalog)
    .filter((c) => (actions === null || actions.has(c.action)) && (environments === null || environments.has(c.environment)))
    .map(({ action, environment }) => ({ action, environment, target, at }));
  return { at, cells };
}

/**
 * The cells a matrix decides, in its one order (actions, then environments, each sorted): every
 * catalog cell, or those of the named actions and environments, all for one target and instant.
 */
export function matrixCells(catalog: Catalog, options: MatrixOptions, catalogFile?: string): MatrixCell[] {
  return matrixAt(catalog, options, catalogFile).cells;
}

/** A matrix row: a cell and the ids of the blockers that deny it. */
export function matrixRow(action: string, environment: string, d: { allowed: boolean; denials: readonly { blocker_id: string }[] }): MatrixRow {
  return { action, environment, allowed: d.allowed === true, denials: d.denials.map((x) => x.blocker_id) };
}

function requestOf({ action, environment, target, at }: MatrixCell): PolicyRequest {
  return target === null ? { action, environment, at } : { action, environment, target, at };
}

/** Each cell, decided by the policy one at a time: the one way every matrix is decided. */
export function decideCells(state: LoadedState, cells: readonly MatrixCell[], onProgress?: ProgressListener): Decision[] {
  return cells.map((cell, i) => {
    const decision = decisionFor(state, requestOf(cell));
    onProgress?.('deciding', i + 1, cells.length);
    return decision;
  });
}

export function rowsOf(decisions: readonly Decision[]): MatrixRow[] {
  return decisions.map((d) => matrixRow(d.request.action, d.request.environment, d));
}

/**
 * The loaded blockers as the formats show them, by id. Ids, tags and roles in UTF-8 byte order,
 * as the policy sorts a denial's: a blocker and its denial never list them differently.
 */
export function blockerInfosOf(state: LoadedState): BlockerInfo[] {
  const { blockers } = state.blockers;
  return sortedDistinct(blockers.keys()).map((id) => {
    const b = blockers.get(id)!;
    return {
      id, item: b.item, next_action: b.next_action, actor_needed: b.actor_needed, blocks: sortedDistinct(b.tags),
      required_roles: sortedDistinct(b.roles), mode: b.mode, evidence_required: b.evidence_required, after: b.after,
      source: b.source, line: b.line,
    };
  });
}

function readinessFrom(state: LoadedState, at: number, decisions: Decision[]): Readiness {
  return { at: formatTime(at), policy: policyOf(state), rows: rowsOf(decisions), decisions, blockers: blockerInfosOf(state) };
}

/** The matrix with each cell's decision, the policy and the loaded blockers. */
export function readinessOf(state: LoadedState, options: MatrixOptions, onProgress?: ProgressListener): Readiness {
  const { at, cells } = matrixAt(state.catalog, options, state.options.catalog);
  return readinessFrom(state, at, decideCells(state, cells, onProgress));
}

/** The readiness with a plan for each denied cell and what was loaded: `blockgate report`. */
export function reportOf(state: LoadedState, options: MatrixOptions, onProgress?: ProgressListener): ReadinessReport {
  const { at, cells } = matrixAt(state.catalog, options, state.options.catalog);
  const readiness = readinessFrom(state, at, decideCells(state, cells, onProgress));
  const denied = readiness.rows.filter((r) => !r.allowed).length;
  let planned = 0;
  const plans = cells.map((cell, i): Plan | null => {
    if (readiness.rows[i]!.allowed) return null;
    const plan = planFor(state, requestOf(cell));
    onProgress?.('planning', ++planned, denied);
    return plan;
  });
  return {
    ...readiness,
    maps: state.blockers.maps.map((m) => m.file),
    ledger: { file: state.options.ledger ?? null, entries: state.ledger.entries.length, verified: state.ledger.verified },
    plans,
  };
}
