import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/support/thrown.js';
import { withFileLock } from './lock.js';

const LEDGER = { what: 'the ledger' };

/** A file in a fresh directory; the lock goes beside it. */
function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'blockgate-lock-')), 'grants.jsonl');
}


/** A lock file as another process would have left it. */
function heldBy(path: string, holder: { pid: number; host?: string; token?: string }): string {
  const text = JSON.stringify({ pid: holder.pid, host: holder.host ?? hostname(), token: holder.token ?? 'someone-else', since: '2026-11-25T12:00:00.000Z' });
  writeFileSync(`${path}.lock`, text);
  return text;
}

/** The pid of a process that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('withFileLock', () => {
  it('lets one holder in at a time, and removes the lock after', async () => {
    const path = freshPath();
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 10 }, () => withFileLock(path, async () => {
      inside++;
      most = Math.max(most, inside);
      await delay(3);
      inside--;
    }, LEDGER)));
    expect(most).toBe(1);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('removes the lock when the work throws, and passes the error on', async () => {
    const path = freshPath();
    const boom = new Error('boom');
    await expect(withFileLock(path, async () => { throw boom; }, LEDGER)).rejects.toBe(boom);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('waits, then gives up with io naming the lock, what it locks and its live holder; the work never runs', async () => {
    const path = freshPath();
    const held = heldBy(path, { pid: process.pid });
    let ran = false;
    const started = Date.now();
    const err = await rejection(withFileLock(path, async () => { ran = true; }, { what: 'the decision log', timeoutMs: 300 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect([err.code, err.file]).toEqual(['io', `${path}.lock`]);
    expect(err.message).toBe(`${path}.lock: the decision log is locked (held by process ${process.pid} on ${hostname()} since 2026-11-25T12:00:00.000Z) `
      + 'and stayed locked for 300 ms; if no append is running, remove the lock file');
    expect(ran).toBe(false);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(held);
  });

  it('treats an empty or unreadable lock file as held, never as stale', async () => {
    const path = freshPath();
    writeFileSync(`${path}.lock`, '');
    const err = await rejection(withFileLock(path, async () => undefined, { ...LEDGER, timeoutMs: 100 }));
    expect(err.code).toBe('io');
    expect(err.message).toMatch(/the ledger is locked \(held\) and stayed locked for 100 ms/);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe('');
  });

  it('takes over a lock whose process on this host is gone, leaving nothing behind', async () => {
    const path = freshPath();
    heldBy(path, { pid: deadPid(), token: 'crashed' });
    let ran = false;
    await withFileLock(path, async () => { ran = true; }, { ...LEDGER, timeoutMs: 2000 });
    expect(ran).toBe(true);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('does not take over a lock from another host, whose processes it cannot see', async () => {
    const path = freshPath();
    const held = heldBy(path, { pid: deadPid(), host: `not-${hostname()}`, token: 't' });
    expect((await rejection(withFileLock(path, async () => undefined, { ...LEDGER, timeoutMs: 100 }))).code).toBe('io');
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(held);
  });

  it('assertHeld fails, with io, once the lock is no longer this holder\'s; the other holder\'s lock stays', async () => {
    const path = freshPath();
    let other = '';
    const err = await rejection(withFileLock(path, async (lock) => {
      await lock.assertHeld();
      // As a takeover by a process that wrongly judged this one gone would leave it.
      other = heldBy(path, { pid: process.pid, token: 'taken-over' });
      await lock.assertHeld();
    }, LEDGER));
    expect(err.message).toBe(`${path}.lock: the lock was taken over by another process; nothing was appended`);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(other);
  });

  it('a lock that cannot be created (its directory is gone) is io naming the lock file', async () => {
    const path = join(freshPath(), 'no-such-dir', 'grants.jsonl');
    const err = await rejection(withFileLock(path, async () => undefined, LEDGER));
    expect([err.code, err.message]).toEqual(['io', `${path}.lock: cannot write the lock file: ENOENT`]);
  });
});
