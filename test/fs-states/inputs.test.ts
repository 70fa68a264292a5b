// Issue 9, file-system states: every path input, in every state, through the command line in
// process. Never allowed, never exit 0 where it must not, never a hang; a clear error naming the
// path, with SPEC's code and exit code (3 invalid input, 1 io or usage).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/ledger/keys.js';
import { blockgate, SEED, type CliResult } from '../support/cli.js';
import { describesState, makeState, releaseFifoLater, scratch, STATES, type FsState } from './harness.js';

const owner = generateKeyPair();
const REQUEST = ['--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json'];

/** What a run must give: an error (code, exit code, message), or a decision/result exit code. */
type Expected = { error: string; exit: 1 | 3; message: string } | { exit: number };

interface PathInput {
  name: string;
  /** The path under test, inside `dir` (its state is made there). */
  path(dir: string): string;
  args(dir: string, path: string): string[];
  expect(state: FsState, path: string, dir: string): Expected;
}

const keyFile = (dir: string) => {
  const file = join(dir, 'owner.pem');
  writeFileSync(file, owner.privateKeyPem, { mode: 0o600 });
  return file;
};
const trustFile = (dir: string) => {
  const file = join(dir, 'trust.json');
  writeFileSync(file, JSON.stringify({ keys: [{ id: 'owner-1', role: 'owner', public_key: owner.publicKeyPem }] }));
  return file;
};

/** The usual answer of a reader that refuses the state with `code` (exit 3). */
const invalid = (code: string, emptyMessage: (path: string) => string | undefined, emptyExit = 3) =>
  (state: FsState, path: string): Expected => {
    if (state === 'empty file') {
      const message = emptyMessage(path);
      return message === undefined ? { exit: emptyExit } : { error: code, exit: 3, message };
    }
    return { error: code, exit: 3, message: describesState(path, state) };
  };
const emptyJson = (path: string) => `${path} line 1: is empty; expected a JSON value`;

