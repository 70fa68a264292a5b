// Loading: files -> parsed -> validated -> verified -> the policy's world, in one sequence that
// both opening a gate (stop at the first problem) and `validate` (list every problem) run.

import { BlockgateError, type Problem } from '../errors.js';
import { expandMapPatterns, loadBlockerMaps, type BlockerSet } from '../inputs/maps.js';
import type { StdinReader } from '../load/files.js';
import { loadCatalog, type Catalog } from '../inputs/catalog.js';
import { readHypotheticalInput } from '../inputs/hypothetical.js';
import { loadTrust, type Trust } from '../ledger/keys.js';
import { parseHypotheticalText, parseLedgerTextFrom, parseLedgerTextFromOnPool, POOL_MIN_LINES, type Ledger, type LedgerBase } from '../ledger/ledger.js';
import { isRemoteLedger, type FetchedLedger } from '../ledger/store.js';
import { readTextFile, STDIN_PATH } from '../load/files.js';
import { parseHead, requireHead } from '../ledger/head.js';
import { buildWorld, type HypotheticalRevoke, type World, type WorldEntry } from '../engine/world.js';
import { readSealedBundle, type SealedBundle } from '../engine/bundle.js';
import { Engine } from '../engine/engine.js';
import { checkedGateOptions } from './options.js';
import type { GateOptions } from './types.js';

/** Everything loaded and checked, ready to decide. Internal: the library's own modules only. */
export interface LoadedState {
  options: GateOptions;
  bundle: SealedBundle;
  catalog: Catalog;
  blockers: BlockerSet;
  trust: Trust | null;
  ledger: Ledger;
  /** The text the ledger was read from: a later load that only adds lines reads on from here. */
  ledgerText: string;
  engine: Engine;
}

/** How the loading sequence meets a problem in an input: opening stops at the first, validate lists all. */
export interface ProblemHandling {
  /** Runs one step; undefined when it failed and its problems were kept. */
  step<T>(run: () => T): T | undefined;
  /** Problems a step reported without throwing (the maps, which are read as a whole). */
  found(problems: readonly Problem[]): void;
}

/** The first problem is thrown, with every problem its step found. */
export const stopAtFirst: ProblemHandling = {
  step: (run) => run(),
  found: (problems) => {
    if (problems.length > 0) throw BlockgateError.fromProblems([...problems]);
  },
};

/**
 * Every input problem is kept in `into`; anything else (usage, the bundle, an input that cannot
 * be reached at all, a bug) still throws.
 */
export function collectInto(into: Problem[]): ProblemHandling {
  return {
    step: (run) => {
      try {
        return run();
      } catch (e) {
        if (!(e instanceof BlockgateError) || e.code === 'usage' || e.code === 'bundle-seal' || e.code === 'io' || e.code === 'internal') throw e;
        into.push(...e.problems);
        return undefined;
      }
    },
    found: (problems) => {
      into.push(...problems);
    },
  };
}

/** Every input as read, validated and verified; a part is undefined only where its step failed. */
export interface Inputs {
  catalog: Catalog | undefined;
  blockers: BlockerSet;
  trust: Trust | null | undefined;
  ledger: Ledger | undefined;
  /** The text the ledger was read from ('' without a ledger). */
  ledgerText: string;
  /** Signatures are checked (no insecureNoVerify). */
  verify: boolean;
}

const NO_BLOCKERS: BlockerSet = { blockers: new Map(), resolved: new Map(), maps: [] };

function emptyLedger(): Ledger {
  return { file: '(no ledger)', entries: [], head: null, verified: true };
}

/**
 * Where the loading sequence gets the ledger's text: a file is read in the sequence; a remote
 * ledger (PostgreSQL) must have been fetched ahead (`fetched`). `base` is a ledger read before:
 * when the text only adds lines to its text, only those are read and verified.
 */
export interface LedgerSource {
  fetched?: FetchedLedger | undefined;
  base?: LedgerBase | undefined;
}

