// `ledger append` refuses an entry the ledger would take but that would not do what was meant
// (exit 3, one code per kind, --force appends it), through the CLI in this process.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockgate, expectError, FIX7, keyFile, put, tempDir, TRUST } from '../e2e/core-support.js';

const LEDGER = `${FIX7}/grants.jsonl`;
const MAP = `${FIX7}/production-readiness-blocker-map.json`;
const owner = ['--key', keyFile('owner-1'), '--key-id', 'owner-1', '--trust', TRUST];
const operator = ['--key', keyFile('operator-1'), '--key-id', 'operator-1', '--trust', TRUST];
const HOUR = 3_600_000;
/** An instant relative to the clock, far enough from it that no slow run can blur the check. */
const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A copy of the FIX7 ledger in a fresh directory. */
function ledgerCopy(): string {
  return put(tempDir('append-checks'), 'grants.jsonl', readFileSync(LEDGER, 'utf8'));
}

const append = (file: string, signer: string[], args: string[]) =>
  blockgate(['ledger', 'append', '--ledger', file, ...signer, ...args, '--format', 'json']);

/** Runs an append that must be refused with `code` (exit 3) and leave the ledger byte for byte as it was. */
async function refused(signer: string[], args: string[], code: string, ...mentions: string[]): Promise<string> {
  const file = ledgerCopy();
  const before = readFileSync(file);
  const r = await append(file, signer, args);
  const message = expectError(r, code, 3, ...mentions, 'nothing was appended');
  expect(readFileSync(file).equals(before)).toBe(true);
  return message;
}

const grant = (extra: string[]) => ['--id', 'G-NEW-1', '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1', ...extra];

describe('names the catalog does not have', () => {
  it('an action: append-unknown-name, with the closest name and the known ones', async () => {
    const message = await refused(owner, ['--id', 'G-NEW-1', '--action', 'aply', '--env', 'production', '--resolves', 'X'],
      'append-unknown-name', 'action "aply" is not in the built-in catalog (did you mean "apply"?)', 'known: apply, cutover');
    expect(message).toContain('grant "G-NEW-1"');
  });

  it('an environment, from an --entry file', async () => {
    const entry = put(tempDir('append-checks'), 'entry.json', { id: 'G-NEW-1', type: 'grant', action: 'apply', environment: 'prodution', resolves: ['X'] });
    await refused(owner, ['--entry', entry], 'append-unknown-name', 'environment "prodution"', 'did you mean "production"?');
  });

  it('both at once: every problem is listed', async () => {
    const file = ledgerCopy();
    const r = await append(file, owner, ['--id', 'G-NEW-1', '--action', 'aply', '--env', 'prodution', '--resolves', 'X']);
    expectError(r, 'append-unknown-name', 3, 'action "aply"');
    expect(r.json.error.problems.map((p: { message: string }) => p.message)).toEqual([
      expect.stringContaining('action "aply"'), expect.stringContaining('environment "prodution"'),
    ]);
  });

  it('--catalog: its names are the known ones, and the file is named', async () => {
    const dir = tempDir('append-checks');
    const catalog = put(dir, 'catalog.json', { actions: { deploy: { tags: ['apply'] } }, environments: { prod: { tags: ['production'] } } });
    await refused(owner, grant(['--catalog', catalog]), 'append-unknown-name', `action "apply" is not in ${catalog}`, 'known: deploy');
    const file = ledgerCopy();
    const ok = await append(file, owner, ['--id', 'G-NEW-1', '--action', 'deploy', '--env', 'prod', '--resolves', 'X', '--catalog', catalog]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.json.appended).toBe('G-NEW-1');
  });

  it('--force appends it, says what it let through, and the ledger verifies', async () => {
    const file = ledgerCopy();
    const r = await append(file, owner, ['--id', 'G-NEW-1', '--action', 'aply', '--env', 'production', '--resolves', 'X', '--force']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ appended: 'G-NEW-1', seq: 7 });
    expect(r.json.forced).toEqual([{ code: 'append-unknown-name', message: expect.stringContaining('action "aply"') }]);
    const v = await blockgate(['ledger', 'verify', '--ledger', file, '--trust', TRUST]);
    expect(v.code).toBe(0);
  });

  it('--force never lets an invalid ledger through', async () => {
    await refused(owner, ['--id', 'G-OWNER-APPLY-1', '--action', 'aply', '--env', 'production', '--resolves', 'X', '--force'],
      'ledger-duplicate-id', 'G-OWNER-APPLY-1');
  });
});

describe('resolves ids', () => {
  it('with --blockers, an id no map has is append-unknown-blocker, with the closest id', () =>
    refused(owner, ['--id', 'G-NEW-1', '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-PROD-OPT4-2', '--blockers', MAP],
      'append-unknown-blocker', 'resolves "FIX7-P0-PROD-OPT4-2", which no given map has (did you mean "FIX7-P0-PROD-OPT4-1"?)'));

  it('with --blockers, known ids append; the output has no unchecked note', async () => {
    const r = await append(ledgerCopy(), operator, grant(['--blockers', MAP]));
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.unchecked).toBeUndefined();
  });

  it('without --blockers the check cannot run: the entry is appended and the output says so', async () => {
    const r = await append(ledgerCopy(), owner, ['--id', 'G-NEW-1', '--action', 'apply', '--env', 'production', '--resolves', 'NO-SUCH-BLOCKER']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.unchecked).toEqual(['resolves: not checked against any map, since no --blockers was given']);
    const text = await blockgate(['ledger', 'append', '--ledger', ledgerCopy(), ...owner, '--id', 'G-NEW-1', '--action', 'apply', '--env', 'production', '--resolves', 'X']);
    expect(text.stdout).toContain('unchecked: ["resolves: not checked against any map, since no --blockers was given"]');
  });

  it('a map that does not load is its own error, not a refusal', async () => {
    const file = ledgerCopy();
    expectError(await append(file, owner, grant(['--blockers', `${tempDir('append-checks')}/none.json`])), 'map-none', 3);
  });
});

