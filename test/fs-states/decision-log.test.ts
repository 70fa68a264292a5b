// File-system states for the decision log (src/decision-log/*, not H3's): check --decision-log
// (written) and replay FILE (read). Kept apart so its owner can take it on.
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockgate, SEED } from '../support/cli.js';
import { describesState, makeState, releaseFifoLater, scratch, STATES } from './harness.js';

const REQUEST = ['--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json'];

let release: (() => void) | undefined;
afterEach(() => {
  release?.();
  release = undefined;
});

describe('check --decision-log PATH', () => {
  it.each(STATES)('%s', async (state) => {
    const dir = scratch('dlog');
    const path = join(dir, 'decisions.jsonl');
    makeState(path, state);
    if (state === 'FIFO') release = releaseFifoLater(path);
    const r = await blockgate(['check', '--blockers', SEED, '--decision-log', path, ...REQUEST]);
    if (state === 'missing' || state === 'empty file') {
      // A new log: the decision is made, logged, and denied.
      expect(r.code, r.stdout).toBe(2);
      return;
    }
    expect(r.code, r.stdout).toBe(1);
    expect(r.json.allowed).toBe(false);
    expect(r.json.error.code).toBe('io');
    expect(r.json.error.message.startsWith(`${path}: `), r.json.error.message).toBe(true);
    // Like the ledger: a link to nowhere is refused, never written through to start a new chain.
    if (state === 'dangling link') {
      expect(r.json.error.message).toContain(`${path}.target-that-is-not-there`);
      expect(lstatSync(path).isSymbolicLink()).toBe(true);
      expect(() => lstatSync(`${path}.target-that-is-not-there`)).toThrow();
    }
  }, 60_000);
});

describe('replay PATH', () => {
  it.each(STATES)('%s', async (state) => {
    const dir = scratch('replay');
    const path = join(dir, 'decisions.jsonl');
    makeState(path, state);
    if (state === 'FIFO') release = releaseFifoLater(path);
    const r = await blockgate(['replay', path, '--blockers', SEED, '--format', 'json']);
    if (state === 'empty file') {
      expect(r.code, r.stdout).toBe(0);
      return;
    }
    expect(r.code, r.stdout).toBe(1);
    expect(r.json.error.code).toBe('io');
    expect(r.json.error.message).toContain(describesState(path, state));
  }, 60_000);
});

describe('the decision log directory', () => {
  it('a log whose directory is a link to nowhere is io naming the log', async () => {
    const dir = scratch('dlog-dir');
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', '.keep'), '');
    makeState(join(dir, 'logs'), 'dangling link');
    const path = join(dir, 'logs', 'decisions.jsonl');
    const r = await blockgate(['check', '--blockers', SEED, '--decision-log', path, ...REQUEST]);
    expect([r.code, r.json.error.code]).toEqual([1, 'io']);
    expect(r.json.error.message.startsWith(`${path}: `)).toBe(true);
  });
});
