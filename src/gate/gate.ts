// The library's one composition of the stages: files -> parsed -> validated -> verified ->
// policy data -> decision. The CLI and the server are thin edges over a Gate: each of their
// commands is one call here.

import { BlockgateError } from '../errors.js';
import type { LedgerHead } from '../ledger/ledger.js';
import type { SealedBundle } from '../engine/bundle.js';
import type { LintFinding } from '../engine/results.js';
import { checkedBundle, checkedGateOptions, checkedMatrixOptions, checkedWhatIfOptions } from './options.js';
import { resolveRequest } from './request.js';
import { decisionFor, planFor, policyOf } from './decision.js';
import { prerequisitesMetAtOf } from '../engine/results.js';
import { blockerInfosOf, decideCells, matrixCells, readinessOf, reportOf, rowsOf } from './matrix.js';
import { whatIfReadinessOf } from './what-if.js';
import { planTemplateOf } from './template.js';
import { baseOf, loadState, stateAtLedgerSeq, withLedgerReadAhead, type LoadedState } from './state.js';
import { fetchRemoteLedger } from '../ledger/store.js';
import type {
  BlockerInfo, Decision, DecisionWithHead, GateOptions, MatrixCell, MatrixOptions, MatrixRow, Plan, PlanTemplate, PolicyInfo,
  ProgressListener, Readiness, ReadinessReport, Request, WhatIf, WhatIfOptions, WhatIfReadiness,
} from './types.js';

export class Gate {
  // Replaced whole, never mutated: every call reads it once, so a reload never mixes two states.
  private state: LoadedState;

  constructor(state: LoadedState) {
    this.state = state;
  }

  /** @internal The loaded state, for the library's own modules (replay, the server); not public API. */
  get loaded(): LoadedState {
    return this.state;
  }

  get policy(): PolicyInfo {
    return policyOf(this.state);
  }

  /** Every loaded blocker as the formats show it (map file and line), sorted by id. */
  get blockers(): BlockerInfo[] {
    return blockerInfosOf(this.state);
  }

  /** The last ledger entry this gate decides over; null for an empty ledger. */
  get ledgerHead(): LedgerHead | null {
    return this.state.ledger.head;
  }

  /**
   * Re-reads, validates and verifies every input, then swaps the new state in at once. On any
   * problem it rejects with a BlockgateError and the gate keeps deciding over the old state.
   * The policy bundle checked when the gate opened is kept: inputs change, the policy does not.
   */
  async reload(): Promise<void> {
    const state = this.state;
    const fetched = await fetchRemoteLedger(state.options.ledger);
    const source = await withLedgerReadAhead(state.options, { fetched, base: baseOf(state) });
    this.state = typedErrors(() => loadState(state.options, state.bundle, source));
  }

  /** A gate over the first `seq` ledger entries of this one's state (for replaying old decisions). */
  atLedgerSeq(seq: number): Gate {
    return new Gate(stateAtLedgerSeq(this.state, seq));
  }

  /** SPEC 3's decision object for one request. Synchronous: the policy runs in process. */
  check(request: Request): Decision {
    return this.decide(request).decision;
  }

  /** The decision and the ledger head it saw, from one state. */
  decide(request: Request): DecisionWithHead {
    const state = this.state;
    return typedErrors(() => {
      const input = resolveRequest(state.catalog, request, state.options.catalog);
      const answer = state.engine.decide(input);
      const metAt = prerequisitesMetAtOf(answer);
      const decided: DecisionWithHead = { decision: decisionFor(state, input, answer), ledgerHead: state.ledger.head };
      if (metAt !== undefined) decided.prerequisitesMetAt = metAt;
      return decided;
    });
  }

  plan(request: Request): Plan {
    const state = this.state;
    return typedErrors(() => planFor(state, resolveRequest(state.catalog, request, state.options.catalog)));
  }

  /**
   * The plan and its grants as unsigned ledger entries (`plan --emit-ledger-template`), issued at
   * the request's time (now when absent), with ids this gate's ledger does not use.
   */
  planTemplate(request: Request): PlanTemplate {
    const state = this.state;
    return typedErrors(() => planTemplateOf(state, resolveRequest(state.catalog, request, state.options.catalog)));
  }

  /**
   * The requests a matrix with these options decides, in its order: for callers that want each
   * cell's whole decision (`check` on each). A bare time is short for `{ at }`.
   */
  cells(options?: MatrixOptions | Request['at']): MatrixCell[] {
    const state = this.state;
    return typedErrors(() => matrixCells(state.catalog, checkedMatrixOptions(options), state.options.catalog));
  }

  /** Every catalog action × environment (or those named), decided by the policy one cell at a time. */
  matrix(options?: MatrixOptions | Request['at']): MatrixRow[] {
    const state = this.state;
    return typedErrors(() => rowsOf(decideCells(state, matrixCells(state.catalog, checkedMatrixOptions(options), state.options.catalog))));
  }

  /**
   * The matrix with each cell's whole decision, the policy and every loaded blocker (what the
   * formats show beside the rows). `onProgress` hears of each cell decided.
   */
  readiness(options?: MatrixOptions | Request['at'], onProgress?: ProgressListener): Readiness {
    const state = this.state;
    return typedErrors(() => readinessOf(state, checkedMatrixOptions(options), onProgress));
  }

  /** The readiness with a plan for every denied cell and what was loaded (`blockgate report`). */
  report(options?: MatrixOptions | Request['at'], onProgress?: ProgressListener): ReadinessReport {
    const state = this.state;
    return typedErrors(() => reportOf(state, checkedMatrixOptions(options), onProgress));
  }

  /** The matrix before and after hypothetical grants and revokes (appended after the ledger). */
  whatIf(options: WhatIfOptions = {}): WhatIf {
    const { before, after, changes } = this.whatIfReadiness(options);
    return { before, after, changes };
  }

  /** whatIf with the policy and every loaded blocker beside it (what the formats show). */
  whatIfReadiness(options: WhatIfOptions = {}): WhatIfReadiness {
    const state = this.state;
    return typedErrors(() => whatIfReadinessOf(state, checkedWhatIfOptions(options)));
  }

  lint(): LintFinding[] {
    const state = this.state;
    return typedErrors(() => state.engine.lint());
  }
}

/**
 * Loads, validates and verifies every input, then returns a gate ready to decide. Rejects with a
 * BlockgateError whose `code` is SPEC's (map-schema, ledger-chain, ...); options it does not know,
 * or of the wrong type, are `usage`. The gate keeps a checked copy of the options for reloads.
 * The policy bundle is read from `bundleDir` (the package's by default) and checked against its
 * seal, unless `bundle` is one that readSealedBundle already checked (the CLI reads it once per run).
 */
export async function openGate(options: GateOptions, bundle?: SealedBundle): Promise<Gate> {
  const checked = typedErrors(() => checkedGateOptions(options));
  const given = typedErrors(() => checkedBundle(bundle, checked, 'openGate'));
  const fetched = await fetchRemoteLedger(checked.ledger);
  const source = await withLedgerReadAhead(checked, { fetched });
  return new Gate(typedErrors(() => loadState(checked, given, source)));
}

/** Runs a stage so that whatever it throws reaches the caller as a BlockgateError. */
export function typedErrors<T>(stage: () => T): T {
  try {
    return stage();
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw new BlockgateError('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
