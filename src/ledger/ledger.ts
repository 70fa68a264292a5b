// Reading the grant ledger (SPEC 1.4): integrity problems reject the whole ledger and are all
// collected; authenticity problems only mark single entries, which the policy then ignores.

import { BlockgateError, IGNORED_ENTRY_CODES, problem, type Problem } from '../errors.js';
import { readTextFile } from '../load/files.js';
import { parseJson, type ParsedJson } from '../load/json.js';
import { normaliseRolePart } from '../schema/normalise.js';
import { validateHypotheticalEntry, validateLedgerEntry } from '../schema/schemas.js';
import type { EntryFields, LedgerEntry } from '../schema/types.js';
import { canonicalJson, sha256Hex } from '../schema/canonical.js';
import { verifyEntrySig, verifyEntrySigOnPool, type Trust } from './keys.js';

/** The `prev` of the first entry. */
export const GENESIS_PREV = '0'.repeat(64);

/**
 * SPEC 1.4: authentic, or the two reasons a single entry is only ignored; checked in this order,
 * the first failure wins.
 */
export const AUTHENTICITIES = ['ok', ...IGNORED_ENTRY_CODES] as const;
export type Authenticity = (typeof AUTHENTICITIES)[number];

export interface VerifiedEntry {
  entry: LedgerEntry;
  /** The file line, 1-based. */
  line: number;
  /** sha256Hex of the canonical whole entry, `sig` included: the next entry's `prev`. */
  hash: string;
  auth: Authenticity;
}

export interface LedgerHead { seq: number; hash: string }

export interface Ledger {
  file: string;
  entries: VerifiedEntry[];
  /** The last entry, which the next one must chain to; null for an empty ledger. */
  head: LedgerHead | null;
  /** False when signatures were not checked (`--insecure-no-verify`): every auth is then 'ok'. */
  verified: boolean;
}

export interface ReadLedgerOptions { verify: boolean }

/** A what-if entry (SPEC 3): no envelope, authentic by assumption. */
export interface HypotheticalEntry { entry: EntryFields; line: number }

export function readLedger(path: string, trust: Trust | null, opts: ReadLedgerOptions): Ledger {
  return parseLedgerText(readTextFile(path, 'ledger-schema'), path, trust, opts);
}

/** A ledger read before and the text it was read from: a later text that only adds lines is read on from it. */
export interface LedgerBase {
  ledger: Ledger;
  text: string;
  trust: Trust | null;
}

/**
 * parseLedgerText, but when `text` is `base`'s text with lines added (same name, same trust,
 * same verify), only the added lines are read and verified, chained onto base's head: what
 * a server does on each append. Any other change (a line edited, removed, the trust changed)
 * reads the whole text again.
 */
export function parseLedgerTextFrom(text: string, file: string, trust: Trust | null, opts: ReadLedgerOptions, base: LedgerBase | undefined): Ledger {
  const from = extended(text, file, trust, opts, base);
  return from === undefined ? parseLedgerText(text, file, trust, opts) : parseLedgerText(text.slice(from.text.length), file, trust, opts, from.ledger);
}

/** `base` when `text` only adds lines to its text, read the same way; undefined otherwise. */
function extended(text: string, file: string, trust: Trust | null, opts: ReadLedgerOptions, base: LedgerBase | undefined): LedgerBase | undefined {
  return base !== undefined && base.ledger.file === file && base.ledger.verified === opts.verify && sameTrust(base.trust, trust)
    && (base.text === '' || base.text.endsWith('\n')) && text.startsWith(base.text) ? base : undefined;
}

/**
 * Below this many lines to verify, a ledger is verified on the calling thread: the thread pool's
 * hand-over costs more than it saves (measured by bench/run.mjs --only ledger-load-10000).
 */
export const POOL_MIN_LINES = 64;

/**
 * parseLedgerTextFrom, with the Ed25519 signatures checked first on libuv's thread pool, as
 * many at once as it has threads, while this thread parses (issue 13). The verdicts go into the
 * same reading as parseLedgerTextFrom's, each for the very entry object it was computed on, so
 * the ledger, its problems and their order are exactly parseLedgerTextFrom's.
 */
