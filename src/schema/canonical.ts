// The one canonical-JSON function (RFC 8785), and the one hash: chain links and signatures are
// computed over these bytes, so every part of blockgate must use exactly these two.

import { createHash } from 'node:crypto';

/**
 * The RFC 8785 (JCS) form of a JSON value. Throws a TypeError naming the offending path for
 * anything that is not plain JSON (a library serialiser would silently drop or convert it, and a
 * signature over a silently changed value is worse than an error).
 *
 * One pass both checks and writes (issue 13: this runs twice per ledger entry). Strings and
 * numbers are written by JSON.stringify, which is RFC 8785's serialisation of both for finite
 * numbers and well-formed strings; members are sorted by key in UTF-16 code units. Checks run in
 * the value's own order (members as Object.entries gives them), so with several faults the one
 * named is always the same. Compared with the `canonicalize` package over generated values.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '', new Set());
}

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// A lone UTF-16 surrogate has no UTF-8 form, so it has no canonical form either.
const LONE_SURROGATE = /\p{Cs}/u;

function write(value: unknown, path: string, ancestors: Set<object>): string {
  const at = path === '' ? 'the value' : path;
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError(`${at}: a string with a lone UTF-16 surrogate is not JSON text`);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${at}: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${at}: a ${typeof value} is not JSON`);
  }
  if (value === null) return 'null';
  if (ancestors.has(value)) throw new TypeError(`${at}: circular reference`);
  ancestors.add(value);
  let text: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError(`${path}/${i}: a hole in an array is not JSON`);
      items.push(write(value[i], `${path}/${i}`, ancestors));
    }
    text = `[${items.join(',')}]`;
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`${at}: a ${name} is not a plain JSON object`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw new TypeError(`${at}: symbol keys are not JSON`);
    const members: [string, string][] = [];
    for (const [key, member] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) throw new TypeError(`${at}: a key with a lone UTF-16 surrogate is not JSON text`);
      members.push([key, `${JSON.stringify(key)}:${write(member, `${path}/${key}`, ancestors)}`]);
    }
    // Keys are distinct, so no two compare equal; < on strings compares UTF-16 code units.
    members.sort(([a], [b]) => (a < b ? -1 : 1));
    text = `{${members.map(([, m]) => m).join(',')}}`;
  }
  ancestors.delete(value);
  return text;
}
