// The library's one composition of the stages: files -> parsed -> validated -> verified ->
// policy data -> decision. The CLI and the server are thin edges over a Gate.

import { BlockgateError } from './errors.js';
import { expandMapPatterns, loadBlockerMaps, type BlockerSet } from './load/maps.js';
import type { StdinReader } from './load/files.js';
import { loadCatalog, type Catalog } from './load/catalog.js';
import { readInput } from './load/files.js';
import { EARLIEST_TIME, LATEST_TIME, formatTime, isInstant, parseTime } from './schema/time.js';
import { loadTrust, type Trust } from './ledger/keys.js';
import { readLedger, parseHypotheticalText, type Ledger, type LedgerHead } from './ledger/ledger.js';
import { parseHead, requireHead } from './ledger/head.js';
import { buildWorld, type WorldEntry } from './engine/world.js';
import { readSealedBundle, type SealedBundle } from './engine/bundle.js';
import { Engine, type PolicyRequest } from './engine/engine.js';
import { deepFreeze } from './engine/memo.js';
import { quoted } from './schema/quote.js';
import { checkedGateOptions, checkedMatrixOptions, checkedRequest, checkedWhatIfOptions, describeValue, requireNoControl } from './gate-options.js';
import type { EntryFields } from './schema/types.js';
import type {
  Denial, IgnoredGrant, LintFinding, PlannedGrant, SatisfiedBlocker, Unresolvable, Warning, PolicyDecision,
} from './engine/results.js';

export interface GateOptions {
  /** Blocker map paths or glob patterns (at least one). */
  blockers: string[];
  ledger?: string;
  trust?: string;
  catalog?: string;
  /** Count every ledger entry with its own role, without checking signatures. */
  insecureNoVerify?: boolean;
  /** A head seen before ("SEQ:HASH", from `ledger head`): refuse a ledger that no longer contains it. */
  ledgerHead?: string;
  /** Where policy.wasm and seal.json are; the package's bundles/ by default. */
  bundleDir?: string;
  /** What a blockers entry `-` reads: standard input's text or bytes. Read once per gate; a reload reuses it. */
  stdin?: StdinReader;
}

export interface Request {
  action: string;
  environment: string;
  target?: string | null;
  /** RFC 3339 text, a Date, or epoch milliseconds; now when absent. */
  at?: string | Date | number;
}

export interface RequestEcho { action: string; environment: string; target: string | null; at: string }
export interface PolicyInfo { revision: string; sha256: string }

/** SPEC 3 `check --format json`, keys in SPEC order. */
export interface Decision {
  allowed: boolean;
  request: RequestEcho;
  denials: Denial[];
  satisfied: SatisfiedBlocker[];
  ignored_grants: IgnoredGrant[];
  warnings: Warning[];
  policy: PolicyInfo;
}

export interface Plan {
  allowed: boolean;
  grants_needed: PlannedGrant[];
  unresolvable: Unresolvable[];
}

export interface MatrixRow { action: string; environment: string; allowed: boolean; denials: string[] }

/** A what-if cell whose `allowed` or whose set of denying blocker ids differs (SPEC 3). */
export interface MatrixChange {
  action: string;
  environment: string;
  target: string | null;
  before: boolean;
  after: boolean;
  /** Ids denying after but not before, in the policy's order. */
  denials_added: string[];
  /** Ids denying before but not after, in the policy's order. */
  denials_removed: string[];
}
export interface WhatIf { before: MatrixRow[]; after: MatrixRow[]; changes: MatrixChange[] }

/** Which cells a matrix decides (SPEC 3 `matrix --target/--action/--env`). */
export interface MatrixOptions {
  at?: Request['at'];
  /** Every cell is decided for this target; none when absent or null. */
  target?: string | null;
  /** Only these catalog actions (every one when absent); an unknown name is unknown-action. */
  actions?: string[];
  /** Only these catalog environments (every one when absent); an unknown name is unknown-environment. */
  environments?: string[];
}

