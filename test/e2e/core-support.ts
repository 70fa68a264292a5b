// Shared by the core-*.test.ts end-to-end suites: temp files, signed ledgers built independently
// of src/ (so a bug in blockgate's own signing or canonical form cannot hide itself), and the
// assertions every error test makes.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import { expect } from 'vitest';
import { ROOT, type CliResult } from '../support/cli.js';

export { blockgate, blockgateProcess, BIN, FIX7, ROOT, SEED, type CliResult } from '../support/cli.js';

export const TRUST = `${ROOT}fixtures/trust.test-only.json`;
export const KEYS = `${ROOT}fixtures/keys`;
export const keyFile = (id: 'owner-1' | 'operator-1' | 'intruder') => `${KEYS}/${id}.test-only.key`;
export const GENESIS = '0'.repeat(64);

/** A fresh temp directory. */
export function tempDir(prefix = 'core'): string {
  return mkdtempSync(join(tmpdir(), `blockgate-${prefix}-`));
}

/** Writes a file (creating its directory) and returns its path. */
export function put(dir: string, name: string, content: string | object): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return path;
}

export type Line = Record<string, unknown>;

/** An entry to sign: its fields, the key id it names, and optionally another key to sign with. */
export type Draft = Line & { key: string; signWith?: 'owner-1' | 'operator-1' | 'intruder' };

const privateKeys = new Map<string, ReturnType<typeof createPrivateKey>>();
function privateKeyOf(id: string) {
  let key = privateKeys.get(id);
  if (!key) {
    key = createPrivateKey(readFileSync(keyFile(id as 'owner-1'), 'utf8'));
    privateKeys.set(id, key);
  }
  return key;
}

const canonical = (value: unknown): string => {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('no canonical form');
  return text;
};

export const entryHash = (entry: Line): string => createHash('sha256').update(canonical(entry)).digest('hex');

/** Signs and chains entries in order (seq, prev filled unless given; `sig` over the rest). */
export function signLedger(drafts: Draft[]): Line[] {
  const out: Line[] = [];
  for (const { signWith, ...fields } of drafts) {
    const before = out.at(-1);
    const unsigned: Line = { seq: out.length + 1, prev: before ? entryHash(before) : GENESIS, ...fields };
    const sig = sign(null, Buffer.from(canonical(unsigned), 'utf8'), privateKeyOf(signWith ?? fields.key)).toString('base64');
    out.push({ ...unsigned, sig });
  }
  return out;
}

/** JSON Lines text: `\n` after every line. */
export const jsonl = (lines: (Line | string)[]): string =>
  lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`).join('');

/** A signed ledger written to dir/name. */
export function putLedger(dir: string, drafts: Draft[], name = 'grants.jsonl'): string {
  return put(dir, name, jsonl(signLedger(drafts)));
}

const ISSUED = '2026-11-20T10:00:00Z';

/** A grant draft signed by the owner (override any field). */
export const ownerGrant = (id: string, fields: Line = {}): Draft => ({
  id, type: 'grant', key: 'owner-1', role: 'owner', issued_at: ISSUED, action: 'apply', environment: 'staging', resolves: ['B-1'], ...fields,
});

export const operatorGrant = (id: string, fields: Line = {}): Draft => ({
  id, type: 'grant', key: 'operator-1', role: 'operator', issued_at: ISSUED, action: 'apply', environment: 'staging', resolves: ['B-1'], ...fields,
});

export const revoke = (id: string, revokes: string, by: 'owner' | 'operator', fields: Line = {}): Draft => ({
  id, type: 'revoke', key: `${by}-1`, role: by, issued_at: ISSUED, revokes, ...fields,
});

/**
 * The contract of every error (SPEC 3): the exit code, stdout exactly one JSON object
 * `{allowed: false, error: {code, message}}`, and a message naming what it must (file, line).
 */
export function expectError(r: CliResult, code: string, exit: 1 | 3, ...mentions: (string | RegExp)[]): string {
  const context = `stdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.code, context).toBe(exit);
  expect(r.stdout.trim().startsWith('{'), context).toBe(true);
  expect(r.json, context).toBeTypeOf('object');
  expect(Array.isArray(r.json), context).toBe(false);
  expect(r.json.allowed, context).toBe(false);
  expect(r.json.error?.code, context).toBe(code);
  const message: string = r.json.error.message;
  expect(message, context).toBeTypeOf('string');
  for (const m of mentions) {
    if (typeof m === 'string') expect(message, context).toContain(m);
    else expect(message, context).toMatch(m);
  }
  return message;
}

/** `file line N` at the start of a message, as every located message begins. */
export const at = (file: string, line?: number): string => (line === undefined ? `${file}: ` : `${file} line ${line}: `);