/** The one loading sequence: catalog, maps, trust, ledger, its pinned head, then the trust it needs. */
export function readInputs(options: GateOptions, problems: ProblemHandling, source: LedgerSource = {}): Inputs {
  const catalog = problems.step(() => loadCatalog(options.catalog));
  const files = problems.step(() => expandMapPatterns(options.blockers));
  let blockers = NO_BLOCKERS;
  if (files !== undefined) {
    const loaded = loadBlockerMaps(files, mapSource(options));
    problems.found(loaded.problems);
    blockers = loaded.set;
  }
  const trustFile = options.trust;
  const trust = trustFile === undefined ? null : problems.step(() => loadTrust(trustFile));
  const verify = !options.insecureNoVerify;
  const ledgerFile = options.ledger;
  let ledgerText = '';
  const ledger = ledgerFile === undefined ? emptyLedger() : problems.step(() => {
    const { text, name } = ledgerTextOf(ledgerFile, source.fetched);
    const read = parseLedgerTextFrom(text, name, trust ?? null, { verify }, source.base);
    ledgerText = text;
    return read;
  });
  const pinned = options.ledgerHead;
  if (ledger !== undefined && pinned !== undefined) problems.step(() => requireHead(ledger, parseHead(pinned)));
  if (ledger !== undefined) requireTrustFor(ledger, verify, trustFile !== undefined);
  return { catalog, blockers, trust, ledger, ledgerText, verify };
}

/**
 * The ledger read and verified ahead of the loading sequence, its signatures checked on the
 * thread pool (parseLedgerTextFromOnPool), given to the sequence as the base it reads on from:
 * the sequence reads the ledger again, and when its text is still that text (or adds lines to
 * it) under the same trust, only what was added is verified there. Anything else (no ledger,
 * standard input, no trust, a problem with any of them, a text without its final newline) is
 * left to the sequence alone, which reads, verifies and reports as ever. Never decides anything.
 */
export async function withLedgerReadAhead(options: GateOptions, source: LedgerSource): Promise<LedgerSource> {
  const { ledger: locator, trust: trustFile } = options;
  if (locator === undefined || trustFile === undefined || options.insecureNoVerify || [locator, trustFile].includes(STDIN_PATH)) return source;
  try {
    const { text, name } = ledgerTextOf(locator, source.fetched);
    if (!text.endsWith('\n')) return source;
    // What the sequence would verify: the lines after the base's when the text extends it (a
    // reload after an append), else all; few are faster verified in the sequence itself.
    const from = source.base !== undefined && text.startsWith(source.base.text) ? source.base.text.length : 0;
    if (linesFrom(text, from) < POOL_MIN_LINES) return source;
    const trust = loadTrust(trustFile);
    const ledger = await parseLedgerTextFromOnPool(text, name, trust, { verify: true }, source.base);
    return { ...source, base: { ledger, text, trust } };
  } catch {
    return source;
  }
}

