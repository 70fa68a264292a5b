// `ledger append` as one library call (here, past the ledger stage, since a dry run decides): the key, the trust, the catalog and the maps read from
// their files; every entry checked for what its author meant (append-checks.ts) before and while
// the ledger is held; then appended, all or none, or for a dry run made, read back and set
// against the matrix it would change, with nothing written.

import { APPEND_REFUSAL_CODES, BlockgateError, type Problem } from '../errors.js';
import type { SealedBundle } from '../engine/bundle.js';
import type { WorldEntry } from '../engine/world.js';
import { openGate } from './gate.js';
import { matrixAt } from './matrix.js';
import type { LoadedState } from './state.js';
import type { MatrixCell, MatrixChange } from './types.js';
import { whatIfOf } from './what-if.js';
import { loadCatalog } from '../inputs/catalog.js';
import { exists, readTextFile, type StdinReader } from '../load/files.js';
import { formatTime, parseTime } from '../schema/time.js';
import { appendEntries, type AppendResult } from '../ledger/append.js';
import { DEFAULT_MAX_SKEW_MS, entryRefusals, idsAlreadyUsed, revokesWithoutEffect, type AppendCheckContext } from '../ledger/append-checks.js';
import type { DraftEntry } from '../ledger/draft.js';
import { loadTrust } from '../ledger/keys.js';
import { isRemoteLedger, ledgerStore } from '../ledger/store.js';

export interface CheckedAppendRequest {
  ledgerPath: string;
  /** The entries, in order: one from flags or `--entry`, several from `--entries`. */
  drafts: readonly DraftEntry[];
  /** Where each draft came from, for messages ("entries.jsonl line 2"); default: the ledger path. */
  names?: readonly string[] | undefined;
  keyFile: string;
  keyId: string;
  trustFile?: string | undefined;
  /** Blocker map paths or patterns: `resolves` is checked against them (and a dry run's matrix decided over them). */
  blockers?: readonly string[] | undefined;
  /** A catalog file; absent: the built-in catalog. */
  catalog?: string | undefined;
  /** What a blockers entry `-` reads. */
  stdin?: StdinReader | undefined;
  /** How far `issued_at` may lie from the clock, either way. Default DEFAULT_MAX_SKEW_MS. */
  maxSkewMs?: number | undefined;
  /** Append despite the refusals of append-checks.ts (never despite an invalid ledger). */
  force?: boolean | undefined;
  /** Make, check and read back the entries; write nothing. */
  dryRun?: boolean | undefined;
  /** Epoch milliseconds: the clock. Default Date.now(). */
  now?: number | undefined;
  /** A policy bundle already checked (the CLI's), for the dry run's matrix. */
  bundle?: SealedBundle | undefined;
  lockTimeoutMs?: number | undefined;
}

export interface CheckedAppendResult {
  /** The entries as stored (or, for a dry run, as they would be), signed. */
  entries: AppendResult[];
  dryRun: boolean;
  /** What `force` let through: each refusal that would otherwise have stopped the append. */
  forced: Problem[];
  /** Checks that could not run, and why. */
  unchecked: string[];
  /** Dry run with maps: every matrix cell whose decision the entries would change; else null. */
  changes: MatrixChange[] | null;
  /** The instant the dry run's matrix was decided at (RFC 3339); null without one. */
  decidedAt: string | null;
}

const isRefusal = (p: Problem) => (APPEND_REFUSAL_CODES as readonly string[]).includes(p.code);