/** One cell of a matrix: the request it decides. */
export interface MatrixCell { action: string; environment: string; target: string | null; at: number }

export interface WhatIfOptions extends MatrixOptions {
  /** A JSON Lines file of hypothetical entries (SPEC 3 what-if). */
  add?: string;
  /** Grant ids to revoke hypothetically, each by the grant's own role at `at`. */
  revoke?: string[];
}

/** Everything loaded and checked, ready to decide. */
export interface LoadedState {
  options: GateOptions;
  bundle: SealedBundle;
  catalog: Catalog;
  blockers: BlockerSet;
  trust: Trust | null;
  ledger: Ledger;
  engine: Engine;
}

/** The ledger's entries as the policy's world takes them. */
export function entriesOf(ledger: Ledger): WorldEntry[] {
  return ledger.entries.map(({ entry, auth, line }) => ({ fields: entry, auth, line, where: `${ledger.file} line ${line}` }));
}

function emptyLedger(): Ledger {
  return { file: '(no ledger)', entries: [], head: null, verified: true };
}

/** Loads and checks every input; the first problem is thrown (validate collects them all). */
export function loadState(given: GateOptions): LoadedState {
  const options = checkedGateOptions(given);
  const bundle = readSealedBundle(options.bundleDir);
  const catalog = loadCatalog(options.catalog);
  const { set: blockers, problems } = loadBlockerMaps(expandMapPatterns(options.blockers), mapSource(options));
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  const verify = !options.insecureNoVerify;
  const trust = options.trust !== undefined ? loadTrust(options.trust) : null;
  const ledger = options.ledger !== undefined ? readLedger(options.ledger, trust, { verify }) : emptyLedger();
  if (options.ledgerHead !== undefined) requireHead(ledger, parseHead(options.ledgerHead));
  requireTrustFor(ledger, verify, trust !== null);
  const engine = Engine.open(worldOf(catalog, blockers, trust, entriesOf(ledger), verify), bundle);
  return { options, bundle, catalog, blockers, trust, ledger, engine };
}

/** Signatures cannot be checked without a trust file: a ledger with entries then needs one. */
export function requireTrustFor(ledger: Ledger, verify: boolean, haveTrust: boolean): void {
  if (verify && !haveTrust && ledger.entries.length > 0) {
    throw new BlockgateError('usage',
      `${ledger.file}: the ledger has entries, so --trust is required to check their signatures (or pass --insecure-no-verify)`);
  }
}

/** Where a blockers entry `-` reads from. */
export function mapSource(options: GateOptions): { stdin?: StdinReader } {
  return options.stdin === undefined ? {} : { stdin: options.stdin };
}

/** The policy's data document for these inputs. */
export function worldOf(catalog: Catalog, blockers: BlockerSet, trust: Trust | null, entries: WorldEntry[], verified: boolean) {
  const trustedRoles = trust === null ? null : [...trust.keys.values()].map((k) => k.normalisedRole);
  return buildWorld({ blockers, catalog, entries, verified, trustedRoles });
}

const TIME_RANGE = `between ${formatTime(EARLIEST_TIME)} and ${formatTime(LATEST_TIME)}`;

/**
 * Epoch milliseconds of a request time (RFC 3339 text, a Date or epoch milliseconds) within the
 * years 0000-9999 in UTC; now when absent. Anything else is bad-time.
 */
export function resolveTime(at: unknown, what = '--at'): number {
  if (at === undefined) return Date.now();
  if (typeof at === 'string') {
    const ms = parseTime(at);
    if (ms !== undefined) return ms;
    throw new BlockgateError('bad-time', `${what}: ${quoted(at)} is not an RFC 3339 time with a time zone (e.g. 2026-11-20T10:00:00Z) ${TIME_RANGE}`);
  }
  if (typeof at === 'number' || at instanceof Date) {
    const ms = typeof at === 'number' ? at : at.getTime();
    if (isInstant(ms)) return ms;
    const given = typeof at === 'number' ? `${String(at)} ms since the epoch` : 'the Date given';
    throw new BlockgateError('bad-time', `${what}: ${given} is not a whole millisecond ${TIME_RANGE}`);
  }
  throw new BlockgateError('bad-time', `${what} must be RFC 3339 text, a Date or epoch milliseconds, not ${describeValue(at)}`);
}

