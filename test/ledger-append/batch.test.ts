// `ledger append --dry-run`, `--entries FILE|-` (all or none), `--evidence-file` and standard
// input, through the CLI in this process.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockgate, expectError, FIX7, keyFile, put, tempDir, TRUST } from '../e2e/core-support.js';

const LEDGER = `${FIX7}/grants.jsonl`;
const MAP = `${FIX7}/production-readiness-blocker-map.json`;
const owner = ['--key', keyFile('owner-1'), '--key-id', 'owner-1', '--trust', TRUST];
const operator = ['--key', keyFile('operator-1'), '--key-id', 'operator-1', '--trust', TRUST];

function ledgerCopy(): string {
  return put(tempDir('append-batch'), 'grants.jsonl', readFileSync(LEDGER, 'utf8'));
}

const append = (file: string, signer: string[], args: string[], input?: string) =>
  blockgate(['ledger', 'append', '--ledger', file, ...signer, ...args, '--format', 'json'], input === undefined ? {} : { input });

const rollback = ['--id', 'G-ROLLBACK-1', '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1'];
const line = (entry: object) => `${JSON.stringify(entry)}\n`;
const grantLine = (id: string, extra: object = {}) => line({ id, type: 'grant', action: 'apply', environment: 'staging', resolves: ['FIX7-P0-PLAN-REALRUN-1'], ...extra });

