// The grant ledger through the CLI: tampering (which becomes an error, which an ignored entry),
// and `ledger keygen`, `ledger append`, `ledger verify`.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  at, blockgate, entryHash, expectError, FIX7, GENESIS, jsonl, keyFile, ownerGrant, operatorGrant, put, putLedger, revoke,
  SEED, signLedger, tempDir, TRUST, type Line,
} from './core-support.js';
import canonicalize from 'canonicalize';

const AT = '2026-11-25T12:00:00Z';
const LEDGER = `${FIX7}/grants.jsonl`;
const MAP = `${FIX7}/production-readiness-blocker-map.json`;
const dir = tempDir('ledger');
const fixLines = readFileSync(LEDGER, 'utf8').split('\n').slice(0, -1);

interface Finding { severity: string; code: string; message: string }

async function verifyLedger(file: string, trust = TRUST) {
  const json = await blockgate(['ledger', 'verify', '--ledger', file, '--trust', trust, '--format', 'json']);
  return { code: json.code, report: json.json as { valid: boolean; entries: number | null; problems: Finding[] }, raw: json };
}

function checkWith(file: string, action: string, env: string, extra: string[] = []) {
  return blockgate(['check', '--blockers', MAP, '--ledger', file, '--trust', TRUST, '--action', action, '--env', env, '--at', AT, '--format', 'json', ...extra]);
}

const codesAndLines = (problems: Finding[]) => problems.map((p) => `${p.code}@${/ line (\d+):/.exec(p.message)?.[1] ?? '-'}`);

