// An exclusive lock beside a file, for the appends to the ledger and to the decision log: a
// `<path>.lock` file created atomically, naming its holder (pid, host, a token of its own).
// Hand-written, not proper-lockfile: its mtime staleness can take a live but slow holder's lock; a pid on this host cannot (`make soak`).

import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { BlockgateError, ioError } from '../errors.js';
import { parseJson } from '../load/json.js';

/** Who holds a lock, as recorded in the lock file. */
interface LockHolder { pid: number; host: string; token: string; since: string }

export interface FileLock {
  path: string;
  token: string;
  /** Throws unless this lock file is still ours (a stale-lock takeover could have moved it). */
  assertHeld(): Promise<void>;
}

export interface LockOptions {
  /** What is locked, for messages: "the ledger", "the decision log". */
  what: string;
  /** How long to wait for another holder to finish. Default 10 s. */
  timeoutMs?: number | undefined;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/**
 * Runs `work` while holding `<path>.lock`. Waits with growing, jittered pauses up to the
 * timeout; a lock whose recorded process on this host is gone is taken over.
 */
export async function withFileLock<T>(path: string, work: (lock: FileLock) => Promise<T>, opts: LockOptions): Promise<T> {
  const lockPath = `${path}.lock`;
  const token = randomBytes(16).toString('hex');
  await acquire(lockPath, token, opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, opts.what);
  const lock: FileLock = {
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

async function acquire(lockPath: string, token: string, timeoutMs: number, what: string): Promise<void> {
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
        `${lockPath}: ${what} is locked (${who}) and stayed locked for ${timeoutMs} ms; if no append is running, remove the lock file`,
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
