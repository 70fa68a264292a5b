// A policy bundle whose bytes do not match its seal makes every command exit 1 (SPEC 3, 4).
// Always on a COPY of the package, run through the copy's bin in its own process: the real
// bundles/ is never touched.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotPackage } from '../bad-input/run-cli.js';
import { blockgateProcess, expectError, FIX7, keyFile, put, ROOT, SEED, tempDir, TRUST, type CliResult } from './core-support.js';

/** A runnable copy of the package (bin, dist, bundles, package.json; node_modules linked). */
const packageCopy = (): string => snapshotPackage(tempDir('seal')).root;

const run = (pkg: string, args: string[], cwd: string): CliResult => blockgateProcess(args, { bin: join(pkg, 'bin/blockgate'), cwd });

const AT = '2026-11-25T12:00:00Z';
const LEDGER = `${FIX7}/grants.jsonl`;

const flipped = packageCopy();
const wasm = join(flipped, 'bundles/bundle.tar.gz');
const bytes = readFileSync(wasm);
bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
writeFileSync(wasm, bytes);
const work = tempDir('seal-work');

const COMMANDS: Array<[string, string[]]> = [
  ['check', ['check', '--blockers', SEED, '--action', 'apply', '--env', 'production', '--at', AT]],
  ['plan', ['plan', '--blockers', SEED, '--action', 'apply', '--env', 'production', '--at', AT]],
  ['matrix', ['matrix', '--blockers', SEED, '--at', AT]],
  ['what-if', ['what-if', '--blockers', SEED, '--revoke', 'G-OWNER-APPLY-1', '--ledger', LEDGER, '--trust', TRUST, '--at', AT]],
  ['validate', ['validate', '--blockers', SEED, '--ledger', LEDGER, '--trust', TRUST]],
];

describe('a byte flipped in bundles/bundle.tar.gz (on a copy of the package)', () => {
  it('the real bundle is untouched, and an unmodified copy runs', () => {
    expect(readFileSync(join(ROOT, 'bundles/bundle.tar.gz')).equals(bytes)).toBe(false);
    const clean = packageCopy();
    const r = run(clean, [...COMMANDS[0]![1], '--format', 'json'], work);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials).toHaveLength(5);
  });

  it.each(COMMANDS)('%s exits 1 with bundle-seal', (_, args) => {
    const r = run(flipped, [...args, '--format', 'json'], work);
    expectError(r, 'bundle-seal', 1, 'bundle.tar.gz', /seal/);
  });

  it('text: the message on stderr says the bundle does not match its seal', () => {
    const r = run(flipped, COMMANDS[0]![1], work);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bundle-seal');
    expect(r.stderr).toContain('bundle.tar.gz');
  });

  it('ledger verify exits 1 with bundle-seal', () => {
    const r = run(flipped, ['ledger', 'verify', '--ledger', LEDGER, '--trust', TRUST, '--format', 'json'], work);
    expectError(r, 'bundle-seal', 1, 'bundle.tar.gz');
  });

  it('ledger keygen exits 1 with bundle-seal and writes no key', () => {
    const r = run(flipped, ['ledger', 'keygen', '--id', 'k', '--role', 'owner', '--out', 'keygen/k.key', '--format', 'json'], work);
    expectError(r, 'bundle-seal', 1, 'bundle.tar.gz');
    expect(existsSync(join(work, 'keygen/k.key'))).toBe(false);
  });

  it('ledger append exits 1 with bundle-seal and appends nothing', () => {
    const ledger = put(work, 'append/grants.jsonl', readFileSync(LEDGER, 'utf8'));
    const r = run(flipped, ['ledger', 'append', '--ledger', ledger, '--key', keyFile('owner-1'), '--key-id', 'owner-1', '--trust', TRUST,
      '--id', 'G-NEW', '--action', 'apply', '--env', 'staging', '--resolves', 'FIX7-P0-PLAN-SEPARATE-AUTH-1', '--format', 'json'], work);
    expectError(r, 'bundle-seal', 1, 'bundle.tar.gz');
    expect(readFileSync(ledger, 'utf8')).toBe(readFileSync(LEDGER, 'utf8'));
  });

  it('a missing bundle.tar.gz is bundle-seal too', () => {
    const pkg = packageCopy();
    rmSync(join(pkg, 'bundles/bundle.tar.gz'));
    expectError(run(pkg, [...COMMANDS[0]![1], '--format', 'json'], work), 'bundle-seal', 1, 'bundle.tar.gz');
  });

  it('a seal that names another digest is bundle-seal', () => {
    const pkg = packageCopy();
    const sealPath = join(pkg, 'bundles/seal.json');
    const seal = JSON.parse(readFileSync(sealPath, 'utf8'));
    writeFileSync(sealPath, JSON.stringify({ ...seal, sha256: 'f'.repeat(64) }));
    expectError(run(pkg, [...COMMANDS[2]![1], '--format', 'json'], work), 'bundle-seal', 1);
  });

  it('an unreadable seal is bundle-seal', () => {
    const pkg = packageCopy();
    writeFileSync(join(pkg, 'bundles/seal.json'), '{');
    expectError(run(pkg, [...COMMANDS[0]![1], '--format', 'json'], work), 'bundle-seal', 1, 'seal.json');
  });
});