function known(names: Record<string, unknown>): string {
  return Object.keys(names).sort().join(', ');
}

function requireAction(catalog: Catalog, action: string, catalogFile: string | undefined): void {
  if (!Object.hasOwn(catalog.actions, action)) {
    throw new BlockgateError('unknown-action', `unknown action '${action}'; ${catalogFile ?? 'the built-in catalog'} has: ${known(catalog.actions)}`);
  }
}

function requireEnvironment(catalog: Catalog, environment: string, catalogFile: string | undefined): void {
  if (!Object.hasOwn(catalog.environments, environment)) {
    throw new BlockgateError('unknown-environment', `unknown environment '${environment}'; ${catalogFile ?? 'the built-in catalog'} has: ${known(catalog.environments)}`);
  }
}

/**
 * Checks a request's shape (bad-request) and names against the catalog; unknown names are input
 * errors listing the known ones.
 */
export function resolveRequest(catalog: Catalog, request: Request, catalogFile?: string): PolicyRequest {
  const checked = checkedRequest(request);
  requireAction(catalog, checked.action, catalogFile);
  requireEnvironment(catalog, checked.environment, catalogFile);
  const input: PolicyRequest = { action: checked.action, environment: checked.environment, at: resolveTime(checked.at) };
  if (checked.target !== undefined && checked.target !== null) input.target = checked.target;
  return input;
}

/**
 * The cells a matrix decides, in its one order (actions, then environments, each sorted): every
 * catalog cell, or those of the named actions and environments, all for one target and instant.
 */
export function matrixCells(catalog: Catalog, options: MatrixOptions, catalogFile?: string): MatrixCell[] {
  for (const action of options.actions ?? []) requireAction(catalog, action, catalogFile);
  for (const environment of options.environments ?? []) requireEnvironment(catalog, environment, catalogFile);
  const at = resolveTime(options.at);
  const target = options.target ?? null;
  if (target !== null) requireNoControl(target, 'target');
  const actions = options.actions === undefined ? null : new Set(options.actions);
  const environments = options.environments === undefined ? null : new Set(options.environments);
  return catalogCells(catalog)
    .filter((c) => (actions === null || actions.has(c.action)) && (environments === null || environments.has(c.environment)))
    .map(({ action, environment }) => ({ action, environment, target, at }));
}

/** A decision with the ledger head it was made over: both from one loaded state. */
export interface DecisionWithHead {
  decision: Decision;
  /** The last ledger entry the decision saw; null for an empty ledger. */
  ledgerHead: LedgerHead | null;
}

function policyOf(state: LoadedState): PolicyInfo {
  return { revision: state.bundle.seal.revision, sha256: state.bundle.seal.sha256 };
}

/**
 * The same state over only the first `seq` ledger entries, as it was when that entry was the
 * head. Nothing is re-read; only a new policy instance is built.
 */
function stateAtLedgerSeq(state: LoadedState, seq: number): LoadedState {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > state.ledger.entries.length) {
    throw new BlockgateError('internal', `${state.ledger.file}: no ledger prefix of ${seq} entries (the ledger has ${state.ledger.entries.length})`);
  }
  const entries = state.ledger.entries.slice(0, seq);
  const last = entries.at(-1);
  const ledger: Ledger = { ...state.ledger, entries, head: last ? { seq: last.entry.seq, hash: last.hash } : null };
  const engine = Engine.open(worldOf(state.catalog, state.blockers, state.trust, entriesOf(ledger), ledger.verified), state.bundle);
  return { ...state, ledger, engine };
}

