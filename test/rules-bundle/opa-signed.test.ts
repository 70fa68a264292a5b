// Bundles that the pinned opa itself built and signed (opa build -b --signing-key), read and
// verified by readOpaBundle; and the same bundles tampered with after signing.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOpaBundle, type OpaBundle } from '../../src/engine/opa-bundle.js';
import { OPA } from '../differential/opa.js';
import { thrown } from '../support/thrown.js';
import { tarGz, type TarEntry } from './tar-writer.js';

const RULE = 'package blockgate.rules\n\n# METADATA\n# title: Freeze\ndeny contains {"id": "freeze", "message": "frozen"} if input.action == "apply"\n';
// Strings Go's JSON encoder writes its own way (U+2028, \b, <>&), numbers as written, keys
// whose UTF-8 and UTF-16 orders differ: the structured hash must match OPA's byte for byte.
const DATA = '{"blockgate_rules_config": {"freeze": {"note": "<a&b>\\u2028\\b\\f\\u0001", "n": 1.50, "big": 1e40, "\uE000": 1, "\u{1F600}": 2, "list": [3, 1]}}}';

let dir: string;
let stage: string;

function build(out: string, args: string[]): Buffer {
  execFileSync(OPA, ['build', '-b', '.', '-t', 'wasm', '-e', 'blockgate/rules/deny', '--revision', 'rev-1', '-o', out, ...args], { cwd: stage, stdio: 'pipe' });
  return readFileSync(out);
}

function writeKey(name: string, key: KeyObject): string {
  const path = join(dir, name);
  writeFileSync(path, key.export({ type: 'pkcs8', format: 'pem' }));
  return path;
}

function repack(b: OpaBundle, change: (entries: TarEntry[]) => TarEntry[]): Buffer {
  return tarGz(change([...b.files].map(([name, content]) => ({ name: `/${name}`, content }))));
}

function refusal(bytes: Uint8Array, key: KeyObject): string {
  const e = thrown(() => readOpaBundle(bytes, { name: 'out/bundle.tar.gz', key }));
  expect(e.code).toBe('bundle-seal');
  expect(e.message).toContain('out/bundle.tar.gz');
  return e.message;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bg-signed-'));
  stage = join(dir, 'stage');
  mkdirSync(join(stage, 'rules'), { recursive: true });
  mkdirSync(join(stage, 'blockgate_rules_config'), { recursive: true });
  writeFileSync(join(stage, 'rules', 'freeze.rego'), RULE);
  writeFileSync(join(stage, 'data.json'), DATA);
});

describe('bundles signed by opa build', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys: Array<[string, { publicKey: KeyObject; privateKey: KeyObject }]> = [
    ['RS256', rsa],
    ['PS512', rsa],
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['ES384', generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['ES512', generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['EdDSA', generateKeyPairSync('ed25519')],
  ];

  for (const [alg, pair] of keys) {
    it(`verifies ${alg}, and refuses it tampered`, () => {
      const bytes = build(join(dir, `${alg}.tar.gz`), ['--signing-key', writeKey(`${alg}.pem`, pair.privateKey), '--signing-alg', alg]);
      const b = readOpaBundle(bytes, { name: 'out/bundle.tar.gz', key: pair.publicKey });
      expect(b.signature?.algorithm).toBe(alg);
      expect(b.manifest.revision).toBe('rev-1');
      expect(b.manifest.wasm.map((w) => w.entrypoint)).toEqual(['blockgate/rules/deny']);
      expect((b.data as { blockgate_rules_config: { freeze: { n: number } } }).blockgate_rules_config.freeze.n).toBe(1.5);
      expect([...b.files.keys()].sort()).toEqual(['.manifest', '.signatures.json', 'data.json', 'policy.wasm', 'rules/freeze.rego']);

      // Repacked unchanged, it still verifies: the checks are on content, not on archive bytes.
      expect(readOpaBundle(repack(b, (e) => e), { name: 'x', key: pair.publicKey }).signature?.algorithm).toBe(alg);
      const rule = repack(b, (e) => e.map((f) => (f.name === '/rules/freeze.rego' ? { ...f, content: RULE.replace('"apply"', '"plan"') } : f)));
      expect(refusal(rule, pair.publicKey)).toMatch(/"rules\/freeze.rego" does not match its signed hash/);
      const data = repack(b, (e) => e.map((f) => (f.name === '/data.json' ? { ...f, content: '{"blockgate_rules_config":{}}' } : f)));
      expect(refusal(data, pair.publicKey)).toMatch(/"data.json" does not match its signed hash/);
      const manifest = repack(b, (e) => e.map((f) => (f.name === '/.manifest' ? { ...f, content: Buffer.from(f.content as Uint8Array).toString().replace('rev-1', 'rev-2') } : f)));
      expect(refusal(manifest, pair.publicKey)).toMatch(/".manifest" does not match its signed hash/);
      const extra = repack(b, (e) => [...e, { name: '/rules/more.rego', content: RULE }]);
      expect(refusal(extra, pair.publicKey)).toMatch(/does not cover "rules\/more.rego"/);
      const fewer = repack(b, (e) => e.filter((f) => f.name !== '/rules/freeze.rego'));
      expect(refusal(fewer, pair.publicKey)).toMatch(/lists "rules\/freeze.rego", which the bundle does not hold/);
      const unsigned = repack(b, (e) => e.filter((f) => f.name !== '/.signatures.json'));
      expect(refusal(unsigned, pair.publicKey)).toMatch(/is not signed/);
    });
  }

  it('refuses a bundle opa signed with another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const bytes = build(join(dir, 'other.tar.gz'), ['--signing-key', writeKey('other.pem', other.privateKey)]);
    expect(refusal(bytes, rsa.publicKey)).toMatch(/does not verify with the bundle key \(RS256\)/);
  });

  it('refuses an HS256 bundle under a PEM key, saying a public key cannot verify HMAC', () => {
    const bytes = build(join(dir, 'hs.tar.gz'), ['--signing-key', 'a shared secret', '--signing-alg', 'HS256']);
    expect(refusal(bytes, rsa.publicKey)).toMatch(/HS256, an HMAC shared secret: a PEM public key \(--bundle-key\) cannot verify it/);
  });

  it('refuses an unsigned opa bundle under a key, and reads it without one', () => {
    const bytes = build(join(dir, 'unsigned.tar.gz'), []);
    expect(refusal(bytes, rsa.publicKey)).toMatch(/is not signed/);
    expect(readOpaBundle(bytes, { name: 'u' }).signed).toBe(false);
  });

  it('honours a signed scope (opa build --claims-file) only when asked for it', () => {
    writeFileSync(join(dir, 'claims.json'), '{"scope": "write"}');
    const bytes = build(join(dir, 'scoped.tar.gz'), ['--signing-key', writeKey('scoped.pem', rsa.privateKey), '--claims-file', join(dir, 'claims.json')]);
    expect(refusal(bytes, rsa.publicKey)).toMatch(/scope "write", not ""/);
    expect(readOpaBundle(bytes, { name: 's', key: rsa.publicKey, scope: 'write' }).signature?.scope).toBe('write');
  });
});