const INPUTS: PathInput[] = [
  {
    name: '--blockers FILE (check)',
    path: (dir) => join(dir, 'map.json'),
    args: (_, path) => ['check', '--blockers', path, ...REQUEST],
    // Issue 12: a missing map is not found; a directory (or a link to one) means every *.json under it.
    expect: (state, path) => state === 'missing'
      ? { error: 'map-none', exit: 3, message: `${path}: not found` }
      : state === 'directory' || state === 'link to a directory'
        ? { error: 'map-none', exit: 3, message: `${path}: a directory with no *.json blocker map under it` }
        : invalid('map-parse', emptyJson)(state, path),
  },
  {
    name: '--blockers GLOB matching it (check)',
    path: (dir) => join(dir, 'maps', 'team.json'),
    args: (dir) => ['check', '--blockers', join(dir, 'maps', '*.json'), ...REQUEST],
    expect: (state, path, dir) => state === 'missing'
      ? { error: 'map-none', exit: 3, message: `${join(dir, 'maps', '*.json')}: no blocker map matches this path or pattern` }
      : invalid('map-parse', emptyJson)(state, path),
  },
  {
    name: '--blockers GLOB ** matching it (validate)',
    path: (dir) => join(dir, 'maps', 'team.json'),
    args: (dir) => ['validate', '--blockers', SEED, '--blockers', join(dir, 'maps', '**', '*.json'), '--format', 'json'],
    // validate lists problems; one pattern matching nothing is one of them.
    expect: (state, path, dir) => state === 'missing'
      ? { error: 'map-none', exit: 3, message: `${join(dir, 'maps', '**', '*.json')}: no blocker map matches this path or pattern` }
      : invalid('map-parse', emptyJson)(state, path),
  },
  {
    name: '--ledger (check)',
    path: (dir) => join(dir, 'grants.jsonl'),
    args: (dir, path) => ['check', '--blockers', SEED, '--ledger', path, '--trust', trustFile(dir), ...REQUEST],
    // An empty file is an empty ledger: decided, and the seed map denies.
    expect: invalid('ledger-schema', () => undefined, 2),
  },
  {
    name: '--trust (check)',
    path: (dir) => join(dir, 'trust.json'),
    args: (_, path) => ['check', '--blockers', SEED, '--trust', path, ...REQUEST],
    expect: invalid('trust-parse', emptyJson),
  },
  {
    name: '--catalog (check)',
    path: (dir) => join(dir, 'catalog.json'),
    args: (_, path) => ['check', '--blockers', SEED, '--catalog', path, ...REQUEST],
    expect: invalid('catalog-parse', emptyJson),
  },
  {
    name: '--add (what-if)',
    path: (dir) => join(dir, 'add.jsonl'),
    args: (_, path) => ['what-if', '--blockers', SEED, '--add', path, '--at', '2026-11-25T12:00:00Z', '--format', 'json'],
    // No hypothetical entries: the matrix before and after, exit 0.
    expect: invalid('ledger-schema', () => undefined, 0),
  },
  {
    name: '--entry (ledger append)',
    path: (dir) => join(dir, 'entry.json'),
    args: (dir, path) => ['ledger', 'append', '--ledger', join(dir, 'grants.jsonl'), '--key', keyFile(dir), '--key-id', 'owner-1', '--entry', path, '--format', 'json'],
    expect: invalid('ledger-schema', emptyJson),
  },
  {
    name: '--key (ledger append)',
    path: (dir) => join(dir, 'owner.pem'),
    args: (dir, path) => ['ledger', 'append', '--ledger', join(dir, 'grants.jsonl'), '--key', path, '--key-id', 'owner-1', '--role', 'owner',
      '--id', 'G-1', '--action', 'apply', '--env', 'production', '--resolves', 'B-1', '--format', 'json'],
    // An empty file is read, then is no PEM key (keys.ts words and codes that).
    expect: (state, path) => state === 'empty file'
      ? { error: 'usage', exit: 1, message: `${path}: not an unencrypted PKCS#8 PEM private key` }
      : { error: 'io', exit: 1, message: describesState(path, state) },
  },
  {
    name: '--ledger (ledger append)',
    path: (dir) => join(dir, 'grants.jsonl'),
    args: (dir, path) => ['ledger', 'append', '--ledger', path, '--key', keyFile(dir), '--key-id', 'owner-1', '--role', 'owner',
      '--id', 'G-1', '--action', 'apply', '--env', 'production', '--resolves', 'B-1', '--format', 'json'],
    expect: (state, path) => {
      switch (state) {
        case 'missing': case 'empty file': return { exit: 0 }; // a new ledger, or the first entry of an empty one
        case 'dangling link': return { error: 'io', exit: 1, message: `${path}: a symbolic link to ${path}.target-that-is-not-there, which does not exist` };
        case 'link loop': return { error: 'io', exit: 1, message: `${path}: a symbolic link loop: it never reaches a file; nothing was appended` };
        case 'directory': case 'link to a directory': return { error: 'io', exit: 1, message: `${path}: a directory, not a ledger file; nothing was appended` };
        case 'FIFO': return { error: 'io', exit: 1, message: `${path}: a FIFO (named pipe), not a ledger file; nothing was appended` };
        case 'over the size limit': return { error: 'ledger-schema', exit: 3, message: describesState(path, state) };
      }
    },
  },
  {
    name: '--ledger (ledger head)',
    path: (dir) => join(dir, 'grants.jsonl'),
    args: (_, path) => ['ledger', 'head', '--ledger', path, '--format', 'json'],
    expect: invalid('ledger-schema', () => undefined, 0),
  },
  {
    name: '--ledger (ledger verify)',
    path: (dir) => join(dir, 'grants.jsonl'),
    args: (dir, path) => ['ledger', 'verify', '--ledger', path, '--trust', trustFile(dir), '--format', 'json'],
    expect: invalid('ledger-schema', () => undefined, 0),
  },
];

let release: (() => void) | undefined;
afterEach(() => {
  release?.();
  release = undefined;
});

function expectOutcome(r: CliResult, expected: Expected, what: string): void {
  expect(r.code, `${what}: ${r.stdout}${r.stderr}`).toBe(expected.exit);
  if ('error' in expected) {
    expect(r.json, `${what}: one JSON object on stdout, errors included`).toBeTypeOf('object');
    const problems = r.json.error ? [r.json.error] : r.json.problems;
    // check's error object, or validate's list of problems: either way the code and the message.
    const match = (problems ?? []).find((p: { code: string }) => p.code === expected.error);
    expect(match, `${what}: ${r.stdout}`).toBeDefined();
    expect(match.message, what).toContain(expected.message);
  }
  if (r.json && 'allowed' in r.json) expect(r.json.allowed, what).toBe(false);
  expect(`${r.stdout}${r.stderr}`, what).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe.each(INPUTS)('$name', (input) => {
  it.each(STATES)('%s', async (state) => {
    const dir = scratch('input');
    const path = input.path(dir);
    writeFileSync(join(dir, '.keep'), '');
    await import('node:fs').then(({ mkdirSync }) => mkdirSync(join(path, '..'), { recursive: true }));
    makeState(path, state);
    if (state === 'FIFO') release = releaseFifoLater(path);
    const args = input.args(dir, path);
    const r = await blockgate(args);
    expectOutcome(r, input.expect(state, path, dir), `${input.name} ${state}`);
  }, 60_000);
});