export async function parseLedgerTextFromOnPool(text: string, file: string, trust: Trust | null, opts: ReadLedgerOptions, base: LedgerBase | undefined): Promise<Ledger> {
  const from = extended(text, file, trust, opts, base);
  const lines = readLines(from === undefined ? text : text.slice(from.text.length), file, validateLedgerEntry, from?.ledger.entries.length ?? 0);
  const verdicts = opts.verify && trust !== null && lines.length >= POOL_MIN_LINES ? await verdictsOnPool(lines, trust) : undefined;
  const { ledger, problems } = inspectLines(lines, file, trust, opts, from?.ledger, verdicts);
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  return ledger;
}

/** Signature verdicts computed ahead, by the entry object they were computed on. */
type Verdicts = WeakMap<object, boolean>;

async function verdictsOnPool(lines: readonly LineRecord[], trust: Trust): Promise<Verdicts> {
  const verdicts: Verdicts = new WeakMap();
  const pending: Promise<void>[] = [];
  for (const { value, schemaOk } of lines) {
    if (!schemaOk || typeof value !== 'object') continue;
    const entry = value as unknown as LedgerEntry;
    const key = trust.keys.get(entry.key);
    if (key !== undefined) pending.push(verifyEntrySigOnPool(entry, key.publicKey).then((ok) => { verdicts.set(entry, ok); }));
  }
  await Promise.all(pending);
  return verdicts;
}

/** The same keys (id, role, principal, public key): every entry's authenticity is then the same. */
function sameTrust(a: Trust | null, b: Trust | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.keys.size !== b.keys.size) return false;
  for (const [id, key] of a.keys) {
    const other = b.keys.get(id);
    if (other === undefined || other.role !== key.role || other.normalisedRole !== key.normalisedRole
      || other.principal !== key.principal || !other.publicKey.equals(key.publicKey)) return false;
  }
  return true;
}

/**
 * Checks a whole ledger text. Throws BlockgateError listing every integrity problem, in line
 * order. With verify and no trust, no key is known, so every entry is 'unknown-key'.
 */
export function parseLedgerText(text: string, file: string, trust: Trust | null, opts: ReadLedgerOptions, after?: Ledger): Ledger {
  const { ledger, problems } = inspectLedgerText(text, file, trust, opts, after);
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  return ledger;
}

export interface LedgerInspection {
  /** Every entry that could be read, with its authenticity, even when the ledger is invalid. */
  ledger: Ledger;
  /** Every integrity problem, in line order; the ledger is valid only when there are none. */
  problems: Problem[];
}

/**
 * The whole picture of a ledger, valid or not: `ledger verify` reports a broken chain and the
 * bad signature of the edited line beside it. Decisions use parseLedgerText, which refuses.
 *
 * With `after`, `text` holds only the lines that follow that ledger (valid, read with the same
 * trust and verify): only they are read and verified, chained onto its head, their ids checked
 * against its ids, numbered after its lines; the result is the whole ledger.
 */
export function inspectLedgerText(text: string, file: string, trust: Trust | null, opts: ReadLedgerOptions, after?: Ledger): LedgerInspection {
  return inspectLines(readLines(text, file, validateLedgerEntry, after?.entries.length ?? 0), file, trust, opts, after);
}

