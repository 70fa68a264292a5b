// What-if: the matrix before and after hypothetical entries (read by load, checked by the
// ledger stage before they reach here) and hypothetical revokes, appended after the ledger.

import type { WorldEntry } from '../engine/world.js';
import { formatTime } from '../schema/time.js';
import { quoted } from '../quote.js';
import { blockerInfosOf, decideCells, matrixAt, rowsOf } from './matrix.js';
import { policyOf } from './decision.js';
import { hypotheticalEntries, withHypotheses, type LoadedState } from './state.js';
import type { MatrixCell, MatrixChange, WhatIf, WhatIfOptions, WhatIfReadiness } from './types.js';

/**
 * The matrix over `cells` before and after the `added` entries and what-if revokes of the
 * `revoke` grant ids at `at`, all over one state. No file is read here.
 */
export function whatIfOf(state: LoadedState, cells: readonly MatrixCell[], at: number, added: readonly WorldEntry[], revoke: readonly string[]): WhatIf {
  // Which grant and from when: what a what-if revoke means (its grant's own role) is the policy's.
  const revokes = revoke.map((grantId) => ({ grantId, at, where: `--revoke ${quoted(grantId)}` }));
  const before = rowsOf(decideCells(state, cells));
  const after = rowsOf(decideCells(withHypotheses(state, added, revokes), cells));
  const changes: MatrixChange[] = [];
  before.forEach((row, i) => {
    const next = after[i]!;
    const denials_added = next.denials.filter((id) => !row.denials.includes(id));
    const denials_removed = row.denials.filter((id) => !next.denials.includes(id));
    if (row.allowed !== next.allowed || denials_added.length > 0 || denials_removed.length > 0) {
      changes.push({
        action: row.action, environment: row.environment, target: cells[i]!.target,
        before: row.allowed, after: next.allowed, denials_added, denials_removed,
      });
    }
  });
  return { before, after, changes };
}

/**
 * A what-if from checked options: the cells first (their names and time), then the `add` file
 * read and checked, then both matrices; with the policy and the loaded blockers, for the formats.
 */
export function whatIfReadinessOf(state: LoadedState, options: WhatIfOptions): WhatIfReadiness {
  const { at, cells } = matrixAt(state.catalog, options, state.options.catalog);
  const added = options.add === undefined ? [] : hypotheticalEntries(state, options.add);
  const whatIf = whatIfOf(state, cells, at, added, options.revoke ?? []);
  return { ...whatIf, at: formatTime(at), policy: policyOf(state), blockers: blockerInfosOf(state) };
}
