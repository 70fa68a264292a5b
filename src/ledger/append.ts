// Appending one signed entry: the draft is checked and completed (key, role, issued_at) before
// the ledger is touched; the ledger's store then has the entry chained onto its head and signed
// while it holds the ledger. Where the ledger is kept is the store's business (ledger-file.ts).

import type { KeyObject } from 'node:crypto';
import { BlockgateError } from '../errors.js';
import { readTextFile } from '../load/files.js';
import { normaliseRolePart } from '../schema/normalise.js';
import { formatTime } from '../schema/time.js';
import type { LedgerEntry } from '../schema/types.js';
import { canonicalJson } from '../schema/canonical.js';
import type { DraftEntry } from './draft.js';
import { loadPrivateKey, loadTrust, samePublicKey, signEntry, type Trust } from './keys.js';
import { GENESIS_PREV, type Ledger, type LedgerHead, type VerifiedEntry } from './ledger.js';
import type { LedgerAppend } from './ledger-file.js';
import { ledgerStore } from './store.js';

export interface AppendRequest {
  ledgerPath: string;
  draft: DraftEntry;
  privateKeyPem: string;
  /** Where the private key came from, for messages. */
  privateKeyFile?: string;
  keyId: string;
  /** When given, an entry that this trust would ignore is refused. */
  trust?: Trust | null;
  /** Epoch milliseconds; becomes `issued_at` when the draft has none. Default: the clock. */
  now?: number;
  /** How long to wait for another append to finish. Default 10 s. */
  lockTimeoutMs?: number;
}

export interface AppendResult {
  /** The entry as stored, signed. */
  entry: LedgerEntry;
  /** Its hash: the `prev` of the next entry. */
  hash: string;
}

/** Fields the append fills in; a draft carrying them is refused rather than overwritten. */
const ENVELOPE_FIELDS = ['seq', 'prev', 'sig'] as const;

export async function appendEntry(req: AppendRequest): Promise<AppendResult> {
  const [stored] = await appendEntries({ ...req, drafts: [req.draft] });
  const name = ledgerStore(req.ledgerPath).name;
  if (!stored) throw new BlockgateError('internal', `${name}: the appended entry was not read back`, { file: name });
  return stored;
}

/** Several drafts signed by one key, appended all or none under one lock. */
export interface AppendManyRequest extends Omit<AppendRequest, 'draft'> {
  drafts: readonly DraftEntry[];
  /** Where each draft came from, for messages ("entries.jsonl line 2"); default: the ledger. */
  names?: readonly string[];
  /** Runs under the lock with the ledger as it is and the completed fields; throws to refuse. */
  check?: (current: Ledger, fields: readonly DraftEntry[]) => void;
  /** Runs under the lock with the new entries as read back (valid), before anything is written; throws to refuse. */
  verify?: (stored: readonly VerifiedEntry[], current: Ledger) => void;
  /** Makes and reads back the entries, but writes nothing (and takes no lock). */
  dryRun?: boolean;
}

export async function appendEntries(req: AppendManyRequest): Promise<AppendResult[]> {
  const store = ledgerStore(req.ledgerPath);
  const { drafts, privateKey } = completeDrafts(req, store.name);
  const append: LedgerAppend = {
    check: req.check === undefined ? undefined : (current) => req.check?.(current, drafts),
    next: drafts.map((fields) => (head: LedgerHead | null) => signedNext(fields, head, privateKey)),
    verify: req.verify,
  };
  const stored = req.dryRun === true
    ? await store.preview(append)
    : await store.append(append, { lockTimeoutMs: req.lockTimeoutMs });
  return stored.map((s) => ({ entry: s.entry, hash: s.hash }));
}

