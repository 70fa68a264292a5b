// Appending to the decision log. Decisions are queued and written in order, those that arrive
// while a write is under way together in the next one (group commit), each write to the log's
// store: a file (below) or a PostgreSQL table (table-writer.ts). Both chain with chainAfter.
//
// A file is appended under an exclusive lock (so CLI runs and a server may share one log): the
// tail is read to continue the chain, the new lines are appended in one write and synced before
// anyone is told the decision.
//
// Unlike the ledger, the log is not rewritten through a temporary file: it grows with every
// decision, and rewriting it whole each time would make a long-running server quadratic. A
// crash mid-write can leave a torn last line; nobody was answered for it, the next append
// refuses to chain onto it, and `replay` reports it.

import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BlockgateError, ioError } from '../errors.js';
import { syncDirectory } from '../fs/atomic.js';
import { withFileLock } from '../fs/lock.js';
import { isPostgresUrl } from '../postgres/connect.js';
import { chainAfter, EMPTY_CHAIN, tailOfLine, type ChainTail, type DecisionLogDraft, type DecisionLogRecord } from './record.js';
import { openTableStore } from './table-writer.js';

/** A last line longer than this is not a decision log line: refuse rather than read on. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
const CHUNK = 64 * 1024;

interface Tail extends ChainTail { empty: boolean }

interface Pending {
  draft: DecisionLogDraft;
  resolve: (record: DecisionLogRecord) => void;
  reject: (error: unknown) => void;
}

export interface DecisionLogOptions {
  /** How long to wait for another writer's lock (a file log). Default 10 s. */
  lockTimeoutMs?: number;
}

/** Where a log keeps its lines. */
export interface DecisionLogStore {
  /** How messages name the log: its path, or its URL without the password. */
  readonly name: string;
  /** Chains `drafts` after the last stored line and stores them: all of them, or none. */
  write(drafts: DecisionLogDraft[]): Promise<DecisionLogRecord[]>;
  /** Releases what the store holds open (a database connection). */
  close(): Promise<void>;
}

export class DecisionLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;

  private constructor(private readonly store: DecisionLogStore) {}

  /**
   * The log at `locator`: a file (created on the first decision; its directory must exist), or
   * a `postgresql://` URL (the table is created now if missing; this process gets its own chain).
   */
  static async open(locator: string, opts: DecisionLogOptions = {}): Promise<DecisionLog> {
    return new DecisionLog(isPostgresUrl(locator) ? await openTableStore(locator) : await FileStore.open(locator, opts));
  }

  /** How messages name the log: the path as given, or the URL without its password. */
  get file(): string {
    return this.store.name;
  }

  /** Appends one decision; resolves once it is stored durably, with its place in the chain. */
  append(draft: DecisionLogDraft): Promise<DecisionLogRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Waits for every accepted decision to be written, then releases the store. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.store.close();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const records = await this.store.write(batch.map((p) => p.draft));
          batch.forEach((p, i) => p.resolve(records[i]!));
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.writing = null;
    }
  }
}

/** A JSON Lines file, re-read at its tail on every write: other processes may append too. */
class FileStore implements DecisionLogStore {
  private constructor(readonly name: string, private readonly target: string, private readonly opts: DecisionLogOptions) {}

  static async open(file: string, opts: DecisionLogOptions): Promise<FileStore> {
    return new FileStore(file, await resolveLogPath(file), opts);
  }

  write(drafts: DecisionLogDraft[]): Promise<DecisionLogRecord[]> {
    return withFileLock(this.target, async (lock) => {
      const handle = await openForAppend(this.target, this.name);
      try {
        const tail = await readTail(handle, this.name);
        const { records, lines } = chainAfter(tail, drafts);
        await lock.assertHeld();
        await handle.appendFile(lines.map((line) => `${line}\n`).join(''), 'utf8');
        await handle.sync();
        if (tail.empty) await syncDirectory(dirname(this.target), this.name, 'the decision log was written, but its directory could not be synced to disk');
        return records;
      } catch (e) {
        throw asLogError(e, this.name);
      } finally {
        await handle.close();
      }
    }, { what: 'the decision log', timeoutMs: this.opts.lockTimeoutMs });
  }

  async close(): Promise<void> {
    // Nothing is held open between writes.
  }
}

/** Appends one decision to `file` and returns it as written (for one-shot callers: the CLI). */
export async function appendDecision(file: string, draft: DecisionLogDraft, opts: DecisionLogOptions = {}): Promise<DecisionLogRecord> {
  const log = await DecisionLog.open(file, opts);
  try {
    return await log.append(draft);
  } finally {
    await log.close();
  }
}

async function resolveLogPath(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(file, 'cannot resolve the decision log path', e);
  }
  // Like the ledger: a link to nowhere is refused, never written through to start a new chain.
  const link = await readlink(file).catch(() => undefined);
  if (link !== undefined) {
    throw new BlockgateError('io', `${file}: a symbolic link to ${resolve(dirname(file), link)}, which does not exist (a folder not mounted yet?); nothing was logged. To start a new log there, create the empty file first`, { file });
  }
  try {
    return join(await realpath(dirname(file)), basename(file));
  } catch (e) {
    throw ioError(file, 'cannot create the decision log: its directory is not there', e);
  }
}

async function openForAppend(target: string, file: string): Promise<FileHandle> {
  try {
    return await open(target, 'a+', 0o644);
  } catch (e) {
    throw ioError(file, 'cannot open the decision log', e);
  }
}

/**
 * The seq and hash of the last line. Only the last line is read: the chain as a whole is
 * checked by `replay`, not on every append.
 */
async function readTail(handle: FileHandle, file: string): Promise<Tail> {
  const { size } = await handle.stat();
  if (size === 0) return { ...EMPTY_CHAIN, empty: true };
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) {
    throw new BlockgateError('io',
      `${file}: the decision log does not end with a newline (an interrupted write, or an edit); nothing was appended: run 'blockgate replay' on it and move it aside`,
      { file });
  }
  // Read backwards from the end until the newline before the last line.
  let start = size - 1;
  let chunks: Buffer[] = [];
  let found = false;
  while (!found && start > 0) {
    const from = Math.max(0, start - CHUNK);
    const buf = Buffer.alloc(start - from);
    await handle.read(buf, 0, buf.length, from);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) {
      chunks = [buf.subarray(nl + 1), ...chunks];
      found = true;
    } else {
      chunks = [buf, ...chunks];
    }
    start = from;
    if (size - start > MAX_LINE_BYTES) throw new BlockgateError('io', `${file}: the last line of the decision log is over ${MAX_LINE_BYTES} bytes; nothing was appended`, { file });
  }
  return { ...tailOfLine(Buffer.concat(chunks).toString('utf8'), file), empty: false };
}

function asLogError(e: unknown, file: string): BlockgateError {
  if (e instanceof BlockgateError) return e;
  return ioError(file, 'cannot write the decision log', e);
}