/** How many line ends `text` has from `start` on. */
function linesFrom(text: string, start: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The ledger's text: the one fetched ahead, else the file read now. */
function ledgerTextOf(locator: string, fetched: FetchedLedger | undefined): { text: string; name: string } {
  if (fetched !== undefined) {
    if ('error' in fetched) throw fetched.error;
    return fetched.snapshot;
  }
  if (isRemoteLedger(locator)) {
    // Only the library's own modules load; each of them fetches a remote ledger first.
    throw new BlockgateError('internal', 'a PostgreSQL ledger was not read ahead of the load');
  }
  return { text: readTextFile(locator, 'ledger-schema'), name: locator };
}

/** Signatures cannot be checked without a trust file: a ledger with entries then needs one. */
function requireTrustFor(ledger: Ledger, verify: boolean, haveTrust: boolean): void {
  if (verify && !haveTrust && ledger.entries.length > 0) {
    throw new BlockgateError('usage',
      `${ledger.file}: the ledger has entries, so --trust is required to check their signatures (or pass --insecure-no-verify)`);
  }
}

/** Where a blockers entry `-` reads from. */
function mapSource(options: GateOptions): { stdin?: StdinReader } {
  return options.stdin === undefined ? {} : { stdin: options.stdin };
}

/**
 * Loads and checks every input; the first problem is thrown. The bundle is read from bundleDir
 * unless one already checked is given (a reload keeps the gate's).
 */
export function loadState(given: GateOptions, bundle?: SealedBundle, source: LedgerSource = {}): LoadedState {
  const options = checkedGateOptions(given);
  const policy = bundle ?? readSealedBundle(options.bundleDir, { keyFile: options.bundleKey });
  const { catalog, blockers, trust, ledger, ledgerText, verify } = readInputs(options, stopAtFirst, source);
  // stopAtFirst throws on every failed step, so nothing is missing; if it were, nothing is decided.
  if (catalog === undefined || trust === undefined || ledger === undefined) throw new BlockgateError('internal', 'an input was not loaded');
  const engine = Engine.open(worldOf(catalog, blockers, trust, entriesOf(ledger), verify), policy);
  return { options, bundle: policy, catalog, blockers, trust, ledger, ledgerText, engine };
}

/** What a reload of `state` reads on from: its ledger, its text and the trust it was verified with. */
export function baseOf(state: LoadedState): LedgerBase {
  return { ledger: state.ledger, text: state.ledgerText, trust: state.trust };
}

/** The ledger's entries as the policy's world takes them. */
export function entriesOf(ledger: Ledger): WorldEntry[] {
  return ledger.entries.map(({ entry, auth, line }) => ({ fields: entry, auth, line, where: `${ledger.file} line ${line}` }));
}

/** The policy's data document for these inputs. */
export function worldOf(
  catalog: Catalog, blockers: BlockerSet, trust: Trust | null, entries: WorldEntry[], verified: boolean,
  hypotheticalRevokes: HypotheticalRevoke[] = [],
): World {
  const trustedRoles = trust === null ? null : [...trust.keys.values()].map((k) => k.normalisedRole);
  const principals = trust === null ? null : new Map([...trust.keys.values()].map((k) => [k.id, k.principal]));
  return buildWorld({ blockers, catalog, entries, verified, trustedRoles, principals, hypotheticalRevokes });
}

/**
 * The same state with hypothetical entries after the ledger's and what-if revokes: only a new
 * policy instance, nothing re-read.
 */
export function withHypotheses(state: LoadedState, extra: readonly WorldEntry[], revokes: HypotheticalRevoke[]): LoadedState {
  const verified = !state.options.insecureNoVerify;
  const world = worldOf(state.catalog, state.blockers, state.trust, [...entriesOf(state.ledger), ...extra], verified, revokes);
  return { ...state, engine: Engine.open(world, state.bundle) };
}

/**
 * The same state over only the first `seq` ledger entries, as it was when that entry was the
 * head. Nothing is re-read; only a new policy instance is built.
 */
export function stateAtLedgerSeq(state: LoadedState, seq: number): LoadedState {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > state.ledger.entries.length) {
    throw new BlockgateError('internal', `${state.ledger.file}: no ledger prefix of ${seq} entries (the ledger has ${state.ledger.entries.length})`);
  }
  const entries = state.ledger.entries.slice(0, seq);
  const last = entries.at(-1);
  const ledger: Ledger = { ...state.ledger, entries, head: last ? { seq: last.entry.seq, hash: last.hash } : null };
  const engine = Engine.open(worldOf(state.catalog, state.blockers, state.trust, entriesOf(ledger), ledger.verified), state.bundle);
  // A valid ledger holds one entry per line, so its first `seq` lines are this ledger's text.
  const ledgerText = seq === 0 ? '' : `${state.ledgerText.split('\n').slice(0, seq).join('\n')}\n`;
  return { ...state, ledger, ledgerText, engine };
}

/**
 * A what-if `--add` file's entries, read by load (`-` is the gate's standard input) and checked
 * against this state's ledger; taken as authentic, after the ledger's.
 */
export function hypotheticalEntries(state: LoadedState, add: string): WorldEntry[] {
  const { text, name } = readHypotheticalInput(add, state.options.stdin);
  return parseHypotheticalText(text, name, state.ledger)
    .map(({ entry: fields, line }) => ({ fields, auth: 'ok', line, where: `${name} line ${line}` }));
}
