// Appending one signed entry: under an exclusive lock, the new ledger text is checked by the
// same reader every command uses, then replaces the old file atomically (temp file, fsync,
// rename, fsync of the directory), so a crash leaves the old ledger or the new one, never half.

import { randomBytes } from 'node:crypto';
import { lstatSync, type Stats } from 'node:fs';
import { link, open, readFile, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BlockgateError, type Problem } from '../errors.js';
import { danglingTarget, kindOf, readInput, readTextFile, type StdinReader } from '../load/files.js';
import { parseJson } from '../load/json.js';
import { normaliseRolePart } from '../schema/normalise.js';
import { formatTime } from '../schema/time.js';
import type { LedgerEntry } from '../schema/types.js';
import { canonicalJson } from './canonical.js';
import { loadPrivateKey, samePublicKey, signEntry, type Trust } from './keys.js';
import { GENESIS_PREV, parseLedgerText, type VerifiedEntry } from './ledger.js';

/** An entry as a user writes it: entry fields, possibly without `role` or `issued_at`. */
export type DraftEntry = Record<string, unknown>;

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

/** The order fields are written in, so a ledger reads well; the hash does not depend on it. */
const LINE_ORDER = [
  'seq', 'id', 'type', 'role', 'key', 'issued_at', 'action', 'environment', 'target', 'resolves',
  'expires_at', 'evidence', 'revokes', 'note', 'prev', 'sig',
];

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export async function appendEntry(req: AppendRequest): Promise<AppendResult> {
  const file = req.ledgerPath;
  const refuse = (message: string): never => {
    throw new BlockgateError('ledger-schema', `${file}: ${message}; nothing was appended`, { file });
  };
  const privateKey = loadPrivateKey(req.privateKeyPem, req.privateKeyFile ?? 'the private key');

  // Top-level `undefined` means absent, as when a draft is built from optional flags.
  const fields: DraftEntry = {};
  for (const [name, value] of Object.entries(req.draft)) {
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

  const target = await resolveLedgerPath(file);
  return withLedgerLock(target.path, async (lock) => {
    const before = readExistingLedger(target.path, file);
    const head = parseLedgerText(before, file, null, { verify: false }).head;
    const unsigned = { ...fields, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? GENESIS_PREV };
    const signed = { ...unsigned, sig: signEntry(unsigned, privateKey) };
    const after = `${before}${entryLine(signed)}\n`;

    const stored = readBack(after, file);
    await lock.assertHeld();
    await replaceFile(target.path, after, file);
    return { entry: stored.entry, hash: stored.hash };
  }, { timeoutMs: req.lockTimeoutMs });
}

/**
 * The new last entry, read back from the new text by the reader every command uses, so an
 * append can never produce a ledger they refuse.
 */
function readBack(after: string, file: string): VerifiedEntry {
  let last: VerifiedEntry | undefined;
  try {
    last = parseLedgerText(after, file, null, { verify: false }).entries.at(-1);
  } catch (e) {
    if (!(e instanceof BlockgateError)) throw e;
    throw BlockgateError.fromProblems(e.problems.map((p): Problem => ({ ...p, message: `${p.message}; nothing was appended` })));
  }
  if (!last) throw new BlockgateError('internal', `${file}: the appended entry was not read back`, { file });
  return last;
}

/** One ledger line, fields in LINE_ORDER (unknown ones last, though the reader refuses them). */
function entryLine(entry: Record<string, unknown>): string {
  const names = [...LINE_ORDER.filter((n) => n in entry), ...Object.keys(entry).filter((n) => !LINE_ORDER.includes(n))];
  const ordered: Record<string, unknown> = {};
  for (const name of names) Object.defineProperty(ordered, name, { value: entry[name], enumerable: true });
  return JSON.stringify(ordered);
}

/**
 * The ledger text, or '' when there is no file yet (the append creates it). Looked at under the
 * lock: another append may have created it since the path was resolved.
 */
function readExistingLedger(path: string, file: string): string {
  try {
    lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
  }
  // Messages name the ledger as the user gave it, not its resolved path.
  return readTextFile(path, 'ledger-schema', file);
}

/** Where the ledger really is, and whether there was a file there when it was resolved. */
interface LedgerTarget { path: string; exists: boolean }

/**
 * The real path of the ledger (through symlinks), so the rename replaces the file, not a link.
 * A link to nowhere is refused: replacing it with a new one-entry ledger would silently cut the
 * real ledger off (a shared folder not mounted yet). What is there must be a regular file.
 */
async function resolveLedgerPath(file: string): Promise<LedgerTarget> {
  let path: string | undefined;
  try {
    path = await realpath(file);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === 'ELOOP') throw new BlockgateError('io', `${file}: a symbolic link loop: it never reaches a file; nothing was appended`, { file });
    if (errno !== 'ENOENT') throw ioError(file, 'cannot resolve the ledger path', e);
  }
  if (path === undefined) {
    const link = danglingTarget(file);
    if (link !== undefined) {
      throw new BlockgateError('io',
        `${file}: a symbolic link to ${link}, which does not exist (a folder not mounted yet?); nothing was appended. `
        + 'To start a new ledger there, create the empty file first', { file });
    }
    try {
      return { path: join(await realpath(dirname(file)), basename(file)), exists: false };
    } catch (e) {
      const dir = dirname(file);
      const dirLink = danglingTarget(dir);
      if (dirLink !== undefined) {
        throw new BlockgateError('io', `${file}: its directory ${dir} is a symbolic link to ${dirLink}, which does not exist; nothing was appended`, { file });
      }
      throw ioError(file, 'cannot create the ledger: its directory is not there', e);
    }
  }
  let st: Stats;
  try {
    st = await stat(path);
  } catch (e) {
    throw ioError(file, 'cannot resolve the ledger path', e);
  }
  if (!st.isFile()) {
    throw new BlockgateError('io', `${file}: ${kindOf(st)}, not a ledger file; nothing was appended`, { file });
  }
  return { path, exists: true };
}

