import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readOpaBundle, structuredForm, type OpaBundle, type ReadBundleOptions } from './opa-bundle.js';
import { tar, tarGz, type TarEntry } from '../../test/rules-bundle/tar-writer.js';
import { gzipSync } from 'node:zlib';
import { thrown } from '../../test/support/thrown.js';

const NAME = 'build/bundle.tar.gz';
const WASM = Buffer.concat([Buffer.from('\0asm\x01\0\0\0', 'latin1'), Buffer.from('module body')]);
const MANIFEST = JSON.stringify({ revision: 'abc123', roots: [''], wasm: [{ entrypoint: 'blockgate/decision', module: '/policy.wasm' }], rego_version: 1, metadata: { by: 'test' } });

function entries(extra: TarEntry[] = []): TarEntry[] {
  return [
    { name: '/data.json', content: '{"blockgate_rules_config":{"freeze":{"tz":"Europe/Paris"}}}' },
    { name: '/rules/freeze.rego', content: 'package blockgate.rules\n' },
    { name: '/policy.wasm', content: WASM },
    { name: '/.manifest', content: MANIFEST },
    ...extra,
  ];
}

function read(bytes: Uint8Array, opts: Partial<ReadBundleOptions> = {}): OpaBundle {
  return readOpaBundle(bytes, { name: NAME, ...opts });
}

/** The refusal's message; it is always bundle-seal and names the bundle. */
function refusal(bytes: Uint8Array, opts: Partial<ReadBundleOptions> = {}): string {
  const e = thrown(() => read(bytes, opts));
  expect(e.code).toBe('bundle-seal');
  expect(e.message).toContain(NAME);
  return e.message;
}

describe('readOpaBundle: a well-formed bundle', () => {
  it('gives the manifest, policy.wasm, data.json and every file', () => {
    const b = read(tarGz(entries()));
    expect(b.manifest).toEqual({ revision: 'abc123', roots: [''], wasm: [{ entrypoint: 'blockgate/decision', module: '/policy.wasm' }], rego_version: 1, metadata: { by: 'test' } });
    expect(Buffer.from(b.wasm).equals(WASM)).toBe(true);
    expect(b.data).toEqual({ blockgate_rules_config: { freeze: { tz: 'Europe/Paris' } } });
    expect([...b.files.keys()].sort()).toEqual(['.manifest', 'data.json', 'policy.wasm', 'rules/freeze.rego']);
    expect(b.signed).toBe(false);
    expect(b.signature).toBeUndefined();
  });

  it('reads names without the leading slash, long names from the ustar prefix and from pax', () => {
    const long = `rules/${'d'.repeat(120)}/x.rego`;
    const b = read(tarGz(entries([
      { name: 'rules/plain.rego', content: 'a' },
      { name: 'x.rego', prefix: `/rules/${'p'.repeat(90)}`, content: 'b' },
      { name: 'ignored', pax: { path: `/${long}`, mtime: '0' }, content: 'c' },
    ])));
    expect(b.files.get('rules/plain.rego')).toEqual(new Uint8Array(Buffer.from('a')));
    expect(b.files.has(`rules/${'p'.repeat(90)}/x.rego`)).toBe(true);
    expect(b.files.get(long)).toEqual(new Uint8Array(Buffer.from('c')));
  });
});

