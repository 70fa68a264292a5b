// Where a ledger is kept: one interface, two implementations — a JSON Lines file (ledger-file.ts)
// and a PostgreSQL table (SPEC 7, ../postgres/ledger-table.ts). Both hand out the same JSON Lines
// text and take appends the same way; everything above this module reads that text with the
// one ledger reader, so a row and a line are verified alike. Only `ledgerStore` knows the kinds.

import { BlockgateError } from '../errors.js';
import { readTextFile } from '../load/files.js';
import { isPostgresUrl } from '../postgres/connect.js';
import { followLedgerTable, type FollowOptions, type LedgerFollower } from '../postgres/ledger-follow.js';
import {
  appendToLedgerTable, importIntoLedgerTable, initLedgerTable, ledgerTarget, previewLedgerTableAppend, readLedgerTable,
} from '../postgres/ledger-table.js';
import {
  appendEntriesToLedgerFile, importIntoLedgerFile, initLedgerFile, previewLedgerAppend, type LedgerAppend, type LedgerFileOptions,
} from './ledger-file.js';
import { parseLedgerText, type VerifiedEntry } from './ledger.js';

/** The ledger at one moment: its JSON Lines text and the name messages give it (a URL without its password). */
export interface LedgerSnapshot {
  readonly name: string;
  readonly text: string;
}

/** A ledger read ahead of a load, or why it could not be (kept, so `validate` lists it beside the rest). */
export type FetchedLedger = { snapshot: LedgerSnapshot } | { error: BlockgateError };

export interface LedgerStore {
  /** How messages name the ledger. */
  readonly name: string;
  /** Its text now, read at one moment. */
  read(): Promise<LedgerSnapshot>;
  /** Appends the entries, all or none; returns them as stored. */
  append(append: LedgerAppend, opts?: LedgerFileOptions): Promise<VerifiedEntry[]>;
  /** What append would store; nothing is written. */
  preview(append: LedgerAppend): Promise<VerifiedEntry[]>;
  /** Makes an empty ledger where there is none (idempotent); refuses something that is not a ledger. */
  init(): Promise<{ created: boolean }>;
  /** Loads a ledger's JSON Lines text into an empty store; refuses a store that holds entries. */
  import(text: string, from: string): Promise<{ entries: number }>;
}

/** The store a `--ledger` value names: a PostgreSQL URL, else a file path. */
export function ledgerStore(locator: string): LedgerStore {
  return isPostgresUrl(locator) ? tableStore(locator) : fileStore(locator);
}

/** True when the ledger is not a local file: it must be read ahead (asynchronously) of a load. */
export function isRemoteLedger(locator: string | undefined): locator is string {
  return locator !== undefined && isPostgresUrl(locator);
}

/**
 * A remote ledger read ahead of a synchronous load, or its error; undefined for no ledger or a
 * file, which the load reads itself (inside its own consistency checks).
 */
export async function fetchRemoteLedger(locator: string | undefined): Promise<FetchedLedger | undefined> {
  if (!isRemoteLedger(locator)) return undefined;
  try {
    return { snapshot: await ledgerStore(locator).read() };
  } catch (e) {
    if (e instanceof BlockgateError) return { error: e };
    throw e;
  }
}

function tableStore(url: string): LedgerStore {
  const name = ledgerTarget(url).name;
  return {
    name,
    read: () => readLedgerTable(url),
    append: (append) => appendToLedgerTable(url, append),
    preview: (append) => previewLedgerTableAppend(url, append),
    init: async () => ({ created: (await initLedgerTable(url)).created }),
    import: async (text, from) => ({ entries: (await importIntoLedgerTable(url, text, from)).entries }),
  };
}

function fileStore(file: string): LedgerStore {
  return {
    name: file,
    read: async () => ({ name: file, text: readTextFile(file, 'ledger-schema') }),
    append: (append, opts) => appendEntriesToLedgerFile(file, append, opts),
    preview: (append) => previewLedgerAppend(file, append),
    init: () => initLedgerFile(file),
    import: (text, from) => importIntoLedgerFile(file, text, from),
  };
}

/** `ledger init`: an empty ledger where there is none; one already there is left as it is. */
export async function initLedger(locator: string): Promise<{ ledger: string; created: boolean }> {
  const store = ledgerStore(locator);
  return { ledger: store.name, ...(await store.init()) };
}

/**
 * `ledger import`: a JSON Lines ledger (read whole, integrity checked) loaded into an empty
 * ledger store; one that holds entries is refused and left as it was.
 */
export async function importLedger(locator: string, text: string, from: string): Promise<{ ledger: string; from: string; imported: number }> {
  const store = ledgerStore(locator);
  const { entries } = await store.import(text, from);
  return { ledger: store.name, from, imported: entries };
}

/**
 * `ledger export`: the ledger as JSON Lines, byte for byte what a file ledger with the same
 * entries holds. It is read whole first (integrity, not signatures), so what is written is
 * always a ledger every command reads.
 */
export async function exportLedger(locator: string): Promise<string> {
  const { text, name } = await ledgerStore(locator).read();
  parseLedgerText(text, name, null, { verify: false });
  return text;
}

/**
 * For a server: follows a remote ledger from the snapshot it loaded, handing on each committed
 * change (within about a second) or the error that stands for it. Undefined for a file, which
 * the server's file watcher follows with its other inputs.
 */
export function followRemoteLedger(
  locator: string | undefined, seed: LedgerSnapshot, onChange: (fetched: FetchedLedger) => void, opts: FollowOptions = {},
): LedgerFollower | undefined {
  return isRemoteLedger(locator) ? followLedgerTable(locator, seed, onChange, opts) : undefined;
}