export class Gate {
  // Replaced whole, never mutated: every call reads it once, so a reload never mixes two states.
  private state: LoadedState;

  constructor(state: LoadedState) {
    this.state = state;
  }

  get loaded(): LoadedState {
    return this.state;
  }

  get policy(): PolicyInfo {
    return policyOf(this.state);
  }

  /** The last ledger entry this gate decides over; null for an empty ledger. */
  get ledgerHead(): LedgerHead | null {
    return this.state.ledger.head;
  }

  /**
   * Re-reads, validates and verifies every input, then swaps the new state in at once. On any
   * problem it rejects with a BlockgateError and the gate keeps deciding over the old state.
   */
  async reload(): Promise<void> {
    this.state = typedErrors(() => loadState(this.state.options));
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
      return { decision: decisionFor(state, input), ledgerHead: state.ledger.head };
    });
  }

  plan(request: Request): Plan {
    const state = this.state;
    return typedErrors(() => {
      const input = resolveRequest(state.catalog, request, state.options.catalog);
      const p = state.engine.plan(input);
      return {
        allowed: p.allowed === true,
        grants_needed: p.grants_needed.map((g) => ({
          role: g.role, action: g.action, environment: g.environment, target: g.target ?? null,
          resolves: g.resolves, evidence_required: g.evidence_required,
        })),
        unresolvable: p.unresolvable.map((u) => ({ blocker_id: u.blocker_id, reason: u.reason })),
      };
    });
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
    return typedErrors(() => matrixOf(state.engine, matrixCells(state.catalog, checkedMatrixOptions(options), state.options.catalog)));
  }

  /** The matrix before and after hypothetical grants and revokes (appended after the ledger). */
  whatIf(options: WhatIfOptions = {}): WhatIf {
    const state = this.state;
    return typedErrors(() => whatIfOf(state, checkedWhatIfOptions(options)));
  }

  lint(): LintFinding[] {
    const state = this.state;
    return typedErrors(() => state.engine.lint());
  }
}

function whatIfOf(state: LoadedState, options: WhatIfOptions): WhatIf {
  const cells = matrixCells(state.catalog, options, state.options.catalog);
  const { catalog, blockers, trust, ledger, bundle } = state;
  const extra: WorldEntry[] = [];
  if (options.add !== undefined) {
    const { text, name } = readInput(options.add, 'ledger-schema', state.options.stdin);
    for (const { entry: fields, line } of parseHypotheticalText(text, name, ledger)) {
      extra.push({ fields, auth: 'ok', line, where: `${name} line ${line}` });
    }
  }
  const current = entriesOf(ledger);
  const grants = new Map<string, EntryFields>();
  for (const { fields } of [...current, ...extra]) if (fields.type === 'grant') grants.set(fields.id, fields);
  const ids = new Set([...current, ...extra].map((e) => e.fields.id));
  const at = cells[0]?.at ?? resolveTime(options.at);
  (options.revoke ?? []).forEach((grantId, i) => {
    const grant = grants.get(grantId);
    if (grant === undefined) {
      throw new BlockgateError('ledger-dangling-revoke', `--revoke ${quoted(grantId)}: no grant with this id in the ledger or the --add file`);
    }
    let id = `what-if-revoke-${i + 1}`;
    while (ids.has(id)) id = `${id}'`;
    ids.add(id);
    extra.push({
      fields: { type: 'revoke', id, role: grant.role, issued_at: formatTime(at), revokes: grantId },
      auth: 'ok', line: 0, where: `--revoke ${quoted(grantId)}`,
    });
  });
  const verified = !state.options.insecureNoVerify;
  const after = Engine.open(worldOf(catalog, blockers, trust, [...current, ...extra], verified), bundle);
  const before = matrixOf(state.engine, cells);
  const afterRows = matrixOf(after, cells);
  const changes: MatrixChange[] = [];
  before.forEach((row, i) => {
    const next = afterRows[i]!;
    const denials_added = next.denials.filter((id) => !row.denials.includes(id));
    const denials_removed = row.denials.filter((id) => !next.denials.includes(id));
    if (row.allowed !== next.allowed || denials_added.length > 0 || denials_removed.length > 0) {
      changes.push({
        action: row.action, environment: row.environment, target: cells[i]!.target,
        before: row.allowed, after: next.allowed, denials_added, denials_removed,
      });
    }
  });
  return { before, after: afterRows, changes };
}