describe('readOpaBundle: refusals', () => {
  const cases: Array<[string, () => Uint8Array, RegExp]> = [
    ['not gzip', () => Buffer.from('plain text, not an archive'), /not a gzip file/],
    ['empty', () => new Uint8Array(0), /not a gzip file/],
    ['truncated gzip', () => tarGz(entries()).subarray(0, 200), /not a whole gzip stream|truncated/],
    ['data after the gzip stream', () => Buffer.concat([tarGz(entries()), Buffer.from('x')]), /after its gzip stream/],
    ['two gzip members', () => Buffer.concat([tarGz(entries()), tarGz(entries())]), /after its gzip stream/],
    ['a gzip extra field', () => { const g = Buffer.from(tarGz(entries())); g[3] = 4; return g; }, /gzip header flags/],
    ['a tar without end marker', () => gzipSync(tar(entries()).subarray(0, -1024)), /no end marker/],
    ['data after the end marker', () => gzipSync(Buffer.concat([tar(entries()), Buffer.from('junk'), Buffer.alloc(508)])), /after it/],
    ['a tar cut inside an entry', () => gzipSync(Buffer.concat([tar([{ name: '/a.rego', content: 'x'.repeat(2000) }]).subarray(0, 1024)])), /truncated|end marker/],
    ['a lying size field', () => tarGz([{ name: '/a.rego', content: 'x', size: 100000 }]), /truncated|end marker/],
    ['a damaged header checksum', () => { const t = tar(entries()); t[10] = 0x41; return gzipSync(t); }, /checksum/],
    ['a non-ustar header', () => tarGz(entries([{ name: '/z.rego', magic: 'ustar  \0' }])), /not POSIX ustar/],
    ['a symlink', () => tarGz(entries([{ name: '/link.rego', type: '2' }])), /tar type "2"/],
    ['a hard link', () => tarGz(entries([{ name: '/hard.rego', type: '1' }])), /tar type "1"/],
    ['a directory', () => tarGz(entries([{ name: '/rules/', type: '5' }])), /tar type "5"|not a plain path/],
    ['a fifo', () => tarGz(entries([{ name: '/f.rego', type: '6' }])), /tar type "6"/],
    ['a global pax header', () => tarGz(entries([{ name: '/g', type: 'g', content: '9 a=b\n' }])), /tar type "g"/],
    ['a pax linkpath', () => tarGz(entries([{ name: '/l.rego', pax: { linkpath: '/etc/passwd' } }])), /pax record "linkpath"/],
    ['a malformed pax header', () => tarGz(entries([{ name: 'PaxHeader', type: 'x', content: 'garbage' }, { name: '/x.rego' }])), /malformed pax/],
    ['a pax header describing nothing', () => tarGz([...entries(), { name: 'PaxHeader', type: 'x', content: '11 path=/a\n' }]), /describes no entry/],
    ['a duplicate name', () => tarGz(entries([{ name: '/policy.wasm', content: WASM }])), /"policy.wasm" twice/],
    ['a duplicate after normalising the slash', () => tarGz(entries([{ name: 'data.json', content: '{}' }])), /"data.json" twice/],
    ['no manifest', () => tarGz(entries().filter((e) => e.name !== '/.manifest')), /has no \/\.manifest/],
    ['no policy.wasm', () => tarGz(entries().filter((e) => e.name !== '/policy.wasm')), /has no \/policy\.wasm/],
    ['no data.json', () => tarGz(entries().filter((e) => e.name !== '/data.json')), /has no \/data\.json/],
    ['a second wasm module', () => tarGz(entries([{ name: '/other/policy.wasm', content: WASM }])), /holds "other\/policy.wasm"/],
    ['a delta bundle patch', () => tarGz(entries([{ name: '/patch.json', content: '{}' }])), /holds "patch.json"/],
    ['policy.wasm that is not wasm', () => tarGz(entries().map((e) => (e.name === '/policy.wasm' ? { ...e, content: 'MZ not wasm' } : e))), /not a WebAssembly module/],
    ['data.json that is an array', () => tarGz(entries().map((e) => (e.name === '/data.json' ? { ...e, content: '[]' } : e))), /not a JSON object/],
    ['data.json with a duplicate key', () => tarGz(entries().map((e) => (e.name === '/data.json' ? { ...e, content: '{"a":1,"a":2}' } : e))), /duplicate key/],
    ['a manifest that is not JSON', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{revision' } : e))), /\.manifest line 1/],
    ['a manifest with an unknown field', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"revision":"r","extra":1}' } : e))), /field "extra"/],
    ['a manifest with a non-string revision', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"revision":7}' } : e))), /revision is not a string/],
    ['overlapping roots', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"roots":["a","a/b"]}' } : e))), /overlap/],
    ['an entrypoint outside the roots', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"roots":["x"],"wasm":[{"entrypoint":"blockgate/decision","module":"/policy.wasm"}]}' } : e))), /outside its roots/],
    ['a duplicate entrypoint', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"wasm":[{"entrypoint":"a/b","module":"/policy.wasm"},{"entrypoint":"a/b","module":"/policy.wasm"}]}' } : e))), /twice/],
    ['a wasm module other than /policy.wasm', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"wasm":[{"entrypoint":"a/b","module":"/x.wasm"}]}' } : e))), /names the wasm module/],
    ['rego_version 0', () => tarGz(entries().map((e) => (e.name === '/.manifest' ? { ...e, content: '{"rego_version":0}' } : e))), /rego_version/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(refusal(make())).toMatch(message);
    });
  }

  const badNames = ['../etc/passwd', '/../x.rego', '/rules/../../x.rego', 'rules/./x.rego', '//server/x.rego', 'rules//x.rego',
    'C:/x.rego', 'c:x.rego', 'rules\\x.rego', '/rules/x.rego/', '', '/', 'a\u0001.rego', './x.rego', '..'];
  for (const bad of badNames) {
    it(`refuses the entry name ${JSON.stringify(bad)}`, () => {
      expect(refusal(tarGz(entries([{ name: bad, content: 'x' }])))).toMatch(/not a plain path inside the bundle/);
      expect(refusal(tarGz(entries([{ name: 'safe.rego', pax: { path: bad }, content: 'x' }])))).toMatch(/not a plain path inside the bundle/);
    });
  }

  it('bounds every size: compressed, per file, total and entries', () => {
    const big = tarGz(entries([{ name: '/big.rego', content: 'x'.repeat(100_000) }]));
    expect(refusal(big, { limits: { compressedBytes: 100 } })).toMatch(/over the limit of 100/);
    expect(refusal(big, { limits: { fileBytes: 50_000 } })).toMatch(/entry of 100000 bytes, over the limit of 50000/);
    expect(refusal(big, { limits: { totalBytes: 90_000 } })).toMatch(/unpacks to more than 90000 bytes/);
    expect(refusal(tarGz(entries()), { limits: { entries: 3 } })).toMatch(/more than 3 entries/);
    // A gzip bomb: 64 MiB of zeros is refused while inflating, not after.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    expect(refusal(bomb, { limits: { totalBytes: 1024 * 1024 } })).toMatch(/unpacks to more than 1048576 bytes/);
  });

  it('refuses a pax size that is not a number', () => {
    expect(refusal(tarGz(entries([{ name: '/s.rego', pax: { size: '1e3' }, content: 'x' }])))).toMatch(/pax size/);
  });
});

describe('readOpaBundle: generated hostile archives never yield a bundle', () => {
  const original = tarGz(entries());
  const originalFiles = read(original).files;

  // A mutated archive is either refused (bundle-seal, naming the bundle) or, when the mutation
  // only touched bytes that carry no content (the gzip header's mtime or OS byte), it yields
  // exactly the original files: never anything else.
  function refusedOrOriginal(bytes: Uint8Array): void {
    let b: OpaBundle;
    try {
      b = read(bytes);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('bundle-seal');
      expect((e as Error).message).toContain(NAME);
      return;
    }
    expect([...b.files.keys()].sort()).toEqual([...originalFiles.keys()].sort());
    for (const [k, v] of b.files) expect(Buffer.from(v).equals(Buffer.from(originalFiles.get(k)!))).toBe(true);
  }

  it('truncated at any point', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: original.length - 1 }), (n) => {
      expect(refusal(original.subarray(0, n))).toBeTruthy();
    }), { numRuns: 300 });
  });

  it('with bits flipped anywhere', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: original.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), (flips) => {
      const bytes = Buffer.from(original);
      for (const [at, bit] of flips) bytes[at]! ^= 1 << bit;
      refusedOrOriginal(bytes);
    }), { numRuns: 500 });
  });

  it('with bits flipped in the tar itself (re-compressed, so gzip checks pass)', () => {
    const raw = tar(entries());
    fc.assert(fc.property(fc.integer({ min: 0, max: raw.length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
      const bytes = Buffer.from(raw);
      bytes[at]! ^= 1 << bit;
      let b: OpaBundle | undefined;
      try {
        b = read(gzipSync(bytes));
      } catch (e) {
        expect((e as { code?: string }).code).toBe('bundle-seal');
        return;
      }
      // A flip in content, or in padding or an inert header field, must still read as what it says.
      const differs = [...b.files].some(([k, v]) => !Buffer.from(v).equals(Buffer.from(originalFiles.get(k) ?? [])));
      if (differs) expect(b.files.size).toBe(originalFiles.size);
    }), { numRuns: 400 });
  });

  const hostileName = fc.oneof(
    fc.constantFrom('../x.rego', '/../x', 'a/../../b', '//x', 'C:/x', 'a\\b', 'a//b', './a', 'a/.', '', '/'),
    fc.array(fc.constantFrom('..', '.', '', 'a', 'rules', 'x.rego'), { minLength: 1, maxLength: 5 }).map((s) => s.join('/'))
      .filter((s) => s.replace(/^\//, '').split('/').some((p) => p === '..' || p === '.' || p === '')),
  );
  const hostileEntry: fc.Arbitrary<TarEntry[]> = fc.oneof(
    hostileName.map((name) => [{ name, content: 'x' }]),
    hostileName.map((name) => [{ name: 'ok.rego', pax: { path: name }, content: 'x' }]),
    fc.constantFrom('1', '2', '3', '4', '5', '6', '7', 'g', 'L', 'K', 'S').map((type) => [{ name: '/n.rego', type }]),
    fc.constantFrom('/policy.wasm', '/data.json', '/.manifest', 'policy.wasm', '/rules/freeze.rego').map((name) => [{ name, content: '{}' }]),
    fc.integer({ min: 200_000, max: 400_000 }).map((n) => [{ name: '/huge.rego', content: 'y'.repeat(n) }]),
  );

  it('with hostile entries mixed in anywhere', () => {
    fc.assert(fc.property(hostileEntry, fc.nat(), (bad, pos) => {
      const list = entries();
      list.splice(pos % (list.length + 1), 0, ...bad);
      expect(refusal(tarGz(list), { limits: { fileBytes: 100_000 } })).toBeTruthy();
    }), { numRuns: 300 });
  });
});

// ---------------------------------------------------------------------------------------------
// Signatures, signed here the way OPA signs (the suite under test/rules-bundle checks bundles
// that opa build itself signed).

function jwt(header: object, payload: object, signer: (input: Buffer) => Buffer): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

function fileClaims(list: TarEntry[]): Array<{ name: string; hash: string; algorithm: string }> {
  return list.map((e) => {
    const bytes = Buffer.from(e.content ?? '');
    const path = e.name.replace(/^\//, '');
    const hashed = /(^|\/)(data\.json|\.manifest)$/.test(path) ? structuredForm(bytes, path) : bytes;
    return { name: path, hash: createHash('sha256').update(hashed).digest('hex'), algorithm: 'SHA-256' };
  });
}

function signedBundle(privateKey: KeyObject, opts: { alg?: string; files?: TarEntry[]; claims?: object; header?: object; tamper?: (list: TarEntry[]) => TarEntry[] } = {}): Buffer {
  const list = opts.files ?? entries();
  const alg = opts.alg ?? 'RS256';
  const token = jwt({ alg, kid: 'default', typ: 'JWT', ...opts.header }, { files: fileClaims(list), keyid: 'default', ...opts.claims }, (input) => {
    if (alg === 'EdDSA') return sign(null, input, privateKey);
    const hash = `sha${alg.slice(2)}`;
    if (alg.startsWith('ES')) return sign(hash, input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    if (alg.startsWith('PS')) return sign(hash, input, { key: privateKey, padding: 6, saltLength: Number(alg.slice(2)) / 8 });
    return sign(hash, input, privateKey);
  });
  const withSig = [...list, { name: '/.signatures.json', content: JSON.stringify({ signatures: [token], plugin: '_default' }) }];
  return tarGz(opts.tamper ? opts.tamper(withSig) : withSig);
}

describe('readOpaBundle: signatures', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const ed = generateKeyPairSync('ed25519');

  const pairs: Array<[string, { publicKey: KeyObject; privateKey: KeyObject }]> = [
    ['RS256', rsa], ['RS384', rsa], ['RS512', rsa], ['PS256', rsa], ['PS384', rsa], ['PS512', rsa],
    ['ES256', p256], ['ES384', p384], ['ES512', p521], ['EdDSA', ed],
  ];
  for (const [alg, pair] of pairs) {
    it(`verifies ${alg}`, () => {
      const b = read(signedBundle(pair.privateKey, { alg }), { key: pair.publicKey });
      expect(b.signed).toBe(true);
      expect(b.signature).toEqual({ algorithm: alg, keyid: 'default', scope: undefined });
    });
  }

  it('reads a signed bundle without a key, but does not vouch for it', () => {
    const b = read(signedBundle(rsa.privateKey));
    expect(b.signed).toBe(true);
    expect(b.signature).toBeUndefined();
  });

  it('refuses an unsigned bundle when a key is given', () => {
    expect(refusal(tarGz(entries()), { key: rsa.publicKey })).toMatch(/is not signed .*bundle key makes the signature mandatory/);
  });

  it('refuses a signature by another key', () => {
    expect(refusal(signedBundle(other.privateKey), { key: rsa.publicKey })).toMatch(/does not verify with the bundle key \(RS256\)/);
  });

  it('refuses an algorithm the key cannot verify (no algorithm confusion)', () => {
    expect(refusal(signedBundle(p256.privateKey, { alg: 'ES256' }), { key: rsa.publicKey })).toMatch(/ES256, which a rsa key cannot verify/);
    expect(refusal(signedBundle(p384.privateKey, { alg: 'ES384' }), { key: p256.publicKey })).toMatch(/needs a secp384r1 key/);
  });

  it('refuses HS256 under a PEM key, saying why', () => {
    const token = jwt({ alg: 'HS256', typ: 'JWT' }, { files: fileClaims(entries()) }, () => Buffer.alloc(32));
    const bytes = tarGz([...entries(), { name: '/.signatures.json', content: JSON.stringify({ signatures: [token] }) }]);
    expect(refusal(bytes, { key: rsa.publicKey })).toMatch(/HS256, an HMAC shared secret: a PEM public key \(--bundle-key\) cannot verify it/);
  });

  it('refuses alg none and unknown header fields', () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ files: fileClaims(entries()) })).toString('base64url')}.`;
    expect(refusal(tarGz([...entries(), { name: '/.signatures.json', content: JSON.stringify({ signatures: [none] }) }]), { key: rsa.publicKey })).toMatch(/algorithm "none"/);
    expect(refusal(signedBundle(rsa.privateKey, { header: { crit: ['exp'] } }), { key: rsa.publicKey })).toMatch(/header has "crit"/);
  });

  it('refuses a file changed after signing', () => {
    const tampered = signedBundle(rsa.privateKey, { tamper: (l) => l.map((e) => (e.name === '/policy.wasm' ? { ...e, content: Buffer.concat([WASM, Buffer.from('!')]) } : e)) });
    expect(refusal(tampered, { key: rsa.publicKey })).toMatch(/"policy.wasm" does not match its signed hash/);
    const data = signedBundle(rsa.privateKey, { tamper: (l) => l.map((e) => (e.name === '/data.json' ? { ...e, content: '{"blockgate_rules_config":{}}' } : e)) });
    expect(refusal(data, { key: rsa.publicKey })).toMatch(/"data.json" does not match its signed hash/);
  });

  it('accepts data.json and .manifest rewritten with other white space and key order (OPA hashes their JSON)', () => {
    const b = read(signedBundle(rsa.privateKey, { tamper: (l) => l.map((e) => (e.name === '/data.json' ? { ...e, content: '{ "blockgate_rules_config" : { "freeze" : { "tz" : "Europe/Paris" } } }\n' } : e)) }), { key: rsa.publicKey });
    expect(b.signature?.algorithm).toBe('RS256');
  });

  it('refuses a file the signature does not list, and a listed file the bundle lacks', () => {
    const extra = signedBundle(rsa.privateKey, { tamper: (l) => [...l, { name: '/rules/extra.rego', content: 'package blockgate.rules\n' }] });
    expect(refusal(extra, { key: rsa.publicKey })).toMatch(/does not cover "rules\/extra.rego"/);
    const missing = signedBundle(rsa.privateKey, { tamper: (l) => l.filter((e) => e.name !== '/rules/freeze.rego') });
    expect(refusal(missing, { key: rsa.publicKey })).toMatch(/lists "rules\/freeze.rego", which the bundle does not hold/);
  });

  it('refuses a duplicate, a weak hash, a scope mismatch and a malformed signatures file', () => {
    const list = entries();
    const dup = jwt({ alg: 'RS256' }, { files: [...fileClaims(list), ...fileClaims(list.slice(0, 1))] }, (i) => sign('sha256', i, rsa.privateKey));
    expect(refusal(tarGz([...list, { name: '/.signatures.json', content: JSON.stringify({ signatures: [dup] }) }]), { key: rsa.publicKey })).toMatch(/lists "data.json" twice/);
    const md5 = jwt({ alg: 'RS256' }, { files: fileClaims(list).map((f) => ({ ...f, algorithm: 'MD5' })) }, (i) => sign('sha256', i, rsa.privateKey));
    expect(refusal(tarGz([...list, { name: '/.signatures.json', content: JSON.stringify({ signatures: [md5] }) }]), { key: rsa.publicKey })).toMatch(/with "MD5"/);
    expect(refusal(signedBundle(rsa.privateKey, { claims: { scope: 'write' } }), { key: rsa.publicKey })).toMatch(/scope "write", not ""/);
    expect(read(signedBundle(rsa.privateKey, { claims: { scope: 'write' } }), { key: rsa.publicKey, scope: 'write' }).signature?.scope).toBe('write');
    for (const content of ['{}', '{"signatures":[]}', '{"signatures":["a.b.c","d.e.f"]}', '{"signatures":["a.b"]}', '{"signatures":["a.b.c"],"plugin":"custom"}', 'not json']) {
      expect(refusal(tarGz([...list, { name: '/.signatures.json', content }]), { key: rsa.publicKey })).toMatch(/signature|signatures\.json/);
    }
  });

  it('refuses a signature over a payload changed after signing', () => {
    const good = signedBundle(rsa.privateKey);
    const b = read(good);
    const token = (JSON.parse(Buffer.from(b.files.get('.signatures.json')!).toString()) as { signatures: string[] }).signatures[0]!;
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ files: [] })).toString('base64url')}.${s}`;
    const list = entries();
    expect(refusal(tarGz([...list, { name: '/.signatures.json', content: JSON.stringify({ signatures: [forged] }) }]), { key: rsa.publicKey })).toMatch(/does not verify/);
  });
});