export async function appendChecked(req: CheckedAppendRequest): Promise<CheckedAppendResult> {
  if (req.drafts.length === 0) throw new BlockgateError('usage', 'no entry to append');
  const now = req.now ?? Date.now();
  const trust = req.trustFile === undefined ? null : loadTrust(req.trustFile);
  const privateKeyPem = readTextFile(req.keyFile, 'io');
  const ledgerName = ledgerStore(req.ledgerPath).name;
  const names = req.drafts.map((_, i) => req.names?.[i] ?? ledgerName);
  const signer = { ledgerPath: req.ledgerPath, privateKeyPem, privateKeyFile: req.keyFile, keyId: req.keyId, trust, now, names };

  const state = await stateFor(req);
  const catalog = state?.catalog ?? loadCatalog(req.catalog);
  const ctx: AppendCheckContext = {
    catalog, catalogFile: req.catalog, blockers: state?.blockers ?? null, now, maxSkewMs: req.maxSkewMs ?? DEFAULT_MAX_SKEW_MS,
  };
  const forced: Problem[] = [];
  const refuseOrForce = (problems: readonly Problem[]) => {
    const stopping = problems.filter((p) => !(req.force === true && isRefusal(p)));
    if (stopping.length > 0) throw BlockgateError.fromProblems(stopping.map(nothingAppended));
    forced.push(...problems);
  };
  // Under the lock: ids first (before the reader would say it less plainly), then the entries
  // as read back, valid, so that a malformed entry is refused for that, not for its time.
  const entries = await appendEntries({
    ...signer, drafts: req.drafts, dryRun: req.dryRun === true, lockTimeoutMs: req.lockTimeoutMs,
    check: (current, fields) => refuseOrForce(idsAlreadyUsed(current, fields, names)),
    verify: (stored, current) => refuseOrForce([
      ...stored.flatMap((e, i) => entryRefusals(e.entry as unknown as DraftEntry, names[i]!, ctx)),
      ...revokesWithoutEffect(current, stored, names, trust !== null),
    ]),
  });
  const unchecked = state === null && entries.some((e) => e.entry.type === 'grant')
    ? ['resolves: not checked against any map, since no --blockers was given'] : [];
  const whatIf = req.dryRun === true && state !== null ? changesOf(state, entries, now) : null;
  return { entries, dryRun: req.dryRun === true, forced, unchecked, changes: whatIf?.changes ?? null, decidedAt: whatIf?.at ?? null };
}

function nothingAppended(p: Problem): Problem {
  return p.message.endsWith('nothing was appended') ? p : { ...p, message: `${p.message}; nothing was appended` };
}

/**
 * The loaded maps and catalog when maps are given (null otherwise); for a dry run with the ledger
 * as it is (when there is one), so its matrix is the ledger's.
 */
async function stateFor(req: CheckedAppendRequest): Promise<LoadedState | null> {
  if (req.blockers === undefined || req.blockers.length === 0) return null;
  const withLedger = req.dryRun === true && (isRemoteLedger(req.ledgerPath) || exists(req.ledgerPath));
  const gate = await openGate({
    blockers: [...req.blockers],
    ...(req.catalog === undefined ? {} : { catalog: req.catalog }),
    ...(req.stdin === undefined ? {} : { stdin: req.stdin }),
    ...(withLedger ? { ledger: req.ledgerPath } : {}),
    ...(withLedger && req.trustFile !== undefined ? { trust: req.trustFile } : {}),
  }, req.bundle);
  return gate.loaded;
}

/**
 * The cells whose decision the new entries change, decided at the latest of now and their
 * issued_at (so that every one of them is in force): every catalog action × environment with no
 * target, and again for each target a grant names.
 */
function changesOf(state: LoadedState, entries: readonly AppendResult[], now: number): { changes: MatrixChange[]; at: string } {
  const at = Math.max(now, ...entries.map((e) => parseTime(e.entry.issued_at) ?? now));
  const targets = [null, ...new Set(entries.flatMap((e) => (e.entry.type === 'grant' && typeof e.entry.target === 'string' ? [e.entry.target] : [])))];
  const cells: MatrixCell[] = targets.flatMap((target) => matrixAt(state.catalog, { at, target }, state.options.catalog).cells);
  const first = state.ledger.entries.length;
  const added: WorldEntry[] = entries.map((e, i) => ({
    fields: e.entry as unknown as WorldEntry['fields'], auth: 'ok', line: first + i + 1, where: `${state.options.ledger === undefined ? 'the ledger' : state.ledger.file} line ${first + i + 1}`,
  }));
  return { changes: whatIfOf(state, cells, at, added, []).changes, at: formatTime(at) };
}