describe('times', () => {
  it('a grant that expires before it is issued', () =>
    refused(owner, grant(['--issued-at', fromNow(-60_000), '--expires-at', fromNow(-120_000)]), 'append-bad-time', 'is not after its issued_at', 'never be in force'));

  it('a grant already expired now', async () => {
    const file = ledgerCopy();
    const r = await append(file, owner, grant(['--issued-at', fromNow(-3 * HOUR), '--expires-at', fromNow(-2 * HOUR), '--max-skew', '1d']));
    expectError(r, 'append-bad-time', 3, 'has passed (now ', 'expired from the start');
  });

  it('issued an hour ahead of the clock, or an hour behind: more than the default 5m skew', async () => {
    await refused(owner, grant(['--issued-at', fromNow(HOUR)]), 'append-bad-time', 'ahead of the clock', 'more than --max-skew 5m', 'leave issued_at out');
    await refused(owner, grant(['--issued-at', fromNow(-HOUR)]), 'append-bad-time', 'behind the clock', 'more than --max-skew 5m');
  });

  it('a revoke is held to the skew too', () =>
    refused(owner, ['--type', 'revoke', '--id', 'R-NEW-1', '--revokes', 'G-OWNER-APPLY-1', '--issued-at', '2026-01-01T00:00:00Z'], 'append-bad-time', 'revoke "R-NEW-1"', 'behind the clock'));

  it('--max-skew widens it; within it the entry appends', async () => {
    const r = await append(ledgerCopy(), operator, grant(['--issued-at', fromNow(-HOUR), '--max-skew', '2h']));
    expect(r.code, r.stdout).toBe(0);
    const inside = await append(ledgerCopy(), operator, grant(['--issued-at', fromNow(-60_000), '--expires-at', fromNow(HOUR)]));
    expect(inside.code, inside.stdout).toBe(0);
  });

  it('a --max-skew that is no duration is usage (exit 1)', async () => {
    for (const bad of ['five', '5', '5 m', '-5m', '1w']) {
      expectError(await append(ledgerCopy(), owner, grant([`--max-skew=${bad}`])), 'usage', 1, `--max-skew "${bad}"`, 'e.g. 5m');
    }
  });
});

describe('revokes that would not take effect', () => {
  it('signed by another role than the grant\'s: append-without-effect', () =>
    refused(operator, ['--type', 'revoke', '--id', 'R-NEW-1', '--revokes', 'G-OWNER-APPLY-1'],
      'append-without-effect', 'revokes grant "G-OWNER-APPLY-1", granted by role "owner", but is signed by role "operator"', 'SPEC 2.1'));

  it('without --trust: the key cannot be checked', async () => {
    const message = await refused(['--key', keyFile('owner-1'), '--key-id', 'owner-1'], ['--type', 'revoke', '--id', 'R-NEW-1', '--role', 'owner', '--revokes', 'G-OWNER-APPLY-1'],
      'append-without-effect', 'without --trust', 'give --trust');
    expect(message).toContain('revoke "R-NEW-1"');
  });

  it('a key not in the trust file is refused as before (ledger-schema)', () =>
    refused(['--key', keyFile('intruder'), '--key-id', 'intruder', '--trust', TRUST], ['--type', 'revoke', '--id', 'R-NEW-1', '--role', 'owner', '--revokes', 'G-OWNER-APPLY-1'],
      'ledger-schema', 'key "intruder" is not in the trust file'));

  it('a grant id that does not exist is refused as before (ledger-dangling-revoke)', () =>
    refused(owner, ['--type', 'revoke', '--id', 'R-NEW-1', '--revokes', 'G-NOPE'], 'ledger-dangling-revoke', 'G-NOPE'));

  it('a grant that has already expired', async () => {
    const file = ledgerCopy();
    const g = await append(file, owner, grant(['--id', 'G-SHORT', '--expires-at', fromNow(HOUR)]).slice(2));
    expect(g.code, g.stdout).toBe(0);
    const before = readFileSync(file);
    const r = await append(file, owner, ['--type', 'revoke', '--id', 'R-NEW-1', '--revokes', 'G-SHORT', '--issued-at', fromNow(2 * HOUR), '--max-skew', '3h']);
    expectError(r, 'append-without-effect', 3, 'grant "G-SHORT" expired at', 'nothing left to revoke');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('the grant\'s own role revokes it', async () => {
    const r = await append(ledgerCopy(), owner, ['--type', 'revoke', '--id', 'R-NEW-1', '--revokes', 'G-OWNER-APPLY-1']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.appended).toBe('R-NEW-1');
  });
});

describe('a malformed entry is refused for that, before any of these checks', () => {
  it('an unknown field and an old issued_at: ledger-schema, not append-bad-time', async () => {
    const entry = put(tempDir('append-checks'), 'entry.json', { id: 'G-NEW-1', type: 'grant', issued_at: '2020-01-01T00:00:00Z', action: 'aply', environment: 'production', resolves: ['X'], expire_at: '2030-01-01T00:00:00Z' });
    await refused(owner, ['--entry', entry], 'ledger-schema', 'expire_at');
  });
});
