import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, decodePoint, isIdentity, multiply, publicPointProblem, L, type Point } from './ed25519-point.js';
import { parseTrustText } from './keys.js';

const SPKI_HEADER = Buffer.from('302a300506032b6570032100', 'hex');
const pemOf = (raw: Uint8Array) =>
  `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([SPKI_HEADER, raw]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
const P = 2n ** 255n - 19n;

function encode(p: Point): Buffer {
  const zi = modPow(p.Z, P - 2n);
  const x = (((p.X * zi) % P) + P) % P;
  const y = (((p.Y * zi) % P) + P) % P;
  const n = y | ((x & 1n) << 255n);
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function modPow(b: bigint, e: bigint): bigint {
  let r = 1n; let x = ((b % P) + P) % P;
  for (let k = e; k > 0n; k >>= 1n) { if (k & 1n) r = (r * x) % P; x = (x * x) % P; }
  return r;
}
function littleEndian(n: bigint): Buffer {
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function rawOf(pem: string): Buffer {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' }).subarray(12);
}
const trustWith = (raw: Uint8Array) =>
  JSON.stringify({ keys: [{ id: 'k', role: 'owner', public_key: pemOf(raw) }] });

/** The eight small-order points: the torsion parts [L]Q of random curve points Q. */
function torsionPoints(): Buffer[] {
  const found = new Map<string, Buffer>();
  for (let i = 0; found.size < 8 && i < 500; i++) {
    const q = decodePoint(randomBytes(32));
    if (typeof q === 'string') continue;
    const t = multiply(q, L);
    for (let k = 1n; k <= 8n; k++) {
      const e = encode(multiply(t, k));
      found.set(e.toString('hex'), e);
    }
  }
  return [...found.values()];
}

const TORSION = torsionPoints();

describe('Ed25519 public keys (SPEC 1.4: canonical, not of small order)', () => {
  it('finds all eight small-order points, the identity among them', () => {
    expect(TORSION).toHaveLength(8);
    expect(TORSION.map((b) => b.toString('hex'))).toContain(`01${'00'.repeat(31)}`);
  });

  it('refuses every small-order point, and a forged signature really verifies under one', () => {
    for (const raw of TORSION) {
      expect(publicPointProblem(raw)).toMatch(/small-order/);
      expect(() => parseTrustText(trustWith(raw), 'trust.json')).toThrow(/trust\.json.*small-order/);
    }
    // Why it matters: the identity key with R = identity, S = 0 verifies any message in OpenSSL.
    const identity = createPublicKey(pemOf(Buffer.from(`01${'00'.repeat(31)}`, 'hex')));
    const forged = Buffer.concat([Buffer.from(`01${'00'.repeat(31)}`, 'hex'), Buffer.alloc(32)]);
    expect(verify(null, Buffer.from('any entry'), identity, forged)).toBe(true);
  });

  it('refuses non-canonical encodings (y >= p, negative zero x), which would dodge the same-key check', () => {
    // The identity as y = p + 1, and points with x = 0 and the sign bit set.
    expect(publicPointProblem(littleEndian(P + 1n))).toMatch(/canonical/);
    expect(publicPointProblem(littleEndian(1n | (1n << 255n)))).toMatch(/canonical/);
    expect(publicPointProblem(littleEndian((P - 1n) | (1n << 255n)))).toMatch(/canonical/);
    for (let k = 0n; k < 19n; k++) expect(publicPointProblem(littleEndian(P + k))).toMatch(/canonical/);
  });

  it('refuses a mixed-order key: a valid key plus a small-order point', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const good = decodePoint(rawOf(publicKey.export({ type: 'spki', format: 'pem' }).toString())) as Point;
    for (const t of TORSION.filter((b) => b.toString('hex') !== `01${'00'.repeat(31)}`)) {
      const mixed = encode(add(good, decodePoint(t) as Point));
      expect(publicPointProblem(mixed)).toMatch(/prime order/);
      expect(() => parseTrustText(trustWith(mixed), 'trust.json')).toThrow(/prime order/);
    }
  });

  it('refuses encodings that are not on the curve, and keys of the wrong length', () => {
    expect(publicPointProblem(littleEndian(2n))).toMatch(/not a point/);
    expect(publicPointProblem(Buffer.alloc(31))).toMatch(/32 bytes/);
  });

  it('accepts generated keys, and signatures under them verify', () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      expect(publicPointProblem(rawOf(pem))).toBeUndefined();
      const trust = parseTrustText(JSON.stringify({ keys: [{ id: 'k', role: 'owner', public_key: pem }] }), 't.json');
      expect(verify(null, Buffer.from('x'), trust.keys.get('k')!.publicKey, sign(null, Buffer.from('x'), privateKey))).toBe(true);
    }
  });

  it('generated: any 32 bytes accepted are a canonical point of prime order', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      const raw = Buffer.from(bytes);
      if (publicPointProblem(raw) !== undefined) return;
      const point = decodePoint(raw) as Point;
      expect(encode(point).equals(raw)).toBe(true);
      expect(isIdentity(multiply(point, L))).toBe(true);
      expect(isIdentity(multiply(point, 8n))).toBe(false);
    }), { numRuns: 60 });
  });
});
