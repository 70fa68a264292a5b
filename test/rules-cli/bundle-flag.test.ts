// --bundle and --bundle-key on the command line (in process) and bundleDir/bundleKey in the
// library: a built bundle decides (a rule denies what the map alone allows), its revision is in
// the decision and the decision log, replay decides with the same rules or refuses, and a signed,
// unsigned, wrongly signed or mis-sealed bundle is taken or refused as SPEC 6 says.
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';
import { rejection } from '../support/thrown.js';
import { openGate, validateInputs } from '../../src/index.js';
import { readSealedBundle } from '../../src/engine/bundle.js';
import { ALLOWED, FIX7, freezeRules, INPUTS, OPA, ROOT, scratch } from './support.js';

let root: string;
/** The freeze rules built unsigned, and built signed with an ES256 key. */
let plain: string;
let signed: string;
let publicKey: string;
let otherKey: string;
let revision: string;

function writePem(name: string, pem: string | Buffer): string {
  const path = join(root, name);
  writeFileSync(path, pem);
  return path;
}

beforeAll(async () => {
  root = scratch('bundle');
  const rules = freezeRules(root);
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = writePem('signing.pem', pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  publicKey = writePem('signing.pub.pem', pair.publicKey.export({ type: 'spki', format: 'pem' }));
  otherKey = writePem('other.pub.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  plain = join(root, 'plain');
  signed = join(root, 'signed');
  const a = await blockgate(['build', '--rules', rules, '--out', plain, '--opa', OPA, '--format', 'json']);
  const b = await blockgate(['build', '--rules', rules, '--out', signed, '--opa', OPA, '--signing-key', privateKey, '--format', 'json']);
  if (a.code !== 0 || b.code !== 0) throw new Error(`build failed:\n${a.stdout}${a.stderr}\n${b.stdout}${b.stderr}`);
  expect(b.json.signed).toBe(true);
  revision = a.json.revision;
}, 300_000);

const check = (more: string[]) => blockgate(['check', ...INPUTS, ...ALLOWED, '--format', 'json', ...more]);

describe('check --bundle', () => {
  it('the map alone allows the request; the built bundle denies it, and the decision names its revision', async () => {
    const shipped = await check([]);
    expect(shipped.code).toBe(0);
    expect(shipped.json.allowed).toBe(true);
    const ruled = await check(['--bundle', plain]);
    expect(ruled.code, ruled.stdout + ruled.stderr).toBe(2);
    expect(ruled.json.allowed).toBe(false);
    expect(ruled.json.policy).toEqual({ revision, sha256: readSealedBundle(plain).seal.sha256 });
    expect(ruled.json.policy.revision).not.toBe(shipped.json.policy.revision);
    // The rule's denial itself (kind "rule", its file as source) is asserted by test/rules.
    expect(ruled.json.denials.map((d: { blocker_id: string }) => d.blocker_id)).toContain('change-freeze');
  });

  it('outside the freeze window the built bundle allows what the map allows', async () => {
    const r = await blockgate(['check', ...INPUTS, '--action', 'real-run', '--env', 'staging', '--at', '2026-11-26T00:00:00Z', '--format', 'json', '--bundle', plain]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.policy.revision).toBe(revision);
  });

  it('every command that decides takes --bundle (a directory without a bundle is bundle-seal, exit 1)', async () => {
    const empty = scratch('empty-bundle');
    const commands = [
      ['check', ...ALLOWED], ['plan', ...ALLOWED], ['matrix'], ['what-if', '--revoke', 'G-OWNER-REALRUN-1'], ['validate'],
      ['report', '--html', join(root, 'report.html')], ['replay', join(root, 'no-log.jsonl')], ['serve', '--port', '0'],
    ];
    for (const command of commands) {
      const r = await blockgate([...command, ...INPUTS, '--bundle', empty, '--format', 'json']);
      expect(r.code, command.join(' ')).toBe(1);
      expect(r.json?.error?.code ?? r.stdout + r.stderr, command.join(' ')).toBe('bundle-seal');
    }
  });

  it('ledger append, which asks the policy what an entry would do, takes --bundle too', async () => {
    const r = await blockgate(['ledger', 'append', '--ledger', join(root, 'append.jsonl'), '--key', join(ROOT, 'fixtures/keys/owner-1.test-only.key'), '--key-id', 'owner-1',
      '--trust', FIX7.trust, '--id', 'G-NEW', '--action', 'apply', '--env', 'staging', '--resolves', 'FIX7-P0-PLAN-SEPARATE-AUTH-1',
      '--bundle', scratch('empty-bundle'), '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.json.error.code).toBe('bundle-seal');
  });

  it('plan and matrix decide with the bundle too', async () => {
    const plan = await blockgate(['plan', ...INPUTS, ...ALLOWED, '--bundle', plain, '--format', 'json']);
    expect(plan.code).toBe(0);
    expect(plan.json.allowed).toBe(false);
    const matrix = await blockgate(['matrix', ...INPUTS, '--at', ALLOWED.at(-1)!, '--bundle', plain, '--format', 'json']);
    const cell = matrix.json.matrix.find((c: { action: string; environment: string }) => c.action === 'real-run' && c.environment === 'staging');
    expect(cell.allowed).toBe(false);
    expect(cell.denials).toContain('change-freeze');
  });

  it('a bundle whose seal does not match its tarball is refused (exit 1, bundle-seal)', async () => {
    const dir = join(root, 'mis-sealed');
    cpSync(plain, dir, { recursive: true });
    const seal = JSON.parse(readFileSync(join(dir, 'seal.json'), 'utf8'));
    writeFileSync(join(dir, 'seal.json'), JSON.stringify({ ...seal, sha256: 'a'.repeat(64) }));
    const r = await check(['--bundle', dir]);
    expect(r.code).toBe(1);
    expect(r.json).toEqual({ allowed: false, error: { code: 'bundle-seal', message: expect.stringContaining('does not match its seal') } });
  });

  it('--bundle - is usage: a bundle is a directory', async () => {
    const r = await check(['--bundle', '-']);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('usage');
  });
});

describe('--bundle-key', () => {
  it('a bundle signed by the key is taken', async () => {
    const r = await check(['--bundle', signed, '--bundle-key', publicKey]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.policy.revision).toBe(revision);
  });

  it('an unsigned bundle is refused (exit 1, bundle-seal)', async () => {
    const r = await check(['--bundle', plain, '--bundle-key', publicKey]);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('bundle-seal');
    expect(r.json.error.message).toContain('not signed');
  });

  it('a bundle signed by another key is refused (exit 1, bundle-seal)', async () => {
    const r = await check(['--bundle', signed, '--bundle-key', otherKey]);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('bundle-seal');
    expect(r.json.error.message).toContain('does not verify with the bundle key');
  });

  it('the shipped bundle is unsigned: --bundle-key alone refuses it', async () => {
    const r = await check(['--bundle-key', publicKey]);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('bundle-seal');
  });

  it('a key file that is not a PEM public key is bundle-seal', async () => {
    const r = await check(['--bundle', signed, '--bundle-key', FIX7.trust]);
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('bundle-seal');
    expect(r.json.error.message).toContain(FIX7.trust);
  });

  it('without --bundle-key a signed bundle is still taken (its seal checked)', async () => {
    expect((await check(['--bundle', signed])).code).toBe(2);
  });
});

describe('the library: openGate and validateInputs with bundleDir and bundleKey', () => {
  it('decides with the bundle, signature checked when bundleKey is given', async () => {
    const gate = await openGate({ ...FIX7, bundleDir: signed, bundleKey: publicKey });
    const decision = gate.check({ action: 'real-run', environment: 'staging', at: ALLOWED.at(-1)! });
    expect(decision.allowed).toBe(false);
    expect(decision.policy.revision).toBe(revision);
    expect((await validateInputs({ ...FIX7, bundleDir: signed, bundleKey: publicKey })).valid).toBe(true);
  });

  it('refuses an unsigned or wrongly signed bundle under bundleKey, and a checked bundle beside bundleKey', async () => {
    expect((await rejection(openGate({ ...FIX7, bundleDir: plain, bundleKey: publicKey }))).code).toBe('bundle-seal');
    expect((await rejection(openGate({ ...FIX7, bundleDir: signed, bundleKey: otherKey }))).code).toBe('bundle-seal');
    const e = await rejection(openGate({ ...FIX7, bundleKey: publicKey }, readSealedBundle(signed, { keyFile: publicKey })));
    expect([e.code, e.message]).toEqual(['usage', 'openGate: give a bundle or bundleKey, not both (pass the key to readSealedBundle)']);
  });
});

describe('the decision log and replay', () => {
  it('the log names the bundle revision; replay with the same bundle matches, without it refuses and says which to give', async () => {
    const log = join(root, 'decisions.jsonl');
    expect((await check(['--bundle', plain, '--decision-log', log])).code).toBe(2);
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
    expect(line.policy.revision).toBe(revision);
    const same = await blockgate(['replay', log, ...INPUTS, '--bundle', plain, '--format', 'json']);
    expect(same.code, same.stdout).toBe(0);
    const other = await blockgate(['replay', log, ...INPUTS, '--format', 'json']);
    expect(other.code).toBe(1);
    expect(other.json.error.code).toBe('usage');
    expect(other.json.error.message).toContain(`made by policy revision ${revision}`);
    expect(other.json.error.message).toContain('--bundle DIR');
  });
});

describe('--version', () => {
  it("prints blockgate's version, then the shipped bundle's policy revision and OPA version", async () => {
    const r = await blockgate(['--version']);
    const { seal } = readSealedBundle();
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(r.stdout).toContain(`policy revision ${seal.revision} (OPA ${seal.opa_version}`);
  });
});