describe('the FIX7 ledger as shipped', () => {
  it('verifies: six entries, no problem', async () => {
    const { code, report } = await verifyLedger(LEDGER);
    expect(code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.entries).toBe(6);
    expect(report.problems).toEqual([]);
  });

  it('text: OK and exit 0', async () => {
    const r = await blockgate(['ledger', 'verify', '--ledger', LEDGER, '--trust', TRUST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK\b/m);
  });
});

describe('tampering with a signed ledger', () => {
  it('an edited entry that is not the last: its signature fails and the chain breaks on the next line (error, exit 3)', async () => {
    const edited = [...fixLines];
    edited[0] = edited[0]!.replace('"issued_at":"2026-11-20T10:00:00Z"', '"issued_at":"2026-11-01T10:00:00Z"');
    expect(edited[0]).not.toBe(fixLines[0]);
    const file = put(dir, 'tamper/edit-first.jsonl', jsonl(edited));
    const r = await checkWith(file, 'apply', 'production');
    expectError(r, 'ledger-signature', 3, at(file, 1));
    expect(r.json.error.problems.map((p: { code: string }) => p.code)).toContain('ledger-chain');
    const { code, report } = await verifyLedger(file);
    expect(code).toBe(3);
    expect(codesAndLines(report.problems)).toContain('ledger-chain@2');
  });

  it('ledger verify reports the edited line\'s bad signature beside the broken chain', async () => {
    const edited = [...fixLines];
    edited[0] = edited[0]!.replace('"issued_at":"2026-11-20T10:00:00Z"', '"issued_at":"2026-11-01T10:00:00Z"');
    const file = put(dir, 'tamper/edit-first-verify.jsonl', jsonl(edited));
    const { report } = await verifyLedger(file);
    expect(codesAndLines(report.problems)).toEqual(['ledger-signature@1', 'ledger-chain@2']);
  });

  it('an edited last entry: its signature fails, so the whole ledger is refused (ledger-signature, exit 3)', async () => {
    const lines = signLedger([
      ownerGrant('G-1', { action: 'real-run', environment: 'staging', resolves: ['FIX7-P0-PLAN-REALRUN-1'] }),
      ownerGrant('G-2', { action: 'real-run', environment: 'staging', resolves: ['FIX7-P0-PLAN-REALRUN-1'] }),
    ]);
    // Moved from staging to production after signing.
    const file = put(dir, 'tamper/edit-last.jsonl', jsonl([lines[0]!, { ...lines[1], environment: 'production' }]));
    for (const env of ['production', 'staging']) {
      const r = await checkWith(file, 'real-run', env);
      expect(r.code).toBe(3);
      expect(r.json.allowed).toBe(false);
      expect(r.json.error.code).toBe('ledger-signature');
      expect(r.json.error.message).toContain(`${file} line 2`);
    }
    const { code, report } = await verifyLedger(file);
    expect(code).toBe(3);
    expect(codesAndLines(report.problems)).toEqual(['ledger-signature@2']);
  });

  it('an edited revoke is refused with the whole ledger, so the revoked grant can never count again', async () => {
    const edited = [...fixLines];
    edited[5] = edited[5]!.replace('scope still under review', 'scope approved');
    const file = put(dir, 'tamper/edit-revoke.jsonl', jsonl(edited));
    const r = await checkWith(file, 'ci-enforcement', 'production');
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('ledger-signature');
    expect(r.json.error.message).toContain(`${file} line 6`);
    expect(codesAndLines((await verifyLedger(file)).report.problems)).toEqual(['ledger-signature@6']);
  });

  it('a deleted line in the middle: sequence and chain errors on the line after the gap', async () => {
    const file = put(dir, 'tamper/delete-3.jsonl', jsonl(fixLines.filter((_, i) => i !== 2)));
    const r = await checkWith(file, 'apply', 'production');
    expectError(r, 'ledger-sequence', 3, at(file, 3));
    expect(r.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['ledger-sequence', 'ledger-chain']);
    const { code, report } = await verifyLedger(file);
    expect(code).toBe(3);
    expect(codesAndLines(report.problems)).toEqual(['ledger-sequence@3', 'ledger-chain@3']);
  });

  it('a deleted first line: the new first line has seq 2 and a non-genesis prev', async () => {
    const file = put(dir, 'tamper/delete-1.jsonl', jsonl(fixLines.slice(1)));
    expectError(await checkWith(file, 'apply', 'production'), 'ledger-sequence', 3, at(file, 1));
    expect(codesAndLines((await verifyLedger(file)).report.problems)).toEqual(['ledger-sequence@1', 'ledger-chain@1']);
  });

  it('a deleted last line cannot be seen from the ledger alone (a shorter valid ledger)', async () => {
    const file = put(dir, 'tamper/delete-last.jsonl', jsonl(fixLines.slice(0, -1)));
    const { code, report } = await verifyLedger(file);
    expect(code).toBe(0);
    expect(report.entries).toBe(5);
  });

  it('reordered lines: sequence and chain errors on every moved line', async () => {
    const swapped = [...fixLines];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    const file = put(dir, 'tamper/swap.jsonl', jsonl(swapped));
    expectError(await checkWith(file, 'apply', 'production'), 'ledger-sequence', 3, at(file, 2));
    const { code, report } = await verifyLedger(file);
    expect(code).toBe(3);
    expect(codesAndLines(report.problems)).toEqual([
      'ledger-sequence@2', 'ledger-chain@2', 'ledger-sequence@3', 'ledger-chain@3', 'ledger-sequence@4', 'ledger-chain@4',
    ]);
  });

  it('a line re-signed and re-chained by an intruder (seq and prev fixed up) rejects the ledger (ledger-signature)', async () => {
    const lines = signLedger([
      ownerGrant('G-1', { action: 'real-run', resolves: ['FIX7-P0-PLAN-REALRUN-1'] }),
      { ...ownerGrant('G-2', { action: 'real-run', environment: 'production', resolves: ['FIX7-P0-PLAN-REALRUN-1'] }), signWith: 'intruder' },
    ]);
    const file = put(dir, 'tamper/resigned.jsonl', jsonl(lines));
    const r = await checkWith(file, 'real-run', 'production');
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('ledger-signature');
    expect(codesAndLines((await verifyLedger(file)).report.problems)).toEqual(['ledger-signature@2']);
  });

  describe('entries that are ignored, each with its reason (the ledger itself is valid)', () => {
    const grant = { action: 'real-run', environment: 'staging', resolves: ['FIX7-P0-PLAN-REALRUN-1'] };
    const file = putLedger(dir, [
      { ...ownerGrant('G-ROLE', grant), role: 'operator' },
      { ...ownerGrant('G-UNKNOWN', grant), key: 'intruder', signWith: 'intruder' },
      operatorGrant('G-OPERATOR', grant),
    ], 'tamper/ignored.jsonl');

    it('check: denied, and each grant ignored with its reason', async () => {
      const r = await checkWith(file, 'real-run', 'staging');
      expect(r.code).toBe(2);
      expect(r.json.satisfied).toEqual([]);
      expect(r.json.ignored_grants).toEqual([
        { grant_id: 'G-OPERATOR', blocker_ids: ['FIX7-P0-PLAN-REALRUN-1'], reason: 'role-not-required' },
        { grant_id: 'G-ROLE', blocker_ids: ['FIX7-P0-PLAN-REALRUN-1'], reason: 'role-mismatch' },
        { grant_id: 'G-UNKNOWN', blocker_ids: ['FIX7-P0-PLAN-REALRUN-1'], reason: 'unknown-key' },
      ]);
      expect(r.json.denials).toEqual([expect.objectContaining({
        blocker_id: 'FIX7-P0-PLAN-REALRUN-1', missing_roles: ['owner'], reasons: ['missing-grant'],
      })]);
    });

    it('ledger verify: exit 3, one problem per ignored entry, each naming file and line', async () => {
      const { code, report } = await verifyLedger(file);
      expect(code).toBe(3);
      expect(codesAndLines(report.problems)).toEqual(['role-mismatch@1', 'unknown-key@2']);
      for (const p of report.problems) expect(p.message).toContain(`${file} line `);
      const text = await blockgate(['ledger', 'verify', '--ledger', file, '--trust', TRUST]);
      expect(text.code).toBe(3);
      expect(text.stdout.split('\n').filter((l) => /^error /.test(l))).toHaveLength(2);
    });

    it('with --insecure-no-verify every entry counts with its own role, and the decision warns', async () => {
      const r = await blockgate(['check', '--blockers', MAP, '--ledger', file, '--insecure-no-verify', '--action', 'real-run', '--env', 'staging', '--at', AT, '--format', 'json']);
      expect(r.code).toBe(0);
      expect(r.json.satisfied).toEqual([{ blocker_id: 'FIX7-P0-PLAN-REALRUN-1', grants: ['G-UNKNOWN'] }]);
      // G-ROLE claims operator: with its own role, it is not an owner grant.
      expect(r.json.ignored_grants).toEqual([
        { grant_id: 'G-OPERATOR', blocker_ids: ['FIX7-P0-PLAN-REALRUN-1'], reason: 'role-not-required' },
        { grant_id: 'G-ROLE', blocker_ids: ['FIX7-P0-PLAN-REALRUN-1'], reason: 'role-not-required' },
      ]);
      expect(r.json.warnings.map((w: { code: string }) => w.code)).toEqual(['ledger-not-verified']);
    });

    it('--insecure-no-verify with --trust given still does not verify', async () => {
      const r = await checkWith(file, 'real-run', 'staging', ['--insecure-no-verify']);
      expect(r.code).toBe(0);
      expect(r.json.warnings.map((w: { code: string }) => w.code)).toEqual(['ledger-not-verified']);
    });

    it('--insecure-no-verify does not excuse integrity problems', async () => {
      const broken = put(dir, 'tamper/insecure-broken.jsonl', jsonl(fixLines.slice(1)));
      expectError(await blockgate(['check', '--blockers', MAP, '--ledger', broken, '--insecure-no-verify', '--action', 'apply', '--env', 'production', '--format', 'json']),
        'ledger-sequence', 3, at(broken, 1));
    });
  });
});

describe('ledger keygen', () => {
  it('makes an Ed25519 pair, private key mode 0600, and adds the public key to a new trust file', async () => {
    const d = tempDir('keygen');
    const r = await blockgate(['ledger', 'keygen', '--id', 'alice-1', '--role', 'owner', '--out', 'keys/alice.key', '--trust', 'trust.json', '--format', 'json'], { cwd: d });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json).toMatchObject({ key_id: 'alice-1', role: 'owner', private_key: 'keys/alice.key', public_key: 'keys/alice.key.pub' });
    expect(statSync(`${d}/keys/alice.key`).mode & 0o777).toBe(0o600);
    const privatePem = readFileSync(`${d}/keys/alice.key`, 'utf8');
    const publicPem = readFileSync(`${d}/keys/alice.key.pub`, 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(privatePem).asymmetricKeyType).toBe('ed25519');
    expect(createPublicKey(privatePem).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
    const trust = JSON.parse(readFileSync(`${d}/trust.json`, 'utf8'));
    expect(trust).toEqual({ keys: [{ id: 'alice-1', role: 'owner', public_key: publicPem }] });

    // A second key joins the same trust file.
    const bob = await blockgate(['ledger', 'keygen', '--id', 'bob-1', '--role', 'operator', '--out', 'keys/bob.key', '--trust', 'trust.json', '--format', 'json'], { cwd: d });
    expect(bob.code).toBe(0);
    const both = JSON.parse(readFileSync(`${d}/trust.json`, 'utf8'));
    expect(both.keys.map((k: { id: string; role: string }) => [k.id, k.role])).toEqual([['alice-1', 'owner'], ['bob-1', 'operator']]);
  });

  it('refuses to overwrite an existing key, leaving it unchanged', async () => {
    const d = tempDir('keygen');
    expect((await blockgate(['ledger', 'keygen', '--id', 'k1', '--role', 'owner', '--out', 'k.key'], { cwd: d })).code).toBe(0);
    const before = readFileSync(`${d}/k.key`, 'utf8');
    const r = await blockgate(['ledger', 'keygen', '--id', 'k2', '--role', 'owner', '--out', 'k.key', '--format', 'json'], { cwd: d });
    expect([1, 3]).toContain(r.code);
    expect(r.json.allowed).toBe(false);
    expect(r.json.error.message).toContain('k.key');
    expect(readFileSync(`${d}/k.key`, 'utf8')).toBe(before);
  });

  it('refuses a key id the trust file already has', async () => {
    const d = tempDir('keygen');
    expect((await blockgate(['ledger', 'keygen', '--id', 'k1', '--role', 'owner', '--out', 'a.key', '--trust', 'trust.json'], { cwd: d })).code).toBe(0);
    const trustBefore = readFileSync(`${d}/trust.json`, 'utf8');
    const r = await blockgate(['ledger', 'keygen', '--id', 'k1', '--role', 'operator', '--out', 'b.key', '--trust', 'trust.json', '--format', 'json'], { cwd: d });
    expect([1, 3]).toContain(r.code);
    expect(r.json.error.message).toContain('trust.json');
    expect(readFileSync(`${d}/trust.json`, 'utf8')).toBe(trustBefore);
  });

  it('refusing a duplicate key id writes no key file', async () => {
    const d = tempDir('keygen');
    expect((await blockgate(['ledger', 'keygen', '--id', 'k1', '--role', 'owner', '--out', 'a.key', '--trust', 'trust.json'], { cwd: d })).code).toBe(0);
    const r = await blockgate(['ledger', 'keygen', '--id', 'k1', '--role', 'operator', '--out', 'b.key', '--trust', 'trust.json'], { cwd: d });
    expect(r.code).not.toBe(0);
    expect(existsSync(`${d}/b.key`)).toBe(false);
    expect(existsSync(`${d}/b.key.pub`)).toBe(false);
  });

  it('requires --id, --role and --out', async () => {
    expectError(await blockgate(['ledger', 'keygen', '--role', 'owner', '--out', `${dir}/x.key`, '--format', 'json']), 'usage', 1, 'id');
    expectError(await blockgate(['ledger', 'keygen', '--id', 'x', '--out', `${dir}/x.key`, '--format', 'json']), 'usage', 1, 'role');
    expectError(await blockgate(['ledger', 'keygen', '--id', 'x', '--role', 'owner', '--format', 'json']), 'usage', 1, 'out');
  });
});

describe('ledger append', () => {
  const owner = ['--key', keyFile('owner-1'), '--key-id', 'owner-1', '--trust', TRUST];
  const operator = ['--key', keyFile('operator-1'), '--key-id', 'operator-1', '--trust', TRUST];
  const append = (file: string, signer: string[], args: string[]) =>
    blockgate(['ledger', 'append', '--ledger', file, ...signer, ...args, '--format', 'json']);

  /** The ledger's lines, parsed. */
  const linesOf = (file: string): Line[] => readFileSync(file, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l));

  /** Checks seq, prev and sig independently of blockgate's own code. */
  function expectChained(lines: Line[]): void {
    const pems: Record<string, string> = Object.fromEntries(JSON.parse(readFileSync(TRUST, 'utf8')).keys.map((k: { id: string; public_key: string }) => [k.id, k.public_key]));
    lines.forEach((line, i) => {
      expect(line.seq).toBe(i + 1);
      expect(line.prev).toBe(i === 0 ? GENESIS : entryHash(lines[i - 1]!));
      const { sig, ...unsigned } = line;
      const ok = verifySignature(null, Buffer.from(canonicalize(unsigned)!, 'utf8'), createPublicKey(pems[line.key as string]!), Buffer.from(sig as string, 'base64'));
      expect(ok, `signature of line ${i + 1}`).toBe(true);
    });
  }

  it('builds entries from flags and from an --entry file; the result verifies and decides', async () => {
    const d = tempDir('append');
    const file = `${d}/grants.jsonl`;
    // Issued at fixed past instants on purpose: --max-skew lets them further from the clock than the default 5m.
    const first = await append(file, owner, ['--max-skew', '3650d', '--id', 'G-1', '--issued-at', '2026-11-20T10:00:00Z', '--action', 'apply', '--env', 'production',
      '--resolves', 'FIX7-P0-PLAN-SEPARATE-AUTH-1,FIX7-P0-PROD-OPT4-1', '--resolves', 'FIX7-P0-PROD-BIRTH-SURFACE-1', '--note', 'owner says yes']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.json).toMatchObject({ appended: 'G-1', seq: 1 });

    const entry = put(d, 'entry.json', {
      id: 'G-2', type: 'grant', issued_at: '2026-11-21T09:30:00+01:00', action: 'apply', environment: 'production',
      resolves: ['FIX7-P0-OPERATOR-INPUT-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
      evidence: [{ uri: 'https://example.invalid/rollback-proof', sha256: 'c'.repeat(64) }],
    });
    const second = await append(file, operator, ['--max-skew', '3650d', '--entry', entry]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.json).toMatchObject({ appended: 'G-2', seq: 2 });

    const third = await append(file, owner, ['--max-skew', '3650d', '--type', 'revoke', '--id', 'R-1', '--revokes', 'G-1', '--issued-at', '2026-11-26T00:00:00Z']);
    expect(third.code, third.stdout + third.stderr).toBe(0);

    const lines = linesOf(file);
    expect(lines.map((l) => [l.id, l.type, l.role, l.key])).toEqual([
      ['G-1', 'grant', 'owner', 'owner-1'], ['G-2', 'grant', 'operator', 'operator-1'], ['R-1', 'revoke', 'owner', 'owner-1'],
    ]);
    expect(lines[0]).toMatchObject({ resolves: ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-OPT4-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1'], note: 'owner says yes' });
    expect(lines[1]).toMatchObject({ issued_at: '2026-11-21T09:30:00+01:00', evidence: [{ uri: 'https://example.invalid/rollback-proof', sha256: 'c'.repeat(64) }] });
    expectChained(lines);
    expect((await verifyLedger(file)).code).toBe(0);

    // Before the revoke, the two grants allow production apply; from its issued_at on, not.
    const before = await blockgate(['check', '--blockers', SEED, '--ledger', file, '--trust', TRUST, '--action', 'apply', '--env', 'production', '--at', AT, '--format', 'json']);
    expect(before.code, before.stdout).toBe(0);
    const after = await blockgate(['check', '--blockers', SEED, '--ledger', file, '--trust', TRUST, '--action', 'apply', '--env', 'production', '--at', '2026-11-26T00:00:00Z', '--format', 'json']);
    expect(after.code).toBe(2);
    expect(after.json.ignored_grants).toContainEqual({ grant_id: 'G-1', blocker_ids: ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-PROD-OPT4-1'], reason: 'revoked' });
  });

  it('appends to the shipped FIX7 ledger (copied) with a valid chain', async () => {
    const file = put(tempDir('append'), 'grants.jsonl', readFileSync(LEDGER, 'utf8'));
    const r = await append(file, operator, ['--max-skew', '3650d', '--id', 'G-ROLLBACK-1', '--issued-at', '2026-11-24T00:00:00Z', '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.seq).toBe(7);
    expectChained(linesOf(file));
    const decision = await checkWith(file, 'apply', 'production');
    expect(decision.code).toBe(0);
  });

  describe('refusals leave the ledger byte for byte as it was (exit 3)', () => {
    const base = put(dir, 'append/base.jsonl', readFileSync(LEDGER, 'utf8'));

    async function refused(name: string, signer: string[], args: string[], code: string, ...mentions: string[]): Promise<void> {
      const file = put(dir, `append/${name}.jsonl`, readFileSync(base, 'utf8'));
      const before = readFileSync(file);
      const r = await append(file, signer, args);
      expectError(r, code, 3, file, ...mentions);
      expect(readFileSync(file).equals(before)).toBe(true);
    }

    const grantFlags = ['--action', 'apply', '--env', 'staging', '--resolves', 'FIX7-P0-PLAN-SEPARATE-AUTH-1'];

    it('a duplicate id', () => refused('dup', owner, ['--id', 'G-OWNER-APPLY-1', ...grantFlags], 'ledger-duplicate-id', 'G-OWNER-APPLY-1'));

    it('a dangling revoke', () => refused('dangling', owner, ['--type', 'revoke', '--id', 'R-9', '--revokes', 'G-NOPE'], 'ledger-dangling-revoke', 'G-NOPE'));

    it('a key not in the trust file', async () => {
      const file = put(dir, 'append/unknown-key.jsonl', readFileSync(base, 'utf8'));
      const before = readFileSync(file);
      const r = await append(file, ['--key', keyFile('intruder'), '--key-id', 'intruder', '--trust', TRUST], ['--id', 'G-X', '--role', 'owner', ...grantFlags]);
      expectError(r, 'ledger-schema', 3, file, 'intruder');
      expect(readFileSync(file).equals(before)).toBe(true);
    });

    it('a role that differs from the key\'s role', () =>
      refused('role', owner, ['--id', 'G-X', '--role', 'operator', ...grantFlags], 'ledger-schema', 'operator', 'owner'));

    it('a private key that is not the named key', () =>
      refused('wrong-key', ['--key', keyFile('intruder'), '--key-id', 'owner-1', '--trust', TRUST], ['--id', 'G-X', ...grantFlags], 'ledger-schema', 'owner-1'));

    it('a bad time', () => refused('time', owner, ['--id', 'G-X', '--issued-at', '2026-11-31T00:00:00Z', ...grantFlags], 'bad-time', 'issued_at'));

    it('an --entry file that carries seq, prev or sig', async () => {
      const entry = put(dir, 'append/envelope.json', { id: 'G-X', type: 'grant', action: 'apply', environment: 'staging', resolves: ['X'], seq: 7 });
      await refused('envelope', owner, ['--entry', entry], 'ledger-schema', 'seq');
    });

    it('a ledger that is already invalid', async () => {
      const file = put(dir, 'append/invalid.jsonl', jsonl(fixLines.slice(1)));
      const before = readFileSync(file);
      const r = await append(file, owner, ['--id', 'G-X', ...grantFlags]);
      expectError(r, 'ledger-sequence', 3, at(file, 1));
      expect(readFileSync(file).equals(before)).toBe(true);
    });
  });

  it('requires --ledger, --key and --key-id', async () => {
    expectError(await blockgate(['ledger', 'append', '--key', keyFile('owner-1'), '--key-id', 'owner-1', '--format', 'json']), 'usage', 1, 'ledger');
    expectError(await blockgate(['ledger', 'append', '--ledger', `${dir}/x.jsonl`, '--key-id', 'owner-1', '--format', 'json']), 'usage', 1, 'key');
    expectError(await blockgate(['ledger', 'append', '--ledger', `${dir}/x.jsonl`, '--key', keyFile('owner-1'), '--format', 'json']), 'usage', 1, 'key-id');
  });

  it('a key made by keygen signs entries that verify', async () => {
    const d = tempDir('append');
    expect((await blockgate(['ledger', 'keygen', '--id', 'carol-1', '--role', 'Release Manager', '--out', 'carol.key', '--trust', 'trust.json'], { cwd: d })).code).toBe(0);
    const r = await blockgate(['ledger', 'append', '--ledger', 'g.jsonl', '--key', 'carol.key', '--key-id', 'carol-1', '--trust', 'trust.json',
      '--id', 'G-1', '--action', 'apply', '--env', 'staging', '--resolves', 'B-1', '--format', 'json'], { cwd: d });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.entry.role).toBe('Release Manager');
    const v = await blockgate(['ledger', 'verify', '--ledger', 'g.jsonl', '--trust', 'trust.json', '--format', 'json'], { cwd: d });
    expect(v.code).toBe(0);
    expect(v.json.problems).toEqual([]);
    // The grant counts for a blocker that needs "release manager" (roles compare normalised).
    put(d, 'map.json', { blockers: [{ id: 'B-1', actor_needed: 'release  manager', blocks: 'apply' }] });
    const c = await blockgate(['check', '--blockers', 'map.json', '--ledger', 'g.jsonl', '--trust', 'trust.json', '--action', 'apply', '--env', 'staging', '--format', 'json'], { cwd: d });
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.json.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-1'] }]);
  });
});

describe('ledger verify on invalid input', () => {
  it('a broken trust file is an error object', async () => {
    const trust = put(dir, 'verify/trust.json', '{"keys": 1}\n');
    const r = await blockgate(['ledger', 'verify', '--ledger', LEDGER, '--trust', trust, '--format', 'json']);
    expectError(r, 'trust-schema', 3, trust);
  });

  it('an empty ledger verifies', async () => {
    const file = put(dir, 'verify/empty.jsonl', '');
    expect((await verifyLedger(file)).code).toBe(0);
  });

  it('writes nothing', async () => {
    const file = put(dir, 'verify/ro.jsonl', readFileSync(LEDGER, 'utf8'));
    expect((await verifyLedger(file)).code).toBe(0);
    expect(readFileSync(file).equals(readFileSync(LEDGER))).toBe(true);
  });
});