async function replaceFile(target: string, text: string, file: string): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let mode = 0o644;
  try {
    mode = (await stat(target)).mode & 0o7777;
  } catch {
    // A new ledger gets the default mode.
  }
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode); // open's mode is masked by the umask; keep the ledger's own
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw ioError(file, 'cannot write the ledger (it is unchanged)', e);
  }
  await syncDirectory(dir, file, 'the ledger was written, but its directory could not be synced to disk');
}

/**
 * Makes a rename or a new file's entry durable; Windows cannot open a directory, and needs no
 * such step. Shared by every append-only file blockgate writes.
 */
export async function syncDirectory(dir: string, file: string, failure: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw ioError(file, failure, e);
  }
}

/** An `io` error naming the file and the system's reason. */
export function ioError(file: string, message: string, cause: unknown): BlockgateError {
  const why = (cause as NodeJS.ErrnoException).code ?? String(cause);
  return new BlockgateError('io', `${file}: ${message}: ${why}`, { file });
}

// ---- The lock ---------------------------------------------------------------------------------

/** Who holds a lock, as recorded in the lock file. */
interface LockHolder { pid: number; host: string; token: string; since: string }

export interface LedgerLock {
  path: string;
  token: string;
  /** Throws unless this lock file is still ours (a stale-lock takeover could have moved it). */
  assertHeld(): Promise<void>;
}

export interface LockOptions { timeoutMs?: number | undefined }

/**
 * Runs `work` while holding `<ledgerPath>.lock`, created with O_EXCL. Waits with growing,
 * jittered pauses up to the timeout; a lock whose recorded process on this host is gone is
 * taken over.
 */
