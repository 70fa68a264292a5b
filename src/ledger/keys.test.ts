import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import type { Envelope, GrantFields } from '../schema/types.js';
import {
  generateKeyPair, loadPrivateKey, loadPublicKey, loadTrust, parseTrustText, publicKeyPemOf, samePublicKey,
  signEntry, verifyEntrySig,
} from './keys.js';
import { thrown } from '../../test/support/thrown.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');


const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaPrivatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();

type SignedGrant = GrantFields & Envelope;

function unsignedGrant(): Omit<SignedGrant, 'sig'> {
  return {
    seq: 1, id: 'G-1', type: 'grant', key: 'owner-1', role: 'owner', issued_at: '2026-11-20T10:00:00Z',
    action: 'apply', environment: 'production', resolves: ['B-1'], prev: '0'.repeat(64),
  };
}

describe('key pairs', () => {
  it('generates Ed25519 PKCS#8 and SPKI PEM that load back', () => {
    const pair = generateKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const priv = loadPrivateKey(pair.privateKeyPem, 'k.key');
    const pub = loadPublicKey(pair.publicKeyPem, { file: 'k.pub' });
    expect(publicKeyPemOf(priv)).toBe(pair.publicKeyPem);
    expect(samePublicKey(priv, pub)).toBe(true);
    expect(samePublicKey(priv, loadPublicKey(generateKeyPair().publicKeyPem, { file: 'x' }))).toBe(false);
  });

  it.each([
    ['an RSA key', rsaPrivatePem, /k\.key: rsa key, not Ed25519/],
    ['an EC key', ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /k\.key: ec key, not Ed25519/],
    ['a public key', generateKeyPair().publicKeyPem, /k\.key: not an unencrypted PKCS#8 PEM private key/],
    ['an old-style RSA PEM', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), /not an unencrypted PKCS#8/],
    ['garbage', 'hello', /not an unencrypted PKCS#8/],
    ['a damaged PEM body', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /cannot read the private key/],
  ])('refuses %s as a private key', (_name, pem, message) => {
    const err = thrown(() => loadPrivateKey(pem, 'k.key'));
    expect(err.code).toBe('usage');
    expect(err.message).toMatch(message);
    expect(err.file).toBe('k.key');
  });

  it.each([
    ['an RSA key', rsaPublicPem, /rsa key, not Ed25519/],
    ['an EC key', ecPublicPem, /ec key, not Ed25519/],
    ['a private key (which Node would turn into its public half)', generateKeyPair().privateKeyPem, /not an SPKI PEM public key/],
    ['garbage', 'MCowBQYDK2VwAyEA', /not an SPKI PEM public key/],
  ])('refuses %s as a public key, naming where', (_name, pem, message) => {
    const err = thrown(() => loadPublicKey(pem, { file: 'trust.json', line: 7 }));
    expect(err.code).toBe('trust-schema');
    expect(err.message).toMatch(/^trust\.json line 7: /);
    expect(err.message).toMatch(message);
    expect(err.line).toBe(7);
  });
});

describe('entry signatures', () => {
  const pair = generateKeyPair();
  const priv = loadPrivateKey(pair.privateKeyPem, 'k');
  const pub = loadPublicKey(pair.publicKeyPem, { file: 'k' });

  it('signs the canonical entry without sig, in padded standard base64', () => {
    const sig = signEntry(unsignedGrant(), priv);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const entry = { ...unsignedGrant(), sig } as SignedGrant;
    expect(verifyEntrySig(entry, pub)).toBe(true);
    // Key order does not matter (canonical form); an existing sig is not signed over.
    const reordered = Object.fromEntries(Object.entries({ ...unsignedGrant(), sig: 'x' }).reverse());
    expect(signEntry(reordered, priv)).toBe(sig);
  });

  it('fails for any change, another key, or a non-canonical spelling of the signature', () => {
    const sig = signEntry(unsignedGrant(), priv);
    const entry = { ...unsignedGrant(), sig } as SignedGrant;
    expect(verifyEntrySig({ ...entry, resolves: ['B-1', 'B-2'] }, pub)).toBe(false);
    expect(verifyEntrySig({ ...entry, note: '' }, pub)).toBe(false);
    expect(verifyEntrySig(entry, loadPublicKey(generateKeyPair().publicKeyPem, { file: 'k' }))).toBe(false);
    // Same 64 bytes, but the last data character's unused low bits set: another spelling.
    const last = sig[85]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sloppy = sig.slice(0, 85) + alphabet[alphabet.indexOf(last) + 1] + '==';
    expect(Buffer.from(sloppy, 'base64').equals(Buffer.from(sig, 'base64'))).toBe(true);
    expect(verifyEntrySig({ ...entry, sig: sloppy }, pub)).toBe(false);
    expect(verifyEntrySig({ ...entry, sig: sig.slice(0, 86) }, pub)).toBe(false);
    expect(verifyEntrySig({ ...entry, sig: `${'A'.repeat(86)}==` }, pub)).toBe(false);
  });
});

describe('loadTrust', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-trust-'));
  const owner = generateKeyPair();
  const operator = generateKeyPair();
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const trustText = (keys: unknown[]) => `${JSON.stringify({ keys }, null, 2)}\n`;

  it('reads keys by id with normalised roles', () => {
    const path = write('ok.json', trustText([
      { id: 'owner-1', role: '  Owner ', public_key: owner.publicKeyPem },
      { id: 'op-1', role: 'Release   Operator', public_key: operator.publicKeyPem },
    ]));
    const trust = loadTrust(path);
    expect(trust.file).toBe(path);
    expect([...trust.keys.keys()]).toEqual(['owner-1', 'op-1']);
    expect(trust.keys.get('owner-1')).toMatchObject({ role: '  Owner ', normalisedRole: 'owner', line: 3 });
    expect(trust.keys.get('op-1')?.normalisedRole).toBe('release operator');
  });

  it('gives each key its principal (SPEC 1.4): as written, else the key id', () => {
    const trust = parseTrustText(trustText([
      { id: 'owner-1', role: 'owner', public_key: owner.publicKeyPem, principal: 'Alice Example' },
      { id: 'op-1', role: 'operator', public_key: operator.publicKeyPem },
    ]), 't.json');
    expect(trust.keys.get('owner-1')?.principal).toBe('Alice Example');
    expect(trust.keys.get('op-1')?.principal).toBe('op-1');
  });

  it('is trust-schema for a principal that is not a non-empty string without control characters', () => {
    for (const principal of ['', 7, null, 'a\nb']) {
      const err = thrown(() => parseTrustText(trustText([{ id: 'a', role: 'owner', public_key: owner.publicKeyPem, principal }]), 't.json'));
      expect(err.code).toBe('trust-schema');
      expect(err.message).toMatch(/^t\.json line \d+: \/keys\/0\/principal/);
    }
  });

  it('is trust-parse for a file that is missing or not JSON', () => {
    expect(thrown(() => loadTrust(join(dir, 'missing.json'))).code).toBe('trust-parse');
    const err = thrown(() => loadTrust(write('bad.json', '{\n  "keys": [,]\n}\n')));
    expect(err.code).toBe('trust-parse');
    expect(err.message).toMatch(/bad\.json line 2: /);
  });

  it('is trust-schema for a missing field or an unknown one', () => {
    const err = thrown(() => parseTrustText(trustText([{ id: 'a', public_key: owner.publicKeyPem, rolle: 'owner' }]), 't.json'));
    expect(err.code).toBe('trust-schema');
    expect(err.problems.map((p) => p.message).join('\n')).toMatch(/missing required field "role"/);
    expect(err.problems.map((p) => p.message).join('\n')).toMatch(/unknown field "rolle"/);
  });

  it('names the line of every key that is not an Ed25519 SPKI PEM, and every duplicate id', () => {
    const text = trustText([
      { id: 'owner-1', role: 'owner', public_key: owner.publicKeyPem },
      { id: 'rsa', role: 'owner', public_key: rsaPublicPem },
      { id: 'junk', role: 'owner', public_key: 'not a key' },
      { id: 'owner-1', role: 'operator', public_key: operator.publicKeyPem },
      { id: 'blank', role: '   ', public_key: operator.publicKeyPem },
    ]);
    const err = thrown(() => parseTrustText(text, 'trust.json'));
    expect(err.code).toBe('trust-schema');
    const lines = text.split('\n');
    const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    expect(err.problems.map((p) => [p.code, p.line])).toEqual([
      ['trust-schema', lineOf('"public_key"', lineOf('"rsa"'))],
      ['trust-schema', lineOf('"not a key"')],
      ['trust-schema', lineOf('{', lineOf('"junk"'))],
      ['trust-schema', lineOf('"   "')],
    ]);
    expect(err.problems[0]!.message).toMatch(/^trust\.json line \d+: key "rsa": public_key: rsa key, not Ed25519/);
    expect(err.problems[2]!.message).toMatch(/key id "owner-1" is already used on line 3/);
    expect(err.problems[3]!.message).toMatch(/key "blank": role is blank/);
  });

  it('the fixture trust file holds the fixture public keys, and the private keys match them', () => {
    const trust = loadTrust(join(FIXTURES, 'trust.test-only.json'));
    expect([...trust.keys.values()].map((k) => [k.id, k.normalisedRole])).toEqual([['owner-1', 'owner'], ['operator-1', 'operator']]);
    for (const id of ['owner-1', 'operator-1']) {
      const priv = loadPrivateKey(readFileSync(join(FIXTURES, 'keys', `${id}.test-only.key`), 'utf8'), id);
      const pub = loadPublicKey(readFileSync(join(FIXTURES, 'keys', `${id}.test-only.pub`), 'utf8'), { file: id });
      expect(samePublicKey(priv, pub)).toBe(true);
      expect(samePublicKey(priv, trust.keys.get(id)!.publicKey)).toBe(true);
    }
    const intruder = loadPrivateKey(readFileSync(join(FIXTURES, 'keys', 'intruder.test-only.key'), 'utf8'), 'intruder');
    expect([...trust.keys.values()].some((k) => samePublicKey(intruder, k.publicKey))).toBe(false);
  });
});

describe('trust file: one public key, one id', () => {
  it('refuses the same public key under two ids (it could hold two roles)', () => {
    const { publicKeyPem } = generateKeyPair();
    const text = JSON.stringify({ keys: [
      { id: 'a', role: 'owner', public_key: publicKeyPem },
      { id: 'b', role: 'operator', public_key: publicKeyPem },
    ] }, null, 2);
    let error: unknown;
    try { parseTrustText(text, 'trust.json'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(BlockgateError);
    expect((error as BlockgateError).code).toBe('trust-schema');
    expect((error as BlockgateError).message).toMatch(/^trust\.json line \d+: key "b" has the same public key as key "a"/);
  });
});
