// The one canonical-JSON function (RFC 8785), and the one hash: chain links and signatures are
// computed over these bytes, so every part of blockgate must use exactly these two.

import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The RFC 8785 (JCS) form of a JSON value. Throws a TypeError naming the offending path for
 * anything that is not plain JSON: `canonicalize` would silently drop or convert it, and a
 * signature over a silently changed value is worse than an error.
 */
export function canonicalJson(value: unknown): string {
  assertPlainJson(value, '', new Set());
  const text = canonicalize(value);
  // Unreachable after the check above; kept so the return type is honest.
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// A lone UTF-16 surrogate has no UTF-8 form, so it has no canonical form either.
const LONE_SURROGATE = /\p{Cs}/u;

function assertPlainJson(value: unknown, path: string, ancestors: Set<object>): void {
  const at = path === '' ? 'the value' : path;
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError(`${at}: a string with a lone UTF-16 surrogate is not JSON text`);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${at}: ${value} is not a JSON number`);
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`${at}: a ${typeof value} is not JSON`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw new TypeError(`${at}: circular reference`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError(`${path}/${i}: a hole in an array is not JSON`);
      assertPlainJson(value[i], `${path}/${i}`, ancestors);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`${at}: a ${name} is not a plain JSON object`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw new TypeError(`${at}: symbol keys are not JSON`);
    for (const [key, member] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) throw new TypeError(`${at}: a key with a lone UTF-16 surrogate is not JSON text`);
      assertPlainJson(member, `${path}/${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}