/** inspectLedgerText over lines already read; a signature with a verdict in `verdicts` is not checked again. */
function inspectLines(lines: LineRecord[], file: string, trust: Trust | null, opts: ReadLedgerOptions, after?: Ledger, verdicts?: Verdicts): LedgerInspection {
  const firstOf = firstOccurrences(lines, after);
  const problems: Problem[] = [];
  const entries: VerifiedEntry[] = after === undefined ? [] : [...after.entries];
  // The entry line before this one; `seq`/`hash` are undefined when it could not be read, and
  // then this line's sequence and chain are not checked (that line's fault is reported already).
  const last = after?.entries.at(-1);
  let previous: { line: number; seq: number | undefined; hash: string | undefined } | null =
    last === undefined ? null : { line: last.line, seq: last.entry.seq, hash: last.hash };

  for (const { line, value, schemaOk, problems: own } of lines) {
    problems.push(...own);
    if (value === 'blank') continue;
    if (value === undefined) {
      previous = { line, seq: undefined, hash: undefined };
      continue;
    }
    const fail = (code: Problem['code'], message: string) => problems.push(problem(code, file, line, message));

    const seq = Number.isInteger(value.seq) ? (value.seq as number) : undefined;
    if (seq !== undefined) {
      if (previous === null && seq !== 1) fail('ledger-sequence', `seq is ${seq}, but the first entry must have seq 1`);
      if (previous?.seq !== undefined && seq !== previous.seq + 1) {
        fail('ledger-sequence', `seq is ${seq}, expected ${previous.seq + 1} (one more than seq ${previous.seq} on line ${previous.line})`);
      }
    }

    // A malformed prev is a schema problem already; comparing it too would only repeat that.
    if (typeof value.prev === 'string' && /^[0-9a-f]{64}$/.test(value.prev)) {
      if (previous === null && value.prev !== GENESIS_PREV) {
        fail('ledger-chain', `prev must be 64 zeros on the first entry (got ${value.prev})`);
      }
      if (previous?.hash !== undefined && value.prev !== previous.hash) {
        fail('ledger-chain', `prev does not match the hash of line ${previous.line} (expected ${previous.hash}, got ${value.prev})`);
      }
    }

    if (typeof value.id === 'string') {
      const first = firstOf.get(value.id);
      if (first && first.line < line) fail('ledger-duplicate-id', `id "${value.id}" is already used on line ${first.line}`);
    }

    if (value.type === 'revoke' && typeof value.revokes === 'string') {
      const why = danglingRevoke(value.revokes, line, firstOf.get(value.revokes));
      if (why) fail('ledger-dangling-revoke', `${why}; a revoke must name a grant on an earlier line`);
    }

    let hash: string | undefined;
    try {
      hash = sha256Hex(canonicalJson(value));
    } catch (e) {
      fail('ledger-schema', `has no canonical JSON form: ${(e as Error).message}`);
    }
    previous = { line, seq, hash };
    if (schemaOk && hash !== undefined) {
      const entry = value as unknown as LedgerEntry;
      // SPEC 1.4: a signature that fails under a trusted key rejects the whole ledger, never just the entry.
      if (opts.verify && !signatureHolds(entry, trust, verdicts)) {
        fail('ledger-signature', `the signature of entry "${String(value.id)}" does not verify under key "${String(value.key)}" of the trust file: the line was changed or corrupted after signing`);
      }
      entries.push({ entry, line, hash, auth: opts.verify ? authOf(entry, trust) : 'ok' });
    }
  }

  const head = entries.at(-1);
  return { ledger: { file, entries, head: head ? { seq: head.entry.seq, hash: head.hash } : null, verified: opts.verify }, problems };
}

/**
 * Checks a what-if `--add` file against the ledger it is appended to: the same line rules,
 * entries with `role` and no envelope, ids unique across both, revokes naming a grant of the
 * ledger or of an earlier line of this file.
 */
export function parseHypotheticalText(text: string, file: string, existing: Ledger): HypotheticalEntry[] {
  const lines = readLines(text, file, validateHypotheticalEntry);
  const firstOf = firstOccurrences(lines);
  const inLedger = new Map(existing.entries.map((e) => [e.entry.id, e]));
  const problems: Problem[] = [];
  const out: HypotheticalEntry[] = [];

  for (const { line, value, schemaOk, problems: own } of lines) {
    problems.push(...own);
    if (value === 'blank' || value === undefined) continue;
    const fail = (code: Problem['code'], message: string) => problems.push(problem(code, file, line, message));

    if (typeof value.id === 'string') {
      const ledgerEntry = inLedger.get(value.id);
      const first = firstOf.get(value.id);
      if (ledgerEntry) fail('ledger-duplicate-id', `id "${value.id}" is already used on line ${ledgerEntry.line} of ${existing.file}`);
      else if (first && first.line < line) fail('ledger-duplicate-id', `id "${value.id}" is already used on line ${first.line}`);
    }

    if (value.type === 'revoke' && typeof value.revokes === 'string') {
      const ledgerEntry = inLedger.get(value.revokes);
      if (ledgerEntry && ledgerEntry.entry.type !== 'grant') {
        fail('ledger-dangling-revoke', `revokes "${value.revokes}", which is not a grant (line ${ledgerEntry.line} of ${existing.file} is a ${ledgerEntry.entry.type})`);
      } else if (!ledgerEntry) {
        const why = danglingRevoke(value.revokes, line, firstOf.get(value.revokes));
        if (why) fail('ledger-dangling-revoke', `${why}; a revoke must name a grant of ${existing.file} or of an earlier line here`);
      }
    }

    if (schemaOk) out.push({ entry: value as unknown as EntryFields, line });
  }

  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  return out;
}

