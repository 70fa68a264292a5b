// SPEC 1.1 and issue 12: `-` reads standard input (once per command), named "(stdin)". The
// `--flag=-` form is used here; `--flag -` (the value as its own argument) is in
// pending-cli-parser.test.ts, since the parser is not H3's.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/ledger/keys.js';
import { blockgate, SEED } from '../support/cli.js';
import { scratch } from './harness.js';

const seed = readFileSync(SEED, 'utf8');
const REQUEST = ['--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z', '--format', 'json'];

describe('--blockers=-', () => {
  it('reads one map from standard input: decided, each denial from (stdin)', async () => {
    const r = await blockgate(['check', '--blockers=-', ...REQUEST], { input: seed });
    expect(r.code, r.stdout).toBe(2);
    expect(r.json.allowed).toBe(false);
    expect(r.json.denials.length).toBeGreaterThan(0);
    for (const d of r.json.denials) expect(d.source).toBe('(stdin)');
  });

  it('beside map files, as one more map', async () => {
    const r = await blockgate(['validate', `--blockers=${SEED}`, '--blockers=-', '--format', 'json'], { input: '{"blockers": []}\n' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.maps).toBe(2);
  });

  it('a broken map on standard input is map-parse naming (stdin) and the line, exit 3', async () => {
    const r = await blockgate(['check', '--blockers=-', ...REQUEST], { input: '{\n  "blockers": [\n' });
    expect([r.code, r.json.error.code]).toEqual([3, 'map-parse']);
    expect(r.json.error.message).toMatch(/^\(stdin\) line 3: /);
    const v = await blockgate(['validate', '--blockers=-', '--format', 'json'], { input: '' });
    expect(v.code).toBe(3);
    expect(v.json.problems[0]).toMatchObject({ code: 'map-parse', message: '(stdin) line 1: is empty; expected a JSON value' });
  });

  it('standard input that is not UTF-8 is map-parse, never decided', async () => {
    const r = await blockgate(['check', '--blockers=-', ...REQUEST], { input: Uint8Array.from([0x7b, 0xc3, 0x7d]) });
    expect([r.code, r.json.allowed, r.json.error.code, r.json.error.message]).toEqual([3, false, 'map-parse', '(stdin) line 1: not valid UTF-8']);
  });

  it('- twice, or with --add -, is usage (exit 1): standard input is read once', async () => {
    const twice = await blockgate(['check', '--blockers=-', '--blockers=-', ...REQUEST], { input: seed });
    expect([twice.code, twice.json.error.code, twice.json.error.message])
      .toEqual([1, 'usage', "standard input can be read only once, but '-' was given 2 times for --blockers"]);
    const withAdd = await blockgate(['what-if', '--blockers=-', '--add=-', '--format', 'json'], { input: seed });
    expect([withAdd.code, withAdd.json.error.message]).toEqual([1, "standard input can be read only once, but '-' was given for --blockers and --add"]);
  });

  it('no standard input at all is usage, not an empty map', async () => {
    const r = await blockgate(['check', '--blockers=-', ...REQUEST]);
    expect([r.code, r.json.allowed, r.json.error.code]).toEqual([1, false, 'usage']);
    expect(r.json.error.message).toBe("'-' means standard input, which is not available here");
  });

  it('refused where the file is written or read again: serve, --decision-log, replay', async () => {
    const serve = await blockgate(['serve', '--blockers=-', '--port', '0', '--format', 'json'], { input: seed });
    expect([serve.code, serve.json.error.code]).toEqual([1, 'usage']);
    expect(serve.json.error.message).toMatch(/^--blockers -: serve reads its inputs again/);
    const log = await blockgate(['check', `--blockers=${SEED}`, '--decision-log=-', ...REQUEST]);
    expect([log.code, log.json.error.message]).toEqual([1, '--decision-log -: the decision log is written to; give a file']);
    // yargs hands a lone '-' positional on as '' (see pending-cli-parser.test.ts): refused either way.
    const replay = await blockgate(['replay', '-', `--blockers=${SEED}`, '--format', 'json']);
    expect([replay.code, replay.json.error.code]).toEqual([1, 'usage']);
  });
});

describe('ledger commands', () => {
  const owner = generateKeyPair();

  it('ledger append --entry=- appends the entry read from standard input; ledger head --ledger=- reads the ledger', async () => {
    const dir = scratch('stdin-append');
    const key = join(dir, 'owner.pem');
    writeFileSync(key, owner.privateKeyPem, { mode: 0o600 });
    const ledger = join(dir, 'grants.jsonl');
    const entry = JSON.stringify({ id: 'G-1', type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'] });
    const r = await blockgate(['ledger', 'append', '--ledger', ledger, '--key', key, '--key-id', 'owner-1', '--entry=-', '--max-skew', '3650d', '--format', 'json'], { input: entry });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ appended: 'G-1', seq: 1 });
    const head = await blockgate(['ledger', 'head', '--ledger=-', '--format', 'json'], { input: readFileSync(ledger, 'utf8') });
    expect([head.code, head.json.seq, head.json.hash]).toEqual([0, 1, r.json.hash]);
  });

  it('a broken entry on standard input is ledger-schema naming (stdin); the ledger and key are never standard input', async () => {
    const dir = scratch('stdin-append-bad');
    const key = join(dir, 'owner.pem');
    writeFileSync(key, owner.privateKeyPem, { mode: 0o600 });
    const bad = await blockgate(['ledger', 'append', '--ledger', join(dir, 'l.jsonl'), '--key', key, '--key-id', 'owner-1', '--entry=-', '--format', 'json'], { input: '[1]' });
    expect([bad.code, bad.json.error.code, bad.json.error.message]).toEqual([3, 'ledger-schema', '(stdin): an entry must be a JSON object']);
    for (const flags of [['--ledger=-', `--key=${key}`], [`--ledger=${join(dir, 'l.jsonl')}`, '--key=-']]) {
      const r = await blockgate(['ledger', 'append', ...flags, '--key-id', 'owner-1', '--role', 'owner', '--id', 'G-1', '--action', 'apply', '--env', 'production', '--resolves', 'B-1', '--format', 'json'], { input: 'x' });
      expect([r.code, r.json.error.code]).toEqual([1, 'usage']);
    }
  });
});

describe('report --html=-', () => {
  it('writes the page to stdout, alone', async () => {
    const r = await blockgate(['report', `--blockers=${SEED}`, '--html=-', '--at', '2026-11-25T12:00:00Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>/i);
    expect(r.stdout.trimEnd()).toMatch(/<\/html>$/i);
  });
});