describe('structuredForm (OPA bundle/hash.go)', () => {
  it('sorts keys by UTF-8 bytes, keeps numbers as written, escapes as Go does without HTML escaping', () => {
    const text = '{ "z": 1.0, "a": [1e2, -0, true, null], "\uE000": "x", "\u{1F600}": "y", "s": "<>&\\u2028\\b\\f\\u0001\\u007f\\/" }';
    expect(structuredForm(Buffer.from(text), 't')).toBe('{"a":[1e2,-0,true,null],"s":"<>&\\u2028\\b\\f\\u0001\u007f/","z":1.0,"\uE000":"x","\u{1F600}":"y"}');
  });

  it('refuses what the strict reader refuses', () => {
    expect(thrown(() => structuredForm(Buffer.from('{"a":1,"a":2}'), 'x/data.json')).message).toMatch(/x\/data.json line 1: duplicate key/);
  });
});

describe('readOpaBundle: generated hostile signatures never verify', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const good = signedBundle(rsa.privateKey);
  const token = (JSON.parse(Buffer.from(read(good).files.get('.signatures.json')!).toString()) as { signatures: string[] }).signatures[0]!;

  it('a JWT with any character changed, dropped or added is refused', () => {
    fc.assert(fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom('change', 'drop', 'add'), fc.constantFrom('A', '_', '-', '.', '=', '0', 'z'), (at, how, c) => {
      const forged = how === 'drop' ? token.slice(0, at) + token.slice(at + 1)
        : how === 'add' ? token.slice(0, at) + c + token.slice(at)
          : token.slice(0, at) + (token[at] === c ? 'B' : c) + token.slice(at + 1);
      fc.pre(forged !== token);
      const bytes = tarGz([...entries(), { name: '/.signatures.json', content: JSON.stringify({ signatures: [forged] }) }]);
      let result: OpaBundle | undefined;
      try {
        result = read(bytes, { key: rsa.publicKey });
      } catch (e) {
        expect((e as { code?: string }).code).toBe('bundle-seal');
        return;
      }
      // Base64url has slack in its last character: the same bytes may still decode. Then the
      // signature verified over exactly the signed header and payload, so nothing was forged.
      expect(result.signature?.algorithm).toBe('RS256');
      const [h, p, s] = forged.split('.');
      const [h0, p0, s0] = token.split('.');
      expect(Buffer.from(h!, 'base64url').equals(Buffer.from(h0!, 'base64url'))
        && Buffer.from(p!, 'base64url').equals(Buffer.from(p0!, 'base64url'))
        && Buffer.from(s!, 'base64url').equals(Buffer.from(s0!, 'base64url'))).toBe(true);
    }), { numRuns: 300 });
  });

  it('any JSON in .signatures.json is refused under a key unless it is the real signature', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const bytes = tarGz([...entries(), { name: '/.signatures.json', content: JSON.stringify(value) }]);
      expect(refusal(bytes, { key: rsa.publicKey })).toBeTruthy();
    }), { numRuns: 200 });
  });
});
