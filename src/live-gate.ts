// The gate a long-running server decides with: re-loaded in full when its files change, and
// swapped in by one assignment, so a decision sees the old state or the new one, never a mix.
// While the files on disk are invalid, the status says so and every answer fails closed.
// SPEC 5: the server never moves to a ledger that lacks the newest head it has adopted (its
// floor); a rollback or truncation fails closed with `ledger-truncated` until the entry is back.

import { BlockgateError } from './errors.js';
import { Gate } from './gate/gate.js';
import { baseOf, loadState, type LoadedState } from './gate/state.js';
import { isRemoteLedger, type FetchedLedger } from './ledger/store.js';
import type { GateOptions } from './gate/types.js';
import type { SealedBundle } from './engine/bundle.js';
import { draftOfDecision, draftOfError, requestEchoOf, type DecisionLogDraft } from './decision-log/record.js';
import type { Decision, MatrixRow, Plan, Request } from './gate/types.js';
import { formatHead, parseHead, requireHead } from './ledger/head.js';
import type { LedgerHead } from './ledger/ledger.js';
import { fingerprint } from './inputs/fingerprint.js';

/** A fail-closed answer: the same shape as the CLI's JSON error (SPEC 3). */
export interface FailedResult { allowed: false; error: { code: string; message: string } }

function failedResult(error: BlockgateError): FailedResult {
  return { allowed: false, error: { code: error.code, message: error.message } };
}

/** A decision from one status, and the line its decision log records. */
export interface LiveDecision { result: Decision | FailedResult; draft: DecisionLogDraft }

export type GateStatus =
  | { ready: true; gate: Gate; since: number }
  | { ready: false; error: BlockgateError; since: number };

/** How many times a load is tried again when an input changed while it was read. */
const UNSETTLED_RETRIES = 3;

export class LiveGate {
  private current: GateStatus;
  // The newest ledger head of any state adopted (any adopted state may have answered a request
  // at once, so adopted counts as served), or the pinned --ledger-head. It only moves forward.
  private served: LedgerHead | null;
  // The policy the first gate was opened with: inputs are reloaded, the checked bundle is kept.
  private readonly bundle: SealedBundle;
  // The newest state loaded: a reload whose ledger only adds lines to its ledger verifies only those.
  private lastLoaded: LoadedState;
  // A ledger kept in a database: its newest snapshot (or why it could not be read), from the follower.
  private fetched: FetchedLedger | undefined;

  /**
   * `gate` must have been opened from `options` (its ledger holds any pinned head).
   * `inputsFingerprint` tells whether the inputs changed between two moments (watch.ts's by default).
   */
  constructor(
    readonly options: GateOptions,
    gate: Gate,
    now: number = Date.now(),
    private readonly inputsFingerprint: (options: GateOptions) => string = fingerprint,
  ) {
    const pinned = options.ledgerHead === undefined ? null : parseHead(options.ledgerHead);
    if (pinned !== null) requireHead(gate.loaded.ledger, pinned);
    this.served = gate.ledgerHead ?? pinned;
    this.bundle = gate.loaded.bundle;
    this.lastLoaded = gate.loaded;
    // A ledger in a database is read ahead of each load: until the follower hands on a newer
    // snapshot, a reload (the trust file changed) reads the one the gate was opened with.
    if (options.ledger !== undefined && isRemoteLedger(options.ledger)) {
      this.fetched = { snapshot: { name: gate.loaded.ledger.file, text: gate.loaded.ledgerText } };
    }
    this.current = { ready: true, gate, since: now };
  }

  /** Read once per request, then used throughout it. */
  get status(): GateStatus {
    return this.current;
  }

  /**
   * One request decided by the current status (read once): the decision, or the fail-closed
   * answer while the inputs are invalid; either way the line a decision log records for it.
   */
  decide(request: Request, decisionId: string, now: number = Date.now()): LiveDecision {
    const status = this.current;
    if (!status.ready) {
      return { result: failedResult(status.error), draft: draftOfError(requestEchoOf(request), status.error, now, decisionId) };
    }
    const decided = status.gate.decide(request);
    return { result: decided.decision, draft: draftOfDecision(decided, now, decisionId) };
  }

  /** The plan for a request, or the fail-closed answer. */
  plan(request: Request): Plan | FailedResult {
    const status = this.current;
    return status.ready ? status.gate.plan(request) : failedResult(status.error);
  }

  /** The matrix at an instant, or the fail-closed answer. */
  matrix(at: number): { matrix: MatrixRow[] } | FailedResult {
    const status = this.current;
    return status.ready ? { matrix: status.gate.matrix(at) } : failedResult(status.error);
  }

  /** The floor: a ledger that no longer holds this entry (same seq, same hash) is refused. */
  get servedHead(): LedgerHead | null {
    return this.served;
  }

  /**
   * Loads every input again (read, validated, verified against the floor, a new policy
   * instance) and only then replaces the status. Synchronous: nothing can observe a load half
   * done. When the inputs keep changing while they are read, the status is left as it was (the
   * watcher sees the change and reloads again) and that same status object is returned.
   * `fetched` is a new snapshot of a ledger kept in a database (kept for later reloads too).
   */
  reload(now: number = Date.now(), fetched?: FetchedLedger): GateStatus {
    if (fetched !== undefined) this.fetched = fetched;
    let loaded: { state: LoadedState } | { error: BlockgateError } | undefined;
    for (let attempt = 0; attempt <= UNSETTLED_RETRIES && loaded === undefined; attempt++) loaded = this.loadSettled();
    if (loaded === undefined) return this.current;
    let next: GateStatus;
    if ('state' in loaded) {
      next = { ready: true, gate: new Gate(loaded.state), since: now };
      this.lastLoaded = loaded.state;
      // requireHead let only a ledger extending the floor through, so this never moves back.
      this.served = loaded.state.ledger.head ?? this.served;
    } else {
      // The time it went bad, not the time of the latest failed retry.
      next = { ready: false, error: loaded.error, since: this.current.ready ? now : this.current.since };
    }
    this.current = next;
    return next;
  }

  /**
   * One load of every input, each file read once; undefined when any input changed while they
   * were read (the files read might then be of two moments: old trust beside a new ledger).
   */
  private loadSettled(): { state: LoadedState } | { error: BlockgateError } | undefined {
    const floor = this.served;
    const options: GateOptions = floor === null ? this.options : { ...this.options, ledgerHead: formatHead(floor) };
    const before = this.inputsFingerprint(this.options);
    let loaded: { state: LoadedState } | { error: BlockgateError };
    try {
      loaded = { state: loadState(options, this.bundle, { fetched: this.fetched, base: baseOf(this.lastLoaded) }) };
    } catch (e) {
      loaded = { error: floorError(e, floor) };
    }
    return this.inputsFingerprint(this.options) === before ? loaded : undefined;
  }
}

/** Any failure as a BlockgateError; a floor refusal says why the server insists on that entry. */
function floorError(e: unknown, floor: LedgerHead | null): BlockgateError {
  if (!(e instanceof BlockgateError)) {
    return new BlockgateError('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (e.code !== 'ledger-truncated' || floor === null) return e;
  return new BlockgateError('ledger-truncated',
    `${e.message}; the server has already served ledger head ${formatHead(floor)}, so it denies every decision until the ledger holds that entry again`,
    { ...(e.file === undefined ? {} : { file: e.file }), ...(e.line === undefined ? {} : { line: e.line }) });
}
