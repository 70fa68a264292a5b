// File-system states for the in-process runs of the command line (test/support/cli.ts
// blockgate()): no child process, so a read that would block shows up as a test that never ends.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INPUT_BYTES } from '../../src/load/files.js';

/** The file-system states every path input is tried in (issue 9). */
export const STATES = ['missing', 'dangling link', 'link to a directory', 'link loop', 'directory', 'FIFO', 'empty file', 'over the size limit'] as const;
export type FsState = (typeof STATES)[number];

/** A fresh directory per case. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `blockgate-fs-${prefix}-`));
}

/** Makes `path` be in `state` (its directory exists). */
export function makeState(path: string, state: FsState): void {
  switch (state) {
    case 'missing': return;
    case 'dangling link': symlinkSync(`${path}.target-that-is-not-there`, path); return;
    case 'link to a directory': mkdirSync(`${path}.dir`); symlinkSync(`${path}.dir`, path); return;
    case 'link loop': symlinkSync(`${path}.loop`, path); symlinkSync(path, `${path}.loop`); return;
    case 'directory': mkdirSync(path); return;
    // No writer ever opens it: a blocking read would wait for ever.
    case 'FIFO': execFileSync('mkfifo', [path]); return;
    case 'empty file': writeFileSync(path, ''); return;
    // Sparse: over the limit without writing 64 MiB.
    case 'over the size limit': writeFileSync(path, ''); truncateSync(path, MAX_INPUT_BYTES + 1); return;
  }
}

/** What the error message must say about `path` in `state`. */
export function describesState(path: string, state: FsState): string {
  switch (state) {
    case 'missing': return `${path}: not found`;
    case 'dangling link': return `${path}: a dangling symbolic link (to ${path}.target-that-is-not-there): what it points to does not exist`;
    case 'link to a directory': return `${path}: a directory, not a regular file`;
    case 'link loop': return `${path}: a symbolic link loop: it never reaches a file`;
    case 'directory': return `${path}: a directory, not a regular file`;
    case 'FIFO': return `${path}: a FIFO (named pipe), not a regular file`;
    case 'empty file': return path;
    case 'over the size limit': return `${path}: ${MAX_INPUT_BYTES + 1} bytes is over the ${MAX_INPUT_BYTES}-byte limit for an input file`;
  }
}

/**
 * For a FIFO: a writer that opens and closes it after a while, so that a reader that wrongly
 * blocks on it is released (and its test fails) instead of hanging the suite. A correct reader
 * never waits for it, so the result does not depend on when it runs.
 */
export function releaseFifoLater(path: string): () => void {
  const valve = spawn('sh', ['-c', `sleep 10; : > '${path.replace(/'/g, `'\\''`)}'`], { stdio: 'ignore', detached: false });
  return () => { valve.kill('SIGKILL'); };
}
