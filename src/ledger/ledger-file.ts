// The ledger kept in a file, its write side. Under an exclusive lock the file is read, the next
// entry is made for its head, the new text is checked by the same reader every command uses, and
// it replaces the old file atomically, so a crash leaves the old ledger or the new one, never half.

import { lstatSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BlockgateError, ioError, type Problem } from '../errors.js';
import { replaceFile } from '../fs/atomic.js';
import { withFileLock } from '../fs/lock.js';
import { danglingTarget, kindOf, readTextFile } from '../load/files.js';
import { canonicalJson, sha256Hex } from '../schema/canonical.js';
import { parseLedgerText, type Ledger, type LedgerHead, type VerifiedEntry } from './ledger.js';

/** Makes the entry that follows `head`, chained and signed; called while the ledger is held. */
export type NextEntry = (head: LedgerHead | null) => Record<string, unknown>;

export interface LedgerFileOptions {
  /** How long to wait for another append to finish. Default 10 s. */
  lockTimeoutMs?: number | undefined;
}

/** Several entries appended at once, all or none, under one lock. */
export interface LedgerAppend {
  /**
   * Called while the ledger is held, with the ledger as it is (integrity checked, signatures
   * not), before any entry is made: throws to refuse, and nothing is written.
   */
  check?: (current: Ledger) => void;
  /** The entries in order; each is made for the head the one before it left. */
  next: readonly NextEntry[];
  /**
   * Called with the new entries as read back (so valid entries of a valid ledger), before the
   * file is written: throws to refuse, and nothing is written.
   */
  verify?: (stored: readonly VerifiedEntry[], current: Ledger) => void;
}

/** The order fields are written in, so a ledger reads well; the hash does not depend on it. */
const LINE_ORDER = [
  'seq', 'id', 'type', 'role', 'key', 'issued_at', 'action', 'environment', 'target', 'resolves',
  'expires_at', 'evidence', 'revokes', 'note', 'prev', 'sig',
];

/** Appends the entry `next` makes to the ledger file `file` (created if missing); returns it as stored. */
export async function appendToLedgerFile(file: string, next: NextEntry, opts: LedgerFileOptions = {}): Promise<VerifiedEntry> {
  const [stored] = await appendEntriesToLedgerFile(file, { next: [next] }, opts);
  if (!stored) throw new BlockgateError('internal', `${file}: the appended entry was not read back`, { file });
  return stored;
}

/** Appends every entry of `append` to `file` (created if missing), all or none; returns them as stored. */
export async function appendEntriesToLedgerFile(file: string, append: LedgerAppend, opts: LedgerFileOptions = {}): Promise<VerifiedEntry[]> {
  const target = await resolveLedgerPath(file);
  return withFileLock(target, async (lock) => {
    const { after, stored } = nextLedgerText(readExistingLedger(target, file), file, append);
    await lock.assertHeld();
    await replaceFile(target, after, { file, what: 'the ledger' });
    return stored;
  }, { what: 'the ledger', timeoutMs: opts.lockTimeoutMs });
}

/**
 * What appending would store, without writing or locking anything (`ledger append --dry-run`):
 * the ledger as it is now, read by the same reader, and the entries made and read back.
 */
export async function previewLedgerAppend(file: string, append: LedgerAppend): Promise<VerifiedEntry[]> {
  const target = await resolveLedgerPath(file);
  return nextLedgerText(readExistingLedger(target, file), file, append).stored;
}

/**
 * The ledger text after the entries, and the entries as read back from it: what every store
 * (this file, a PostgreSQL table) writes, made and checked in one place.
 */
export function nextLedgerText(before: string, file: string, append: LedgerAppend): { after: string; stored: VerifiedEntry[] } {
  const current = parseLedgerText(before, file, null, { verify: false });
  append.check?.(current);
  let head = current.head;
  let after = before;
  for (const next of append.next) {
    const entry = next(head);
    after += `${entryLine(entry)}\n`;
    head = { seq: entry.seq as number, hash: sha256Hex(canonicalJson(entry)) };
  }
  const stored = readBack(after, file).slice(current.entries.length);
  if (stored.length !== append.next.length) throw new BlockgateError('internal', `${file}: the appended entries were not read back`, { file });
  append.verify?.(stored, current);
  return { after, stored };
}

/**
 * The entries of the new text, read by the reader every command uses, so an append can never
 * produce a ledger they refuse.
 */
function readBack(after: string, file: string): VerifiedEntry[] {
  try {
    return parseLedgerText(after, file, null, { verify: false }).entries;
  } catch (e) {
    if (!(e instanceof BlockgateError)) throw e;
    throw BlockgateError.fromProblems(e.problems.map((p): Problem => ({ ...p, message: `${p.message}; nothing was appended` })));
  }
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

/**
 * The real path of the ledger (through symlinks), so the rename replaces the file, not a link.
 * A link to nowhere is refused: replacing it with a new one-entry ledger would silently cut the
 * real ledger off (a shared folder not mounted yet). What is there must be a regular file.
 */
async function resolveLedgerPath(file: string): Promise<string> {
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
      return join(await realpath(dirname(file)), basename(file));
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
  return path;
}

/**
 * `ledger init` for a file: an empty ledger file where there is none (through links, refusing
 * one to nowhere, as an append does); a file already there must read as a ledger and is kept.
 */
export async function initLedgerFile(file: string, opts: LedgerFileOptions = {}): Promise<{ created: boolean }> {
  const target = await resolveLedgerPath(file);
  return withFileLock(target, async (lock) => {
    if (present(target)) {
      parseLedgerText(readExistingLedger(target, file), file, null, { verify: false });
      return { created: false };
    }
    await lock.assertHeld();
    await replaceFile(target, '', { file, what: 'the ledger' });
    return { created: true };
  }, { what: 'the ledger', timeoutMs: opts.lockTimeoutMs });
}

/**
 * `ledger import` for a file: `text` (read whole as a ledger first) becomes the ledger, which
 * must be missing or empty; one holding entries is refused and left as it was.
 */
export async function importIntoLedgerFile(file: string, text: string, from: string, opts: LedgerFileOptions = {}): Promise<{ entries: number }> {
  const ledger = parseLedgerText(text, from, null, { verify: false });
  const target = await resolveLedgerPath(file);
  return withFileLock(target, async (lock) => {
    if (readExistingLedger(target, file) !== '') {
      throw new BlockgateError('io', `${file}: the ledger already holds entries; import loads a ledger only into an empty one, so nothing was imported`, { file });
    }
    await lock.assertHeld();
    await replaceFile(target, text, { file, what: 'the ledger' });
    return { entries: ledger.entries.length };
  }, { what: 'the ledger', timeoutMs: opts.lockTimeoutMs });
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(path, 'cannot look at the ledger', e);
  }
}