/** True unless the entry's key is in the trust file and its signature fails under that key. */
function signatureHolds(entry: LedgerEntry, trust: Trust | null, verdicts?: Verdicts): boolean {
  const key = trust?.keys.get(entry.key);
  return key === undefined || (verdicts?.get(entry) ?? verifyEntrySig(entry, key.publicKey));
}

function authOf(entry: LedgerEntry, trust: Trust | null): Authenticity {
  const key = trust?.keys.get(entry.key);
  if (!key) return 'unknown-key';
  if (normaliseRolePart(entry.role) !== key.normalisedRole) return 'role-mismatch';
  return 'ok';
}

interface Occurrence { line: number; type: unknown }

/** Why a revoke on `line` naming `revokes` is dangling; undefined when it names an earlier grant. */
function danglingRevoke(revokes: string, line: number, target: Occurrence | undefined): string | undefined {
  if (!target) return `revokes "${revokes}", which no line grants`;
  if (target.line >= line) return `revokes "${revokes}", which is first on line ${target.line}, not earlier`;
  if (target.type !== 'grant') return `revokes "${revokes}", which is not a grant (line ${target.line} is a ${String(target.type)})`;
  return undefined;
}

/** One file line, read and schema-checked on its own. */
interface LineRecord {
  line: number;
  /** The entry object; 'blank' for a blank line; undefined when the line is not a JSON object. */
  value: Record<string, unknown> | 'blank' | undefined;
  schemaOk: boolean;
  /** Problems of this line alone: line ends, JSON, schema. */
  problems: Problem[];
}

/**
 * Splits JSON Lines strictly (`\n` after every line, no blank lines, no CR) and parses and
 * validates each line. Faults are reported, and the line is still read (without its CR) so
 * that later checks can run and every problem is listed.
 */
function readLines(text: string, file: string, validate: (doc: ParsedJson, file: string) => Problem[], lineOffset = 0): LineRecord[] {
  if (text === '') return [];
  const contents = text.split('\n');
  const finalNewline = contents.at(-1) === '';
  if (finalNewline) contents.pop();
  return contents.map((content, i) => {
    const line = lineOffset + i + 1;
    const problems: Problem[] = [];
    if (content.trim() === '') {
      problems.push(problem('ledger-schema', file, line,
        'blank line; every line must hold exactly one entry, so a blank line means a damaged or hand-edited file'));
      return { line, value: 'blank', schemaOk: false, problems };
    }
    let body = content;
    if (body.endsWith('\r')) {
      problems.push(problem('ledger-schema', file, line,
        'ends with CR LF; lines must end with LF alone (was the file saved with Windows line ends?)'));
      body = body.slice(0, -1);
    }
    if (i === contents.length - 1 && !finalNewline) {
      problems.push(problem('ledger-schema', file, line,
        'has no final newline; every line ends with \\n, and a missing one may mean an interrupted write'));
    }
    let doc: ParsedJson;
    try {
      doc = parseJson(body, file, { code: 'ledger-schema', lineOffset: lineOffset + i });
    } catch (e) {
      if (!(e instanceof BlockgateError)) throw e;
      problems.push(e.toProblem());
      return { line, value: undefined, schemaOk: false, problems };
    }
    if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      const found = doc.value === null ? 'null' : Array.isArray(doc.value) ? 'an array' : `a ${typeof doc.value}`;
      problems.push(problem('ledger-schema', file, line, `is not a JSON object (found ${found}); every line must be one entry object`));
      return { line, value: undefined, schemaOk: false, problems };
    }
    const schemaProblems = validate(doc, file);
    problems.push(...schemaProblems);
    return { line, value: doc.value as Record<string, unknown>, schemaOk: schemaProblems.length === 0, problems };
  });
}

/** The first line (and type) of every id, for duplicate and revoke checks; `after`'s entries come first. */
function firstOccurrences(lines: LineRecord[], after?: Ledger): Map<string, Occurrence> {
  const out = new Map<string, Occurrence>();
  for (const { entry, line } of after?.entries ?? []) if (!out.has(entry.id)) out.set(entry.id, { line, type: entry.type });
  for (const { line, value } of lines) {
    if (typeof value !== 'object') continue;
    if (typeof value.id === 'string' && !out.has(value.id)) out.set(value.id, { line, type: value.type });
  }
  return out;
}
