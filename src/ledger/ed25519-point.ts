// Ed25519 public-key points checked by hand (SPEC 1.4): OpenSSL accepts small-order and
// non-canonical encodings, and under a small-order key forged signatures verify.

const P = 2n ** 255n - 19n;
/** The order of the prime-order subgroup. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function pow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

const D = mod(-121665n * pow(121666n, P - 2n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

/** A point in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z. */
export interface Point { X: bigint; Y: bigint; Z: bigint; T: bigint }

const IDENTITY: Point = { X: 0n, Y: 1n, Z: 1n, T: 0n };

/** Complete twisted Edwards addition (a = -1): also right for doubling and the identity. */
export function add(p: Point, q: Point): Point {
  const a = mod((p.Y - p.X) * (q.Y - q.X));
  const b = mod((p.Y + p.X) * (q.Y + q.X));
  const c = mod(p.T * 2n * D * q.T);
  const d = mod(p.Z * 2n * q.Z);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

export function multiply(point: Point, scalar: bigint): Point {
  let result = IDENTITY;
  let addend = point;
  let k = scalar;
  while (k > 0n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
    k >>= 1n;
  }
  return result;
}

export function isIdentity(p: Point): boolean {
  return mod(p.X) === 0n && mod(p.Y - p.Z) === 0n;
}

/** Decodes 32 bytes (RFC 8032 5.1.3); a string says why they are not a canonical point. */
export function decodePoint(bytes: Uint8Array): Point | string {
  if (bytes.length !== 32) return `a point has 32 bytes, not ${bytes.length}`;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(bytes[i]!);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= P) return 'not in canonical encoding (y is not reduced modulo 2^255-19)';
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return 'not a point on the Ed25519 curve';
  if (x === 0n && sign === 1n) return 'not in canonical encoding (negative zero x)';
  if ((x & 1n) !== sign) x = P - x;
  return { X: x, Y: y, Z: 1n, T: mod(x * y) };
}

/** Why a raw Ed25519 public key must be refused, or undefined for a canonical prime-order point. */
export function publicPointProblem(bytes: Uint8Array): string | undefined {
  const point = decodePoint(bytes);
  if (typeof point === 'string') return point;
  // Small order: [8]P is the identity. Mixed order: [L]P is not. Both let signatures be forged or malleated.
  if (isIdentity(multiply(point, 8n))) return 'a small-order point (any signature would verify under it)';
  if (!isIdentity(multiply(point, L))) return 'not of prime order (it has a small-order component)';
  return undefined;
}