/** The drafts completed (completeDraft) and the key to sign with, read once. */
function completeDrafts(req: AppendManyRequest, ledgerName: string): { drafts: DraftEntry[]; privateKey: KeyObject } {
  const privateKey = loadPrivateKey(req.privateKeyPem, req.privateKeyFile ?? 'the private key');
  const drafts = req.drafts.map((draft, i) => completeDraft(req, draft, privateKey, req.names?.[i] ?? ledgerName));
  return { drafts, privateKey };
}

/** `ledger append` as one call: the private key, and the trust when given, read from their files. */
export interface AppendFromFilesRequest {
  ledgerPath: string;
  draft: DraftEntry;
  keyFile: string;
  keyId: string;
  trustFile?: string | undefined;
}

export async function appendEntryFromFiles(req: AppendFromFilesRequest): Promise<AppendResult> {
  const trust = req.trustFile !== undefined ? loadTrust(req.trustFile) : null;
  const privateKeyPem = readTextFile(req.keyFile, 'io');
  return appendEntry({ ledgerPath: req.ledgerPath, draft: req.draft, privateKeyPem, privateKeyFile: req.keyFile, keyId: req.keyId, trust });
}

/** The entry after `head`: the draft's fields with `seq` and `prev`, then signed. */
function signedNext(fields: DraftEntry, head: LedgerHead | null, privateKey: KeyObject): Record<string, unknown> {
  const unsigned = { ...fields, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? GENESIS_PREV };
  return { ...unsigned, sig: signEntry(unsigned, privateKey) };
}

/**
 * The draft's fields as they will be signed (key, role and issued_at filled in). Refuses, before
 * the ledger is read, what no ledger could take or the trust would ignore; messages name `where`.
 */
function completeDraft(req: Omit<AppendManyRequest, 'drafts'>, draft: DraftEntry, privateKey: KeyObject, where: string): DraftEntry {
  const refuse = (message: string): never => {
    throw new BlockgateError('ledger-schema', `${where}: ${message}; nothing was appended`, { file: where });
  };

  // Top-level `undefined` means absent, as when a draft is built from optional flags.
  const fields: DraftEntry = {};
  for (const [name, value] of Object.entries(draft)) {
    if (value !== undefined) Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  }
  for (const name of ENVELOPE_FIELDS) {
    if (name in fields) refuse(`the new entry must not carry "${name}": append fills it in`);
  }
  // An empty list is valid in a ledger but counts as no evidence: an unfilled template line
  // would sit in the ledger for ever and never count. Refuse it here, where it is written.
  if (Array.isArray(fields.evidence) && fields.evidence.length === 0) {
    refuse('the new entry has "evidence": [] (no evidence at all): add at least one {"uri", "sha256"}, or leave the field out');
  }
  if ('key' in fields && fields.key !== req.keyId) refuse(`the new entry names key "${String(fields.key)}" but is signed with key "${req.keyId}"`);
  fields.key = req.keyId;

  const trusted = req.trust?.keys.get(req.keyId);
  if (!('role' in fields)) {
    if (!trusted) refuse(`the new entry has no role; give one, or a trust file that holds key "${req.keyId}"`);
    fields.role = trusted?.role;
  }
  if (!('issued_at' in fields)) fields.issued_at = formatTime(req.now ?? Date.now());

  if (req.trust) {
    const ignored = (why: string) => refuse(`the entry would be ignored: ${why}`);
    if (!trusted) ignored(`key "${req.keyId}" is not in the trust file ${req.trust.file}`);
    else {
      if (typeof fields.role !== 'string' || normaliseRolePart(fields.role) !== trusted.normalisedRole) {
        ignored(`role "${String(fields.role)}" differs from role "${trusted.role}" of key "${req.keyId}" in ${req.trust.file}`);
      }
      if (!samePublicKey(privateKey, trusted.publicKey)) {
        ignored(`${req.privateKeyFile ?? 'the private key'} is not the key "${req.keyId}" of ${req.trust.file}`);
      }
    }
  }
  try {
    canonicalJson(fields);
  } catch (e) {
    refuse(`the new entry is not JSON: ${(e as Error).message}`);
  }
  return fields;
}