export async function withLedgerLock<T>(ledgerPath: string, work: (lock: LedgerLock) => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lockPath = `${ledgerPath}.lock`;
  const token = randomBytes(16).toString('hex');
  await acquire(lockPath, token, opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const lock: LedgerLock = {
    path: lockPath,
    token,
    async assertHeld() {
      const state = await readHolder(lockPath);
      if (state.kind !== 'held' || state.holder.token !== token) {
        throw new BlockgateError('io', `${lockPath}: the lock was taken over by another process; nothing was appended`, { file: lockPath });
      }
    },
  };
  try {
    return await work(lock);
  } finally {
    const state = await readHolder(lockPath);
    // Never remove a lock that is no longer ours.
    if (state.kind === 'held' && state.holder.token === token) await rm(lockPath, { force: true });
  }
}

async function acquire(lockPath: string, token: string, timeoutMs: number): Promise<void> {
  const holder: LockHolder = { pid: process.pid, host: hostname(), token, since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    if (await tryCreate(lockPath, holder)) return;
    if (await removeIfStale(lockPath)) continue;
    const left = deadline - Date.now();
    if (left <= 0) {
      const state = await readHolder(lockPath);
      const who = state.kind === 'held'
        ? `held by process ${state.holder.pid} on ${state.holder.host} since ${state.holder.since}`
        : 'held';
      throw new BlockgateError('io',
        `${lockPath}: the ledger is locked (${who}) and stayed locked for ${timeoutMs} ms; if no append is running, remove the lock file`,
        { file: lockPath });
    }
    await delay(Math.min(left, pause * (0.5 + Math.random())));
    pause = Math.min(pause * 2, 200);
  }
}

/**
 * Creates the lock file, holder and all, in one step: the holder is written to a private file
 * first, then hard-linked to the lock path, which fails if the lock exists. A process killed at
 * any moment leaves either no lock or a complete one whose pid shows it stale, never an empty
 * lock that would look held for ever.
 */
async function tryCreate(lockPath: string, holder: LockHolder): Promise<boolean> {
  const draft = `${lockPath}.${holder.token}`;
  try {
    const handle = await open(draft, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    await unlink(draft).catch(() => undefined);
    throw ioError(lockPath, 'cannot write the lock file', e);
  }
  try {
    await link(draft, lockPath);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(lockPath, 'cannot create the lock file', e);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

type HolderState = { kind: 'missing' } | { kind: 'unreadable' } | { kind: 'held'; holder: LockHolder };

async function readHolder(lockPath: string): Promise<HolderState> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable' };
  }
  try {
    const doc = parseJson(text, lockPath, { code: 'io' }).value as Partial<LockHolder> | null;
    const complete = doc && Number.isInteger(doc.pid) && (doc.pid as number) > 0
      && typeof doc.host === 'string' && typeof doc.token === 'string' && typeof doc.since === 'string';
    if (complete) {
      return { kind: 'held', holder: doc as LockHolder };
    }
  } catch {
    // Being written right now, or damaged: treated as held, never as stale.
  }
  return { kind: 'unreadable' };
}

/**
 * Takes over a lock whose holder process, on this host, no longer exists. True when the caller
 * should retry at once (the lock is gone or was removed here).
 */
async function removeIfStale(lockPath: string): Promise<boolean> {
  const state = await readHolder(lockPath);
  if (state.kind === 'missing') return true;
  if (state.kind === 'unreadable') return false;
  const { holder } = state;
  if (holder.host !== hostname() || processExists(holder.pid)) return false;

  // Rename, not unlink: of several contenders that all saw the stale lock, only one moves it.
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw ioError(lockPath, 'cannot take over the stale lock file', e);
  }
  const moved = await readHolder(aside);
  if (moved.kind !== 'held' || moved.holder.token !== holder.token) {
    // Lost a race: a live lock was created and moved here; put it back unless another took its place.
    await link(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { force: true });
  return true;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---- Drafts for the command line ------------------------------------------------------------

/** `ledger append` flags, as the CLI parses them. */
export interface DraftFlags {
  type?: string;
  id?: string;
  role?: string;
  issuedAt?: string;
  action?: string;
  env?: string;
  target?: string;
  /** Blocker ids; each string may hold several, comma-separated. */
  resolves?: string | readonly string[];
  expiresAt?: string;
  /** Each `URI=SHA256`. */
  evidence?: string | readonly string[];
  revokes?: string;
  note?: string;
}

const GRANT_ONLY_FLAGS = { action: '--action', env: '--env', target: '--target', resolves: '--resolves', expiresAt: '--expires-at', evidence: '--evidence' } as const;

/** A draft from flags. Only flag mistakes are caught here; append checks the entry itself. */
export function buildDraft(flags: DraftFlags): DraftEntry {
  const usage = (message: string): never => {
    throw new BlockgateError('usage', message);
  };
  if (flags.type !== 'grant' && flags.type !== 'revoke') usage('--type must be grant or revoke');
  const draft: DraftEntry = { type: flags.type };
  if (flags.id !== undefined) draft.id = flags.id;
  if (flags.role !== undefined) draft.role = flags.role;
  if (flags.issuedAt !== undefined) draft.issued_at = flags.issuedAt;

  if (flags.type === 'revoke') {
    for (const [name, flag] of Object.entries(GRANT_ONLY_FLAGS)) {
      if (flags[name as keyof typeof GRANT_ONLY_FLAGS] !== undefined) usage(`${flag} is for grants, not revokes`);
    }
    if (flags.revokes !== undefined) draft.revokes = flags.revokes;
  } else {
    if (flags.revokes !== undefined) usage('--revokes is for revokes, not grants');
    if (flags.action !== undefined) draft.action = flags.action;
    if (flags.env !== undefined) draft.environment = flags.env;
    if (flags.target !== undefined) draft.target = flags.target;
    if (flags.resolves !== undefined) {
      draft.resolves = listOf(flags.resolves).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    }
    if (flags.expiresAt !== undefined) draft.expires_at = flags.expiresAt;
    if (flags.evidence !== undefined) {
      draft.evidence = listOf(flags.evidence).map((item) => {
        // The digest never holds '=', a URI may: split at the last one.
        const at = item.lastIndexOf('=');
        if (at <= 0) usage(`--evidence "${item}": expected URI=SHA256`);
        return { uri: item.slice(0, at), sha256: item.slice(at + 1) };
      });
    }
  }
  if (flags.note !== undefined) draft.note = flags.note;
  return draft;
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

/** A draft from a JSON file (`ledger append --entry FILE`), or standard input for `-`. */
export function readDraft(path: string, stdin?: StdinReader): DraftEntry {
  const { text, name } = readInput(path, 'ledger-schema', stdin);
  return parseDraftText(text, name);
}

export function parseDraftText(text: string, file: string): DraftEntry {
  const { value } = parseJson(text, file, { code: 'ledger-schema' });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BlockgateError('ledger-schema', `${file}: an entry must be a JSON object`, { file });
  }
  return value as DraftEntry;
}