type Explanation = Pick<Decision, 'denials' | 'satisfied' | 'ignored_grants' | 'warnings'>;

/**
 * The policy's answer in SPEC's key order, once per answer: the engine memoises answers (frozen,
 * shared), so a steady caller reuses the shaped explanation instead of copying it every call.
 */
const explanations = new WeakMap<PolicyDecision, Explanation>();

function explanationOf(d: PolicyDecision): Explanation {
  let shaped = explanations.get(d);
  if (shaped === undefined) {
    shaped = deepFreeze({
      denials: d.denials.map(orderedDenial),
      satisfied: d.satisfied.map((s) => ({ blocker_id: s.blocker_id, grants: s.grants })),
      ignored_grants: d.ignored_grants.map((g) => ({ grant_id: g.grant_id, blocker_ids: g.blocker_ids, reason: g.reason })),
      warnings: d.warnings.map((w) => ({ code: w.code, message: w.message })),
    });
    explanations.set(d, shaped);
  }
  return shaped;
}

/** Decisions are immutable: their explanation is shared between the calls the memo serves. */
function decisionFor(state: LoadedState, input: PolicyRequest): Decision {
  const d = state.engine.decide(input);
  const { denials, satisfied, ignored_grants, warnings } = explanationOf(d);
  return {
    allowed: d.allowed === true,
    request: { action: input.action, environment: input.environment, target: input.target ?? null, at: formatTime(input.at) },
    denials,
    satisfied,
    ignored_grants,
    warnings,
    policy: policyOf(state),
  };
}

/** Every catalog action × environment, in the one order the matrix, what-if and report use. */
export function catalogCells(catalog: Catalog): Array<{ action: string; environment: string }> {
  const environments = Object.keys(catalog.environments).sort();
  return Object.keys(catalog.actions).sort().flatMap((action) => environments.map((environment) => ({ action, environment })));
}

/** A matrix row: a cell and the ids of the blockers that deny it. */
export function matrixRow(action: string, environment: string, d: { allowed: boolean; denials: readonly { blocker_id: string }[] }): MatrixRow {
  return { action, environment, allowed: d.allowed === true, denials: d.denials.map((x) => x.blocker_id) };
}

/** Each cell, decided by the policy one at a time. */
function matrixOf(engine: Engine, cells: readonly MatrixCell[]): MatrixRow[] {
  return cells.map(({ action, environment, target, at }) => {
    const request: PolicyRequest = target === null ? { action, environment, at } : { action, environment, target, at };
    return matrixRow(action, environment, engine.decide(request));
  });
}

function orderedDenial(d: Denial): Denial {
  return {
    blocker_id: d.blocker_id, item: d.item, next_action: d.next_action, actor_needed: d.actor_needed,
    blocks: d.blocks, required_roles: d.required_roles, mode: d.mode, missing_roles: d.missing_roles,
    reasons: d.reasons, source: d.source,
  };
}

/**
 * Loads, validates and verifies every input, then returns a gate ready to decide. Rejects with a
 * BlockgateError whose `code` is SPEC's (map-schema, ledger-chain, ...); options it does not know,
 * or of the wrong type, are `usage`. The gate keeps a checked copy of the options for reloads.
 */
export async function openGate(options: GateOptions): Promise<Gate> {
  return new Gate(typedErrors(() => loadState(options)));
}

/** Runs a stage so that whatever it throws reaches the caller as a BlockgateError. */
function typedErrors<T>(stage: () => T): T {
  try {
    return stage();
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw new BlockgateError('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