describe('--dry-run', () => {
  it('prints the signed entry and the cells it would change; the ledger is byte for byte as it was', async () => {
    const file = ledgerCopy();
    const before = readFileSync(file);
    const r = await append(file, operator, [...rollback, '--blockers', MAP, '--dry-run']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ would_append: 'G-ROLLBACK-1', seq: 7, written: false, entry: { id: 'G-ROLLBACK-1', role: 'operator', seq: 7 } });
    expect(r.json.entry.sig).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(r.json.appended).toBeUndefined();
    expect(r.json.changes).toContainEqual(expect.objectContaining({
      action: 'apply', environment: 'production', target: null, denials_removed: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
    }));
    expect(r.json.changes.every((c: { action: string; environment: string }) => c.action === 'apply' && c.environment === 'production')).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(true);

    // What it printed is what a real append stores.
    const real = await append(file, operator, [...rollback, '--issued-at', r.json.entry.issued_at]);
    expect(real.code, real.stdout).toBe(0);
    expect(real.json.hash).toBe(r.json.hash);
  });

  it('a grant for a target: the cells are decided for that target', async () => {
    const r = await append(ledgerCopy(), operator, [...rollback, '--target', 'QT001', '--blockers', MAP, '--dry-run']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.changes.map((c: { target: string | null }) => c.target)).toEqual(['QT001']);
  });

  it('a new ledger stays unwritten: no file appears', async () => {
    const file = `${tempDir('append-batch')}/new.jsonl`;
    const r = await append(file, owner, ['--id', 'G-1', '--action', 'apply', '--env', 'staging', '--resolves', 'FIX7-P0-PLAN-REALRUN-1', '--blockers', MAP, '--dry-run']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ would_append: 'G-1', seq: 1, written: false });
    expect(existsSync(file)).toBe(false);
  });

  it('without --blockers the cells are not known, and it says so', async () => {
    const file = ledgerCopy();
    const before = readFileSync(file);
    const r = await append(file, operator, [...rollback, '--dry-run']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.changes).toBe('not known: give --blockers to decide the matrix before and after');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('with --blockers over a ledger with entries but no --trust: usage (exit 1), as for what-if; nothing written', async () => {
    const file = ledgerCopy();
    const before = readFileSync(file);
    const r = await append(file, ['--key', keyFile('operator-1'), '--key-id', 'operator-1'], [...rollback, '--role', 'operator', '--blockers', MAP, '--dry-run']);
    expectError(r, 'usage', 1, 'the ledger has entries, so --trust is required');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a refusal is the same as without --dry-run', async () => {
    const file = ledgerCopy();
    const before = readFileSync(file);
    expectError(await append(file, operator, ['--type', 'revoke', '--id', 'R-1', '--revokes', 'G-OWNER-APPLY-1', '--dry-run']), 'append-without-effect', 3, 'signed by role "operator"');
    expectError(await append(file, owner, ['--id', 'G-OWNER-APPLY-1', '--action', 'apply', '--env', 'staging', '--resolves', 'X', '--dry-run']), 'ledger-duplicate-id', 3, 'G-OWNER-APPLY-1');
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('--entries: several entries, all or none', () => {
  it('appends each in order, signed and chained; the ledger verifies', async () => {
    const file = ledgerCopy();
    const entries = put(tempDir('append-batch'), 'entries.jsonl', grantLine('G-A') + grantLine('G-B') + line({ id: 'R-A', type: 'revoke', revokes: 'G-A' }));
    const r = await append(file, owner, ['--entries', entries]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ appended: ['G-A', 'G-B', 'R-A'], seq: [7, 8, 9] });
    expect(r.json.entries.map((e: { role: string }) => e.role)).toEqual(['owner', 'owner', 'owner']);
    const v = await blockgate(['ledger', 'verify', '--ledger', file, '--trust', TRUST, '--format', 'json']);
    expect([v.code, v.json.entries]).toEqual([0, 9]);
  });

  it('one refused entry: none is appended, and the message names its line', async () => {
    const file = ledgerCopy();
    const before = readFileSync(file);
    const entries = put(tempDir('append-batch'), 'entries.jsonl', grantLine('G-A') + grantLine('G-B', { action: 'aply' }));
    expectError(await append(file, owner, ['--entries', entries]), 'append-unknown-name', 3, `${entries} line 2: grant "G-B": action "aply"`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('an id the ledger already uses, or one used twice among the entries: ledger-duplicate-id, nothing appended', async () => {
    const file = ledgerCopy();
    const before = readFileSync(file);
    const dir = tempDir('append-batch');
    const used = put(dir, 'used.jsonl', grantLine('G-A') + grantLine('G-OWNER-APPLY-1'));
    expectError(await append(file, owner, ['--entries', used]), 'ledger-duplicate-id', 3, `${used} line 2: id "G-OWNER-APPLY-1" is already used (line 1 of ${file})`);
    const twice = put(dir, 'twice.jsonl', grantLine('G-A') + grantLine('G-A'));
    expectError(await append(file, owner, ['--entries', twice]), 'ledger-duplicate-id', 3, `${twice} line 2: id "G-A" is already used (${twice} line 1)`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('- reads standard input', async () => {
    const file = ledgerCopy();
    const r = await append(file, owner, ['--entries', '-'], grantLine('G-A') + grantLine('G-B'));
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.appended).toEqual(['G-A', 'G-B']);
  });

  it('a blank line, a line that is no object, an empty file: ledger-schema naming the line', async () => {
    const dir = tempDir('append-batch');
    const file = ledgerCopy();
    const blank = put(dir, 'blank.jsonl', `${grantLine('G-A')}\n${grantLine('G-B')}`);
    expectError(await append(file, owner, ['--entries', blank]), 'ledger-schema', 3, `${blank} line 2: a blank line`);
    const list = put(dir, 'list.jsonl', `${grantLine('G-A')}[1]\n`);
    expectError(await append(file, owner, ['--entries', list]), 'ledger-schema', 3, `${list} line 2: an entry must be a JSON object`);
    const broken = put(dir, 'broken.jsonl', `${grantLine('G-A')}{"id": \n`);
    expectError(await append(file, owner, ['--entries', broken]), 'ledger-schema', 3, `${broken} line 2`);
    const empty = put(dir, 'empty.jsonl', '');
    expectError(await append(file, owner, ['--entries', empty]), 'ledger-schema', 3, `${empty}: no entry`);
    expectError(await append(file, owner, ['--entries', `${dir}/none.jsonl`]), 'ledger-schema', 3, `${dir}/none.jsonl: not found`);
  });

  it('usage (exit 1): --entries with --entry or an entry flag; standard input twice', async () => {
    const file = ledgerCopy();
    expectError(await append(file, owner, ['--entries', 'a.jsonl', '--entry', 'b.json']), 'usage', 1, '--entry and --entries do not go together');
    expectError(await append(file, owner, ['--entries', 'a.jsonl', '--id', 'G-1']), 'usage', 1, '--entries and --id do not go together');
    expectError(await append(file, owner, ['--entries', '-', '--blockers', '-'], ''), 'usage', 1, "'-' was given for --entries and --blockers");
    expectError(await append(file, owner, ['--entry', '-', '--catalog', '-'], ''), 'usage', 1, '--catalog -: ledger append reads it as a file');
  });

  it('the output of plan --emit-ledger-template appends (each role\'s lines by its key), and a later template takes the next ids', async () => {
    const file = ledgerCopy();
    const plan = (at: string[]) => blockgate(['plan', '--blockers', MAP, '--ledger', file, '--trust', TRUST, '--action', 'real-run', '--env', 'production', '--emit-ledger-template', ...at]);
    const entriesOf = (stdout: string) => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: string; role: string });
    const first = await plan([]);
    expect(first.code, first.stderr).toBe(0);
    const entries = entriesOf(first.stdout);
    expect(entries.map((e) => e.id).sort()).toEqual(['PLAN-operator-1', 'PLAN-owner-1']);
    // The grantor fills in the evidence the template leaves empty, then appends the lines of their role.
    const linesFor = (role: string) => entries.filter((e) => e.role === role)
      .map((e) => line({ ...e, evidence: [{ uri: 'https://example.invalid/e', sha256: 'a'.repeat(64) }] })).join('');
    for (const [role, signer] of [['owner', owner], ['operator', operator]] as const) {
      const r = await append(file, signer, ['--entries', '-', '--blockers', MAP], linesFor(role));
      expect(r.code, r.stdout).toBe(0);
    }
    // At an earlier time the same grants are needed again: the ids the ledger now has are skipped.
    const second = await plan(['--at', '2026-11-25T12:00:00Z']);
    expect(entriesOf(second.stdout).map((e) => e.id).sort()).toEqual(['PLAN-operator-2', 'PLAN-owner-2']);
  });
});

describe('--evidence-file', () => {
  it('hashes the file (SHA-256 of its bytes) for the evidence entry, at the URI given', async () => {
    const dir = tempDir('append-batch');
    const pdf = put(dir, 'approval.pdf', Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0x0a]).toString('latin1'));
    const digest = createHash('sha256').update(readFileSync(pdf)).digest('hex');
    const r = await append(ledgerCopy(), operator, [...rollback, '--evidence-file', pdf, '--evidence-uri', 'https://example.invalid/approval.pdf',
      '--evidence', `https://example.invalid/other=${'b'.repeat(64)}`]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.entry.evidence).toEqual([
      { uri: 'https://example.invalid/other', sha256: 'b'.repeat(64) }, { uri: 'https://example.invalid/approval.pdf', sha256: digest },
    ]);
  });

  it('the file needs its --evidence-uri, once (usage, exit 1); a missing file is io (exit 1); - and revokes are refused', async () => {
    const dir = tempDir('append-batch');
    const pdf = put(dir, 'approval.pdf', 'x');
    const file = ledgerCopy();
    const before = readFileSync(file);
    expectError(await append(file, operator, [...rollback, '--evidence-file', pdf]), 'usage', 1, `--evidence-file ${pdf} needs --evidence-uri`);
    expectError(await append(file, operator, [...rollback, '--evidence-uri', 'https://e.invalid/x']), 'usage', 1, '--evidence-uri names where an --evidence-file is published');
    expectError(await append(file, operator, [...rollback, '--evidence-file', pdf, '--evidence-file', pdf, '--evidence-uri', 'u', '--evidence-uri', 'u']), 'usage', 1, '--evidence-file was given 2 times');
    expectError(await append(file, operator, [...rollback, '--evidence-file', `${dir}/none.pdf`, '--evidence-uri', 'https://e.invalid/x']), 'io', 1, `${dir}/none.pdf: not found`);
    expectError(await append(file, operator, [...rollback, '--evidence-file', '-', '--evidence-uri', 'https://e.invalid/x'], 'x'), 'usage', 1, '--evidence-file -: the evidence is hashed as a file');
    expectError(await append(file, operator, [...rollback, '--evidence-file', pdf, '--evidence-uri', '']), 'usage', 1, `--evidence-uri for ${pdf} is empty`);
    expectError(await append(file, owner, ['--type', 'revoke', '--id', 'R-1', '--revokes', 'G-OWNER-APPLY-1', '--evidence-file', pdf, '--evidence-uri', 'u']), 'usage', 1, '--evidence-file is for grants');
    expectError(await append(file, owner, ['--entry', 'e.json', '--evidence-file', pdf, '--evidence-uri', 'u']), 'usage', 1, '--entry and --evidence-file do not go together');
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('--entry - reads standard input', () => {
  it('one entry from standard input', async () => {
    const r = await append(ledgerCopy(), owner, ['--entry', '-'], grantLine('G-STDIN'));
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.appended).toBe('G-STDIN');
  });
});
