import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../test/support/thrown.js';
import { replaceFile, syncDirectory } from './atomic.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'blockgate-atomic-'));
const LEDGER = (file: string) => ({ file, what: 'the ledger' });


describe('replaceFile', () => {
  it('replaces the text whole, keeps the file mode, and leaves no temporary file', async () => {
    const dir = freshDir();
    const path = join(dir, 'grants.jsonl');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o600);
    await replaceFile(path, 'new\n', LEDGER(path));
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['grants.jsonl']);
  });

  it('creates a missing file with mode 0644, whatever the umask', async () => {
    const dir = freshDir();
    const path = join(dir, 'grants.jsonl');
    const before = process.umask(0o077);
    try {
      await replaceFile(path, 'first\n', LEDGER(path));
    } finally {
      process.umask(before);
    }
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  it('a rename that fails is io naming the file as the user gave it; what was there is unchanged, no temporary file is left', async () => {
    const dir = freshDir();
    // A non-empty directory where the file should be: the rename over it fails.
    const target = join(dir, 'grants.jsonl');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    const err = await rejection(replaceFile(target, 'new\n', LEDGER('shared/grants.jsonl')));
    expect([err.code, err.file]).toEqual(['io', 'shared/grants.jsonl']);
    expect(err.message).toMatch(/^shared\/grants\.jsonl: cannot write the ledger \(it is unchanged\): E[A-Z]+$/);
    expect(readdirSync(dir)).toEqual(['grants.jsonl']);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('a directory that is not there is io, and nothing is created', async () => {
    const dir = freshDir();
    const path = join(dir, 'gone', 'trust.json');
    const err = await rejection(replaceFile(path, '{}\n', { file: path, what: 'the trust file' }));
    expect([err.code, err.message]).toEqual(['io', `${path}: cannot write the trust file (it is unchanged): ENOENT`]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('syncDirectory', () => {
  it('syncs a directory, and a missing one is io with the given message', async () => {
    const dir = freshDir();
    await syncDirectory(dir, 'd.jsonl', 'unused');
    const err = await rejection(syncDirectory(join(dir, 'gone'), 'd.jsonl', 'the log was written, but its directory could not be synced to disk'));
    expect([err.code, err.message]).toEqual(['io', 'd.jsonl: the log was written, but its directory could not be synced to disk: ENOENT']);
  });
});
